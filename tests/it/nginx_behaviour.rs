//! What nginx does, checked against a real nginx: the reference for every
//! statement wslint's messages make about nginx. Each fact runs the
//! installed nginx on a small configuration and asserts what it says or
//! what a backend on 127.0.0.1 receives; where wslint reports the mistake,
//! the same configuration is checked for wslint's finding, so a message and
//! the behaviour it describes cannot drift apart.
//!
//! When nginx is missing these tests skip and say so, unless `CI` is set
//! (then they fail: CI installs nginx).

use crate::support::{json_findings, nginx, wslint};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

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

/// The (code, message) of each finding wslint reports on `config`, for
/// nginx 1.28.0.
fn messages(config: &str) -> Vec<(String, String)> {
    let out = wslint(
        &crate::support::repo_root(),
        &["--nginx-version", "1.28.0", "--format", "json", "-"],
        Some(config.as_bytes()),
    );
    json_findings(&out.stdout)
        .into_iter()
        .map(|f| (f.code, f.message))
        .collect()
}

/// The (code, line) of each finding wslint reports on `config`, for a
/// target nginx `version`.
fn findings(config: &str, version: &str) -> Vec<(String, u64)> {
    let out = wslint(
        &crate::support::repo_root(),
        &["--nginx-version", version, "--format", "json", "-"],
        Some(config.as_bytes()),
    );
    json_findings(&out.stdout)
        .into_iter()
        .map(|f| (f.code, f.line))
        .collect()
}

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
        if wslint::syntax::NginxVersion::parse(&version)
            < wslint::syntax::NginxVersion::parse(since)
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

// --- What the backend receives ---------------------------------------------

use crate::live::{Recorder, handshake, header_values, start_nginx, write_prefix};

/// What one WebSocket handshake through nginx showed: the head of nginx's
/// answer, the request heads the backend received, and wslint's findings
/// on the same configuration as (code, message).
struct Seen {
    answer: String,
    requests: Vec<String>,
    findings: Vec<(String, String)>,
    /// The backend's port, which `BACKEND_PORT` stood for.
    backend_port: u16,
}

impl Seen {
    /// The status code of nginx's answer.
    fn status(&self) -> u16 {
        self.answer
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0)
    }

    /// The one request the backend received.
    fn request(&self) -> &str {
        assert_eq!(
            self.requests.len(),
            1,
            "{:?}\n{}",
            self.requests,
            self.answer
        );
        &self.requests[0]
    }

    /// The values of a header of the request the backend received.
    fn sent(&self, name: &str) -> Vec<String> {
        header_values(self.request(), name)
    }

    /// The message of wslint's finding `code`.
    fn message(&self, code: &str) -> &str {
        self.findings
            .iter()
            .find(|(c, _)| c == code)
            .map(|(_, m)| m.as_str())
            .unwrap_or_else(|| panic!("no {code} among {:?}", self.findings))
    }
}

/// Serves `site` (a server block; `NGINX_PORT` and `BACKEND_PORT` are
/// filled in) with the installed nginx in front of a recording backend,
/// opens a WebSocket at `path`, and checks the same configuration with
/// wslint targeting the installed nginx.
fn through_nginx(nginx: &Path, site: &str, path: &str) -> Seen {
    let backend = Recorder::start();
    let dir = tempfile::tempdir().unwrap();
    let port = crate::live::free_port();
    write_prefix(dir.path(), site, port, backend.port, &[]);
    let server = start_nginx(nginx, dir.path(), port).unwrap_or_else(|e| panic!("{e}\n{site}"));
    let answer = handshake(port, path);
    drop(server);
    let version = installed_version(nginx);
    let out = wslint(
        dir.path(),
        &["--nginx-version", &version, "--format", "json", "."],
        None,
    );
    let findings = json_findings(&out.stdout)
        .into_iter()
        .map(|f| (f.code, f.message))
        .collect();
    Seen {
        answer,
        requests: backend.heads(),
        findings,
        backend_port: backend.port,
    }
}

/// Whether the installed nginx is older than 1.29.7, whose defaults these
/// facts describe (HTTP/1.0 and `Connection: close` to the backend).
fn before_1_29_7(nginx: &Path) -> bool {
    wslint::syntax::NginxVersion::parse(&installed_version(nginx))
        .is_some_and(|v| !v.defaults_to_http11())
}

