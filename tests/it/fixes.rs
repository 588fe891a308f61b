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

/// `wslint --fix - < a.conf > b.conf` never loses the configuration: stdout
/// is the configuration, fixed or as it came, whatever else happens; the
/// report goes to stderr.
#[test]
fn fixing_stdin_always_prints_the_configuration() {
    let run = |input: &[u8]| {
        crate::support::wslint(
            &crate::support::repo_root(),
            &["--fix", "--nginx-version", "1.28.0", "-"],
            Some(input),
        )
    };
    // Nothing to fix.
    let clean = b"server {\n    listen 80;\n}\n";
    let out = run(clean);
    assert_eq!(out.stdout, clean);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no problems found"));
    // A syntax error: nothing can be fixed, the input comes back as it was.
    let broken = b"server {\n    location /ws/ { proxy_pass http://a; }\n    listen 80\n";
    let out = run(broken);
    assert_eq!(out.stdout, broken);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("syntax error"));
    // An nginx -T dump cannot be fixed in place: it comes back whole.
    let dump = b"# configuration file /etc/nginx/nginx.conf:\nevents {}\nhttp {\n    server {\n        location /ws/ { proxy_pass http://127.0.0.1:9000; }\n    }\n}\n\n";
    let out = run(dump);
    assert_eq!(out.stdout, dump);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot be fixed in place"));
}

/// `--diff` writes nothing and prints only the diff on stdout: no report
/// describes lines that are not on disk, and stderr says what it would fix.
#[test]
fn diff_prints_the_diff_and_what_it_would_fix() {
    let dir = tempfile::tempdir().unwrap();
    broken_tree(dir.path(), "");
    let before = std::fs::read(dir.path().join("nginx.conf")).unwrap();
    let out = wslint(
        dir.path(),
        &["--diff", "--nginx-version", "1.28.0", "."],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let diff = String::from_utf8_lossy(&out.stdout);
    assert!(
        diff.starts_with("diff --git a/nginx.conf b/nginx.conf\n"),
        "{diff}"
    );
    assert!(!diff.contains("Checked") && !diff.contains("WS0"), "{diff}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("Would fix 1 finding"), "{stderr}");
    assert!(!stderr.contains("no problems found"), "{stderr}");
    assert_eq!(
        std::fs::read(dir.path().join("nginx.conf")).unwrap(),
        before
    );
}

/// When no file is written, the report is about the files on disk: its
/// places are lines the files have, and it does not say "Fixed".
#[test]
fn a_refused_fix_reports_the_files_as_they_are() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    broken_tree(dir.path(), "");
    let main = dir.path().join("nginx.conf");
    std::fs::set_permissions(&main, std::fs::Permissions::from_mode(0o444)).unwrap();
    let out = wslint(
        dir.path(),
        &[
            "--fix",
            "--format",
            "json",
            "--nginx-version",
            "1.28.0",
            ".",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let lines = std::fs::read_to_string(&main).unwrap().lines().count() as u64;
    let findings = report["diagnostics"].as_array().unwrap();
    assert!(
        findings.iter().any(|d| d["code"] == "WS002"),
        "the unfixed finding is reported: {report:#}"
    );
    for d in findings {
        assert!(d["line"].as_u64().unwrap() <= lines, "{d:#}");
    }
    assert_eq!(report["summary"]["fixed"], 0);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("read-only") && stderr.contains("No file was written"),
        "{stderr}"
    );
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
    // Hidden, so no `include` glob of the tree reads it.
    assert_eq!(
        std::fs::read(dir.path().join(".nginx.conf.orig")).unwrap(),
        original
    );
    assert!(!dir.path().join("nginx.conf.orig").exists());
    let fixed = std::fs::read_to_string(dir.path().join("nginx.conf")).unwrap();
    assert!(
        fixed.contains("proxy_set_header Upgrade $http_upgrade;"),
        "{fixed}"
    );
    // An empty suffix is refused: no backup could be told from its original.
    let out = wslint(dir.path(), &["--fix", "--backup", "", "."], None);
    assert_eq!(out.status.code(), Some(2));
}

/// On a Debian layout (`include sites-enabled/*;`), a backup is never read
/// by nginx as a second site, a second run keeps the first backup, and a
/// refused run leaves none.
#[test]
fn backups_stay_out_of_include_globs_and_are_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("sites-enabled")).unwrap();
    std::fs::write(
        root.join("nginx.conf"),
        "events {}\nhttp {\n    map $http_upgrade $connection_upgrade {\n        default upgrade;\n        '' close;\n    }\n    include sites-enabled/*;\n}\n",
    )
    .unwrap();
    let site = "upstream app { server 127.0.0.1:9000; }\nserver {\n    listen 80;\n    location /ws/ {\n        proxy_pass http://app;\n        proxy_read_timeout 30s;\n    }\n}\n";
    std::fs::write(root.join("sites-enabled/app"), site).unwrap();
    let args = [
        "--fix",
        "--backup",
        ".orig",
        "--nginx-version",
        "1.28.0",
        ".",
    ];
    let out = wslint(root, &args, None);
    assert_ne!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(root.join("sites-enabled/.app.orig")).unwrap(),
        site
    );
    // Checking the tree again reads the site once: the backup is not a site.
    let again = wslint(root, &["-v", "--format", "concise", "."], None);
    let read = String::from_utf8_lossy(&again.stderr);
    assert!(!read.contains(".app.orig"), "{read}");
    // The unsafe fix changes the site again: the first backup stays.
    let first_fix = std::fs::read_to_string(root.join("sites-enabled/app")).unwrap();
    let out = wslint(
        root,
        &[
            "--fix",
            "--unsafe-fixes",
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
        std::fs::read_to_string(root.join("sites-enabled/.app.orig")).unwrap(),
        site
    );
    assert_eq!(
        std::fs::read_to_string(root.join("sites-enabled/.app.orig.1")).unwrap(),
        first_fix
    );
    // A refused run (a read-only file of the fix) leaves no backup.
    use std::os::unix::fs::PermissionsExt;
    let refused = tempfile::tempdir().unwrap();
    broken_tree(refused.path(), "");
    let main = refused.path().join("nginx.conf");
    std::fs::set_permissions(&main, std::fs::Permissions::from_mode(0o444)).unwrap();
    let out = wslint(
        refused.path(),
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
    assert_eq!(out.status.code(), Some(2));
    let hidden: Vec<_> = std::fs::read_dir(refused.path())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| e.file_name())
        .collect();
    assert!(hidden.is_empty(), "{hidden:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("Fixed"),
        "nothing was fixed on disk: {stderr}"
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
        stderr.contains("nginx -t rejects this configuration before the fix too"),
        "{stderr}"
    );
    assert!(stderr.contains("no_such_module_directive"), "{stderr}");
    assert!(!stderr.contains("Fixed"), "{stderr}");
    assert_eq!(
        std::fs::read(bad.path().join("nginx.conf")).unwrap(),
        before
    );
}

