//! Rule fixtures and the rule catalogue.
//!
//! fixtures/WS0NN/ holds cases for rule WS0NN: `bad-*.conf` files mark each
//! line that must be reported with a trailing `# WS0NN` comment, `good-*`
//! files must stay clean, and sub-folders are whole trees (with an
//! nginx.conf) whose files may carry marks. The reported lines of WS0NN and
//! the marked lines must match exactly, both ways. A first-line comment
//! `# wslint-test: nginx-version=1.29.7 websocket-path=/live/*` sets options.
//! Every fixture must be free of syntax errors and model diagnostics.

use crate::support::{fixtures, repo_root, stdout, wslint};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use wslint::app::check;
use wslint::load::Input;
use wslint::rules::{RuleSettings, all_rules};
use wslint::syntax::NginxVersion;

/// (file, line) pairs.
type Places = BTreeSet<(PathBuf, usize)>;

fn marked_lines(path: &Path, code: &str) -> Places {
    let text = String::from_utf8_lossy(&std::fs::read(path).unwrap()).into_owned();
    text.lines()
        .enumerate()
        .filter(|(_, line)| {
            line.split('#').skip(1).any(|c| {
                let c = c.trim();
                !c.starts_with("wslint") && c.split_whitespace().next() == Some(code)
            })
        })
        .map(|(i, _)| (path.to_path_buf(), i + 1))
        .collect()
}

fn settings_for(path: &Path, code: &str) -> RuleSettings {
    let mut settings = RuleSettings {
        select: vec!["ALL".into(), code.into()],
        ..RuleSettings::default()
    };
    let first_file = if path.is_dir() {
        path.join("nginx.conf")
    } else {
        path.to_path_buf()
    };
    let text = std::fs::read_to_string(first_file).unwrap_or_default();
    for line in text.lines().take(3) {
        let Some(options) = line.trim().strip_prefix("# wslint-test:") else {
            continue;
        };
        for option in options.split_whitespace() {
            match option.split_once('=') {
                Some(("nginx-version", v)) => {
                    settings.nginx_version = NginxVersion::parse(v).unwrap()
                }
                Some(("websocket-path", v)) => settings
                    .websocket_paths
                    .push(wslint::rules::DeclaredPath::parse(v).unwrap()),
                Some(("timeout-threshold", v)) => {
                    settings.timeout_threshold_secs = v.parse().unwrap()
                }
                _ => panic!("{}: unknown option {option}", path.display()),
            }
        }
    }
    settings
}

fn check_case(case: &Path, code: &str) {
    let outcome = check::run(
        &[Input::Path(case.to_path_buf())],
        &settings_for(case, code),
    );
    assert!(
        outcome.read_errors.is_empty(),
        "{}: {:?}",
        case.display(),
        outcome.read_errors
    );
    assert_eq!(
        outcome.syntax_error_count(),
        0,
        "{}: syntax errors",
        case.display()
    );
    let model_codes: Vec<_> = outcome
        .diagnostics
        .iter()
        .filter(|d| d.code.starts_with('E'))
        .collect();
    assert!(
        model_codes.is_empty(),
        "{}: {model_codes:?}",
        case.display()
    );
    let reported: Places = outcome
        .diagnostics
        .iter()
        .filter(|d| d.code == code)
        .map(|d| {
            let file = outcome.files.get(d.location.file);
            (file.path.clone(), file.line_col(d.location.span.start).0)
        })
        .collect();
    let files: Vec<PathBuf> = if case.is_dir() {
        crate::support::files_below(case)
    } else {
        vec![case.to_path_buf()]
    };
    let marked: Places = files.iter().flat_map(|f| marked_lines(f, code)).collect();
    let name = case.file_name().unwrap().to_string_lossy();
    if name.starts_with("good") {
        assert!(
            marked.is_empty(),
            "{}: a good case has marks",
            case.display()
        );
    } else {
        assert!(
            !marked.is_empty(),
            "{}: a bad case has no `# {code}` mark",
            case.display()
        );
    }
    let messages: Vec<String> = outcome
        .diagnostics
        .iter()
        .filter(|d| d.code == code)
        .map(|d| d.message.clone())
        .collect();
    assert_eq!(
        reported,
        marked,
        "{}: reported (left) vs marked (right); messages: {messages:#?}",
        case.display()
    );
}

