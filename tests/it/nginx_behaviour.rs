//! What nginx does, checked against a real nginx: the reference for every
//! statement wslint's messages make about nginx. Each fact runs the
//! installed nginx on a small configuration and asserts what it says or
//! what a backend on 127.0.0.1 receives; where wslint reports the mistake,
//! the same configuration is checked for wslint's finding, so a message and
//! the behaviour it describes cannot drift apart.
//!
//! When nginx is missing these tests skip and say so, unless `CI` is set
//! (then they fail: CI installs nginx).

use crate::support::{nginx, wslint};
use std::path::Path;
use std::process::Command;

/// The installed nginx's version, as `nginx -v` prints it.
fn installed_version(nginx: &Path) -> String {
    let out = Command::new(nginx).arg("-v").output().unwrap();
    let text = String::from_utf8_lossy(&out.stderr).into_owned();
    text.split('/')
        .nth(1)
        .and_then(|v| v.split_whitespace().next())
        .unwrap_or_default()
        .to_string()
}

/// `nginx -t` on a whole configuration: Ok, or nginx's message.
pub fn nginx_t(nginx: &Path, config: &str) -> Result<(), String> {
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("nginx.conf");
    std::fs::write(&conf, config).unwrap();
    let out = Command::new(nginx)
        .arg("-t")
        .arg("-p")
        .arg(format!("{}/", dir.path().display()))
        .arg("-c")
        .arg(&conf)
        .arg("-g")
        .arg(format!(
            "pid {0}/nginx.pid; error_log {0}/error.log;",
            dir.path().display()
        ))
        .output()
        .unwrap();
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// The (code, line) of each finding wslint reports on `config`, for a
/// target nginx `version`.
fn findings(config: &str, version: &str) -> Vec<(String, u64)> {
    let out = wslint(
        &crate::support::repo_root(),
        &["--nginx-version", version, "--format", "json", "-"],
        Some(config.as_bytes()),
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// What a later nginx added (grammar/versions.tsv) fails `nginx -t` on an
/// older one, and wslint targeting that older release says so at the line;
/// targeting a release that has it, wslint says nothing.
#[test]
fn what_a_later_nginx_added_fails_on_an_older_one() {
    let Some(nginx) = nginx() else { return };
    let version = installed_version(&nginx);
    // (what, the release that added it, wslint's code, the http lines, the
    // word on the line nginx rejects)
    let cases = [
        (
            "add_header_inherit",
            "1.29.3",
            "E003",
            "    add_header_inherit merge;\n",
            "add_header_inherit",
        ),
        (
            "add_trailer_inherit",
            "1.29.3",
            "E003",
            "    add_trailer_inherit off;\n",
            "add_trailer_inherit",
        ),
        (
            "geo volatile",
            "1.29.3",
            "E004",
            "    geo $a {\n        volatile;\n    }\n",
            "volatile",
        ),
        (
            "keepalive local",
            "1.29.7",
            "E004",
            "    upstream u {\n        server 127.0.0.1:1;\n        keepalive 8 local;\n    }\n",
            "keepalive",
        ),
    ];
    for (what, since, code, http_lines, word) in cases {
        let config = format!("events {{}}\nhttp {{\n{http_lines}}}\n");
        let line = config.lines().position(|l| l.contains(word)).unwrap() as u64 + 1;
        if wslint::semantic::NginxVersion::parse(&version)
            < wslint::semantic::NginxVersion::parse(since)
        {
            let message = nginx_t(&nginx, &config).expect_err(what);
            assert!(message.contains("[emerg]"), "{what}: {message}");
            let found = findings(&config, &version);
            assert!(
                found.iter().any(|(c, l)| c == code && *l == line),
                "{what}: {found:?}"
            );
        }
        assert!(findings(&config, since).is_empty(), "{what} on {since}");
    }
}

/// nginx's `include` glob does not match a name's leading dot: a hidden
/// backup beside the sites is not read (wslint's backups rely on it).
#[test]
fn include_globs_skip_hidden_files() {
    let Some(nginx) = nginx() else { return };
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("sites")).unwrap();
    std::fs::write(
        dir.path().join("sites/app"),
        "server { listen 127.0.0.1:18470; }\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("sites/.app.orig"),
        "this is not nginx syntax {\n",
    )
    .unwrap();
    let config = format!(
        "events {{}}\nhttp {{\n    include {}/sites/*;\n}}\n",
        dir.path().display()
    );
    assert_eq!(nginx_t(&nginx, &config), Ok(()));
    let out = wslint(
        dir.path(),
        &["-v", "--format", "concise", "-"],
        Some(config.as_bytes()),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("sites/app") && !stderr.contains(".app.orig"),
        "{stderr}"
    );
}