/// Run as a user who may not write a file (in a folder that user may
/// write): the file is refused, not replaced with a new owner. Needs root
/// to make such a user (setpriv); skipped and said otherwise.
#[test]
fn a_file_this_user_may_not_write_is_refused() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let is_root = std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0);
    if !is_root || Command::new("setpriv").arg("--version").output().is_err() {
        eprintln!("skipped: needs root and setpriv to run as another user");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    broken_tree(dir.path(), "");
    let main = dir.path().join("nginx.conf");
    std::fs::set_permissions(&main, std::fs::Permissions::from_mode(0o644)).unwrap();
    let before = std::fs::read(&main).unwrap();
    let out = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(env!("CARGO_BIN_EXE_wslint"))
        .args(["--fix", "--nginx-version", "1.28.0", "."])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("may not write it"), "{stderr}");
    assert_eq!(std::fs::read(&main).unwrap(), before);
    assert_eq!(
        std::fs::metadata(&main).unwrap().uid(),
        0,
        "the owner stays"
    );
}

/// `--verify` tests the files of the checked tree, wherever its includes
/// say they are: a stock Debian layout passes (its modules load from the
/// system), an absolute include into the tree is tested from the tree and
/// not from this machine's /etc/nginx, a site file alone is tested inside
/// the blocks it belongs in, and a FIFO beside a file argument is never
/// opened.
#[test]
fn verify_tests_the_checked_files_in_their_context() {
    let Some(_) = crate::support::nginx() else {
        return;
    };
    let args = [
        "--fix",
        "--verify",
        "--nginx-version",
        "1.28.0",
        "--format",
        "concise",
    ];
    let site = "server {\n    listen 127.0.0.1:18490;\n    location /ws/ {\n        proxy_pass http://127.0.0.1:9000;\n        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Host $host;\n    }\n}\n";
    let fixed = |path: &Path| {
        std::fs::read_to_string(path)
            .unwrap()
            .contains("proxy_set_header Connection")
    };

    // A copy of this machine's Debian /etc/nginx, with a site to fix.
    if Path::new("/etc/nginx/modules-enabled").is_dir() {
        let dir = tempfile::tempdir().unwrap();
        let tree = dir.path().join("nginx");
        let copied = Command::new("cp")
            .arg("-rL")
            .arg("/etc/nginx")
            .arg(&tree)
            .status()
            .unwrap();
        assert!(copied.success());
        std::fs::write(tree.join("sites-enabled/chat"), site).unwrap();
        let out = wslint(&tree, &[&args[..], &["."]].concat(), None);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_ne!(out.status.code(), Some(2), "{stderr}");
        assert!(fixed(&tree.join("sites-enabled/chat")), "{stderr}");
    }

    // `include /etc/nginx/conf.d/*.conf;` in a repository: the tree's own
    // conf.d is what nginx -t reads in the copy.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("conf.d")).unwrap();
    std::fs::write(
        dir.path().join("nginx.conf"),
        "events {}\nhttp {\n    include /etc/nginx/conf.d/*.conf;\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("conf.d/site.conf"),
        site.replace("listen", "no_such_module_directive on;\n    listen"),
    )
    .unwrap();
    let out = wslint(dir.path(), &[&args[..], &["."]].concat(), None);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("no_such_module_directive"),
        "the tree's conf.d was tested: {stderr}"
    );
    assert!(!fixed(&dir.path().join("conf.d/site.conf")));

    // A site file checked alone, in a folder that also holds a FIFO.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("site.conf"), site).unwrap();
    let fifo = Command::new("mkfifo")
        .arg(dir.path().join("pipe"))
        .status()
        .unwrap();
    assert!(fifo.success());
    let out = wslint(dir.path(), &[&args[..], &["site.conf"]].concat(), None);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(2), "{stderr}");
    assert!(fixed(&dir.path().join("site.conf")), "{stderr}");
}

