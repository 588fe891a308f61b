//! Shared helpers: where fixtures and the corpus are, and how to run the binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixtures() -> PathBuf {
    repo_root().join("fixtures")
}

/// Every regular file below `dir`, sorted.
pub fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    out.sort();
    out
}

/// The corpus folder named by `WSLINT_CORPUS`. When the variable is unset,
/// or names a folder that is not there (a fresh clone without ../shared
/// beside it), the caller skips and says so; a folder that is there must
/// hold the corpus, so a test can never pass by reading nothing.
pub fn corpus() -> Option<PathBuf> {
    let Some(dir) = std::env::var_os("WSLINT_CORPUS") else {
        eprintln!("skipped: WSLINT_CORPUS is not set (CI sets it to ../shared/corpus)");
        return None;
    };
    let dir = PathBuf::from(dir);
    let dir = if dir.is_relative() {
        repo_root().join(dir)
    } else {
        dir
    };
    if !dir.exists() {
        eprintln!(
            "skipped: WSLINT_CORPUS={} does not exist (../shared is not beside this checkout)",
            dir.display()
        );
        return None;
    }
    assert!(
        dir.join("manifest.tsv").is_file(),
        "WSLINT_CORPUS={} has no manifest.tsv",
        dir.display()
    );
    assert!(
        files_below(&dir.join("files")).len() > 100,
        "WSLINT_CORPUS={} holds (almost) no files",
        dir.display()
    );
    Some(dir)
}

/// Runs the wslint binary with `args` in `cwd`, with `stdin` as its input.
pub fn wslint(cwd: &Path, args: &[&str], stdin: Option<&[u8]>) -> Output {
    use std::io::Write;
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wslint"));
    cmd.args(args)
        .current_dir(cwd)
        .env_remove("NO_COLOR")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().expect("wslint binary starts");
    let mut pipe = child.stdin.take().expect("stdin is piped");
    if let Some(input) = stdin {
        // A run that stops before reading (a usage error) closes its end.
        match pipe.write_all(input) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            other => other.expect("write stdin"),
        }
    }
    drop(pipe);
    child.wait_with_output().expect("wslint finishes")
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The nginx binary. Tests that need it fail when `CI` is set and it is
/// missing (CI installs it); elsewhere they skip and say so.
pub fn nginx() -> Option<PathBuf> {
    required_program(
        "nginx",
        &["/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx"],
    )
}

/// A program a test needs: the first of `places` that exists, else `name`
/// on PATH. Missing with `CI` set is a failure (.ci/run installs it);
/// elsewhere the caller skips, and this says so.
pub fn required_program(name: &str, places: &[&str]) -> Option<PathBuf> {
    let found = places
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
        .or_else(|| {
            let out = Command::new("sh")
                .args(["-c", &format!("command -v {name}")])
                .output()
                .ok()?;
            let path = String::from_utf8_lossy(&out.stdout).trim().to_string();
            (!path.is_empty()).then(|| PathBuf::from(path))
        });
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "{name} is not installed but CI is set: .ci/run must install it"
        );
        eprintln!("skipped: {name} is not installed");
    }
    found
}

/// Copies a directory tree (files and symlinks) to `to`.
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else if entry.file_type().is_symlink() {
            let link = std::fs::read_link(entry.path()).unwrap();
            std::os::unix::fs::symlink(link, &target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// One finding of a `--format json` report.
#[derive(Debug, Clone)]
pub struct Finding {
    pub code: String,
    pub line: u64,
    pub message: String,
}

/// The findings of a `--format json` report, in report order (none when
/// the output is not a report, e.g. after a usage error).
pub fn json_findings(stdout: &[u8]) -> Vec<Finding> {
    let Ok(json) = serde_json::from_slice::<serde_json::Value>(stdout) else {
        return Vec::new();
    };
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| Finding {
            code: d["code"].as_str().unwrap().to_string(),
            line: d["line"].as_u64().unwrap(),
            message: d["message"].as_str().unwrap().to_string(),
        })
        .collect()
}
