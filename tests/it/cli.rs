//! The command line as a user runs it: exit codes, stdin, `wslint parse`.

use crate::support::{fixtures, repo_root, stdout, wslint};

#[test]
fn demo_tree_reports_its_one_websocket_mistake() {
    let out = wslint(&repo_root(), &["--color", "never", "fixtures/demo"], None);
    let text = stdout(&out);
    // nginx.conf, conf.d/upgrade-map.conf, snippets/proxy-headers.conf and
    // the files only includes name: mime.types and sites-enabled/app.
    assert!(text.contains("Checked 5 files: 2 findings."), "{text}");
    assert_eq!(out.status.code(), Some(1), "{text}");
    // Both findings are about one location: one header, one snippet, the
    // place said once.
    assert!(text.starts_with("2 findings: WS002 WS003\n"), "{text}");
    for code in ["WS002 [error]", "WS003 [error]"] {
        assert!(text.contains(code), "{code} missing:\n{text}");
    }
    assert_eq!(
        text.matches("fixtures/demo/sites-enabled/app:41").count(),
        2,
        "the header and the snippet frame only:\n{text}"
    );
    assert!(text.contains("\n          + proxy_set_header Upgrade $http_upgrade;\n"));
    assert!(text.contains(
        "WebSocket route because its path is Socket.IO's WebSocket endpoint `/socket.io/`"
    ));
}

