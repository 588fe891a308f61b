//! What wslint knows of the apps behind WebSocket routes: the table
//! grammar/websocket-apps.tsv is well formed and sourced, each app's
//! published location and the mistake users make with it are reported as
//! marked (naming the app), and users can declare the app of a path.
//!
//! fixtures/apps/APP/ holds `published.conf` (the location as the app's
//! documentation shows it) and `mistake.conf`; a line ending in
//! `# WS0NN …` must be reported with those codes, and no other line may
//! be. The first line, `# app: NAME`, is the name every finding must
//! carry.

use crate::support::{fixtures, json_findings, repo_root, stdout, wslint};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

const TABLE: &str = "grammar/websocket-apps.tsv";

/// The table's rows as column name → cell.
fn rows() -> Vec<BTreeMap<String, String>> {
    let text = std::fs::read_to_string(repo_root().join(TABLE)).unwrap();
    let mut lines = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty());
    let header: Vec<String> = lines
        .next()
        .unwrap()
        .split('\t')
        .map(String::from)
        .collect();
    lines
        .map(|line| {
            let cells: Vec<&str> = line.split('\t').collect();
            assert_eq!(cells.len(), header.len(), "{TABLE}: {line}");
            header
                .iter()
                .cloned()
                .zip(cells.iter().map(|c| c.to_string()))
                .collect()
        })
        .collect()
}

#[test]
fn the_table_has_forty_rows_each_fact_with_its_source() {
    let rows = rows();
    assert!(rows.len() >= 40, "{} rows", rows.len());
    let mut ids = BTreeSet::new();
    for row in &rows {
        let id = &row["app"];
        assert!(ids.insert(id.clone()), "duplicate app {id}");
        assert!(
            !id.is_empty()
                && id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-.".contains(c)),
            "app id `{id}`"
        );
        // Every fact has a source, and a source has a fact.
        for (fact, source) in [
            ("paths", "paths_source"),
            ("heartbeat", "heartbeat_source"),
            ("origin_check", "origin_source"),
            ("ports", "ports_source"),
        ] {
            assert_eq!(
                row[fact].is_empty(),
                row[source].is_empty(),
                "{id}: `{fact}` and `{source}` go together"
            );
        }
        for (fact, source) in [
            ("websocket_only", "paths_source"),
            ("hosts", "ports_source"),
        ] {
            assert!(
                row[fact].is_empty() || !row[source].is_empty(),
                "{id}: `{fact}` needs `{source}`"
            );
        }
        for column in [
            "paths_source",
            "heartbeat_source",
            "origin_source",
            "ports_source",
        ] {
            let url = &row[column];
            assert!(
                url.is_empty() || (url.starts_with("https://") && !url.contains(' ')),
                "{id}: {column} `{url}` is not one URL"
            );
        }
        // Paths are absolute; `*` is a whole segment.
        for path in row["paths"].split('|').filter(|p| !p.is_empty()) {
            assert!(path.starts_with('/'), "{id}: path `{path}`");
            assert!(!path.contains(char::is_whitespace), "{id}: path `{path}`");
            assert!(
                path.split('/').all(|s| !s.contains('*') || s == "*"),
                "{id}: `*` must be a whole segment in `{path}`"
            );
        }
        let heartbeat = &row["heartbeat"];
        let valid_heartbeat = heartbeat.is_empty()
            || heartbeat == "none"
            || heartbeat.split_once(' ').is_some_and(|(n, side)| {
                n.strip_suffix('s')
                    .is_some_and(|n| n.parse::<u32>().is_ok())
                    && ["server", "client", "both"].contains(&side)
            });
        assert!(valid_heartbeat, "{id}: heartbeat `{heartbeat}`");
        assert!(
            ["", "host", "allowlist", "none"].contains(&row["origin_check"].as_str()),
            "{id}: origin_check `{}`",
            row["origin_check"]
        );
        assert!(
            ["", "yes", "no"].contains(&row["websocket_only"].as_str()),
            "{id}: websocket_only `{}`",
            row["websocket_only"]
        );
        for port in row["ports"].split('|').filter(|p| !p.is_empty()) {
            assert!(
                port.parse::<u16>().is_ok_and(|p| p > 0),
                "{id}: port `{port}`"
            );
        }
        assert!(
            !row["paths"].is_empty() || !row["ports"].is_empty() || !row["hosts"].is_empty(),
            "{id}: nothing identifies it"
        );
    }
    // The binary reads the same table.
    let listed = stdout(&wslint(&repo_root(), &["apps"], None));
    for id in &ids {
        assert!(
            listed
                .lines()
                .any(|l| l.split_whitespace().next() == Some(id)),
            "`wslint apps` does not list {id}"
        );
    }
}