/// A location with only `proxy_pass`: nginx talks HTTP/1.0 to the backend
/// (before 1.29.7), sends `Host` as the host and port `proxy_pass` writes,
/// `Connection: close`, and no `Upgrade`. WS001 and WS016 say exactly
/// that.
#[test]
fn a_bare_proxy_pass_sends_http10_its_own_host_and_no_upgrade() {
    let Some(nginx) = nginx() else { return };
    let seen = through_nginx(
        &nginx,
        "server {\n    listen 127.0.0.1:NGINX_PORT;\n    location /ws/ {\n        proxy_pass http://127.0.0.1:BACKEND_PORT;\n    }\n}\n",
        "/ws/",
    );
    let host = format!("127.0.0.1:{}", seen.backend_port);
    assert_eq!(
        seen.sent("host"),
        std::slice::from_ref(&host),
        "the port is kept as written"
    );
    assert!(seen.sent("upgrade").is_empty(), "Upgrade is hop-by-hop");
    assert!(
        seen.message("WS016").contains(&format!("`Host: {host}`")),
        "{}",
        seen.message("WS016")
    );
    if before_1_29_7(&nginx) {
        assert!(
            seen.request().lines().next().unwrap().ends_with("HTTP/1.0"),
            "{}",
            seen.request()
        );
        assert_eq!(seen.sent("connection"), ["close"]);
        assert!(seen.message("WS001").contains("defaults to 1.0"));
    }
}

/// `proxy_pass` to an upstream name: `Host` is the name, no port.
#[test]
fn host_of_an_upstream_name_is_the_name() {
    let Some(nginx) = nginx() else { return };
    let seen = through_nginx(
        &nginx,
        "upstream chat_backend {\n    server 127.0.0.1:BACKEND_PORT;\n}\nserver {\n    listen 127.0.0.1:NGINX_PORT;\n    location /ws/ {\n        proxy_pass http://chat_backend;\n        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection \"upgrade\";\n    }\n}\n",
        "/ws/",
    );
    assert_eq!(seen.status(), 101, "{}", seen.answer);
    assert_eq!(seen.sent("host"), ["chat_backend"]);
    assert!(
        seen.message("WS016").contains("`Host: chat_backend`"),
        "{}",
        seen.message("WS016")
    );
}

/// The recipe that works: HTTP/1.1, `Upgrade: websocket` and
/// `Connection: upgrade` reach the backend, and the 101 the client.
#[test]
fn the_recipe_upgrades() {
    let Some(nginx) = nginx() else { return };
    let seen = through_nginx(
        &nginx,
        "server {\n    listen 127.0.0.1:NGINX_PORT;\n    location /ws/ {\n        proxy_pass http://127.0.0.1:BACKEND_PORT;\n        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection \"upgrade\";\n        proxy_set_header Host $host;\n        proxy_read_timeout 1h;\n    }\n}\n",
        "/ws/",
    );
    assert_eq!(seen.status(), 101, "{}", seen.answer);
    assert!(seen.request().lines().next().unwrap().ends_with("HTTP/1.1"));
    assert_eq!(seen.sent("upgrade"), ["websocket"]);
    assert_eq!(seen.sent("connection"), ["upgrade"]);
    assert_eq!(seen.sent("host"), [crate::live::PUBLIC_HOST]);
    assert!(
        seen.findings.iter().all(|(c, _)| !c.starts_with("WS00")),
        "{:?}",
        seen.findings
    );
}

/// `Upgrade` without `Connection`: nginx sends its own `Connection:
/// close` (before 1.29.7), and the upgrade fails. WS003 reports it.
#[test]
fn upgrade_without_connection_sends_close() {
    let Some(nginx) = nginx() else { return };
    let seen = through_nginx(
        &nginx,
        "server {\n    listen 127.0.0.1:NGINX_PORT;\n    location /ws/ {\n        proxy_pass http://127.0.0.1:BACKEND_PORT;\n        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Host $host;\n    }\n}\n",
        "/ws/",
    );
    if before_1_29_7(&nginx) {
        assert_eq!(seen.sent("connection"), ["close"]);
    }
    assert_ne!(seen.status(), 101, "{}", seen.answer);
    assert!(
        seen.message("WS003")
            .contains("without a `Connection` header naming upgrade")
    );
}

/// `Connection ""` sends no `Connection` header at all. WS009 reports it.
#[test]
fn an_empty_connection_sends_none() {
    let Some(nginx) = nginx() else { return };
    let seen = through_nginx(
        &nginx,
        "server {\n    listen 127.0.0.1:NGINX_PORT;\n    location /ws/ {\n        proxy_pass http://127.0.0.1:BACKEND_PORT;\n        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection \"\";\n        proxy_set_header Host $host;\n    }\n}\n",
        "/ws/",
    );
    assert!(seen.sent("connection").is_empty(), "{}", seen.request());
    assert_ne!(seen.status(), 101);
    assert!(
        seen.findings.iter().any(|(c, _)| c == "WS009"),
        "{:?}",
        seen.findings
    );
}

