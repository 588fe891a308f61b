//! Property tests: whatever the bytes, the parser does not panic and the tree
//! prints them back exactly, and every error span lies inside the input.

use proptest::prelude::*;
use wslint::syntax::parse;

/// Pieces of nginx-shaped text, so generated input reaches deep parser states
/// (quotes, escapes, braces, comments, Lua blocks) far more often than random
/// bytes do.
/// How many cases to run: `PROPTEST_CASES` when set (longer runs by hand,
/// e.g. `PROPTEST_CASES=30000 cargo test --test it properties`), else the
/// bounded count CI runs.
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

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
    #![proptest_config(ProptestConfig::with_cases(cases(2000)))]

    #[test]
    fn arbitrary_bytes_round_trip(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        check(bytes)?;
    }

    #[test]
    fn nginx_shaped_input_round_trips(pieces in proptest::collection::vec(nginx_piece(), 0..200)) {
        check(pieces.concat())?;
    }
}

/// A directive a WebSocket location may or may not have.
fn location_line() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just("proxy_pass http://127.0.0.1:9000;"),
        Just("proxy_pass ws://127.0.0.1:9000;"),
        Just("proxy_http_version 1.0;"),
        Just("proxy_http_version 1.1;"),
        Just("proxy_set_header Upgrade $http_upgrade;"),
        Just("proxy_set_header Upgrade \"\";"),
        Just("proxy_set_header Connection \"upgrade\";"),
        Just("proxy_set_header Connection \"\";"),
        Just("proxy_set_header Connection $connection_upgrade;"),
        Just("proxy_set_header Host $host;"),
        Just("proxy_set_header Origin \"\";"),
        Just("proxy_read_timeout 30s;"),
        Just("add_header Access-Control-Allow-Origin *;"),
        Just("add_header Access-Control-Allow-Credentials true;"),
        Just("# wslint: ignore WS006 pinging backend"),
        Just("# a comment"),
    ]
}

/// A whole configuration: maybe a map, a server with server-level lines,
/// and locations (one-line or multi-line, LF or CRLF).
fn config() -> impl Strategy<Value = Vec<u8>> {
    let location = (
        prop_oneof![Just("/ws/"), Just("/socket.io/"), Just("/"), Just("/api/")],
        proptest::collection::vec(location_line(), 0..6),
        any::<bool>(),
    );
    (
        any::<bool>(),
        proptest::collection::vec(location_line(), 0..3),
        proptest::collection::vec(location, 1..4),
        any::<bool>(),
    )
        .prop_map(|(map, server_lines, locations, crlf)| {
            let mut out = String::from("events {}\nhttp {\n");
            if map {
                out.push_str("    map $http_upgrade $connection_upgrade {\n        default upgrade;\n        '' close;\n    }\n");
            }
            out.push_str("    server {\n        listen 80;\n");
            for l in server_lines {
                out.push_str(&format!("        {l}\n"));
            }
            for (path, lines, one_line) in locations {
                if one_line {
                    let body: Vec<&str> = lines.iter().filter(|l| !l.starts_with('#')).copied().collect();
                    out.push_str(&format!("        location {path} {{ {} }}\n", body.join(" ")));
                } else {
                    out.push_str(&format!("        location {path} {{\n"));
                    for l in lines {
                        out.push_str(&format!("            {l}\n"));
                    }
                    out.push_str("        }\n");
                }
            }
            out.push_str("    }\n}\n");
            if crlf {
                out = out.replace('\n', "\r\n");
            }
            out.into_bytes()
        })
}

