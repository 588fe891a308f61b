//! Every fixture prints back byte for byte, and the valid ones have no errors.

use crate::support::{files_below, fixtures};
use wslint::syntax::parse;

#[test]
fn every_fixture_round_trips() {
    let files = files_below(&fixtures());
    assert!(files.len() >= 20, "fixtures/ looks empty: {files:?}");
    for path in files {
        let bytes = std::fs::read(&path).unwrap();
        let tree = parse(bytes.clone());
        assert!(
            tree.print() == bytes,
            "{} does not print back identically",
            path.display()
        );
    }
}

#[test]
fn valid_fixtures_have_no_syntax_errors() {
    let dirs = [fixtures().join("syntax/ok"), fixtures().join("demo")];
    let mut checked = 0;
    for dir in dirs {
        for path in files_below(&dir) {
            let tree = parse(std::fs::read(&path).unwrap());
            assert!(
                tree.errors.is_empty(),
                "{}: {:?}",
                path.display(),
                tree.errors
            );
            checked += 1;
        }
    }
    assert!(checked >= 15, "only {checked} valid fixtures found");
}

#[test]
fn lua_block_body_is_kept_raw() {
    let path = fixtures().join("syntax/ok/lua-block.conf");
    let tree = parse(std::fs::read(path).unwrap());
    let mut raw_bodies = Vec::new();
    let mut stack: Vec<_> = tree.directives().collect();
    while let Some(d) = stack.pop() {
        if let Some(raw) = d.raw_body() {
            raw_bodies.push((d.name().into_owned(), raw.to_vec()));
        }
        stack.extend(d.children());
    }
    assert_eq!(raw_bodies.len(), 2, "two *_by_lua_block directives");
    assert!(
        raw_bodies
            .iter()
            .all(|(name, _)| name.ends_with("_by_lua_block"))
    );
    assert!(
        raw_bodies
            .iter()
            .any(|(_, body)| body.windows(3).any(|w| w == b"\"}\"")),
        "a brace inside a Lua string stays in the raw body"
    );
}