/// `\"upgrade\"` in an unquoted word: the quote characters are sent, and
/// the value is not the token. WS003 quotes what is sent.
#[test]
fn escaped_quotes_are_sent_with_the_value() {
    let Some(nginx) = nginx() else { return };
    let seen = through_nginx(
        &nginx,
        "server {\n    listen 127.0.0.1:NGINX_PORT;\n    location /ws/ {\n        proxy_pass http://127.0.0.1:BACKEND_PORT;\n        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection \\\"upgrade\\\";\n        proxy_set_header Host $host;\n    }\n}\n",
        "/ws/",
    );
    assert_eq!(seen.sent("connection"), ["\"upgrade\""]);
    assert!(
        seen.message("WS003").contains("`Connection: \"upgrade\"`"),
        "{}",
        seen.message("WS003")
    );
}

/// `Connection $http_upgrade` sends the client's Upgrade value,
/// `websocket`. WS003 says so.
#[test]
fn connection_from_http_upgrade_sends_websocket() {
    let Some(nginx) = nginx() else { return };
    let seen = through_nginx(
        &nginx,
        "server {\n    listen 127.0.0.1:NGINX_PORT;\n    location /ws/ {\n        proxy_pass http://127.0.0.1:BACKEND_PORT;\n        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection $http_upgrade;\n        proxy_set_header Host $host;\n    }\n}\n",
        "/ws/",
    );
    assert_eq!(seen.sent("connection"), ["websocket"]);
    assert!(
        seen.message("WS003").contains("(`websocket`)"),
        "{}",
        seen.message("WS003")
    );
}

/// A header set twice at one level reaches the backend twice. WS020 says
/// nginx sends both.
#[test]
fn a_header_set_twice_is_sent_twice() {
    let Some(nginx) = nginx() else { return };
    let seen = through_nginx(
        &nginx,
        "server {\n    listen 127.0.0.1:NGINX_PORT;\n    location /ws/ {\n        proxy_pass http://127.0.0.1:BACKEND_PORT;\n        proxy_http_version 1.1;\n        proxy_set_header Host $host;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection \"upgrade\";\n        proxy_set_header Host $host;\n    }\n}\n",
        "/ws/",
    );
    assert_eq!(
        seen.sent("host"),
        [crate::live::PUBLIC_HOST, crate::live::PUBLIC_HOST]
    );
    assert!(seen.message("WS020").contains("nginx sends both"));
}

/// `add_header` reaches a 101 only with `always`; WS010's message says
/// which.
#[test]
fn add_header_reaches_a_101_only_with_always() {
    let Some(nginx) = nginx() else { return };
    let site = |always: &str| {
        format!(
            "server {{\n    listen 127.0.0.1:NGINX_PORT;\n    location /ws/ {{\n        proxy_pass http://127.0.0.1:BACKEND_PORT;\n        proxy_http_version 1.1;\n        proxy_set_header Host $host;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection \"upgrade\";\n        add_header Access-Control-Allow-Origin https://chat.example.test{always};\n    }}\n}}\n"
        )
    };
    let plain = through_nginx(&nginx, &site(""), "/ws/");
    assert_eq!(plain.status(), 101, "{}", plain.answer);
    assert!(header_values(&plain.answer, "access-control-allow-origin").is_empty());
    assert!(
        plain.message("WS010").contains("never sends on a 101"),
        "{}",
        plain.message("WS010")
    );
    let always = through_nginx(&nginx, &site(" always"), "/ws/");
    assert_eq!(always.status(), 101);
    assert_eq!(
        header_values(&always.answer, "access-control-allow-origin"),
        ["https://chat.example.test"]
    );
    assert!(
        always
            .message("WS010")
            .contains("sends on the 101 response too"),
        "{}",
        always.message("WS010")
    );
}