/// (line, code) pairs marked in a fixture.
fn marks(text: &str) -> BTreeSet<(usize, String)> {
    text.lines()
        .enumerate()
        .flat_map(|(i, line)| {
            let comment = line.split_once('#').map_or("", |(_, c)| c);
            comment
                .split_whitespace()
                .filter(|w| w.starts_with("WS0"))
                .map(move |code| (i + 1, code.to_string()))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The (line, code) and message of every finding on `path`, for nginx
/// 1.28.0.
fn findings(path: &Path) -> Vec<(usize, String, String)> {
    let out = wslint(
        &repo_root(),
        &[
            "--nginx-version",
            "1.28.0",
            "--format",
            "json",
            path.to_str().unwrap(),
        ],
        None,
    );
    json_findings(&out.stdout)
        .into_iter()
        .map(|f| (f.line as usize, f.code, f.message))
        .collect()
}

#[test]
fn each_apps_published_location_and_its_mistake_report_what_is_marked() {
    let dir = fixtures().join("apps");
    let mut apps = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let app_dir = entry.unwrap().path();
        apps += 1;
        for name in ["published.conf", "mistake.conf"] {
            let path = app_dir.join(name);
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let app = text
                .lines()
                .next()
                .and_then(|l| l.strip_prefix("# app: "))
                .unwrap_or_else(|| panic!("{}: no `# app:` line", path.display()));
            let found = findings(&path);
            let reported: BTreeSet<(usize, String)> =
                found.iter().map(|(l, c, _)| (*l, c.clone())).collect();
            assert_eq!(
                reported,
                marks(&text),
                "{}: reported (left) vs marked",
                path.display()
            );
            for (line, code, message) in &found {
                assert!(
                    message.contains(app),
                    "{}:{line}: {code} does not name {app}: {message}",
                    path.display()
                );
            }
            if name == "mistake.conf" {
                assert!(
                    !found.is_empty(),
                    "{}: the mistake is not reported",
                    path.display()
                );
            }
        }
    }
    assert!(apps >= 15, "fixtures for {apps} apps");
}

/// A location nothing identifies, with the upgrade headers and nginx's
/// default read timeout.
const UNKNOWN_APP: &str = "events {}\nhttp {\n    server {\n        location /rt/ {\n            proxy_pass http://127.0.0.1:9000;\n            proxy_http_version 1.1;\n            proxy_set_header Host $host;\n            proxy_set_header Upgrade $http_upgrade;\n            proxy_set_header Connection \"upgrade\";\n        }\n    }\n}\n";

fn codes_and_messages(args: &[&str], cwd: &Path) -> (Vec<(String, String)>, Option<i32>, String) {
    let mut all = vec!["--nginx-version", "1.28.0", "--format", "json"];
    all.extend_from_slice(args);
    all.push("-");
    let out = wslint(cwd, &all, Some(UNKNOWN_APP.as_bytes()));
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let found = json_findings(&out.stdout)
        .into_iter()
        .map(|f| (f.code, f.message))
        .collect();
    (found, out.status.code(), stderr)
}

#[test]
fn a_declared_app_is_used_and_an_unknown_one_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let (plain, _, _) = codes_and_messages(&[], dir.path());
    assert!(plain.iter().any(|(c, _)| c == "WS006"), "{plain:?}");

    // Socket.IO pings every 25s: nginx's 60s is no finding.
    let (declared, _, _) = codes_and_messages(&["--websocket-path", "/rt/*=socket.io"], dir.path());
    assert!(declared.iter().all(|(c, _)| c != "WS006"), "{declared:?}");

    // An app declared in .wslint.toml is named, and what is not known of
    // it is said.
    std::fs::write(
        dir.path().join(".wslint.toml"),
        "websocket-apps = { \"/rt/*\" = \"novnc\" }\n",
    )
    .unwrap();
    let (configured, _, _) = codes_and_messages(&[], dir.path());
    let ws006 = configured
        .iter()
        .find(|(c, _)| c == "WS006")
        .map(|(_, m)| m);
    assert!(
        ws006.is_some_and(|m| m.contains("noVNC / websockify sends nothing while idle")),
        "{configured:?}"
    );

    let (_, code, stderr) =
        codes_and_messages(&["--websocket-path", "/rt/*=no-such-app"], dir.path());
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("`no-such-app` is not an app wslint knows"),
        "{stderr}"
    );
    std::fs::write(
        dir.path().join(".wslint.toml"),
        "websocket-apps = { \"/rt/*\" = \"sockio\" }\n",
    )
    .unwrap();
    let (_, code, stderr) = codes_and_messages(&[], dir.path());
    assert_eq!(code, Some(2));
    assert!(stderr.contains("websocket-apps.\"/rt/*\""), "{stderr}");
}

#[test]
fn apps_shows_one_row_with_its_sources_and_inspect_names_the_app() {
    let out = wslint(&repo_root(), &["apps", "home-assistant"], None);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0));
    assert!(text.contains("/api/websocket"), "{text}");
    assert!(text.contains("source: https://"), "{text}");
    assert_eq!(
        wslint(&repo_root(), &["apps", "nope"], None).status.code(),
        Some(2)
    );

    let out = wslint(
        &repo_root(),
        &[
            "inspect",
            "--nginx-version",
            "1.28.0",
            "fixtures/apps/streamlit/mistake.conf",
        ],
        None,
    );
    let text = stdout(&out);
    assert!(
        text.contains(
            "WebSocket route        probably Streamlit: proxied to port 8501, its default"
        ),
        "{text}"
    );
    assert!(text.contains("`wslint apps streamlit`"), "{text}");
}
