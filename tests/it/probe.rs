//! `wslint probe` against live servers on 127.0.0.1: a real nginx in front
//! of the WebSocket echo backend (see `live`), with one location per
//! configuration mistake, and tiny fake servers for what nginx never does
//! (garbage instead of HTTP, a wrong Sec-WebSocket-Accept). Each test checks
//! the exit code and the diagnosis the probe gives. When nginx is missing
//! and `CI` is set, the nginx tests fail (see `support::nginx`).

use crate::live::{Backend, Checks, Nginx, PUBLIC_HOST, free_port, start_nginx, write_prefix};
use crate::support::{nginx, repo_root, stdout};
use serde_json::Value;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::{Command, Output, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// One server, one location per case. The good route and the mistakes
/// `wslint` reports statically, each under its own path.
const SITE: &str = "server {
    listen 127.0.0.1:NGINX_PORT;

    location /ws/ {
        proxy_pass http://127.0.0.1:BACKEND_PORT;
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection \"upgrade\";
        proxy_set_header Host $host;
        proxy_read_timeout 1h;
    }

    # WS001: HTTP/1.0 to the backend (the default before nginx 1.29.7)
    location /http10/ {
        proxy_pass http://127.0.0.1:BACKEND_PORT;
        proxy_http_version 1.0;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection \"upgrade\";
    }

    # WS002
    location /no-upgrade/ {
        proxy_pass http://127.0.0.1:BACKEND_PORT;
        proxy_http_version 1.1;
        proxy_set_header Connection \"upgrade\";
    }

    # WS003
    location /no-connection/ {
        proxy_pass http://127.0.0.1:BACKEND_PORT;
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
    }

    # not proxied at all
    location /static/ {
        return 200 \"hello\\n\";
    }

    # nothing listens on the upstream's port
    location /down/ {
        proxy_pass http://127.0.0.1:DEAD_PORT;
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection \"upgrade\";
    }

    # WS006
    location /short/ {
        proxy_pass http://127.0.0.1:BACKEND_PORT;
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection \"upgrade\";
        proxy_read_timeout 2s;
    }
}
";

/// A running nginx with its backend and prefix; all stop when dropped.
/// Whether a JSON string value contains `text` (false for a non-string).
fn says(value: &serde_json::Value, text: &str) -> bool {
    value.as_str().is_some_and(|s| s.contains(text))
}

struct Site {
    port: u16,
    _nginx: Nginx,
    _backend: Backend,
    _dir: tempfile::TempDir,
}

/// Starts nginx with `site` (NGINX_PORT, BACKEND_PORT, DEAD_PORT and DIR
/// filled in), or `None` when nginx is not installed and CI is not set.
fn start_site(site: &str, checks: Checks, files: &[(&str, &str)]) -> Option<Site> {
    let bin = nginx()?;
    let backend = Backend::start(checks);
    let dir = tempfile::tempdir().unwrap();
    let site = site
        .replace("DEAD_PORT", &free_port().to_string())
        .replace("DIR", &dir.path().display().to_string());
    let port = free_port();
    write_prefix(dir.path(), &site, port, backend.port, files);
    let nginx = start_nginx(&bin, dir.path(), port).unwrap();
    Some(Site {
        port,
        _nginx: nginx,
        _backend: backend,
        _dir: dir,
    })
}

/// Starts a wslint probe without waiting for it.
fn spawn_probe(args: &[&str]) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_wslint"))
        .arg("probe")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("wslint starts")
}

fn probe(args: &[&str]) -> Output {
    spawn_probe(args).wait_with_output().unwrap()
}

/// Runs a probe with `--format json` and returns its exit code and document.
fn probe_json(args: &[&str]) -> (i32, Value) {
    let out = probe(&[args, &["--format", "json"]].concat());
    let doc = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}):\n{}\n{}",
            stdout(&out),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap(), doc)
}

