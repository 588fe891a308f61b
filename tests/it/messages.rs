//! Messages and fix titles of every rule, as golden files: for each rule
//! folder fixtures/WS0NN (and E00N), every bad case is checked with
//! `--format json --select ALL,WS0NN`, and each finding of that rule becomes
//! one line `path:line:column CODE message | fix: title (applicability)` (or
//! `| no fix`) in tests/golden/messages/WS0NN.txt, sorted. A changed message
//! or fix title thus shows up in review as a diff of a plain text file.
//! `WSLINT_UPDATE_SNAPSHOTS=1` rewrites the golden files.
//!
//! Cases run from the repository root on relative paths, so the paths in the
//! messages are the same on every machine. The options of a case's
//! `# wslint-test:` first-line comment (see rules.rs) become command-line
//! options; `timeout-threshold`, which has no flag, goes into a temporary
//! configuration file passed with `--config`. Every case gets such a file
//! (empty otherwise), so no `.wslint.toml` above the checkout can change the
//! result.

use crate::support::{fixtures, repo_root, wslint};
use serde_json::Value;
use std::path::{Path, PathBuf};

const GOLDEN_DIR: &str = "tests/golden/messages";
const DEFAULT_NGINX_VERSION: &str = "1.28.0";

/// The options a case's `# wslint-test:` comment sets.
struct CaseOptions {
    nginx_version: String,
    websocket_paths: Vec<String>,
    timeout_threshold: Option<String>,
}

fn case_options(case: &Path) -> CaseOptions {
    let mut options = CaseOptions {
        nginx_version: DEFAULT_NGINX_VERSION.to_string(),
        websocket_paths: Vec::new(),
        timeout_threshold: None,
    };
    let first_file = if case.is_dir() {
        case.join("nginx.conf")
    } else {
        case.to_path_buf()
    };
    let text = std::fs::read_to_string(&first_file).unwrap_or_default();
    for line in text.lines().take(3) {
        let Some(words) = line.trim().strip_prefix("# wslint-test:") else {
            continue;
        };
        for option in words.split_whitespace() {
            match option.split_once('=') {
                Some(("nginx-version", v)) => options.nginx_version = v.to_string(),
                Some(("websocket-path", v)) => options.websocket_paths.push(v.to_string()),
                Some(("timeout-threshold", v)) => options.timeout_threshold = Some(v.to_string()),
                _ => panic!("{}: unknown option {option}", case.display()),
            }
        }
    }
    options
}

/// The rule folders below fixtures/: `WS` or `E` followed by digits, sorted.
fn rule_folders() -> Vec<String> {
    let is_code = |name: &str| {
        let digits = name
            .strip_prefix("WS")
            .or_else(|| name.strip_prefix('E'))
            .unwrap_or("");
        !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())
    };
    let mut codes: Vec<String> = std::fs::read_dir(fixtures())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| is_code(name))
        .collect();
    codes.sort();
    codes
}

/// The bad cases (files and tree folders) of rule `code`, relative to the
/// repository root, sorted.
fn bad_cases(code: &str) -> Vec<String> {
    let mut cases: Vec<String> = std::fs::read_dir(fixtures().join(code))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("bad"))
        .map(|name| format!("fixtures/{code}/{name}"))
        .collect();
    cases.sort();
    cases
}

/// One golden line for a diagnostic of the JSON report.
fn render(d: &Value) -> String {
    let text = |v: &Value| {
        v.as_str()
            .unwrap_or_else(|| panic!("not a string: {v} in {d}"))
            .replace('\n', "\\n")
    };
    let fix = &d["fix"];
    let fix = if fix.is_null() {
        "no fix".to_string()
    } else {
        format!(
            "fix: {} ({})",
            text(&fix["title"]),
            text(&fix["applicability"])
        )
    };
    format!(
        "{}:{}:{} {} {} | {fix}",
        text(&d["file"]),
        d["line"].as_u64().unwrap(),
        d["column"].as_u64().unwrap(),
        text(&d["code"]),
        text(&d["message"]),
    )
}

