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

/// The corpus folder named by `WSLINT_CORPUS`. When the variable is set the
/// folder must exist and hold files, so a test can never pass by reading
/// nothing; when it is unset the caller skips and says so.
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
        pipe.write_all(input).expect("write stdin");
    }
    drop(pipe);
    child.wait_with_output().expect("wslint finishes")
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}