/// `--diff` output applies with `git apply` whatever the file names hold
/// (spaces, tabs, quotes, a newline, non-ASCII), and for a file outside the
/// current folder with `git apply --unsafe-paths`.
#[test]
fn diffs_apply_with_git_whatever_the_names() {
    if Command::new("git").arg("--version").output().is_err() {
        eprintln!("skipped: git is not installed");
        return;
    }
    let site = "server {\n    location /ws/ {\n        proxy_pass http://127.0.0.1:9;\n        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Host $host;\n    }\n}\n";
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("work");
    let outside = dir.path().join("elsewhere");
    std::fs::create_dir_all(&work).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    let names = [
        "plain.conf",
        "with space.conf",
        "tab\there.conf",
        "quote\"d.conf",
        "new\nline.conf",
        "caf\u{e9}.conf",
    ];
    for name in names {
        std::fs::write(work.join(name), site).unwrap();
    }
    let far = outside.join("far.conf");
    std::fs::write(&far, site).unwrap();
    let mut args = vec!["--diff", "--nginx-version", "1.28.0"];
    args.extend(names);
    let far_arg = far.to_str().unwrap().to_string();
    args.push(&far_arg);
    let out = wslint(&work, &args, None);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let patch = dir.path().join("fix.diff");
    std::fs::write(&patch, &out.stdout).unwrap();
    let applied = Command::new("git")
        .args(["apply", "--unsafe-paths"])
        .arg(&patch)
        .current_dir(&work)
        .output()
        .unwrap();
    assert!(
        applied.status.success(),
        "git apply: {}\n{}",
        String::from_utf8_lossy(&applied.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    for name in names {
        let fixed = std::fs::read_to_string(work.join(name)).unwrap();
        assert!(
            fixed.contains("proxy_set_header Connection"),
            "{name:?}: {fixed}"
        );
    }
    assert!(
        std::fs::read_to_string(&far)
            .unwrap()
            .contains("proxy_set_header Connection")
    );
}

/// The indentation of a line: its leading tabs and spaces.
fn indentation(line: &str) -> &str {
    &line[..line.len() - line.trim_start_matches([' ', '\t']).len()]
}

/// Every line a fix fixture's `after` adds is indented in its file's style:
/// with tabs where its neighbours use tabs, with spaces where they use
/// spaces, as deep as a neighbour or one level (the file's unit) deeper or
/// shallower; and no fix leaves two blank lines in a row where `before` had
/// none.
#[test]
fn inserted_lines_follow_the_indentation_of_their_neighbours() {
    let mut checked = 0;
    for case in cases() {
        for before_path in files_below(&case.dir.join("before")) {
            let relative = before_path.strip_prefix(case.dir.join("before")).unwrap();
            let after_path = case.dir.join("after").join(relative);
            let (Ok(before), Ok(after)) = (
                std::fs::read_to_string(&before_path),
                std::fs::read_to_string(&after_path),
            ) else {
                continue;
            };
            let name = after_path.display();
            let double_blank = |t: &str| t.contains("\n\n\n") || t.contains("\r\n\r\n\r\n");
            assert!(
                double_blank(&before) || !double_blank(&after),
                "{name}: a double blank line"
            );
            let lines: Vec<&str> = after.lines().collect();
            let diff = similar::TextDiff::from_lines(&before, &after);
            let mut new_index = 0;
            for change in diff.iter_all_changes() {
                match change.tag() {
                    similar::ChangeTag::Delete => continue,
                    similar::ChangeTag::Equal => {
                        new_index += 1;
                        continue;
                    }
                    similar::ChangeTag::Insert => {}
                }
                let line = lines[new_index];
                new_index += 1;
                let own = indentation(line);
                if line.trim().is_empty() || own.is_empty() {
                    continue;
                }
                // The nearest unchanged, indented line above it.
                let neighbour = lines[..new_index - 1]
                    .iter()
                    .rev()
                    .map(|l| indentation(l))
                    .find(|i| !i.is_empty() && before.contains(&format!("\n{i}")))
                    .unwrap_or("");
                let uses = |i: &str, c: char| i.contains(c);
                assert!(
                    !(uses(own, '\t') && uses(own, ' ')),
                    "{name}: mixed indentation in {line:?}"
                );
                if !neighbour.is_empty() {
                    assert_eq!(
                        uses(own, '\t'),
                        uses(neighbour, '\t'),
                        "{name}: {line:?} is not indented like {neighbour:?}"
                    );
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 50, "only {checked} inserted lines were checked");
}