#[test]
fn every_rule_has_fixtures_and_they_match() {
    let mut missing = Vec::new();
    for rule in all_rules() {
        let code = rule.meta.code;
        let dir = fixtures().join(code);
        let cases: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        let bad = cases
            .iter()
            .filter(|c| c.file_name().unwrap().to_string_lossy().starts_with("bad"))
            .count();
        let good = cases
            .iter()
            .filter(|c| c.file_name().unwrap().to_string_lossy().starts_with("good"))
            .count();
        if bad < 2 || good < 2 {
            missing.push(format!("{code}: {bad} bad and {good} good cases"));
            continue;
        }
        let mut cases = cases;
        cases.sort();
        for case in cases {
            check_case(&case, code);
        }
    }
    assert!(
        missing.is_empty(),
        "rules without enough fixtures: {missing:#?}"
    );
}

#[test]
fn catalogue_codes_are_unique_sorted_and_explained() {
    let metas: Vec<_> = all_rules().iter().map(|r| r.meta).collect();
    let codes: Vec<&str> = metas.iter().map(|m| m.code).collect();
    let mut sorted = codes.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(codes, sorted, "codes must be unique and sorted");
    for m in &metas {
        let mut at = 0;
        for heading in [
            "## What it does",
            "## Why is this bad",
            "## Example",
            "## Use instead",
            "## Fix safety",
            "## References",
        ] {
            let found = m.explanation[at..]
                .find(heading)
                .unwrap_or_else(|| panic!("{}: missing or misplaced {heading}", m.code));
            at += found + heading.len();
        }
        assert!(
            m.name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
            "{}: name {}",
            m.code,
            m.name
        );
        assert!(!m.summary.is_empty());
    }
}

#[test]
fn readme_rule_table_matches_wslint_rules() {
    let out = wslint(&repo_root(), &["rules"], None);
    assert_eq!(out.status.code(), Some(0));
    let listed: Vec<(String, String)> = stdout(&out)
        .lines()
        .skip(1)
        .map(|l| {
            let mut w = l.split_whitespace();
            (w.next().unwrap().to_string(), w.next().unwrap().to_string())
        })
        .collect();
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let in_readme: Vec<(String, String)> = readme
        .lines()
        .filter(|l| l.starts_with("| WS") || l.starts_with("| E0"))
        .map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            (cells[1].to_string(), cells[2].to_string())
        })
        .collect();
    assert_eq!(
        in_readme, listed,
        "README's rule table differs from `wslint rules`"
    );
}

#[test]
fn rule_explanations_print_and_unknown_codes_fail() {
    let out = wslint(&repo_root(), &["rule", "ws006"], None);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).starts_with("# WS006 short-proxy-timeout"));
    assert!(stdout(&out).contains("## Fix safety"));
    let out = wslint(&repo_root(), &["rule", "WS999"], None);
    assert_eq!(out.status.code(), Some(2));
    // By name too, and the model's checks have explanations as well.
    let out = wslint(&repo_root(), &["rule", "missing-host-header"], None);
    assert!(stdout(&out).starts_with("# WS016 missing-host-header"));
    let out = wslint(&repo_root(), &["rule", "e004"], None);
    assert!(stdout(&out).starts_with("# E004 wrong-argument-count"));
}

/// A typo in a rule code is an error, not a run that checks nothing.
#[test]
fn unknown_codes_are_refused_and_model_checks_can_be_ignored() {
    for args in [
        &["--select", "WS099", "fixtures/demo"][..],
        &["--ignore", "WSX", "fixtures/demo"][..],
        &["--ignore", "E005", "fixtures/demo"][..],
    ] {
        let out = wslint(&repo_root(), args, None);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).starts_with("error:"),
            "{args:?}"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(".wslint.toml"),
        "[severity]\nWS099 = \"info\"\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("site.conf"), "server { listen 80; }\n").unwrap();
    let out = wslint(dir.path(), &["site.conf"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("WS099"));
    // E001 is selected and ignored like a rule.
    let tree = "fixtures/alone/absolute-include";
    let with = stdout(&wslint(&repo_root(), &["--format", "concise", tree], None));
    let without = stdout(&wslint(
        &repo_root(),
        &["--format", "concise", "--ignore", "E001", tree],
        None,
    ));
    assert!(
        with.contains(" E001 ") && !without.contains(" E001 "),
        "{without}"
    );
}