/// A nested location does not inherit `proxy_pass`: nginx serves files
/// there and the handshake gets 404, the backend sees nothing. WS019
/// reports it, `inspect` shows it, and after `--fix --unsafe-fixes` (which
/// copies the outer `proxy_pass`) the upgrade goes through.
#[test]
fn a_nested_location_does_not_inherit_proxy_pass() {
    let Some(nginx) = nginx() else { return };
    let site = "server {\n    listen 127.0.0.1:NGINX_PORT;\n    location /app/ {\n        proxy_pass http://127.0.0.1:BACKEND_PORT;\n        location /app/ws/ {\n            proxy_http_version 1.1;\n            proxy_set_header Upgrade $http_upgrade;\n            proxy_set_header Connection \"upgrade\";\n            proxy_set_header Host $host;\n            proxy_read_timeout 1h;\n        }\n    }\n}\n";
    let before = through_nginx(&nginx, site, "/app/ws/");
    assert_eq!(before.status(), 404, "{}", before.answer);
    assert!(
        before.requests.is_empty(),
        "the backend saw {:?}",
        before.requests
    );
    assert!(
        before
            .message("WS019")
            .contains("serves files there and every handshake gets 404")
    );

    let backend = Recorder::start();
    let dir = tempfile::tempdir().unwrap();
    let port = crate::live::free_port();
    write_prefix(dir.path(), site, port, backend.port, &[]);
    let inspect = wslint(
        dir.path(),
        &["inspect", "--location", "/app/ws/", "."],
        None,
    );
    assert!(
        String::from_utf8_lossy(&inspect.stdout).contains("(none: nginx serves files here"),
        "{}",
        String::from_utf8_lossy(&inspect.stdout)
    );
    let fixed = wslint(dir.path(), &["--fix", "--unsafe-fixes", "."], None);
    assert_ne!(
        fixed.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&fixed.stderr)
    );
    let server = start_nginx(&nginx, dir.path(), port).unwrap();
    let answer = handshake(port, "/app/ws/");
    drop(server);
    assert!(answer.starts_with("HTTP/1.1 101"), "{answer}");
    assert_eq!(backend.heads().len(), 1);
}

/// An `if` inside a proxying location does inherit its `proxy_pass`.
#[test]
fn an_if_block_inherits_proxy_pass() {
    let Some(nginx) = nginx() else { return };
    let seen = through_nginx(
        &nginx,
        "server {\n    listen 127.0.0.1:NGINX_PORT;\n    location /ws/ {\n        proxy_pass http://127.0.0.1:BACKEND_PORT;\n        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection \"upgrade\";\n        proxy_set_header Host $host;\n        if ($http_upgrade) {\n            set $ws 1;\n        }\n    }\n}\n",
        "/ws/",
    );
    assert_eq!(seen.status(), 101, "{}", seen.answer);
    assert!(seen.findings.iter().all(|(c, _)| c != "WS019"));
}

// --- How long an upgraded connection lives --------------------------------

/// Whether a WebSocket opened through nginx at `path` still echoes after
/// `quiet`, during which the client sends nothing, or an unsolicited pong
/// every `client_every` (and never reads, so it answers no ping either).
fn echoes_after(port: u16, path: &str, quiet: Duration, client_every: Option<Duration>) -> bool {
    use tungstenite::Message;
    use tungstenite::client::IntoClientRequest;
    let mut request = format!("ws://127.0.0.1:{port}{path}")
        .into_client_request()
        .unwrap();
    request
        .headers_mut()
        .insert("host", crate::live::PUBLIC_HOST.parse().unwrap());
    let stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    stream
        .set_write_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let (mut socket, _) = tungstenite::client(request, stream).unwrap();
    let start = std::time::Instant::now();
    while start.elapsed() < quiet {
        match client_every {
            Some(every) => {
                std::thread::sleep(every);
                if socket.send(Message::Pong(Vec::new().into())).is_err() {
                    return false;
                }
            }
            None => std::thread::sleep(quiet),
        }
    }
    if socket.send(Message::text("still there?")).is_err() {
        return false;
    }
    // The server's pings may come first; bounded.
    for _ in 0..100 {
        match socket.read() {
            Ok(Message::Text(t)) => return t.as_str() == "still there?",
            Ok(Message::Ping(_) | Message::Pong(_)) => continue,
            _ => return false,
        }
    }
    false
}

