//! Output formats on fixtures/report-tree (findings in nginx.conf and in an
//! included file): golden files for every format, JSON read back field by
//! field, SARIF validated against the official 2.1.0 schema, GitHub lines
//! checked with a strict pattern. `WSLINT_UPDATE_SNAPSHOTS=1` rewrites the
//! golden files.

use crate::support::{corpus, repo_root, stdout, wslint};
use serde_json::Value;

const TREE: &str = "fixtures/report-tree";

fn run(format: &str) -> (Option<i32>, String) {
    let out = wslint(
        &repo_root(),
        &[
            "--format",
            format,
            "--color",
            "never",
            "--nginx-version",
            "1.28.0",
            TREE,
        ],
        None,
    );
    (out.status.code(), stdout(&out))
}

#[test]
fn every_format_matches_its_golden_file() {
    for (format, ext) in [
        ("text", "txt"),
        ("concise", "txt"),
        ("json", "json"),
        ("sarif", "sarif"),
        ("github", "txt"),
    ] {
        let (code, text) = run(format);
        assert_eq!(code, Some(1), "{format}");
        let golden = repo_root().join(format!("tests/golden/report-tree.{format}.{ext}"));
        if std::env::var_os("WSLINT_UPDATE_SNAPSHOTS").is_some() {
            std::fs::write(&golden, &text).unwrap();
        }
        let expected = std::fs::read_to_string(&golden).unwrap_or_default();
        assert_eq!(
            text,
            expected,
            "--format {format} differs from {}",
            golden.display()
        );
    }
}

#[test]
fn json_fields_read_back() {
    let (_, text) = run("json");
    let doc: Value = serde_json::from_str(&text).expect("one valid JSON document");
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["tool"]["name"], "wslint");
    assert_eq!(doc["nginx_version"], "1.28.0");
    let diagnostics = doc["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 4);
    let ws007 = diagnostics.iter().find(|d| d["code"] == "WS007").unwrap();
    assert_eq!(ws007["name"], "websocket-scheme-in-proxy-pass");
    assert_eq!(ws007["severity"], "error");
    assert_eq!(ws007["file"], "fixtures/report-tree/conf.d/chat.conf");
    assert_eq!(
        (ws007["line"].as_u64(), ws007["column"].as_u64()),
        (Some(6), Some(9))
    );
    assert_eq!(
        (ws007["end_line"].as_u64(), ws007["end_column"].as_u64()),
        (Some(6), Some(40))
    );
    assert!(
        ws007["message"]
            .as_str()
            .unwrap()
            .contains("invalid URL prefix")
    );
    assert!(ws007["signal"].as_str().unwrap().contains("ws://"));
    let fix = &ws007["fix"];
    assert_eq!(fix["applicability"], "safe");
    assert_eq!(fix["edits"][0]["content"], "http://127.0.0.1:3000");
    assert_eq!(fix["edits"][0]["line"], 6);
    let ws002 = diagnostics.iter().find(|d| d["code"] == "WS002").unwrap();
    assert_eq!(ws002["file"], "fixtures/report-tree/nginx.conf");
    assert!(ws002["signal"].as_str().unwrap().contains("segment `ws`"));
    assert_eq!(doc["errors"].as_array().unwrap().len(), 0);
    let summary = &doc["summary"];
    assert_eq!(
        (summary["files"].as_u64(), summary["findings"].as_u64()),
        (Some(2), Some(4))
    );
    assert_eq!(
        (summary["error"].as_u64(), summary["warning"].as_u64()),
        (Some(3), Some(1))
    );
    assert_eq!(
        summary["by_severity"],
        serde_json::json!({"error": 3, "warning": 1, "info": 0})
    );
}