fn fix_in_memory(bytes: Vec<u8>) -> (Vec<u8>, usize) {
    use wslint::load::Loaded;
    use wslint::load::files::{Backing, EntryPoint, FileSet};
    let mut files = FileSet::new(Backing::Disk);
    let file = files.add(wslint::load::source::SourceFile::from_bytes(
        "/generated/nginx.conf",
        bytes,
    ));
    let loaded = Loaded {
        files,
        entries: vec![EntryPoint {
            file,
            prefix: "/generated".into(),
            primary: true,
            context: None,
        }],
        errors: Vec::new(),
        skipped: Vec::new(),
        stdin_dump: None,
    };
    let mut loaded = loaded;
    let report = wslint::fix::apply::fix(&mut loaded, true, |loaded| {
        wslint::app::check::analyse(loaded, &wslint::rules::RuleSettings::default()).diagnostics
    });
    (
        loaded.files.get(file).tree.source.to_vec(),
        report.applied.len(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(500)))]

    /// parse → model → rules → fix: no panic, the fixed text parses
    /// without errors, untouched lines stay (the fixed text only grows or
    /// changes in edited places), and fixing again changes nothing.
    #[test]
    fn fixes_keep_configs_parsing_and_are_idempotent(input in config()) {
        let (fixed, _) = fix_in_memory(input.clone());
        let tree = parse(fixed.clone());
        prop_assert!(tree.errors.is_empty(), "{:?}\n{}", tree.errors, String::from_utf8_lossy(&fixed));
        prop_assert_eq!(tree.print(), fixed.clone());
        let (again, applied) = fix_in_memory(fixed.clone());
        prop_assert_eq!(applied, 0, "a second pass still fixed something:\n{}", String::from_utf8_lossy(&fixed));
        prop_assert_eq!(again, fixed);
        let crlf = input.windows(2).any(|w| w == b"\r\n");
        if crlf {
            let lone_lf = tree.source.iter().enumerate().any(|(i, &b)| b == b'\n' && (i == 0 || tree.source[i - 1] != b'\r'));
            prop_assert!(!lone_lf, "a CRLF file got an LF line");
        }
    }
}

/// The lines of a location nginx accepts (no `ws://`, no variable a map
/// must define, no directive twice): for each directive, none or one value.
fn valid_location_lines() -> impl Strategy<Value = Vec<&'static str>> {
    let one_of =
        |options: &'static [&'static str]| proptest::option::of(proptest::sample::select(options));
    (
        one_of(&["proxy_http_version 1.0;", "proxy_http_version 1.1;"]),
        one_of(&[
            "proxy_set_header Upgrade $http_upgrade;",
            "proxy_set_header Upgrade \"\";",
        ]),
        one_of(&[
            "proxy_set_header Connection \"upgrade\";",
            "proxy_set_header Connection \"\";",
        ]),
        one_of(&["proxy_set_header Host $host;"]),
        one_of(&["proxy_set_header Origin \"\";"]),
        one_of(&["proxy_read_timeout 30s;"]),
        one_of(&["add_header Access-Control-Allow-Origin * always;"]),
    )
        .prop_map(|(a, b, c, d, e, f, g)| [a, b, c, d, e, f, g].into_iter().flatten().collect())
}

/// How the lines of a generated file end.
#[derive(Debug, Clone, Copy)]
enum Ending {
    Lf,
    CrLf,
    Cr,
}

