//! `.wslint.toml` discovery and settings, `--fail-on`, `--exit-zero`, and
//! the exit codes of every kind of run.

use crate::support::{stdout, wslint};
use std::path::Path;
use std::process::Command;

/// A project: a config at the top, a nested config in `nested/`, and a
/// config file in each with a fixable WS006 (short timeout) and WS016.
fn project(dir: &Path) {
    let site = "server {\n    listen 80;\n    location /ws/ {\n        proxy_pass http://127.0.0.1:9000;\n        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection \"upgrade\";\n        proxy_read_timeout 120s;\n    }\n}\n";
    std::fs::create_dir_all(dir.join("nested")).unwrap();
    std::fs::write(dir.join("site.conf"), site).unwrap();
    std::fs::write(dir.join("nested/site.conf"), site).unwrap();
    std::fs::write(dir.join(".wslint.toml"), "ignore = [\"WS016\"]\n").unwrap();
    std::fs::write(dir.join("nested/.wslint.toml"), "ignore = [\"WS006\"]\n").unwrap();
}

fn codes(text: &str) -> Vec<String> {
    let mut codes: Vec<String> = text
        .lines()
        .filter_map(|l| l.split_whitespace().nth(1))
        .filter(|c| c.starts_with("WS"))
        .map(String::from)
        .collect();
    codes.sort();
    codes
}

#[test]
fn the_nearest_config_wins_and_config_flag_overrides() {
    let dir = tempfile::tempdir().unwrap();
    project(dir.path());
    let args = ["--format", "concise", "--nginx-version", "1.28.0"];
    let top = wslint(dir.path(), &[&args[..], &["site.conf"]].concat(), None);
    assert_eq!(codes(&stdout(&top)), ["WS006"], "{}", stdout(&top));
    let nested = wslint(
        dir.path(),
        &[&args[..], &["nested/site.conf"]].concat(),
        None,
    );
    assert_eq!(codes(&stdout(&nested)), ["WS016"], "{}", stdout(&nested));
    let chosen = wslint(
        dir.path(),
        &[&args[..], &["--config", ".wslint.toml", "nested/site.conf"]].concat(),
        None,
    );
    assert_eq!(codes(&stdout(&chosen)), ["WS006"], "{}", stdout(&chosen));
    let cli_wins = wslint(
        dir.path(),
        &[&args[..], &["--ignore", "WS006", "site.conf"]].concat(),
        None,
    );
    assert_eq!(
        codes(&stdout(&cli_wins)),
        ["WS016"],
        "{}",
        stdout(&cli_wins)
    );
}

#[test]
fn config_settings_apply() {
    let dir = tempfile::tempdir().unwrap();
    project(dir.path());
    std::fs::write(
        dir.path().join(".wslint.toml"),
        "nginx-version = \"1.29.7\"\ntimeout-threshold = \"90s\"\nfail-on = \"error\"\n\n[severity]\nWS016 = \"error\"\n\n[per-path-ignores]\n\"nested/*\" = [\"WS016\"]\n",
    )
    .unwrap();
    let out = wslint(
        dir.path(),
        &["--format", "json", "--config", ".wslint.toml", "."],
        None,
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["nginx_version"], "1.29.7");
    let found: Vec<(String, String, String)> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().into(),
                d["severity"].as_str().unwrap().into(),
                d["file"].as_str().unwrap().into(),
            )
        })
        .collect();
    // 120s is above the 90s threshold: no WS006. WS016 is an error now, and
    // ignored below nested/.
    assert_eq!(
        found,
        [(
            "WS016".to_string(),
            "error".to_string(),
            "site.conf".to_string()
        )]
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "an error-level finding fails with fail-on = error"
    );
}

#[test]
fn unknown_config_key_is_an_error_naming_its_line() {
    let dir = tempfile::tempdir().unwrap();
    project(dir.path());
    std::fs::write(
        dir.path().join(".wslint.toml"),
        "# settings\nselect = [\"WS\"]\nfial-on = \"error\"\n",
    )
    .unwrap();
    let out = wslint(dir.path(), &["site.conf"], None);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(".wslint.toml:3:1:"), "{stderr}");
    assert!(stderr.contains("fial-on"), "{stderr}");
}

#[test]
fn config_init_writes_a_commented_default_once() {
    let dir = tempfile::tempdir().unwrap();
    let out = wslint(dir.path(), &["config", "init"], None);
    assert_eq!(out.status.code(), Some(0));
    let text = std::fs::read_to_string(dir.path().join(".wslint.toml")).unwrap();
    assert!(text.contains("# fail-on = \"warning\""));
    let again = wslint(dir.path(), &["config", "init"], None);
    assert_eq!(
        again.status.code(),
        Some(2),
        "an existing file is not overwritten"
    );
}

#[test]
fn exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    project(dir.path());
    std::fs::remove_file(dir.path().join(".wslint.toml")).unwrap();
    std::fs::remove_file(dir.path().join("nested/.wslint.toml")).unwrap();
    std::fs::write(
        dir.path().join("clean.conf"),
        "server {\n    listen 80;\n    location / {\n        root /srv;\n    }\n}\n",
    )
    .unwrap();
    let code = |args: &[&str]| wslint(dir.path(), args, None).status.code();
    let v = ["--nginx-version", "1.28.0"];
    assert_eq!(code(&[&v[..], &["clean.conf"]].concat()), Some(0), "clean");
    // site.conf has warnings (WS006, WS016) and nothing worse.
    assert_eq!(
        code(&[&v[..], &["site.conf"]].concat()),
        Some(1),
        "warnings at the default fail-on"
    );
    assert_eq!(
        code(&[&v[..], &["--fail-on", "error", "site.conf"]].concat()),
        Some(0),
        "below fail-on"
    );
    assert_eq!(
        code(&[&v[..], &["--fail-on", "info", "site.conf"]].concat()),
        Some(1),
        "at fail-on"
    );
    assert_eq!(
        code(&[&v[..], &["--exit-zero", "site.conf"]].concat()),
        Some(0),
        "--exit-zero"
    );
    std::fs::write(dir.path().join("broken.conf"), "server {\n").unwrap();
    assert_eq!(code(&["broken.conf"]), Some(2), "syntax error");
    assert_eq!(
        code(&["--exit-zero", "broken.conf"]),
        Some(2),
        "--exit-zero keeps 2"
    );
    assert_eq!(code(&["missing.conf"]), Some(2), "missing path");
    assert_eq!(
        code(&["--format", "yaml", "site.conf"]),
        Some(2),
        "bad flag"
    );
}

#[test]
fn unreadable_file_is_exit_2_and_named() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let secret = dir.path().join("secret.conf");
    std::fs::write(&secret, "events {}\n").unwrap();
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o000)).unwrap();
    // root reads anything: run wslint as nobody then.
    let as_root = std::fs::read(&secret).is_ok();
    let mut cmd = if as_root {
        // A copy of the binary in the open folder, so nobody can run it
        // wherever the checkout lives.
        let binary = dir.path().join("wslint");
        std::fs::copy(env!("CARGO_BIN_EXE_wslint"), &binary).unwrap();
        std::fs::set_permissions(&binary, std::fs::Permissions::from_mode(0o755)).unwrap();
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"]);
        c.arg(&binary);
        c
    } else {
        Command::new(env!("CARGO_BIN_EXE_wslint"))
    };
    let out = cmd
        .arg(&secret)
        .current_dir(dir.path())
        .output()
        .expect("wslint runs");
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = stdout(&out);
    assert!(
        text.contains(&format!("{}: permission denied", secret.display())),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
