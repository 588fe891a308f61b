//! Configurations checked the way people have them (fixtures/alone/): a
//! pasted location block, a snippet of bare directives, a server-level file,
//! a `sites-enabled/` folder without nginx.conf, a repository of `conf.d/`
//! files, a tree whose absolute include names a folder it lacks, and a
//! folder with no configuration. None passes silently: each gets its
//! findings, says what it assumed (in the message, the JSON `assumption`
//! field and the summary line), and exits as a finding does.

use crate::support::{fixtures, repo_root, stdout, wslint};
use serde_json::Value;
use std::path::Path;

/// What a run of wslint on `case` (relative to fixtures/alone) reports:
/// the exit code, the JSON document and the summary line of the concise
/// format.
fn check(case: &str, extra: &[&str]) -> (Option<i32>, Value, String) {
    let path = format!("fixtures/alone/{case}");
    let mut args = vec!["--nginx-version", "1.28.0", "--color", "never"];
    args.extend_from_slice(extra);
    let json_args: Vec<&str> = args
        .iter()
        .copied()
        .chain(["--format", "json", path.as_str()])
        .collect();
    let out = wslint(&repo_root(), &json_args, None);
    let json: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{case}: {e}\n{}", stdout(&out)));
    let concise_args: Vec<&str> = args
        .iter()
        .copied()
        .chain(["--format", "concise", path.as_str()])
        .collect();
    let concise = stdout(&wslint(&repo_root(), &concise_args, None));
    let summary = concise.lines().last().unwrap_or_default().to_string();
    (out.status.code(), json, summary)
}

/// (code, assumption) of every finding, in report order.
fn findings(json: &Value) -> Vec<(String, String)> {
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["assumption"].as_str().unwrap_or("-").to_string(),
            )
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(c, a)| (c.to_string(), a.to_string()))
        .collect()
}

fn message_of<'j>(json: &'j Value, code: &str) -> &'j str {
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == code)
        .and_then(|d| d["message"].as_str())
        .unwrap_or_else(|| panic!("no {code} in {json:#}"))
}

#[test]
fn a_pasted_location_block_gets_every_missing_piece_with_its_assumption() {
    let (code, json, summary) = check("location-block.conf", &[]);
    assert_eq!(code, Some(1), "{json:#}");
    assert_eq!(
        findings(&json),
        pairs(&[
            ("WS001", "checked-alone"),
            ("WS002", "checked-alone"),
            ("WS003", "checked-alone"),
            ("WS006", "checked-alone"),
            ("WS016", "checked-alone"),
        ])
    );
    assert!(
        message_of(&json, "WS001").ends_with(
            "(this file was checked alone: an enclosing server or http block could set `proxy_http_version`; check the whole configuration to be sure)"
        ),
        "{json:#}"
    );
    // Without an http block to hold the map, the literal is the fix.
    assert!(message_of(&json, "WS003").contains("Connection \"upgrade\""));
    assert_eq!(
        summary,
        "Checked 1 file (a location snippet: outer levels not seen): 5 findings."
    );
}

#[test]
fn the_same_location_in_a_whole_configuration_states_no_assumption() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("nginx.conf"),
        "events {}\nhttp {\n    server {\n        location /ws/ {\n            proxy_pass http://app;\n        }\n    }\n}\n",
    )
    .unwrap();
    let out = wslint(
        dir.path(),
        &["--nginx-version", "1.28.0", "--format", "json", "."],
        None,
    );
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let found = findings(&json);
    assert!(found.len() >= 5, "{json:#}");
    assert!(
        found.iter().all(|(_, a)| a == "-"),
        "nothing is unseen: {found:?}"
    );
}

