//! A real editor drives `wslint server`: a headless Neovim with no user
//! configuration starts the server through its built-in LSP client, opens a
//! configuration that lacks `proxy_http_version 1.1;`, waits for the WS001
//! diagnostic, applies that diagnostic's quick fix and writes the file. The
//! written bytes must be exactly the ones `wslint --fix` writes, and both
//! must equal the literal `FIXED` below. The editor's side is
//! tests/editor/quickfix.lua, written against the Neovim 0.7 API (Debian
//! bookworm's `neovim`). When nvim is missing and `CI` is set the test fails
//! (.ci/run installs it); elsewhere it skips and says so.

use crate::support::{json_findings, repo_root, stdout, wslint};
use std::fs;
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// Fixed, so the findings do not depend on the nginx installed here.
const NGINX_VERSION: &str = "1.28.0";

/// A WebSocket location left at nginx's default HTTP/1.0 upstream (WS001).
const BROKEN: &str = "\
events {}
http {
    server {
        listen 8080;
        location /ws/ {
            proxy_pass http://127.0.0.1:9000;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection \"upgrade\";
            proxy_set_header Host $host;
            proxy_read_timeout 1h;
        }
    }
}
";

/// `BROKEN` after WS001's safe fix: the directive goes last in the location,
/// indented as its siblings.
const FIXED: &str = "\
events {}
http {
    server {
        listen 8080;
        location /ws/ {
            proxy_pass http://127.0.0.1:9000;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection \"upgrade\";
            proxy_set_header Host $host;
            proxy_read_timeout 1h;
            proxy_http_version 1.1;
        }
    }
}
";

/// The whole nvim run; the script's own waits are shorter, so a hang here
/// is nvim itself stuck.
const NVIM_TIMEOUT: Duration = Duration::from_secs(60);

/// Runs the script in a headless nvim with `editor` as its home for state
/// and output; `None` when it had to be killed at `NVIM_TIMEOUT`.
fn run_script(nvim: &Path, file: &Path, editor: &Path) -> Option<ExitStatus> {
    let script = repo_root().join("tests/editor/quickfix.lua");
    let mut child = Command::new(nvim)
        .args(["--headless", "-u", "NONE", "-i", "NONE", "-n", "-c"])
        .arg(format!("luafile {}", script.display()))
        .env("WSLINT_BIN", env!("CARGO_BIN_EXE_wslint"))
        .env("WSLINT_NGINX_VERSION", NGINX_VERSION)
        .env("WSLINT_EDITOR_FILE", file)
        .env("WSLINT_EDITOR_LOG", editor.join("script.log"))
        // nvim's own log and lsp.log land here rather than in ~/.cache.
        .env("XDG_CACHE_HOME", editor)
        .env("XDG_CONFIG_HOME", editor)
        .env("XDG_DATA_HOME", editor)
        .env("XDG_STATE_HOME", editor)
        .current_dir(editor)
        // Files, not pipes: nothing has to drain them while we wait.
        .stdin(Stdio::null())
        .stdout(fs::File::create(editor.join("stdout")).unwrap())
        .stderr(fs::File::create(editor.join("stderr")).unwrap())
        .spawn()
        .expect("nvim starts");
    let start = Instant::now();
    while start.elapsed() < NVIM_TIMEOUT {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

/// Everything the editor side left behind, for a failure message.
fn editor_output(editor: &Path) -> String {
    ["script.log", "stdout", "stderr", "nvim/lsp.log"]
        .iter()
        .map(|name| {
            let text = fs::read(editor.join(name))
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_else(|e| format!("({e})"));
            format!("--- {name}\n{text}")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn neovim_applies_the_ws001_quick_fix_and_writes_the_file() {
    let Some(nvim) = crate::support::required_program("nvim", &[]) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();

    // The command line on a copy: it reports WS001 and its --fix writes FIXED.
    let cli = dir.path().join("cli");
    fs::create_dir(&cli).unwrap();
    fs::write(cli.join("nginx.conf"), BROKEN).unwrap();
    let check = [
        "--format",
        "json",
        "--nginx-version",
        NGINX_VERSION,
        "nginx.conf",
    ];
    let report = wslint(&cli, &check, None);
    let findings = json_findings(&report.stdout);
    assert!(
        findings.iter().any(|f| f.code == "WS001"),
        "the broken configuration has no WS001:\n{}",
        stdout(&report)
    );
    let fix = ["--fix", "--nginx-version", NGINX_VERSION, "nginx.conf"];
    let out = wslint(&cli, &fix, None);
    assert!(
        out.status.success(),
        "wslint --fix failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Lossy text equals FIXED only when the bytes do (FIXED has no U+FFFD),
    // and a mismatch shows as readable text.
    assert_eq!(
        String::from_utf8_lossy(&fs::read(cli.join("nginx.conf")).unwrap()),
        FIXED,
        "wslint --fix wrote other bytes"
    );

    // The editor on its own copy.
    let site = dir.path().join("site");
    let editor = dir.path().join("editor");
    fs::create_dir(&site).unwrap();
    fs::create_dir(&editor).unwrap();
    let file = site.join("nginx.conf");
    fs::write(&file, BROKEN).unwrap();
    let started = Instant::now();
    let status = run_script(&nvim, &file, &editor);
    let took = started.elapsed();
    let output = editor_output(&editor);
    let Some(status) = status else {
        panic!("nvim was killed after {NVIM_TIMEOUT:?}\n{output}");
    };
    assert_eq!(status.code(), Some(0), "nvim failed\n{output}");
    assert!(
        fs::read_to_string(editor.join("script.log"))
            .unwrap_or_default()
            .lines()
            .any(|line| line == "done"),
        "the script did not reach its end\n{output}"
    );
    assert_eq!(
        String::from_utf8_lossy(&fs::read(&file).unwrap()),
        FIXED,
        "the editor wrote other bytes\n{output}"
    );
    eprintln!("nvim ran the script in {took:.2?}");
}
