//! `--fix` interrupted at arbitrary moments, through a real child process:
//! Ctrl-C, SIGTERM and SIGHUP leave no temporary file and no fix half
//! applied; SIGKILL can leave a fix half applied only with its journal,
//! which the next `--fix` finishes.

use crate::support::files_below;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

/// A tree whose fix spans files: every site needs the Connection map,
/// which goes into nginx.conf.
fn tree(dir: &Path) {
    std::fs::create_dir_all(dir.join("sites")).unwrap();
    std::fs::write(
        dir.join("nginx.conf"),
        "events {}\nhttp {\n    include sites/*.conf;\n}\n",
    )
    .unwrap();
    for i in 0..120 {
        std::fs::write(
            dir.join(format!("sites/site{i:03}.conf")),
            format!(
                "server {{\n    listen {};\n    location /ws/ {{\n        proxy_pass http://127.0.0.1:9000;\n        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Host $host;\n        proxy_read_timeout 1h;\n    }}\n}}\n",
                10000 + i
            ),
        )
        .unwrap();
    }
}

/// Every file's bytes, by path relative to a tree's folder.
type Snapshot = Vec<(String, Vec<u8>)>;

/// Every file's bytes, by path relative to `dir`.
fn snapshot(dir: &Path) -> Snapshot {
    files_below(dir)
        .into_iter()
        .map(|p| {
            (
                p.strip_prefix(dir).unwrap().display().to_string(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect()
}

fn fix_command(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wslint"));
    cmd.args([
        "--fix",
        "--nginx-version",
        "1.28.0",
        "--format",
        "concise",
        ".",
    ])
    .current_dir(dir)
    .stdout(Stdio::null())
    .stderr(Stdio::null());
    cmd
}

/// The tree before and after a complete fix.
fn before_and_after() -> (Snapshot, Snapshot) {
    let dir = tempfile::tempdir().unwrap();
    tree(dir.path());
    let before = snapshot(dir.path());
    fix_command(dir.path()).status().unwrap();
    let after = snapshot(dir.path());
    assert_ne!(before, after, "the tree has something to fix");
    (before, after)
}

/// Starts a fix, sends `signal` after `delay`, and returns the tree's
/// folder once the process is gone.
fn interrupted(signal: &str, delay: Duration) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    tree(dir.path());
    let mut child = fix_command(dir.path()).spawn().unwrap();
    std::thread::sleep(delay);
    let _ = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status();
    // Bounded: the run is short, and a signal ends it sooner.
    for _ in 0..600 {
        if child.try_wait().unwrap().is_some() {
            return dir;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    panic!("wslint --fix did not end after {signal}");
}

fn leftovers(dir: &Path) -> Vec<String> {
    files_below(dir)
        .into_iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".wslint"))
        .collect()
}

const DELAYS_MS: &[u64] = &[0, 5, 15, 30, 60, 100, 150, 220, 300, 450];

#[test]
fn signals_leave_no_temporary_file_and_no_half_fix() {
    let (before, after) = before_and_after();
    for signal in ["-INT", "-TERM", "-HUP"] {
        for &ms in DELAYS_MS {
            let dir = interrupted(signal, Duration::from_millis(ms));
            assert_eq!(
                leftovers(dir.path()),
                Vec::<String>::new(),
                "{signal} after {ms} ms"
            );
            let now = snapshot(dir.path());
            assert!(
                now == before || now == after,
                "{signal} after {ms} ms left the tree neither as it was nor fixed"
            );
        }
    }
}

#[test]
fn sigkill_leaves_a_journal_that_the_next_fix_finishes() {
    let (before, after) = before_and_after();
    for &ms in DELAYS_MS {
        let dir = interrupted("-KILL", Duration::from_millis(ms));
        let now: Snapshot = snapshot(dir.path())
            .into_iter()
            .filter(|(p, _)| !p.contains(".wslint"))
            .collect();
        let journal = dir.path().join(".wslint-journal").exists();
        assert!(
            journal || now == before || now == after,
            "SIGKILL after {ms} ms: a half-applied fix without a journal"
        );
        // The next run finishes (or redoes) the fix.
        let out = fix_command(dir.path())
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        if journal {
            assert!(stderr.contains("finished a fix"), "{stderr}");
        }
        let done: Snapshot = snapshot(dir.path())
            .into_iter()
            .filter(|(p, _)| !p.starts_with(".wslint-") && !p.contains("/.wslint-"))
            .collect();
        assert_eq!(done, after, "SIGKILL after {ms} ms, then --fix");
        assert!(!dir.path().join(".wslint-journal").exists());
    }
}

/// The state a SIGKILL between two renames leaves (the journal, one file
/// renamed, the other's new bytes still beside it): a check run says a
/// fix is pending, the next `--fix` finishes it first.
#[test]
fn a_fix_killed_between_renames_is_finished_by_the_next_fix() {
    let (before, after) = before_and_after();
    let dir = tempfile::tempdir().unwrap();
    tree(dir.path());
    let fixed = |name: &str| {
        after
            .iter()
            .find(|(p, _)| p == name)
            .map(|(_, b)| b.clone())
            .unwrap()
    };
    // nginx.conf was renamed into place; the site's new bytes wait.
    std::fs::write(dir.path().join("nginx.conf"), fixed("nginx.conf")).unwrap();
    let waiting = dir.path().join("sites/.wslint-kill");
    std::fs::write(&waiting, fixed("sites/site000.conf")).unwrap();
    let mut journal = Vec::new();
    for (from, to) in [
        (
            dir.path().join(".wslint-gone"),
            dir.path().join("nginx.conf"),
        ),
        (waiting.clone(), dir.path().join("sites/site000.conf")),
    ] {
        use std::os::unix::ffi::OsStrExt;
        for p in [from, to] {
            journal.extend_from_slice(p.as_os_str().as_bytes());
            journal.push(0);
        }
    }
    std::fs::write(dir.path().join(".wslint-journal"), journal).unwrap();
    assert_ne!(snapshot(dir.path()), before);

    let check = Command::new(env!("CARGO_BIN_EXE_wslint"))
        .args(["--nginx-version", "1.28.0", "."])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let warned = String::from_utf8_lossy(&check.stderr);
    assert!(
        warned.contains("interrupted") && warned.contains("--fix"),
        "{warned}"
    );
    assert!(
        dir.path().join(".wslint-journal").exists(),
        "a check run writes nothing"
    );

    let out = fix_command(dir.path())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("finished a fix an earlier run was interrupted in: 1 file"),
        "{stderr}"
    );
    assert_eq!(snapshot(dir.path()), after);
}