#[test]
fn a_snippet_of_bare_directives_is_checked_as_a_location_body() {
    let (code, json, summary) = check("websocket-snippet.conf", &[]);
    assert_eq!(code, Some(1));
    assert_eq!(findings(&json), pairs(&[("WS003", "checked-alone")]));
    assert!(
        message_of(&json, "WS003").contains(
            "these directives were checked alone: the location that includes them, or its server or http block, could set the `Connection` header"
        ),
        "{json:#}"
    );
    assert_eq!(
        summary,
        "Checked 1 file (a snippet of location-level directives: outer levels not seen): 1 finding."
    );
    // A forgotten `;` merges two lines into one directive nginx rejects.
    let (code, json, _) = check("missing-semicolon-snippet.conf", &[]);
    assert_eq!(code, Some(1));
    let e004 = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "E004")
        .unwrap_or_else(|| panic!("{json:#}"));
    assert_eq!(e004["line"], 2);
    assert!(
        e004["message"]
            .as_str()
            .unwrap()
            .contains("\"proxy_set_header\" directive (5 given)")
    );
}

#[test]
fn a_server_level_file_and_an_undefined_variable_alone() {
    let (code, json, summary) = check("server-level.conf", &[]);
    assert_eq!(code, Some(1));
    // The location sets a `proxy_set_header` of its own, which hides every
    // outer one: its header list is known, whatever the unseen levels set.
    assert_eq!(findings(&json), pairs(&[("WS003", "-"), ("WS016", "-")]));
    assert_eq!(
        summary,
        "Checked 1 file (a server-level file: outer levels not seen): 2 findings."
    );
    // A variable no checked file defines: a warning, since the http block
    // that was not seen may hold its map.
    let (code, json, _) = check("variable-alone.conf", &[]);
    assert_eq!(code, Some(1));
    assert_eq!(findings(&json), pairs(&[("WS005", "checked-alone")]));
    let d = &json["diagnostics"][0];
    assert_eq!(d["severity"], "warning");
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("is not defined in the checked files"),
        "{d:#}"
    );
}

#[test]
fn a_sites_enabled_folder_without_nginx_conf_checks_files_without_a_suffix() {
    let (code, json, summary) = check("sites-enabled", &[]);
    assert_eq!(code, Some(1));
    let files: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    assert!(
        !files.is_empty() && files.iter().all(|f| f.ends_with("sites-enabled/chat")),
        "only the site is configuration: {files:?}"
    );
    assert_eq!(
        findings(&json),
        pairs(&[
            ("WS001", "checked-alone"),
            ("WS002", "checked-alone"),
            ("WS003", "checked-alone"),
            ("WS016", "checked-alone"),
        ])
    );
    assert_eq!(
        summary,
        "Checked 1 file (an http-level file: outer levels not seen): 4 findings."
    );
    // -v lists what was read and what was skipped, with why.
    let out = wslint(
        &repo_root(),
        &["-v", "--format", "concise", "fixtures/alone/sites-enabled"],
        None,
    );
    let err = String::from_utf8_lossy(&out.stderr);
    for line in [
        "wslint: read fixtures/alone/sites-enabled/chat\n",
        "wslint: skipped fixtures/alone/sites-enabled/README.md: documentation or a build file\n",
        "wslint: skipped fixtures/alone/sites-enabled/chat~: a backup or editor file\n",
        "wslint: skipped fixtures/alone/sites-enabled/logo.png: its suffix names another kind of file\n",
    ] {
        assert!(err.contains(line), "{line:?} missing from:\n{err}");
    }
}

#[test]
fn a_repository_without_nginx_conf_checks_every_configuration_file() {
    let (code, json, summary) = check("repo", &[]);
    assert_eq!(code, Some(1));
    let found = findings(&json);
    assert_eq!(
        found,
        pairs(&[
            ("WS001", "checked-alone"),
            ("WS002", "checked-alone"),
            ("WS003", "checked-alone"),
            ("WS016", "checked-alone"),
        ])
    );
    assert_eq!(
        json["summary"]["files"], 2,
        "conf.d/app.conf and admin.vhost"
    );
    assert_eq!(
        summary,
        "Checked 2 files (2 files checked alone: outer levels not seen): 4 findings."
    );
}

