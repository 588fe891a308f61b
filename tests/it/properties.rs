//! Property tests: whatever the bytes, the parser does not panic and the tree
//! prints them back exactly, and every error span lies inside the input.

use proptest::prelude::*;
use wslint::syntax::parse;

/// Pieces of nginx-shaped text, so generated input reaches deep parser states
/// (quotes, escapes, braces, comments, Lua blocks) far more often than random
/// bytes do.
fn nginx_piece() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(b"server".to_vec()),
        Just(b"location".to_vec()),
        Just(b"content_by_lua_block".to_vec()),
        Just(b"{".to_vec()),
        Just(b"}".to_vec()),
        Just(b";".to_vec()),
        Just(b" ".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"\t".to_vec()),
        Just(b"#".to_vec()),
        Just(b"\"".to_vec()),
        Just(b"'".to_vec()),
        Just(b"\\".to_vec()),
        Just(b"$".to_vec()),
        Just(b"${".to_vec()),
        Just(b"(".to_vec()),
        Just(b")".to_vec()),
        Just(b"--[[".to_vec()),
        Just(b"]]".to_vec()),
        Just(vec![0xff]),
        Just(vec![0]),
        "[a-z/._:0-9]{1,8}".prop_map(String::into_bytes),
    ]
}

fn check(bytes: Vec<u8>) -> Result<(), TestCaseError> {
    let tree = parse(bytes.clone());
    prop_assert_eq!(tree.print(), bytes.clone());
    for e in &tree.errors {
        prop_assert!(e.span.start <= e.span.end && e.span.end as usize <= bytes.len());
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_bytes_round_trip(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        check(bytes)?;
    }

    #[test]
    fn nginx_shaped_input_round_trips(pieces in proptest::collection::vec(nginx_piece(), 0..200)) {
        check(pieces.concat())?;
    }
}