#[test]
fn sarif_is_valid_against_the_official_schema() {
    let Some(corpus) = corpus() else { return };
    let schema_path = corpus
        .parent()
        .unwrap()
        .join("schemas/sarif-2.1.0-rtm.5.json");
    // The schema's `language` pattern has a bare `]`, which ECMAScript
    // regexes read as a literal and Rust's regex engine rejects; escaping
    // it keeps its meaning and lets the schema compile with format checks
    // (uri, date-time, …) on.
    let text = std::fs::read_to_string(&schema_path)
        .unwrap()
        .replace(r#"[a-zA-Z]{2}]?$"#, r#"[a-zA-Z]{2}\\]?$"#);
    let schema: Value = serde_json::from_str(&text).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let (_, text) = run("sarif");
    let doc: Value = serde_json::from_str(&text).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let mut wrong = doc.clone();
    wrong["runs"][0]["results"][0]["level"] = "loud".into();
    assert!(
        !validator.is_valid(&wrong),
        "the validator must reject a bad level"
    );
    let results = doc["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 4);
    let with_fix = results.iter().find(|r| r["ruleId"] == "WS007").unwrap();
    assert_eq!(
        with_fix["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"],
        "http://127.0.0.1:3000"
    );
    // A broken file: its syntax error is a result too, still valid.
    let broken = wslint(
        &repo_root(),
        &[
            "--format",
            "sarif",
            "fixtures/syntax/err/missing-semicolon.conf",
        ],
        None,
    );
    let doc: Value = serde_json::from_slice(&broken.stdout).unwrap();
    assert!(validator.is_valid(&doc));
    assert_eq!(doc["runs"][0]["results"][0]["ruleId"], "syntax-error");
}

#[test]
fn github_lines_are_workflow_commands() {
    let (_, text) = run("github");
    let pattern = regex::Regex::new(
        r"^::(error|warning|notice) file=[^,:]+,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title=WS\d{3} [a-z-]+::[^\r\n]+$",
    )
    .unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4);
    for line in lines {
        assert!(pattern.is_match(line), "not a workflow command: {line}");
    }
}

/// A text-report case: its name, where it runs, its paths, its stdin.
type Case<'a> = (
    &'a str,
    &'a std::path::Path,
    &'a [&'a str],
    Option<&'a [u8]>,
);

/// The text report (no colour, 100 columns) of the shapes people meet,
/// compared with tests/golden/text/NAME.txt (`WSLINT_UPDATE_SNAPSHOTS=1`
/// rewrites them): the demo tree, one location with several findings, a
/// finding whose related places are in another file, a snippet checked
/// alone, and a file that is not text.
#[test]
fn text_reports_match_their_golden_files() {
    let dir = tempfile::tempdir().unwrap();
    let tree = dir.path().join("tree");
    std::fs::create_dir_all(tree.join("sites")).unwrap();
    std::fs::write(
        tree.join("nginx.conf"),
        "events {}\nhttp {\n    proxy_set_header Host $host;\n    proxy_set_header X-Real-IP $remote_addr;\n    include sites/*.conf;\n}\n",
    )
    .unwrap();
    std::fs::write(
        tree.join("sites/app.conf"),
        "server {\n    listen 80;\n    location /ws/ {\n        proxy_pass http://127.0.0.1:9000;\n        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection \"upgrade\";\n        proxy_read_timeout 1h;\n    }\n}\n",
    )
    .unwrap();
    let image: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
    std::fs::write(dir.path().join("image.conf"), image).unwrap();
    let root = repo_root();
    let pasted: &[u8] = b"location /ws/ {\n    proxy_pass http://app;\n}\n";
    let cases: [Case; 5] = [
        ("demo", &root, &["fixtures/demo"], None),
        ("one-location", &root, &["-"], Some(pasted)),
        ("related-elsewhere", dir.path(), &["tree/nginx.conf"], None),
        (
            "snippet",
            &root,
            &["fixtures/alone/websocket-snippet.conf"],
            None,
        ),
        ("binary", dir.path(), &["image.conf"], None),
    ];
    for (name, cwd, args, stdin) in cases {
        let mut all = vec!["--color", "never", "--nginx-version", "1.28.0"];
        all.extend_from_slice(args);
        let text = stdout(&crate::support::wslint(cwd, &all, stdin));
        let golden = root.join(format!("tests/golden/text/{name}.txt"));
        if std::env::var_os("WSLINT_UPDATE_SNAPSHOTS").is_some() {
            std::fs::create_dir_all(golden.parent().unwrap()).unwrap();
            std::fs::write(&golden, &text).unwrap();
        }
        let expected = std::fs::read_to_string(&golden).unwrap_or_default();
        assert_eq!(text, expected, "{name} differs from {}", golden.display());
    }
}