#[test]
fn an_absolute_include_the_tree_lacks_is_e001_and_stated_on_routes_behind_it() {
    let (code, json, summary) = check("absolute-include", &[]);
    assert_eq!(code, Some(1));
    let found = findings(&json);
    // conf.d/app.conf is read from the tree (the include is mapped into
    // it), and its route's findings say the missing folder could hold
    // what they miss; its own `proxy_set_header` lines make its header
    // list known, so WS016 rests on nothing unseen.
    assert_eq!(
        found,
        pairs(&[
            ("WS014", "-"),
            ("E001", "-"),
            ("WS001", "include-not-followed"),
            ("WS006", "include-not-followed"),
            ("WS016", "-"),
        ])
    );
    let e001 = message_of(&json, "E001");
    assert!(
        e001.contains("/etc/nginx/sites-enabled/*") && e001.contains("no such directory"),
        "{e001}"
    );
    assert_eq!(
        summary,
        "Checked 2 files (1 include not followed: outer levels not seen): 5 findings."
    );
}

#[test]
fn a_directory_without_configuration_is_an_error_not_a_clean_pass() {
    let (code, json, summary) = check("not-config", &[]);
    assert_eq!(code, Some(2));
    assert_eq!(json["diagnostics"].as_array().unwrap().len(), 0);
    let error = &json["errors"][0];
    assert_eq!(error["file"], "fixtures/alone/not-config");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .starts_with("no nginx configuration found (2 files skipped"),
        "{error:#}"
    );
    assert!(!summary.contains("no problems found"), "{summary}");
    let empty = tempfile::tempdir().unwrap();
    let out = wslint(empty.path(), &["."], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no nginx configuration found")
            || stdout(&out).contains("no nginx configuration found"),
        "{}",
        stdout(&out)
    );
}

/// Every path `-v` says was read lies under `root`.
fn read_paths_stay_under(root: &Path, args: &[&str]) -> Vec<String> {
    let out = wslint(root, args, None);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    let read: Vec<String> = err
        .lines()
        .filter_map(|l| l.strip_prefix("wslint: read "))
        .map(String::from)
        .collect();
    assert!(!read.is_empty(), "-v lists what was read:\n{err}");
    for path in &read {
        let absolute = root.join(path);
        let real = std::fs::canonicalize(&absolute).unwrap_or(absolute);
        assert!(
            real.starts_with(std::fs::canonicalize(root).unwrap()),
            "{path} was read, outside the checked tree {}:\n{err}",
            root.display()
        );
    }
    read
}

#[test]
fn a_checked_tree_is_read_only_inside_itself() {
    // The machine's own /etc/nginx must be there for this to prove
    // anything; CI installs nginx, so it is.
    let live = Path::new("/etc/nginx/nginx.conf");
    if std::env::var_os("CI").is_some() {
        assert!(live.is_file(), "CI has nginx installed, with /etc/nginx");
    } else if !live.is_file() {
        eprintln!("note: no /etc/nginx here; the test still checks the tree stays inside itself");
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("repo");
    std::fs::create_dir_all(root.join("sites-enabled")).unwrap();
    std::fs::write(
        root.join("nginx.conf"),
        "include /etc/nginx/modules-enabled/*.conf;\nevents {}\nhttp {\n    include /etc/nginx/mime.types;\n    include /etc/nginx/conf.d/*.conf;\n    include /etc/nginx/sites-enabled/*;\n    include /usr/share/nginx/modules/*.conf;\n    include /etc/nginx/proxy_params;\n}\n",
    )
    .unwrap();
    std::fs::write(
        root.join("sites-enabled/app"),
        "server {\n    listen 80;\n    include /etc/nginx/snippets/snakeoil.conf;\n    location /ws/ {\n        proxy_pass http://127.0.0.1:9000;\n    }\n}\n",
    )
    .unwrap();
    let read = read_paths_stay_under(&root, &["-v", "--format", "concise", "."]);
    assert!(
        read.iter().any(|p| p.ends_with("sites-enabled/app")),
        "the absolute include is read from the tree: {read:?}"
    );
    // A file argument, and a snippet checked alone, stay inside too.
    read_paths_stay_under(&root, &["-v", "--format", "concise", "sites-enabled/app"]);
    // Checked from a fixture tree that holds its own copy of Debian's layout.
    read_paths_stay_under(
        &fixtures().join("trees/debian"),
        &["-v", "--format", "concise", "."],
    );
}