/// A configuration nginx accepts, in the layouts that make insertion hard:
/// an http block on one line (or with a directive right after its `{`),
/// one-line locations, a location whose `}` follows its last directive on
/// that line, a comment after a `{`, and LF, CR LF or lone CR line ends.
fn nginx_accepted_config() -> impl Strategy<Value = (String, Ending)> {
    let location = (
        prop_oneof![Just("/ws/"), Just("/socket.io/"), Just("/api/")],
        valid_location_lines(),
        0..3u8,
    );
    (
        0..3u8,
        proptest::collection::vec(location, 1..3),
        prop_oneof![Just(Ending::Lf), Just(Ending::CrLf), Just(Ending::Cr)],
    )
        .prop_map(|(http_layout, locations, ending)| {
            let mut server = String::from("server { listen 127.0.0.1:8;");
            for (i, (path, lines, layout)) in locations.into_iter().enumerate() {
                // The first is always a WebSocket route, so there is a
                // fix; each path is used once.
                let path = if i == 0 { "/ws/".to_string() } else { format!("{path}{i}/") };
                let body = lines.join(match layout {
                    0 => " ",
                    _ => "\n        ",
                });
                server.push_str(&match layout {
                    // One line.
                    0 => format!("\n    location {path} {{ proxy_pass http://127.0.0.1:9; {body} }}"),
                    // The `}` right after the last directive.
                    1 => format!("\n    location {path} {{ # a route\n        proxy_pass http://127.0.0.1:9;\n        {body} }}"),
                    _ => format!("\n    location {path} {{\n        proxy_pass http://127.0.0.1:9;\n        {body}\n    }}"),
                });
            }
            server.push_str("\n}");
            let text = match http_layout {
                0 => format!(
                    "events {{}}\nhttp {{ {} }}\n",
                    server.replace("# a route", "").replace('\n', " ")
                ),
                1 => format!("events {{}}\nhttp {{ access_log off;\n{server}\n}}\n"),
                _ => format!("events {{}}\nhttp {{ # the sites\n{server}\n}}\n"),
            };
            // nginx ends a comment at a LF only: in a file of lone CRs a
            // comment would run to the end of the file.
            let text = match ending {
                Ending::Lf => text,
                Ending::CrLf => text.replace('\n', "\r\n"),
                Ending::Cr => text
                    .replace(" # a route", "")
                    .replace(" # the sites", "")
                    .replace('\n', "\r"),
            };
            (text, ending)
        })
}

/// `nginx -t` on a configuration file, with the pid and error log kept in
/// its folder.
fn nginx_accepts(nginx: &std::path::Path, conf: &std::path::Path) -> Result<(), String> {
    let dir = conf.parent().unwrap();
    let out = std::process::Command::new(nginx)
        .arg("-t")
        .arg("-p")
        .arg(format!("{}/", dir.display()))
        .arg("-c")
        .arg(conf)
        .arg("-g")
        .arg(format!(
            "pid {}/nginx.pid; error_log {}/error.log;",
            dir.display(),
            dir.display()
        ))
        .output()
        .map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(64)))]

    /// Every fix of a configuration nginx accepts leaves one nginx accepts
    /// (the map and every added line go inside their block, whatever its
    /// layout), and keeps the file's line ending.
    #[test]
    fn fixes_of_configs_nginx_accepts_are_accepted_too((input, ending) in nginx_accepted_config()) {
        let Some(nginx) = crate::support::nginx() else { return Ok(()) };
        let dir = tempfile::tempdir().unwrap();
        let conf = dir.path().join("nginx.conf");
        std::fs::write(&conf, &input).unwrap();
        nginx_accepts(&nginx, &conf).map_err(|e| TestCaseError::fail(format!("the generated input is rejected: {e}\n{input}")))?;
        let (fixed, applied) = fix_in_memory(input.clone().into_bytes());
        prop_assert!(applied > 0, "nothing to fix in:\n{input}");
        std::fs::write(&conf, &fixed).unwrap();
        let text = String::from_utf8_lossy(&fixed).into_owned();
        nginx_accepts(&nginx, &conf).map_err(|e| TestCaseError::fail(format!("{e}\nbefore:\n{input}\nafter:\n{text}")))?;
        let (lf, cr) = (text.contains('\n'), text.contains('\r'));
        match ending {
            Ending::Lf => prop_assert!(!cr, "a CR in an LF file:\n{text:?}"),
            Ending::Cr => prop_assert!(!lf, "a LF in a CR file:\n{text:?}"),
            Ending::CrLf => prop_assert!(!text.replace("\r\n", "").contains(['\r', '\n']), "a lone line end in a CR LF file:\n{text:?}"),
        }
    }
}