#[test]
fn missing_path_is_exit_2_and_named() {
    let out = wslint(&repo_root(), &["no/such/dir.conf"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(stdout(&out).contains("no/such/dir.conf: no such file or directory"));
}

#[test]
fn bad_flag_is_exit_2() {
    let out = wslint(&repo_root(), &["--no-such-flag"], None);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn stdin_is_checked_and_errors_name_stdin() {
    let out = wslint(
        &repo_root(),
        &["--color", "never", "-"],
        Some(b"server {\n  listen 80\n}\n"),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stdout(&out).contains("<stdin>:3:1: unexpected \"}\""),
        "{}",
        stdout(&out)
    );

    let out = wslint(&repo_root(), &["-"], Some(b"events {}\n"));
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn colour_only_when_asked() {
    let input = b"server {\n";
    let plain = wslint(&repo_root(), &["-"], Some(input));
    assert!(
        !stdout(&plain).contains('\u{1b}'),
        "no colour when not a TTY"
    );
    let coloured = wslint(&repo_root(), &["--color", "always", "-"], Some(input));
    assert!(stdout(&coloured).contains('\u{1b}'));
}

#[test]
fn parse_prints_the_tree_as_json() {
    let file = fixtures().join("syntax/ok/websocket-proxy.conf");
    let out = wslint(&repo_root(), &["parse", file.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(0));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    let f = &doc["files"][0];
    assert_eq!(f["status"], "ok");
    let source = std::fs::read(&file).unwrap();
    let items = f["items"].as_array().unwrap();
    // The first item is the `# context: http` comment.
    assert_eq!(items[0]["line"], 1);
    assert!(
        items[0]["comment"]
            .as_str()
            .unwrap()
            .contains("context: http")
    );
    // Every directive's span covers its text, which starts with its name.
    let mut stack: Vec<&serde_json::Value> = items.iter().collect();
    let mut seen = Vec::new();
    while let Some(item) = stack.pop() {
        if let Some(name) = item["name"].as_str() {
            let span = item["span"].as_array().unwrap();
            let (s, e) = (
                span[0].as_u64().unwrap() as usize,
                span[1].as_u64().unwrap() as usize,
            );
            assert!(
                source[s..e].starts_with(name.as_bytes()),
                "{name} span {s}..{e}"
            );
            seen.push(name.to_string());
            if let Some(block) = item["block"].as_array() {
                stack.extend(block);
            }
        }
    }
    assert!(seen.iter().any(|n| n == "map"));
    let upgrade = find_directive(items, "proxy_set_header", "Upgrade").expect("Upgrade header");
    assert_eq!(upgrade["args"][1], "$http_upgrade");
}

fn find_directive<'a>(
    items: &'a [serde_json::Value],
    name: &str,
    first_arg: &str,
) -> Option<&'a serde_json::Value> {
    for item in items {
        if item["name"] == name && item["args"][0] == first_arg {
            return Some(item);
        }
        if let Some(found) = item["block"]
            .as_array()
            .and_then(|b| find_directive(b, name, first_arg))
        {
            return Some(found);
        }
    }
    None
}

#[test]
fn parse_of_broken_input_reports_errors_and_exit_2() {
    let out = wslint(&repo_root(), &["parse", "-"], Some(b"a \"b;\n"));
    assert_eq!(out.status.code(), Some(2));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["files"][0]["status"], "failed");
    assert_eq!(doc["files"][0]["errors"][0]["line"], 1);
    assert_eq!(doc["files"][0]["errors"][0]["column"], 3);
}

#[test]
fn inspect_json_shows_effective_headers_with_origins() {
    let out = wslint(
        &repo_root(),
        &[
            "inspect",
            "--format",
            "json",
            "--location",
            "/ws/",
            "--nginx-version",
            "1.29.7",
            "fixtures/inherit/chain.conf",
        ],
        None,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert_eq!(doc["nginx_version"], "1.29.7");
    let locations = doc["locations"].as_array().unwrap();
    // /ws/ and the nested /ws/nested/ both contain "/ws/".
    assert_eq!(locations.len(), 2);
    let ws = &locations[0];
    assert_eq!(ws["location"], "location /ws/");
    assert_eq!(ws["line"], 20);
    let headers = ws["arrays"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["directive"] == "proxy_set_header")
        .unwrap();
    assert_eq!(headers["entries"][0]["value"], "Upgrade $http_upgrade");
    assert_eq!(headers["entries"][0]["origin"]["level"], "this location");
    assert_eq!(headers["hidden"][0]["value"], "Host $host");
    assert_eq!(headers["hidden"][0]["origin"]["line"], 5);
    assert_eq!(headers["hidden"][0]["origin"]["level"], "http");
    // No proxy_http_version written: 1.29.7's default, 1.1.
    let version = ws["scalars"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["directive"] == "proxy_http_version")
        .unwrap();
    assert_eq!(version["value"], "1.1");
    assert!(version["origin"].is_null());
}

#[test]
fn invalid_nginx_version_is_a_usage_error() {
    let out = wslint(
        &repo_root(),
        &["--nginx-version", "one.two", "fixtures/demo"],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a version"));
}

#[test]
fn context_and_argument_errors_are_findings_with_exit_1() {
    let out = wslint(
        &repo_root(),
        &["--color", "never", "fixtures/trees/shared-snippet"],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("E004 wrong-argument-count"), "{text}");
    assert!(text.contains("snippets/proxy.conf:2:1"), "{text}");
    assert_eq!(
        text.matches("E004").count(),
        1,
        "reported once although included twice:\n{text}"
    );
}

#[test]
fn select_ignore_and_websocket_path_change_what_is_reported() {
    let demo = ["--color", "never", "fixtures/demo"];
    let only_ws003 = wslint(
        &repo_root(),
        &[&demo[..], &["--select", "WS003"]].concat(),
        None,
    );
    let text = stdout(&only_ws003);
    assert!(text.contains("WS003") && !text.contains("WS002"), "{text}");
    let none = wslint(
        &repo_root(),
        &[&demo[..], &["--ignore", "WS002,WS003"]].concat(),
        None,
    );
    assert_eq!(none.status.code(), Some(0), "{}", stdout(&none));

    let input = b"server {\n    listen 80;\n    location /live/ {\n        proxy_pass http://127.0.0.1:9000;\n    }\n}\n";
    let plain = wslint(&repo_root(), &["--color", "never", "-"], Some(input));
    assert_eq!(
        plain.status.code(),
        Some(0),
        "not a WebSocket route by default"
    );
    let marked = wslint(
        &repo_root(),
        &["--color", "never", "--websocket-path", "/live/*", "-"],
        Some(input),
    );
    assert_eq!(marked.status.code(), Some(1));
    assert!(
        stdout(&marked).contains("configured WebSocket path `/live/*`"),
        "{}",
        stdout(&marked)
    );
}

#[test]
fn completions_and_the_man_page_come_from_the_cli_definition() {
    let bash = wslint(&repo_root(), &["completions", "bash"], None);
    assert_eq!(bash.status.code(), Some(0));
    let script = stdout(&bash);
    assert!(
        script.contains("wslint") && script.contains("--unsafe-fixes"),
        "{script}"
    );
    // Rule codes are offered after --select, --ignore and `wslint rule`.
    for shell in ["bash", "zsh", "fish"] {
        let script = stdout(&wslint(&repo_root(), &["completions", shell], None));
        for code in ["WS006", "WS020", "E001"] {
            assert!(script.contains(code), "{shell} completion lacks {code}");
        }
    }
    let fish = stdout(&wslint(&repo_root(), &["completions", "fish"], None));
    assert!(
        fish.lines()
            .any(|l| l.contains("-l select") && l.contains("WS006")),
        "fish offers codes after --select"
    );
    // bash and zsh also offer names after `wslint rule` (clap's fish script
    // completes no positional values).
    for shell in ["bash", "zsh"] {
        let script = stdout(&wslint(&repo_root(), &["completions", shell], None));
        assert!(
            script.contains("short-proxy-timeout"),
            "{shell}: names after `rule`"
        );
    }
    let man = wslint(&repo_root(), &["man"], None);
    let page = stdout(&man);
    assert!(page.contains(".TH wslint 1"));
    assert!(
        page.contains("\\-\\-fail\\-on"),
        "every option is documented"
    );
    let committed = std::fs::read_to_string(repo_root().join("docs/wslint.1")).unwrap();
    assert_eq!(
        page, committed,
        "docs/wslint.1 is stale: regenerate it with `wslint man > docs/wslint.1`"
    );
}

/// The README's example outputs are what the binary prints.
#[test]
fn readme_examples_are_true() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let block = |start: &str, end: &str| -> String {
        let i = readme
            .find(start)
            .unwrap_or_else(|| panic!("README lacks {start:?}"));
        let j = readme[i..].find(end).unwrap() + i;
        readme[i..j].to_string()
    };
    let demo = stdout(&wslint(
        &repo_root(),
        &["--color", "never", "fixtures/demo"],
        None,
    ));
    assert!(
        readme.contains(&demo),
        "README demo output is stale:\n{demo}"
    );
    let concise = stdout(&wslint(
        &repo_root(),
        &["--format", "concise", "fixtures/demo"],
        None,
    ));
    assert!(
        readme.contains(&concise),
        "README concise output is stale:\n{concise}"
    );
    let input = b"server {\n    location / {\n        proxy_pass http://127.0.0.1:8080\n    }\n}\n";
    let syntax = stdout(&wslint(&repo_root(), &["-"], Some(input)));
    assert!(
        readme.contains(&syntax),
        "README syntax-error output is stale:\n{syntax}"
    );
    let pasted = stdout(&wslint(
        &repo_root(),
        &["--nginx-version", "1.28.0", "--format", "concise", "-"],
        Some(b"location /ws/ { proxy_pass http://app; }\n"),
    ));
    assert!(
        readme.contains(&pasted),
        "README snippet output is stale:\n{pasted}"
    );
    let inspect = stdout(&wslint(
        &repo_root(),
        &[
            "inspect",
            "--nginx-version",
            "1.28.0",
            "--location",
            "/ws/",
            "fixtures/inherit/chain.conf",
        ],
        None,
    ));
    let shown = block(
        "target nginx 1.28.0 (from --nginx-version)\n\nfixtures/inherit",
        "\n...\n",
    );
    assert!(
        inspect.starts_with(&shown),
        "README inspect output is stale:\n{inspect}"
    );
    let diff = stdout(&wslint(&repo_root(), &["--diff", "fixtures/demo"], None));
    assert!(
        readme.contains(&diff),
        "README diff output is stale:\n{diff}"
    );
}

/// WS014's message reads as a sentence both when `worker_connections` is
/// written and when nginx's default applies.
#[test]
fn worker_connections_message_names_the_value_set_or_the_default() {
    let config = |events: &str| {
        format!(
            "events {{ {events} }}\nhttp {{ server {{ listen 80; location /ws/ {{ proxy_pass http://127.0.0.1:3000; proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection \"upgrade\"; }} }} }}\n"
        )
    };
    let args = ["--select", "WS014", "--format", "concise", "-"];
    let unset = stdout(&wslint(&repo_root(), &args, Some(config("").as_bytes())));
    assert!(
        unset.contains("WS014 [info] nginx's default `worker_connections 512` (not set) allows at most 256 open WebSockets per worker"),
        "{unset}"
    );
    let set = stdout(&wslint(
        &repo_root(),
        &args,
        Some(config("worker_connections 100;").as_bytes()),
    ));
    assert!(
        set.contains(
            "WS014 [info] `worker_connections 100` allows at most 50 open WebSockets per worker"
        ),
        "{set}"
    );
}

#[test]
fn options_may_come_before_a_subcommand_and_check_options_are_refused_there() {
    let root = repo_root();
    let out = wslint(
        &root,
        &[
            "--nginx-version",
            "1.28.0",
            "inspect",
            "--location",
            "/ws/",
            "fixtures/demo",
        ],
        None,
    );
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.starts_with("target nginx 1.28.0 (from --nginx-version)"),
        "{text}"
    );
    let out = wslint(&root, &["--fix", "rules"], None);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: --fix is an option of a check, not of a subcommand\n"
    );
}
