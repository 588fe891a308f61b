//! Syntax-error fixtures: fixtures/syntax/err/NAME.conf with NAME.errors
//! beside it, one expected error per line as `LINE:COL message-prefix`, in
//! file order. The reported errors must match exactly: same count, same
//! positions, messages starting with the given text.

use crate::support::{files_below, fixtures, stdout, wslint};
use wslint::load::source::SourceFile;

fn expected_errors(path: &std::path::Path) -> Vec<(usize, usize, String)> {
    let text = std::fs::read_to_string(path.with_extension("errors"))
        .unwrap_or_else(|_| panic!("{} has no .errors file", path.display()));
    text.lines()
        .map(|line| {
            let (pos, message) = line.split_once(' ').expect("LINE:COL message");
            let (l, c) = pos.split_once(':').expect("LINE:COL");
            (l.parse().unwrap(), c.parse().unwrap(), message.to_string())
        })
        .collect()
}

fn error_fixtures() -> Vec<std::path::PathBuf> {
    files_below(&fixtures().join("syntax/err"))
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "conf"))
        .collect()
}

#[test]
fn each_error_is_reported_at_its_line_and_column() {
    let fixtures = error_fixtures();
    assert!(fixtures.len() >= 6, "error fixtures missing");
    for path in fixtures {
        let file = SourceFile::read(&path).unwrap();
        let mut actual: Vec<(usize, usize, String)> = file
            .tree
            .errors
            .iter()
            .map(|e| {
                let (l, c) = file.line_col(e.span.start);
                (l, c, e.message.clone())
            })
            .collect();
        actual.sort_by_key(|(l, c, _)| (*l, *c));
        let expected = expected_errors(&path);
        assert_eq!(
            actual.len(),
            expected.len(),
            "{}: got {actual:?}",
            path.display()
        );
        for ((al, ac, am), (el, ec, em)) in actual.iter().zip(&expected) {
            assert_eq!(
                (al, ac),
                (el, ec),
                "{}: {am} (expected {em})",
                path.display()
            );
            assert!(
                am.starts_with(em.as_str()),
                "{}: message {am:?} does not start with {em:?}",
                path.display()
            );
        }
        assert_eq!(file.tree.print(), file.tree.source, "{}", path.display());
    }
}

#[test]
fn the_cli_reports_every_broken_file_not_just_the_first() {
    let dir = fixtures().join("syntax/err");
    let out = wslint(&dir, &["--color", "never", "."], None);
    assert_eq!(out.status.code(), Some(2));
    let text = stdout(&out);
    for path in error_fixtures() {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        for (line, col, _) in expected_errors(&path) {
            let needle = format!("{name}:{line}:{col}:");
            assert!(text.contains(&needle), "missing {needle} in:\n{text}");
        }
    }
    assert!(
        text.contains("syntax errors"),
        "summary line missing:\n{text}"
    );
}

#[test]
fn a_broken_file_does_not_hide_a_good_one() {
    let err = fixtures().join("syntax/err/missing-semicolon.conf");
    let ok = fixtures().join("syntax/ok/websocket-proxy.conf");
    let out = wslint(
        &fixtures(),
        &[
            "--color",
            "never",
            err.to_str().unwrap(),
            ok.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stdout(&out).contains(
            "Checked 2 files (2 files checked alone: outer levels not seen): 1 syntax error."
        ),
        "{}",
        stdout(&out)
    );
}

/// A byte order mark is part of the first word for nginx, which then
/// rejects the directive (checked against a real nginx when there is one);
/// wslint reports it as a syntax error instead of a clean pass.
#[test]
fn a_byte_order_mark_is_a_syntax_error_as_for_nginx() {
    let text = b"\xEF\xBB\xBFevents {}\nhttp {\n    server { listen 80; }\n}\n";
    let out = wslint(&fixtures(), &["--format", "concise", "-"], Some(text));
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(
        stdout(&out).contains(
            "<stdin>:1:1: syntax-error [error] the file starts with a UTF-8 byte order mark"
        ),
        "{}",
        stdout(&out)
    );
    if let Some(nginx) = crate::support::nginx() {
        let dir = tempfile::tempdir().unwrap();
        let conf = dir.path().join("nginx.conf");
        std::fs::write(&conf, text).unwrap();
        let t = std::process::Command::new(nginx)
            .args(["-t", "-c"])
            .arg(&conf)
            .arg("-g")
            .arg(format!(
                "pid {0}/pid; error_log {0}/log;",
                dir.path().display()
            ))
            .output()
            .unwrap();
        assert!(!t.status.success());
        assert!(
            String::from_utf8_lossy(&t.stderr).contains("unknown directive \"\u{feff}events\""),
            "{}",
            String::from_utf8_lossy(&t.stderr)
        );
    }
}