/// The `step` names and their `ok` flags.
fn steps(doc: &Value) -> Vec<(String, bool)> {
    doc["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["step"].as_str().unwrap().to_string(),
                s["ok"].as_bool().unwrap(),
            )
        })
        .collect()
}

fn rule_codes(doc: &Value) -> Vec<&str> {
    doc["diagnosis"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect()
}

fn url(site: &Site, path: &str) -> String {
    format!("ws://127.0.0.1:{}{path}", site.port)
}

#[test]
fn probe_working_route_reports_101_and_pong() {
    let Some(site) = start_site(SITE, Checks::default(), &[]) else {
        return;
    };
    let out = probe(&[&url(&site, "/ws/")]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    for expected in [
        format!("probe ws://127.0.0.1:{}/ws/\n", site.port),
        "  ok    resolve ".into(),
        format!("127.0.0.1:{}\n", site.port),
        "101 Switching Protocols\n".into(),
        "  ok    ping ".into(),
        "pong with the same payload\n".into(),
        "\nThe WebSocket works.\n".into(),
    ] {
        assert!(text.contains(&expected), "{expected:?} missing:\n{text}");
    }
    assert!(!text.contains("FAIL"), "{text}");
}

#[test]
fn probe_json_of_a_working_route_field_by_field() {
    let Some(site) = start_site(SITE, Checks::default(), &[]) else {
        return;
    };
    // `http://` is probed as `ws://`.
    let target = format!("http://127.0.0.1:{}/ws/?room=1", site.port);
    let (code, doc) = probe_json(&[&target]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["tool"]["name"], "wslint");
    assert_eq!(doc["tool"]["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(doc["url"], url(&site, "/ws/?room=1"));
    assert_eq!(doc["works"], true);
    assert_eq!(
        steps(&doc),
        [
            ("resolve".to_string(), true),
            ("connect".to_string(), true),
            ("handshake".to_string(), true),
            ("ping".to_string(), true)
        ]
    );
    for step in doc["steps"].as_array().unwrap() {
        let ms = step["ms"].as_f64().unwrap();
        assert!((0.0..5000.0).contains(&ms), "{step}");
    }
    assert_eq!(doc["steps"][0]["detail"], "127.0.0.1");
    assert_eq!(doc["steps"][2]["detail"], "101 Switching Protocols");
    let response = &doc["response"];
    assert_eq!(response["status"], 101);
    assert_eq!(response["reason"], "Switching Protocols");
    assert!(response["body"].is_null());
    let header = |name: &str| {
        response["headers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h["name"].as_str().unwrap().eq_ignore_ascii_case(name))
            .map(|h| h["value"].as_str().unwrap().to_string())
    };
    assert_eq!(header("upgrade").as_deref(), Some("websocket"));
    assert!(header("sec-websocket-accept").is_some());
    assert!(doc["diagnosis"].is_null());
}

/// The three ways the upgrade headers get lost all end in the backend's
/// 400, diagnosed with the rules that find each of them.
#[test]
fn probe_lost_upgrade_headers_are_diagnosed_with_ws001_ws002_ws003() {
    let Some(site) = start_site(SITE, Checks::default(), &[]) else {
        return;
    };
    for (path, backend_says) in [
        ("/http10/", "WebSocket needs HTTP/1.1"),
        ("/no-upgrade/", "no Upgrade: websocket header"),
        ("/no-connection/", "no Connection: upgrade header"),
    ] {
        let (code, doc) = probe_json(&[&url(&site, path)]);
        assert_eq!(code, 1, "{path}: {doc:#}");
        assert_eq!(doc["works"], false);
        assert_eq!(doc["response"]["status"], 400, "{path}");
        assert_eq!(doc["response"]["body"], backend_says, "{path}");
        let d = &doc["diagnosis"];
        assert_eq!(d["kind"], "upgrade-rejected", "{path}");
        assert_eq!(rule_codes(&doc), ["WS002", "WS003", "WS001"], "{path}");
        assert_eq!(d["rules"][0]["name"], "missing-upgrade-header");
        assert_eq!(d["rules"][2]["name"], "missing-http-version");
        assert!(says(&d["rules"][2]["fix"], "proxy_http_version 1.1"), "{d}");
        assert_eq!(
            steps(&doc).last().unwrap(),
            &("handshake".to_string(), false)
        );
    }
    // The text report names the rules and quotes the backend's reason.
    let out = probe(&[&url(&site, "/no-upgrade/")]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1));
    for expected in [
        "  FAIL  handshake ",
        "400 Bad Request\n",
        "The WebSocket does not work. The server answered the upgrade with 400 Bad Request",
        "The answer's body says: no Upgrade: websocket header\n",
        "WS002 missing-upgrade-header     proxy_set_header Upgrade $http_upgrade;\n",
        "WS003 missing-connection-header  proxy_set_header Connection $connection_upgrade;",
        "WS001 missing-http-version       proxy_http_version 1.1;",
    ] {
        assert!(text.contains(expected), "{expected:?} missing:\n{text}");
    }
}

#[test]
fn probe_location_that_is_not_proxied_answers_200() {
    let Some(site) = start_site(SITE, Checks::default(), &[]) else {
        return;
    };
    let (code, doc) = probe_json(&[&url(&site, "/static/")]);
    assert_eq!(code, 1, "{doc:#}");
    assert_eq!(doc["response"]["status"], 200);
    assert_eq!(doc["response"]["body"], "hello\n");
    assert_eq!(doc["diagnosis"]["kind"], "not-proxied");
    assert!(
        says(&doc["diagnosis"]["summary"], "served as plain HTTP"),
        "{doc:#}"
    );
}

/// `location /ws/` asked for `/ws`: nginx redirects to add the slash, and
/// WebSocket clients do not follow redirects.
#[test]
fn probe_redirect_301_shows_its_location() {
    let Some(site) = start_site(SITE, Checks::default(), &[]) else {
        return;
    };
    let (code, doc) = probe_json(&[&url(&site, "/ws")]);
    assert_eq!(code, 1, "{doc:#}");
    assert_eq!(doc["response"]["status"], 301);
    let d = &doc["diagnosis"];
    assert_eq!(d["kind"], "redirect");
    let location = format!("http://127.0.0.1:{}/ws/", site.port);
    assert!(
        d["summary"]
            .as_str()
            .unwrap()
            .ends_with(&format!("a redirect to {location}.")),
        "{d}"
    );
    assert!(says(&d["explanation"][1], "trailing slash"), "{d}");
}

#[test]
fn probe_backend_down_is_502() {
    let Some(site) = start_site(SITE, Checks::default(), &[]) else {
        return;
    };
    let (code, doc) = probe_json(&[&url(&site, "/down/")]);
    assert_eq!(code, 1, "{doc:#}");
    assert_eq!(doc["response"]["status"], 502);
    assert_eq!(doc["diagnosis"]["kind"], "backend-unavailable");
    assert!(
        says(&doc["diagnosis"]["explanation"][0], "error log"),
        "{doc:#}"
    );
}

/// A backend that checks Host and Origin refuses the probe until it sends
/// what a browser on the site would; the refusal points at the rules about
/// passing those headers on.
#[test]
fn probe_origin_and_host_options_reach_the_backend() {
    let checks = Checks {
        host: true,
        origin: true,
        ..Checks::default()
    };
    let Some(site) = start_site(SITE, checks, &[]) else {
        return;
    };
    let (code, doc) = probe_json(&[&url(&site, "/ws/")]);
    assert_eq!(code, 1, "{doc:#}");
    assert_eq!(doc["response"]["status"], 403);
    assert_eq!(doc["diagnosis"]["kind"], "forbidden");
    assert_eq!(rule_codes(&doc), ["WS016", "WS008", "WS017"]);

    let host = format!("Host: {PUBLIC_HOST}");
    let origin = format!("https://{PUBLIC_HOST}");
    let (code, doc) = probe_json(&[&url(&site, "/ws/"), "--header", &host, "--origin", &origin]);
    assert_eq!(code, 0, "{doc:#}");
}

/// nginx closes an idle WebSocket after `proxy_read_timeout`; the probe
/// times the close. The same idle period through a location with a long
/// timeout survives. Both probes run at once to keep the test short. The
/// short-timeout output is also the README's idle example.
#[test]
fn probe_idle_connection_closed_by_proxy_read_timeout_is_ws006() {
    let Some(site) = start_site(SITE, Checks::default(), &[]) else {
        return;
    };
    let short = spawn_probe(&["--idle", "4s", &url(&site, "/short/")]);
    let long = spawn_probe(&["--idle", "4s", "--format", "json", &url(&site, "/ws/")]);
    let (short, long) = (
        short.wait_with_output().unwrap(),
        long.wait_with_output().unwrap(),
    );

    let text = stdout(&short);
    assert_eq!(short.status.code(), Some(1), "{text}");
    assert!(text.contains("  ok    ping "), "{text}");
    assert!(text.contains("  FAIL  idle "), "{text}");
    assert!(
        text.contains("WS006 short-proxy-timeout  proxy_read_timeout 1h;"),
        "{text}"
    );
    // "closed after 2.00 s idle": when nginx gave up, measured.
    let after: f64 = text
        .split("closed after ")
        .nth(1)
        .and_then(|rest| rest.split(" s").next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no close time in:\n{text}"));
    assert!(
        (1.5..3.5).contains(&after),
        "closed after {after} s:\n{text}"
    );
    let readme = readme_block(&format!("probe ws://127.0.0.1:{PORT}/short/\n"));
    assert_eq!(
        mask(&text, site.port),
        mask(&readme, PORT),
        "README idle example is stale"
    );

    let doc: Value = serde_json::from_slice(&long.stdout).unwrap();
    assert_eq!(long.status.code(), Some(0), "{doc:#}");
    let idle = &doc["steps"][4];
    assert_eq!(idle["step"], "idle");
    assert_eq!(idle["ok"], true);
    assert!(idle["ms"].as_f64().unwrap() >= 4000.0, "{idle}");
    assert_eq!(idle["detail"], "still open after 4s idle, ping answered");
}

/// A certificate made for the test: `--insecure` probes through it, a
/// normal probe refuses it as untrusted. Plain ws:// to the TLS port is
/// recognised from nginx's answer.
#[test]
fn probe_wss_with_a_self_signed_certificate() {
    let key =
        rcgen::generate_simple_self_signed(vec!["127.0.0.1".into(), "localhost".into()]).unwrap();
    let cert_pem = key.cert.pem();
    let key_pem = key.signing_key.serialize_pem();
    let tls_site = "server {
    listen 127.0.0.1:NGINX_PORT ssl;
    ssl_certificate DIR/cert.pem;
    ssl_certificate_key DIR/key.pem;
    location /ws/ {
        proxy_pass http://127.0.0.1:BACKEND_PORT;
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection \"upgrade\";
    }
}
";
    let files = [
        ("cert.pem", cert_pem.as_str()),
        ("key.pem", key_pem.as_str()),
    ];
    let Some(site) = start_site(tls_site, Checks::default(), &files) else {
        return;
    };
    let wss = format!("wss://127.0.0.1:{}/ws/", site.port);

    let (code, doc) = probe_json(&[&wss, "--insecure"]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(doc["url"], wss);
    assert_eq!(doc["steps"][2]["step"], "tls");
    let tls = doc["steps"][2]["detail"].as_str().unwrap();
    assert!(tls.starts_with("TLS 1."), "{tls}");
    assert!(
        tls.ends_with("certificate not checked (--insecure)"),
        "{tls}"
    );
    assert_eq!(doc["steps"][4]["step"], "ping");

    let (code, doc) = probe_json(&[&wss]);
    assert_eq!(code, 1, "{doc:#}");
    assert_eq!(steps(&doc)[2], ("tls".to_string(), false));
    let d = &doc["diagnosis"];
    assert_eq!(d["kind"], "tls-certificate");
    assert!(says(&d["summary"], "UnknownIssuer"), "{d}");
    assert!(says(&d["explanation"][0], "--insecure"), "{d}");
    assert!(doc["response"].is_null());

    let (code, doc) = probe_json(&[&url(&site, "/ws/")]);
    assert_eq!(code, 1, "{doc:#}");
    assert_eq!(doc["diagnosis"]["kind"], "plain-http-to-tls-port");
}

#[test]
fn probe_wss_to_a_plain_http_port_is_not_tls() {
    let Some(site) = start_site(SITE, Checks::default(), &[]) else {
        return;
    };
    let (code, doc) = probe_json(&[&format!("wss://127.0.0.1:{}/ws/", site.port)]);
    assert_eq!(code, 1, "{doc:#}");
    assert_eq!(steps(&doc)[2], ("tls".to_string(), false));
    assert_eq!(doc["diagnosis"]["kind"], "not-tls");
}

#[test]
fn probe_refused_connection() {
    let port = free_port();
    let out = probe(&[&format!("ws://127.0.0.1:{port}/ws/")]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("  FAIL  connect "), "{text}");
    assert!(text.contains("connection refused"), "{text}");
    let (_, doc) = probe_json(&[&format!("ws://127.0.0.1:{port}/ws/")]);
    assert_eq!(doc["diagnosis"]["kind"], "connection-refused");
    assert!(doc["response"].is_null());
}

/// A one-connection TCP server on loopback: `serve` gets the accepted
/// stream. The accept is bounded, so a probe that never comes cannot hang
/// the test.
fn fake_server(serve: impl FnOnce(std::net::TcpStream) + Send + 'static) -> (u16, JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    listener.set_nonblocking(true).unwrap();
    let thread = std::thread::spawn(move || {
        let until = Instant::now() + Duration::from_secs(10);
        while Instant::now() < until {
            if let Ok((stream, _)) = listener.accept() {
                stream.set_nonblocking(false).unwrap();
                stream
                    .set_read_timeout(Some(Duration::from_secs(5)))
                    .unwrap();
                serve(stream);
                return;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    });
    (port, thread)
}

/// Reads a request head (bounded by the stream's read timeout).
fn read_head(stream: &mut std::net::TcpStream) -> String {
    let mut head = Vec::new();
    let mut chunk = [0u8; 1024];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut chunk) {
            Ok(n) if n > 0 => head.extend_from_slice(&chunk[..n]),
            _ => break,
        }
    }
    String::from_utf8_lossy(&head).into_owned()
}

#[test]
fn probe_server_that_answers_garbage_is_not_http() {
    let (port, server) = fake_server(|mut stream| {
        let _ = stream.write_all(b"SSH-2.0-OpenSSH_9.2p1\r\n");
        // Keep the connection open: the probe must not wait for more.
        std::thread::sleep(Duration::from_millis(500));
    });
    let started = Instant::now();
    let (code, doc) = probe_json(&[&format!("ws://127.0.0.1:{port}/")]);
    server.join().unwrap();
    assert_eq!(code, 1, "{doc:#}");
    assert!(started.elapsed() < Duration::from_secs(5));
    let d = &doc["diagnosis"];
    assert_eq!(d["kind"], "not-http");
    assert!(says(&d["summary"], r#""SSH-2.0-OpenSSH_9.2p1\r\n""#), "{d}");
    assert_eq!(steps(&doc)[2], ("handshake".to_string(), false));
}

/// A 101 whose Accept belongs to another key (the RFC's example): what a
/// middlebox that rewrites the handshake produces.
#[test]
fn probe_wrong_accept_is_diagnosed() {
    let (send, receive) = std::sync::mpsc::channel();
    let (port, server) = fake_server(move |mut stream| {
        send.send(read_head(&mut stream)).unwrap();
        let _ = stream.write_all(
            b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n",
        );
    });
    let (code, doc) = probe_json(&[&format!("ws://127.0.0.1:{port}/")]);
    server.join().unwrap();
    assert_eq!(code, 1, "{doc:#}");
    assert_eq!(doc["response"]["status"], 101);
    let d = &doc["diagnosis"];
    assert_eq!(d["kind"], "wrong-accept");
    // The value the probe expected, computed by another implementation
    // from the key it sent.
    let head = receive.recv().unwrap();
    let key = head
        .lines()
        .find_map(|l| l.strip_prefix("Sec-WebSocket-Key: "))
        .unwrap_or_else(|| panic!("no key in:\n{head}"));
    let expected = tungstenite::handshake::derive_accept_key(key.as_bytes());
    assert!(
        says(
            &d["summary"],
            &format!("`s3pPLMBiTxaQ9kYGzzhZRbK+xOo=` instead of `{expected}`")
        ),
        "{d}"
    );
    assert!(says(&d["explanation"][0], "rewrote the handshake"), "{d}");
}

/// A fake server that accepts the handshake correctly, then hands the
/// stream to `then`.
fn accepting_server(
    then: impl FnOnce(std::net::TcpStream) + Send + 'static,
) -> (u16, JoinHandle<()>) {
    fake_server(move |mut stream| {
        let head = read_head(&mut stream);
        let Some(key) = head
            .lines()
            .find_map(|l| l.strip_prefix("Sec-WebSocket-Key: "))
        else {
            return;
        };
        let accept = tungstenite::handshake::derive_accept_key(key.as_bytes());
        let _ = write!(
            stream,
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"
        );
        then(stream);
    })
}

#[test]
fn probe_server_that_never_answers_pings() {
    let (port, server) = accepting_server(|mut stream| {
        // Read the ping, answer nothing, until the probe gives up.
        let _ = stream.read(&mut [0u8; 64]);
        let _ = stream.read(&mut [0u8; 64]);
    });
    let (code, doc) = probe_json(&[&format!("ws://127.0.0.1:{port}/"), "--timeout", "500ms"]);
    server.join().unwrap();
    assert_eq!(code, 1, "{doc:#}");
    assert_eq!(steps(&doc)[2], ("handshake".to_string(), true));
    assert_eq!(steps(&doc)[3], ("ping".to_string(), false));
    assert_eq!(doc["diagnosis"]["kind"], "no-pong");
    assert_eq!(doc["steps"][3]["detail"], "no answer within 500ms");
}

#[test]
fn probe_close_frame_after_the_handshake_is_the_application() {
    let (port, server) = accepting_server(|mut stream| {
        // A greeting message first: the probe skips it.
        let _ = stream.write_all(&[0x81, 0x02, b'h', b'i']);
        let mut close = vec![0x88, 9];
        close.extend(1008u16.to_be_bytes());
        close.extend(b"go away");
        let _ = stream.write_all(&close);
        let _ = stream.read(&mut [0u8; 64]);
    });
    let (code, doc) = probe_json(&[&format!("ws://127.0.0.1:{port}/")]);
    server.join().unwrap();
    assert_eq!(code, 1, "{doc:#}");
    let d = &doc["diagnosis"];
    assert_eq!(d["kind"], "closed-by-server");
    assert!(says(&d["summary"], "(close code 1008 \"go away\")"), "{d}");
}

/// The request the probe sends, as a server sees it.
#[test]
fn probe_sends_an_rfc6455_handshake() {
    let (send, receive) = std::sync::mpsc::channel();
    let (port, server) = fake_server(move |mut stream| {
        send.send(read_head(&mut stream)).unwrap();
    });
    let out = probe(&[
        &format!("ws://127.0.0.1:{port}/chat?x=1"),
        "--origin",
        "https://app.example.test",
        "--header",
        "Cookie: a=b",
        "--timeout",
        "2s",
    ]);
    server.join().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let head = receive.recv().unwrap();
    assert!(head.starts_with("GET /chat?x=1 HTTP/1.1\r\n"), "{head}");
    for line in [
        format!("Host: 127.0.0.1:{port}\r\n"),
        "Upgrade: websocket\r\n".into(),
        "Connection: Upgrade\r\n".into(),
        "Sec-WebSocket-Version: 13\r\n".into(),
        "Origin: https://app.example.test\r\n".into(),
        "Cookie: a=b\r\n".into(),
    ] {
        assert!(head.contains(&line), "{line:?} missing:\n{head}");
    }
    let key = head
        .lines()
        .find_map(|l| l.strip_prefix("Sec-WebSocket-Key: "))
        .unwrap();
    assert_eq!(key.len(), 24, "16 bytes in base64: {key}");
    // The server closed without answering.
    assert!(
        stdout(&out).contains("The server closed the connection without answering the upgrade"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn probe_usage_errors_exit_2() {
    for (args, says) in [
        (&["example.com/ws"][..], "must start with ws://"),
        (&["ftp://example.com/"], "not a WebSocket scheme"),
        (&["ws://host:99999/"], "not a port"),
        (
            &["ws://127.0.0.1/", "--idle", "5 parsecs"],
            "not a duration",
        ),
        (&["ws://127.0.0.1/", "--timeout", "0s"], "more than zero"),
        (&["ws://127.0.0.1/", "--header", "NoColon"], "Name: value"),
        (
            &["ws://127.0.0.1/", "--header", "Bad Name: x"],
            "not a header name",
        ),
        (&["ws://127.0.0.1/", "--format", "xml"], "invalid value"),
        (&[], "<URL>"),
    ] {
        let out = probe(args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {says:?} missing:\n{err}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}

/// The port the README's examples show in place of the test's free port.
const PORT: u16 = 8080;

/// The README's text block that starts with `first_line`.
fn readme_block(first_line: &str) -> String {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let start = readme
        .find(&format!("```text\n{first_line}"))
        .unwrap_or_else(|| panic!("README lacks a block starting {first_line:?}"))
        + "```text\n".len();
    let end = readme[start..].find("```").unwrap() + start;
    readme[start..end].to_string()
}

/// Probe output with the port shown as the README's and every measured
/// time (with the spaces that align it) as ` T`: the only parts that
/// differ between runs.
fn mask(text: &str, port: u16) -> String {
    let text = text.replace(&format!(":{port}"), &format!(":{PORT}"));
    regex::Regex::new(r" +\d+\.\d+ m?s\b")
        .unwrap()
        .replace_all(&text, " T")
        .into_owned()
}

/// The README's "Verify after reload" examples are what the binary prints
/// (times and the port aside), for a working and a broken route.
#[test]
fn readme_probe_examples_are_true() {
    let site_conf = "server {
    listen 127.0.0.1:NGINX_PORT;
    location /ws/ {
        proxy_pass http://127.0.0.1:BACKEND_PORT;
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection \"upgrade\";
        proxy_set_header Host $host;
    }
    location /socket.io/ {
        proxy_pass http://127.0.0.1:BACKEND_PORT;
        proxy_http_version 1.1;
        proxy_set_header Host $host;
    }
}
";
    let Some(site) = start_site(site_conf, Checks::default(), &[]) else {
        return;
    };
    for path in ["/socket.io/", "/ws/"] {
        let out = probe(&[&url(&site, path)]);
        let shown = readme_block(&format!("probe ws://127.0.0.1:{PORT}{path}\n"));
        assert_eq!(
            mask(&stdout(&out), site.port),
            mask(&shown, PORT),
            "README example for {path} is stale:\n{}",
            stdout(&out)
        );
    }
}