/// nginx closes an upgraded connection after `proxy_read_timeout` without
/// a frame, and any frame restarts that timer: one from the client (a
/// pong nobody asked for) as much as one from the backend (a heartbeat
/// ping). So an app whose protocol sends something more often than the
/// timeout keeps its connections open, whichever side sends it; WS006
/// rests on this, and says so naming the app.
#[test]
fn frames_either_way_restart_the_read_timeout() {
    use crate::live::{Backend, Checks, free_port};
    let Some(nginx) = nginx() else { return };
    let quiet_backend = Backend::start(Checks::default());
    let beating_backend = Backend::start(Checks {
        ping_every: Some(Duration::from_millis(600)),
        ..Checks::default()
    });
    let location = |path: &str, port: u16, timeouts: &str| {
        format!(
            "    location {path} {{\n        proxy_pass http://127.0.0.1:{port};\n        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection \"upgrade\";\n        {timeouts}\n    }}\n"
        )
    };
    let site = format!(
        "server {{\n    listen 127.0.0.1:NGINX_PORT;\n{}{}{}}}\n",
        location("/quiet/", quiet_backend.port, "proxy_read_timeout 2s;"),
        location("/beat/", beating_backend.port, "proxy_read_timeout 2s;"),
        location(
            "/send/",
            quiet_backend.port,
            "proxy_read_timeout 1h; proxy_send_timeout 2s;"
        ),
    );
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    write_prefix(dir.path(), &site, port, 0, &[]);
    let _server = start_nginx(&nginx, dir.path(), port).unwrap_or_else(|e| panic!("{e}\n{site}"));
    let quiet = Duration::from_secs(5);
    let runs = [
        ("/quiet/", None),
        ("/quiet/", Some(Duration::from_millis(600))),
        ("/beat/", None),
        ("/send/", None),
    ]
    .map(|(path, every)| std::thread::spawn(move || echoes_after(port, path, quiet, every)));
    let [silent, client_pongs, server_pings, short_send] = runs.map(|run| run.join().unwrap());
    assert!(
        !silent,
        "a connection quiet for 5s outlived proxy_read_timeout 2s"
    );
    assert!(client_pongs, "frames from the client did not keep it open");
    assert!(server_pings, "frames from the backend did not keep it open");
    assert!(
        short_send,
        "proxy_send_timeout 2s closed an idle connection"
    );

    // What wslint says of it: Socket.IO pings every 25s, within a 30s
    // timeout but not a 10s one; Home Assistant's endpoint is named.
    let route = |path: &str, timeout: &str| {
        format!(
            "events {{}}\nhttp {{\n    server {{\n        location {path} {{\n            proxy_pass http://127.0.0.1:9000;\n            proxy_http_version 1.1;\n            proxy_set_header Upgrade $http_upgrade;\n            proxy_set_header Connection \"upgrade\";\n            proxy_set_header Host $host;\n{timeout}        }}\n    }}\n}}\n"
        )
    };
    let ws006 = |config: &str| -> Vec<String> {
        messages(config)
            .into_iter()
            .filter(|(c, _)| c == "WS006")
            .map(|(_, m)| m)
            .collect()
    };
    assert!(
        ws006(&route(
            "/socket.io/",
            "            proxy_read_timeout 30s;\n"
        ))
        .is_empty()
    );
    assert!(
        ws006(&route("/socket.io/", "")).is_empty(),
        "25s is within nginx's 60s"
    );
    let short = ws006(&route(
        "/socket.io/",
        "            proxy_read_timeout 10s;\n",
    ));
    assert!(
        short[0].contains("its server pings only every 25s"),
        "{short:?}"
    );
}

// --- What nginx -t refuses ---------------------------------------------------

/// The configurations wslint calls fatal fail `nginx -t` with the message
/// wslint names: `proxy_pass ws://`, `server ws://` in an upstream, and a
/// `$connection_upgrade` no map defines.
#[test]
fn what_wslint_calls_fatal_fails_nginx_t() {
    let Some(nginx) = nginx() else { return };
    let cases = [
        (
            "http {\n    server {\n        location /ws/ { proxy_pass ws://127.0.0.1:8080; }\n    }\n}\n",
            "invalid URL prefix",
            "WS007",
        ),
        (
            "http {\n    upstream b { server ws://127.0.0.1:8080; }\n    server {\n        location /ws/ { proxy_pass http://b; }\n    }\n}\n",
            "invalid host in upstream",
            "WS007",
        ),
        (
            "http {\n    server {\n        location /ws/ {\n            proxy_pass http://127.0.0.1:8080;\n            proxy_set_header Upgrade $http_upgrade;\n            proxy_set_header Connection $connection_upgrade;\n        }\n    }\n}\n",
            "unknown \"connection_upgrade\" variable",
            "WS005",
        ),
    ];
    for (http, says, code) in cases {
        let config = format!("events {{}}\n{http}");
        let message = nginx_t(&nginx, &config).expect_err(says);
        assert!(message.contains(says), "{message}");
        let found = findings(&config, "1.28.0");
        assert!(found.iter().any(|(c, _)| c == code), "{code}: {found:?}");
    }
}