/// The golden lines of one bad case of rule `code`.
fn case_lines(case: &str, code: &str, scratch: &Path) -> Vec<String> {
    let options = case_options(&repo_root().join(case));
    let config = scratch.join(".wslint.toml");
    let config_text = match &options.timeout_threshold {
        Some(v) if v.parse::<u64>().is_ok() => format!("timeout-threshold = {v}\n"),
        Some(v) => format!("timeout-threshold = {v:?}\n"),
        None => String::new(),
    };
    std::fs::write(&config, config_text).unwrap();
    let select = format!("ALL,{code}");
    let config = config.to_str().unwrap();
    let mut args = vec![
        "--format",
        "json",
        "--color",
        "never",
        "--nginx-version",
        &options.nginx_version,
        "--select",
        &select,
        "--config",
        config,
    ];
    for path in &options.websocket_paths {
        args.extend(["--websocket-path", path]);
    }
    args.push(case);
    let out = wslint(&repo_root(), &args, None);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{case}: exit {:?}, stderr: {stderr}",
        out.status.code()
    );
    let doc: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{case}: not one JSON document ({e}); stderr: {stderr}"));
    assert_eq!(
        doc["errors"].as_array().map(Vec::len),
        Some(0),
        "{case}: {}",
        doc["errors"]
    );
    let root = repo_root().to_string_lossy().into_owned();
    let scratch = scratch.to_string_lossy();
    doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == code)
        .map(|d| {
            let line = render(d);
            assert!(
                !line.starts_with('/') && !line.contains(&root) && !line.contains(&*scratch),
                "{case}: a finding names an absolute path: {line}"
            );
            line
        })
        .collect()
}

/// The lines only in `expected` (`-`) and only in `actual` (`+`), both sorted.
fn diff(expected: &[&str], actual: &[&str]) -> String {
    let (mut e, mut a) = (0, 0);
    let mut out = String::new();
    while e < expected.len() || a < actual.len() {
        match (expected.get(e), actual.get(a)) {
            (Some(x), Some(y)) if x == y => {
                e += 1;
                a += 1;
            }
            (Some(x), Some(y)) if x < y => {
                out.push_str(&format!("- {x}\n"));
                e += 1;
            }
            (Some(x), None) => {
                out.push_str(&format!("- {x}\n"));
                e += 1;
            }
            (_, Some(y)) => {
                out.push_str(&format!("+ {y}\n"));
                a += 1;
            }
            (None, None) => unreachable!(),
        }
    }
    out
}

#[test]
fn rule_messages_and_fix_titles_match_their_golden_files() {
    let update = std::env::var_os("WSLINT_UPDATE_SNAPSHOTS").is_some();
    let golden_dir = repo_root().join(GOLDEN_DIR);
    if update {
        std::fs::create_dir_all(&golden_dir).unwrap();
    }
    let scratch = tempfile::tempdir().unwrap();
    let codes = rule_folders();
    assert!(
        codes.iter().any(|c| c == "WS001"),
        "no rule folders found in {}: {codes:?}",
        fixtures().display()
    );
    let mut failures = Vec::new();
    let mut expected_files: Vec<PathBuf> = Vec::new();
    for code in &codes {
        let cases = bad_cases(code);
        if cases.is_empty() {
            continue;
        }
        let mut lines = Vec::new();
        for case in &cases {
            let found = case_lines(case, code, scratch.path());
            assert!(!found.is_empty(), "{case}: no {code} finding");
            lines.extend(found);
        }
        lines.sort();
        let golden = golden_dir.join(format!("{code}.txt"));
        expected_files.push(golden.clone());
        let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
        if update {
            std::fs::write(&golden, &text).unwrap();
        }
        let expected = std::fs::read_to_string(&golden).unwrap_or_default();
        if text != expected {
            let expected: Vec<&str> = expected.lines().collect();
            let actual: Vec<&str> = lines.iter().map(String::as_str).collect();
            failures.push(format!(
                "{GOLDEN_DIR}/{code}.txt (- golden, + now):\n{}",
                diff(&expected, &actual)
            ));
        }
    }
    assert!(!expected_files.is_empty(), "no rule folder has bad cases");
    // A golden file whose rule folder is gone (or has no bad cases left).
    let mut stale: Vec<PathBuf> = std::fs::read_dir(&golden_dir)
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    stale.retain(|p| !expected_files.contains(p));
    stale.sort();
    if update {
        for path in &stale {
            std::fs::remove_file(path).unwrap();
        }
    } else if !stale.is_empty() {
        let names: Vec<String> = stale
            .iter()
            .map(|p| {
                p.strip_prefix(repo_root())
                    .unwrap_or(p)
                    .display()
                    .to_string()
            })
            .collect();
        failures.push(format!(
            "golden files without a rule folder with bad cases (WSLINT_UPDATE_SNAPSHOTS=1 removes them): {names:#?}"
        ));
    }
    assert!(
        failures.is_empty(),
        "messages or fix titles changed (WSLINT_UPDATE_SNAPSHOTS=1 rewrites the golden files):\n\n{}",
        failures.join("\n")
    );
}
