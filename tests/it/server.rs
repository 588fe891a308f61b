//! `wslint server` driven over stdio with real LSP messages: diagnostics
//! in the configuration a file belongs to (and alone when nothing includes
//! it), unsaved buffers, quick fixes (one that spans two files, fix-all,
//! the ignore comment), hover, go to definition and the outline.

use serde_json::{Value, json};
use std::path::{Path, PathBuf};

#[allow(dead_code)]
#[path = "../../benches/support/lsp_client.rs"]
mod lsp_client;

use lsp_client::{Client, uri};

const MAIN: &str = "events {}
http {
    map $http_upgrade $connection_upgrade {
        default upgrade;
        ''      close;
    }
    upstream chat {
        server 127.0.0.1:9000;
    }
    include sites/*.conf;
}
";

/// A WebSocket location without `Upgrade`: WS002 in any context.
const SITE: &str = "server {
    listen 80;
    server_name app.example.com;
    location /ws/ {
        proxy_pass http://chat;
        proxy_http_version 1.1;
        proxy_set_header Connection $connection_upgrade;
        proxy_set_header Host $host;
        proxy_read_timeout 1h;
    }
}
";

fn tree(main: &str, site: &str) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    std::fs::create_dir(root.join("sites")).unwrap();
    std::fs::write(root.join("nginx.conf"), main).unwrap();
    std::fs::write(root.join("sites/app.conf"), site).unwrap();
    let (main, site) = (root.join("nginx.conf"), root.join("sites/app.conf"));
    (dir, main, site)
}

fn start(root: &Path) -> Client {
    Client::start(
        Path::new(env!("CARGO_BIN_EXE_wslint")),
        &["--nginx-version", "1.28.0"],
        root,
    )
}

fn codes(diagnostics: &[Value]) -> Vec<String> {
    let mut codes: Vec<String> = diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap_or("").to_string())
        .collect();
    codes.sort();
    codes
}

/// The LSP position of the first occurrence of `needle` in `text`.
fn position_of(text: &str, needle: &str) -> Value {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} not in the text"));
    let line = text[..at].matches('\n').count();
    let character = at - text[..at].rfind('\n').map_or(0, |n| n + 1);
    json!({"line": line, "character": character})
}

/// Applies text edits (ASCII text, so characters are bytes) to `text`.
fn apply(text: &str, edits: &[Value]) -> String {
    let offset = |p: &Value| {
        let line = p["line"].as_u64().unwrap() as usize;
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        start + p["character"].as_u64().unwrap() as usize
    };
    let mut edits: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().unwrap(),
            )
        })
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_string();
    for (start, end, new) in edits {
        out.replace_range(start..end, new);
    }
    out
}

/// Applies a workspace edit to the files on disk; the changed paths.
fn apply_to_disk(edit: &Value) -> Vec<PathBuf> {
    let mut changed = Vec::new();
    for (target, edits) in edit["changes"].as_object().unwrap() {
        let path = lsp_types::Url::parse(target)
            .unwrap()
            .to_file_path()
            .unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, apply(&text, edits.as_array().unwrap())).unwrap();
        changed.push(path);
    }
    changed
}

fn actions(client: &mut Client, path: &Path, range_of: &str, text: &str) -> Vec<Value> {
    let at = position_of(text, range_of);
    let answer = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri(path)}, "range": {"start": at, "end": at},
               "context": {"diagnostics": []}}),
    );
    answer.as_array().cloned().unwrap_or_default()
}

#[test]
fn diagnostics_come_from_the_configuration_that_includes_the_file() {
    let (dir, _, site) = tree(MAIN, SITE);
    let mut client = start(dir.path());
    client.open(&site, SITE);
    let found = client.diagnostics_for(&uri(&site));
    // nginx.conf defines $connection_upgrade: no WS005, and nothing is
    // assumed about outer levels.
    assert_eq!(codes(&found), ["WS002"], "{found:#?}");
    let message = found[0]["message"].as_str().unwrap();
    assert!(!message.contains("checked alone"), "{message}");
    assert_eq!(found[0]["severity"], 1);
    assert_eq!(
        found[0]["range"]["start"],
        json!({"line": 3, "character": 4})
    );
    assert!(
        found[0]["codeDescription"]["href"]
            .as_str()
            .is_some_and(|h| h.ends_with("docs/rules.md#ws002-missing-upgrade-header")),
        "{found:#?}"
    );
    assert_eq!(client.stop(), Some(0));
}

#[test]
fn a_file_nothing_includes_is_checked_alone_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let lone = root.join("app.conf");
    std::fs::write(&lone, SITE).unwrap();
    let mut client = start(&root);
    client.open(&lone, SITE);
    let found = client.diagnostics_for(&uri(&lone));
    let codes = codes(&found);
    // Without nginx.conf, $connection_upgrade is defined nowhere it sees.
    assert!(codes.contains(&"WS002".to_string()) && codes.contains(&"WS005".to_string()));
    assert!(
        found
            .iter()
            .any(|d| d["message"].as_str().unwrap().contains("checked alone")),
        "{found:#?}"
    );
}

#[test]
fn unsaved_buffers_are_analysed_in_place_of_the_files_on_disk() {
    let (dir, main, site) = tree(MAIN, SITE);
    let mut client = start(dir.path());
    client.open(&site, SITE);
    assert_eq!(codes(&client.diagnostics_for(&uri(&site))), ["WS002"]);
    // The Upgrade header typed but not saved.
    let typed = SITE.replace(
        "        proxy_set_header Host",
        "        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Host",
    );
    client.change(&site, 2, &typed);
    assert!(client.diagnostics_for(&uri(&site)).is_empty());
    // The map deleted in nginx.conf's buffer: the site's variable is now
    // undefined, although neither file changed on disk.
    client.open(&main, MAIN);
    let _ = client.diagnostics_for(&uri(&main));
    assert!(client.diagnostics_for(&uri(&site)).is_empty());
    let start = MAIN.find("    map").unwrap();
    let end = MAIN.find("    upstream").unwrap();
    let without_map = format!("{}{}", &MAIN[..start], &MAIN[end..]);
    client.change(&main, 2, &without_map);
    let mut site_codes = Vec::new();
    for _ in 0..2 {
        let (uri_seen, found) = (uri(&site), client.diagnostics_for(&uri(&site)));
        site_codes = codes(&found);
        assert!(!uri_seen.is_empty());
        if !site_codes.is_empty() {
            break;
        }
    }
    assert_eq!(
        site_codes,
        ["WS005"],
        "the site's diagnostics follow nginx.conf's buffer"
    );
    assert_eq!(std::fs::read_to_string(&main).unwrap(), MAIN);
}

#[test]
fn a_quick_fix_that_spans_two_files_then_fix_all_leaves_the_file_clean() {
    let main = MAIN.replace(
        "    map $http_upgrade $connection_upgrade {\n        default upgrade;\n        ''      close;\n    }\n",
        "",
    );
    let site = "server {
    listen 80;
    location /ws/ {
        proxy_pass http://chat;
    }
}
";
    let (dir, main_path, site_path) = tree(&main, site);
    let mut client = start(dir.path());
    client.open(&site_path, site);
    let found = client.diagnostics_for(&uri(&site_path));
    for code in ["WS001", "WS002", "WS003"] {
        assert!(codes(&found).contains(&code.to_string()), "{found:#?}");
    }
    let offered = actions(&mut client, &site_path, "location /ws/", site);
    let ws003 = offered
        .iter()
        .find(|a| a["title"].as_str().unwrap().starts_with("WS003:"))
        .unwrap_or_else(|| panic!("no WS003 fix among {offered:#?}"));
    assert_eq!(ws003["kind"], "quickfix");
    let touched = apply_to_disk(&ws003["edit"]);
    assert_eq!(
        touched.len(),
        2,
        "the Connection header and its map: {ws003:#?}"
    );
    let main_now = std::fs::read_to_string(&main_path).unwrap();
    assert!(
        main_now.contains("map $http_upgrade $connection_upgrade"),
        "{main_now}"
    );
    let site_now = std::fs::read_to_string(&site_path).unwrap();
    assert!(site_now.contains("proxy_set_header Connection $connection_upgrade;"));
    client.change(&site_path, 2, &site_now);
    let after_one = codes(&client.diagnostics_for(&uri(&site_path)));
    assert!(!after_one.contains(&"WS003".to_string()), "{after_one:?}");
    assert!(after_one.contains(&"WS002".to_string()), "{after_one:?}");

    let offered = actions(&mut client, &site_path, "server {", &site_now);
    let all = offered
        .iter()
        .find(|a| a["kind"] == "source.fixAll.wslint")
        .unwrap_or_else(|| panic!("no fix-all among {offered:#?}"));
    apply_to_disk(&all["edit"]);
    let fixed = std::fs::read_to_string(&site_path).unwrap();
    client.change(&site_path, 3, &fixed);
    let left = codes(&client.diagnostics_for(&uri(&site_path)));
    for code in ["WS001", "WS002", "WS003"] {
        assert!(!left.contains(&code.to_string()), "{left:?}\n{fixed}");
    }
    // What fix-all wrote is what `wslint --fix` writes from the same start.
    let (cli_dir, _, cli_site) = tree(&main_now, &site_now);
    let out = crate::support::wslint(
        cli_dir.path(),
        &["--fix", "--nginx-version", "1.28.0", "nginx.conf"],
        None,
    );
    assert!(out.status.code().is_some_and(|c| c <= 1), "{out:?}");
    assert_eq!(std::fs::read_to_string(cli_site).unwrap(), fixed);
}

#[test]
fn the_ignore_comment_silences_the_finding_it_is_offered_for() {
    let (dir, _, site) = tree(MAIN, SITE);
    let mut client = start(dir.path());
    client.open(&site, SITE);
    let _ = client.diagnostics_for(&uri(&site));
    let offered = actions(&mut client, &site, "location /ws/", SITE);
    let ignore = offered
        .iter()
        .find(|a| a["title"] == "WS002: add `# wslint: ignore WS002` here")
        .unwrap_or_else(|| panic!("no ignore action among {offered:#?}"));
    let edits = ignore["edit"]["changes"][uri(&site)].as_array().unwrap();
    let text = apply(SITE, edits);
    assert!(
        text.contains("\n    # wslint: ignore WS002\n    location /ws/ {"),
        "{text}"
    );
    client.change(&site, 2, &text);
    assert!(client.diagnostics_for(&uri(&site)).is_empty());
}

fn hover(client: &mut Client, path: &Path, text: &str, needle: &str) -> String {
    let answer = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(path)}, "position": position_of(text, needle)}),
    );
    answer["contents"]["value"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

#[test]
fn hover_shows_what_nginx_does_at_a_location_and_a_directives_facts() {
    let (dir, _, site) = tree(MAIN, SITE);
    let mut client = start(dir.path());
    client.open(&site, SITE);
    let _ = client.diagnostics_for(&uri(&site));
    let location = hover(&mut client, &site, SITE, "location /ws/");
    for expected in [
        "proxy_pass",
        "http://chat",
        "upstream chat",
        "proxy_read_timeout",
        "1h",
        "Connection $connection_upgrade",
        "app.conf:7",
    ] {
        assert!(
            location.contains(expected),
            "{expected} missing in:\n{location}"
        );
    }
    let timeout = hover(&mut client, &site, SITE, "proxy_read_timeout");
    assert!(timeout.contains("ngx_http_proxy_module"), "{timeout}");
    assert!(
        timeout.contains("default in nginx 1.28.0: `60s`"),
        "{timeout}"
    );
    let version = hover(&mut client, &site, SITE, "proxy_http_version");
    assert!(
        version.contains("default in nginx 1.28.0: `1.0`") && version.contains("1.29.7"),
        "{version}"
    );
    let set_header = hover(&mut client, &site, SITE, "proxy_set_header Host");
    assert!(set_header.contains("whole list"), "{set_header}");
}

#[test]
fn hover_on_a_rule_code_in_a_comment_explains_the_rule() {
    let (dir, _, site) = tree(MAIN, SITE);
    let text = SITE.replace(
        "        proxy_read_timeout 1h;",
        "        # wslint: ignore WS006 long idle\n        proxy_read_timeout 1h;",
    );
    std::fs::write(&site, &text).unwrap();
    let mut client = start(dir.path());
    client.open(&site, &text);
    let _ = client.diagnostics_for(&uri(&site));
    let rule = hover(&mut client, &site, &text, "WS006");
    assert!(rule.contains("WS006 short-proxy-timeout"), "{rule}");
    assert!(rule.contains("Why is this bad"), "{rule}");
}

#[test]
fn go_to_definition_finds_the_map_the_upstream_and_the_included_files() {
    let (dir, main, site) = tree(MAIN, SITE);
    let mut client = start(dir.path());
    client.open(&site, SITE);
    let _ = client.diagnostics_for(&uri(&site));
    let definition = |client: &mut Client, path: &Path, text: &str, needle: &str| {
        client.request(
            "textDocument/definition",
            json!({"textDocument": {"uri": uri(path)}, "position": position_of(text, needle)}),
        )
    };
    let map = definition(&mut client, &site, SITE, "connection_upgrade;");
    assert_eq!(map[0]["uri"], uri(&main), "{map:#?}");
    assert_eq!(map[0]["range"]["start"], json!({"line": 2, "character": 4}));
    let upstream = definition(&mut client, &site, SITE, "chat;");
    assert_eq!(upstream[0]["uri"], uri(&main), "{upstream:#?}");
    assert_eq!(upstream[0]["range"]["start"]["line"], 6);
    client.open(&main, MAIN);
    let included = definition(&mut client, &main, MAIN, "sites/*.conf");
    assert_eq!(included[0]["uri"], uri(&site), "{included:#?}");
    // Nothing to go to on a plain word.
    let nothing = definition(&mut client, &site, SITE, "80;");
    assert!(nothing.is_null(), "{nothing:#?}");
}

#[test]
fn the_outline_nests_servers_and_locations() {
    let (dir, main, _) = tree(MAIN, SITE);
    let mut client = start(dir.path());
    client.open(&main, MAIN);
    let _ = client.diagnostics_for(&uri(&main));
    let outline = client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri(&main)}}),
    );
    let names: Vec<&str> = outline
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["events", "http"]);
    let inner: Vec<&str> = outline[1]["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        inner,
        ["map $http_upgrade $connection_upgrade", "upstream chat"]
    );
}

#[test]
fn wslint_toml_applies_as_on_the_command_line() {
    let (dir, _, site) = tree(MAIN, SITE);
    std::fs::write(dir.path().join(".wslint.toml"), "ignore = [\"WS002\"]\n").unwrap();
    let mut client = start(dir.path());
    client.open(&site, SITE);
    assert!(client.diagnostics_for(&uri(&site)).is_empty());
    // Changed outside the editor: read at the next analysis.
    let settings = dir.path().join(".wslint.toml");
    std::fs::write(&settings, "ignore = [\"WS006\"]\n").unwrap();
    client.change(&site, 2, SITE);
    assert_eq!(codes(&client.diagnostics_for(&uri(&site))), ["WS002"]);
    std::fs::write(&settings, "ignore = [\"WS006\"\n").unwrap();
    client.change(&site, 3, SITE);
    let broken = client.diagnostics_for(&uri(&site));
    assert!(
        broken[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("wslint settings cannot be used: "),
        "{broken:#?}"
    );
}

#[test]
fn findings_in_files_not_open_are_published_with_their_related_places() {
    // The map's values are swapped: the finding is on the map, in
    // nginx.conf, which is not open; it names the site's location.
    let swapped = MAIN.replace(
        "        default upgrade;\n        ''      close;",
        "        default close;\n        ''      upgrade;",
    );
    let site = SITE.replace(
        "        proxy_set_header Host $host;",
        "        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Host $host;",
    );
    let (dir, main, site_path) = tree(&swapped, &site);
    let mut client = start(dir.path());
    client.open(&site_path, &site);
    let on_main = client.diagnostics_for(&uri(&main));
    let map = on_main
        .iter()
        .find(|d| d["code"] == "WS005")
        .unwrap_or_else(|| panic!("no WS005 on the map: {on_main:#?}"));
    assert_eq!(map["range"]["start"]["line"], 2);
    let related = &map["relatedInformation"][0];
    assert_eq!(related["location"]["uri"], uri(&site_path), "{map:#?}");
    assert_eq!(related["location"]["range"]["start"]["line"], 3);
    assert_eq!(related["message"], "the location that uses it");
    assert!(client.diagnostics_for(&uri(&site_path)).is_empty());
    // Fixed on disk and saved: the map's finding is gone from nginx.conf
    // (what is left is WS014's note on its `events` block).
    std::fs::write(&main, MAIN).unwrap();
    client.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": uri(&main)}}),
    );
    assert_eq!(codes(&client.diagnostics_for(&uri(&main))), ["WS014"]);
    assert!(client.diagnostics_for(&uri(&site_path)).is_empty());

    // A location that sets one header hides the server's: each hidden
    // entry is a related place.
    let hiding = "server {
    listen 80;
    proxy_set_header Host $host;
    proxy_set_header X-Real-IP $remote_addr;
    location /ws/ {
        proxy_pass http://chat;
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
        proxy_read_timeout 1h;
    }
}
";
    std::fs::write(&site_path, hiding).unwrap();
    client.change(&site_path, 2, hiding);
    let found = client.diagnostics_for(&uri(&site_path));
    let lost = found
        .iter()
        .find(|d| d["code"] == "WS008")
        .unwrap_or_else(|| panic!("no WS008: {found:#?}"));
    let lines: Vec<&Value> = lost["relatedInformation"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["location"]["range"]["start"]["line"])
        .collect();
    assert_eq!(lines, [&json!(2), &json!(3)], "{lost:#?}");
}

#[test]
fn the_configuration_is_found_above_a_workspace_folder_below_nginx_conf() {
    // The editor opened `sites/` itself: nginx.conf is above the workspace.
    let (dir, _, site) = tree(MAIN, SITE);
    let mut client = start(&dir.path().canonicalize().unwrap().join("sites"));
    client.open(&site, SITE);
    assert_eq!(codes(&client.diagnostics_for(&uri(&site))), ["WS002"]);
}

#[test]
fn fix_all_comes_without_its_edit_for_a_client_that_resolves_actions() {
    let site = "server {\n    listen 80;\n    location /ws/ {\n        proxy_pass http://chat;\n    }\n}\n";
    let (dir, _, site_path) = tree(MAIN, site);
    let resolving =
        json!({"textDocument": {"codeAction": {"resolveSupport": {"properties": ["edit"]}}}});
    let mut client = Client::start_with(
        Path::new(env!("CARGO_BIN_EXE_wslint")),
        &["--nginx-version", "1.28.0"],
        dir.path(),
        resolving,
    );
    client.open(&site_path, site);
    let _ = client.diagnostics_for(&uri(&site_path));
    let offered = actions(&mut client, &site_path, "server {", site);
    let all = offered
        .iter()
        .find(|a| a["kind"] == "source.fixAll.wslint")
        .unwrap_or_else(|| panic!("no fix-all among {offered:#?}"))
        .clone();
    assert!(all.get("edit").is_none(), "{all:#?}");
    // The quick fixes keep their edits: they cost nothing to make.
    assert!(
        offered
            .iter()
            .filter(|a| a["kind"] == "quickfix")
            .all(|a| a.get("edit").is_some())
    );
    let resolved = client.request("codeAction/resolve", all);
    apply_to_disk(&resolved["edit"]);
    let fixed = std::fs::read_to_string(&site_path).unwrap();
    for line in [
        "proxy_http_version 1.1;",
        "proxy_set_header Upgrade $http_upgrade;",
        "proxy_set_header Connection $connection_upgrade;",
    ] {
        assert!(fixed.contains(line), "{line} missing:\n{fixed}");
    }
}
