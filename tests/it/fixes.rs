//! Fix fixtures: fixtures/fix/CASE/before/ is copied to a temporary folder,
//! `wslint --fix` runs on it, and every file must then equal
//! fixtures/fix/CASE/after/ byte for byte (so untouched bytes are
//! identical). A second `--fix` changes nothing, and `--diff` applied with
//! `git apply` gives the same result. Options come from a
//! `# wslint-test: unsafe nginx-version=1.28.0 expect-exit=2` comment on one
//! of the first lines of any `before` file; the checked path is the
//! `before` folder itself.

use crate::support::{copy_tree, files_below, fixtures, wslint};
use std::path::{Path, PathBuf};
use std::process::Command;

struct Case {
    dir: PathBuf,
    args: Vec<String>,
    expect_exit: Option<i32>,
}

fn cases() -> Vec<Case> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(fixtures().join("fix"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("before").is_dir())
        .collect();
    dirs.sort();
    dirs.into_iter()
        .map(|dir| {
            let mut args = vec!["--fix".to_string(), "--color".into(), "never".into()];
            let mut expect_exit = None;
            for file in files_below(&dir.join("before")) {
                let text = String::from_utf8_lossy(&std::fs::read(&file).unwrap()).into_owned();
                for line in text.lines().take(3) {
                    let Some(options) = line.trim().strip_prefix("# wslint-test:") else {
                        continue;
                    };
                    for option in options.split_whitespace() {
                        match option.split_once('=') {
                            None if option == "unsafe" => args.push("--unsafe-fixes".into()),
                            Some(("nginx-version", v)) => {
                                args.extend(["--nginx-version".into(), v.into()])
                            }
                            Some(("expect-exit", v)) => expect_exit = Some(v.parse().unwrap()),
                            _ => panic!("{}: unknown option {option}", file.display()),
                        }
                    }
                }
            }
            if !args.iter().any(|a| a == "--nginx-version") {
                args.extend(["--nginx-version".into(), "1.28.0".into()]);
            }
            Case {
                dir,
                args,
                expect_exit,
            }
        })
        .collect()
}

/// Relative path → bytes of every file below `dir`.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    files_below(dir)
        .into_iter()
        .filter(|p| !p.components().any(|c| c.as_os_str() == ".git"))
        .map(|p| {
            (
                p.strip_prefix(dir).unwrap().to_path_buf(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect()
}

fn assert_same(
    case: &Case,
    what: &str,
    actual: &[(PathBuf, Vec<u8>)],
    expected: &[(PathBuf, Vec<u8>)],
) {
    let names = |s: &[(PathBuf, Vec<u8>)]| s.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
    assert_eq!(
        names(actual),
        names(expected),
        "{}: {what}: files differ",
        case.dir.display()
    );
    for ((path, a), (_, e)) in actual.iter().zip(expected) {
        assert!(
            a == e,
            "{}: {what}: {} differs from after/:\n--- got ---\n{}\n--- expected ---\n{}",
            case.dir.display(),
            path.display(),
            String::from_utf8_lossy(a),
            String::from_utf8_lossy(e)
        );
    }
}

#[test]
fn fixes_turn_before_into_after_exactly() {
    let cases = cases();
    assert!(cases.len() >= 15, "only {} fix cases", cases.len());
    for case in &cases {
        let expected = snapshot(&case.dir.join("after"));
        let work = tempfile::tempdir().unwrap();
        copy_tree(&case.dir.join("before"), work.path());
        let args: Vec<&str> = case.args.iter().map(String::as_str).chain(["."]).collect();
        let out = wslint(work.path(), &args, None);
        let code = out.status.code();
        match case.expect_exit {
            Some(e) => assert_eq!(code, Some(e), "{}", case.dir.display()),
            None => assert_ne!(
                code,
                Some(2),
                "{}: {}",
                case.dir.display(),
                String::from_utf8_lossy(&out.stderr)
            ),
        }
        assert_same(case, "after --fix", &snapshot(work.path()), &expected);

        // A second run finds nothing more to fix.
        wslint(work.path(), &args, None);
        assert_same(
            case,
            "after a second --fix",
            &snapshot(work.path()),
            &expected,
        );

        // --diff writes nothing, and its output applies with git apply.
        let fresh = tempfile::tempdir().unwrap();
        copy_tree(&case.dir.join("before"), fresh.path());
        let before = snapshot(fresh.path());
        let diff_args: Vec<&str> = args
            .iter()
            .map(|a| if *a == "--fix" { "--diff" } else { a })
            .collect();
        let diff = wslint(fresh.path(), &diff_args, None);
        assert_same(case, "after --diff", &snapshot(fresh.path()), &before);
        if !diff.stdout.is_empty() {
            std::fs::write(fresh.path().join(".patch"), &diff.stdout).unwrap();
            let applied = Command::new("git")
                .args(["apply", "--unsafe-paths", ".patch"])
                .current_dir(fresh.path())
                .output()
                .expect("git runs");
            assert!(
                applied.status.success(),
                "{}: git apply failed: {}\n{}",
                case.dir.display(),
                String::from_utf8_lossy(&applied.stderr),
                String::from_utf8_lossy(&diff.stdout)
            );
            std::fs::remove_file(fresh.path().join(".patch")).unwrap();
            assert_same(
                case,
                "after git apply of --diff",
                &snapshot(fresh.path()),
                &expected,
            );
        }
    }
}

#[test]
fn fixing_stdin_prints_the_fixed_config() {
    let input = b"server {\n    listen 80;\n    location /ws/ {\n        proxy_pass http://127.0.0.1:9000;\n        proxy_http_version 1.1;\n        proxy_set_header Host $host;\n        proxy_set_header Connection \"upgrade\";\n    }\n}\n";
    let out = crate::support::wslint(
        &crate::support::repo_root(),
        &["--fix", "--nginx-version", "1.28.0", "-"],
        Some(input),
    );
    let fixed = String::from_utf8_lossy(&out.stdout);
    assert!(
        fixed.contains("        proxy_set_header Upgrade $http_upgrade;\n"),
        "{fixed}"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("Fixed 1 finding"));
}

/// A small whole configuration with one fixable WebSocket route.
fn broken_tree(dir: &Path, extra_http_line: &str) {
    std::fs::write(
        dir.join("nginx.conf"),
        format!(
            "events {{}}\nhttp {{\n    access_log off;\n{extra_http_line}\n    server {{\n        listen 127.0.0.1:18480;\n        location /ws/ {{\n            proxy_pass http://127.0.0.1:18481;\n            proxy_http_version 1.1;\n            proxy_set_header Host $host;\n            proxy_set_header Connection \"upgrade\";\n        }}\n    }}\n}}\n"
        ),
    )
    .unwrap();
}

#[test]
fn backup_keeps_the_original_beside_the_fixed_file() {
    let dir = tempfile::tempdir().unwrap();
    broken_tree(dir.path(), "");
    let original = std::fs::read(dir.path().join("nginx.conf")).unwrap();
    let out = wslint(
        dir.path(),
        &[
            "--fix",
            "--backup",
            ".orig",
            "--nginx-version",
            "1.28.0",
            ".",
        ],
        None,
    );
    assert_ne!(out.status.code(), Some(2));
    assert_eq!(
        std::fs::read(dir.path().join("nginx.conf.orig")).unwrap(),
        original
    );
    let fixed = std::fs::read_to_string(dir.path().join("nginx.conf")).unwrap();
    assert!(
        fixed.contains("proxy_set_header Upgrade $http_upgrade;"),
        "{fixed}"
    );
}

#[test]
fn verify_writes_only_what_nginx_accepts() {
    let Some(_) = crate::support::nginx() else {
        return;
    };
    // nginx accepts the fixed tree: it is written.
    let good = tempfile::tempdir().unwrap();
    broken_tree(good.path(), "");
    let out = wslint(
        good.path(),
        &["--fix", "--verify", "--nginx-version", "1.28.0", "."],
        None,
    );
    assert_ne!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let fixed = std::fs::read_to_string(good.path().join("nginx.conf")).unwrap();
    assert!(
        fixed.contains("proxy_set_header Upgrade $http_upgrade;"),
        "{fixed}"
    );

    // A directive wslint accepts (unknown module) but this nginx rejects:
    // --verify refuses to write anything and shows nginx's message.
    let bad = tempfile::tempdir().unwrap();
    broken_tree(bad.path(), "    no_such_module_directive on;");
    let before = std::fs::read(bad.path().join("nginx.conf")).unwrap();
    let out = wslint(
        bad.path(),
        &["--fix", "--verify", "--nginx-version", "1.28.0", "."],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("nginx -t rejects the fixed configuration"),
        "{stderr}"
    );
    assert!(stderr.contains("no_such_module_directive"), "{stderr}");
    assert_eq!(
        std::fs::read(bad.path().join("nginx.conf")).unwrap(),
        before
    );
}
