//! End to end through a real nginx: a WebSocket echo backend on 127.0.0.1,
//! nginx with a temporary prefix on a free loopback port, and a real
//! WebSocket client. For each broken configuration the handshake and an
//! echo fail before `wslint --fix --unsafe-fixes`; after it `nginx -t`
//! passes and the echo works. When nginx is missing and `CI` is set, these
//! tests fail (see `support::nginx`). The servers are in `live`.

use crate::live::{Backend, Checks, PUBLIC_HOST, free_port, nginx_t, start_nginx, write_prefix};
use crate::support::{nginx, wslint};
use std::net::TcpStream;
use std::time::Duration;
use tungstenite::Message;
use tungstenite::client::IntoClientRequest;

/// Opens a WebSocket through nginx, optionally stays idle, then checks an
/// echo. Every step has a timeout.
fn echo_through(port: u16, path: &str, idle: Duration) -> Result<(), String> {
    let mut request = format!("ws://127.0.0.1:{port}{path}")
        .into_client_request()
        .map_err(|e| e.to_string())?;
    request
        .headers_mut()
        .insert("host", PUBLIC_HOST.parse().unwrap());
    request
        .headers_mut()
        .insert("origin", format!("https://{PUBLIC_HOST}").parse().unwrap());
    let stream = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream
        .set_write_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let (mut socket, _) =
        tungstenite::client(request, stream).map_err(|e| format!("handshake: {e}"))?;
    std::thread::sleep(idle);
    socket
        .send(Message::text("hello through nginx"))
        .map_err(|e| format!("send: {e}"))?;
    match socket.read().map_err(|e| format!("read: {e}"))? {
        Message::Text(t) if t.as_str() == "hello through nginx" => Ok(()),
        other => Err(format!("unexpected reply {other:?}")),
    }
}

/// The whole story for one broken site: fails before, fixed, nginx -t
/// passes, works after.
fn fixes_end_to_end(site: &str, checks: Checks, idle: Duration, extra_files: &[(&str, &str)]) {
    let Some(bin) = nginx() else { return };
    let backend = Backend::start(checks);
    let dir = tempfile::tempdir().unwrap();
    let nginx_port = free_port();
    write_prefix(dir.path(), site, nginx_port, backend.port, extra_files);

    let before = start_nginx(&bin, dir.path(), nginx_port).and_then(|server| {
        let result = echo_through(nginx_port, "/ws/", idle);
        drop(server);
        result
    });
    assert!(
        before.is_err(),
        "the broken configuration already works:\n{site}"
    );

    let out = wslint(
        dir.path(),
        &["--fix", "--unsafe-fixes", "--color", "never", "."],
        None,
    );
    assert_ne!(
        out.status.code(),
        Some(2),
        "wslint --fix failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let fixed = std::fs::read_to_string(dir.path().join("conf.d/site.conf")).unwrap();
    if let Err(e) = nginx_t(&bin, dir.path()) {
        panic!("nginx -t rejects the fixed configuration: {e}\n{fixed}");
    }
    let server = start_nginx(&bin, dir.path(), nginx_port).unwrap();
    let after = echo_through(nginx_port, "/ws/", idle);
    drop(server);
    assert!(
        after.is_ok(),
        "still broken after --fix: {after:?}\n{fixed}"
    );
}

const NO_IDLE: Duration = Duration::ZERO;

#[test]
fn e2e_missing_http_version() {
    fixes_end_to_end(
        "server {\n    listen 127.0.0.1:NGINX_PORT;\n    location /ws/ {\n        proxy_pass http://127.0.0.1:BACKEND_PORT;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection \"upgrade\";\n        proxy_set_header Host $host;\n        proxy_read_timeout 1h;\n    }\n}\n",
        Checks::default(),
        NO_IDLE,
        &[],
    );
}

#[test]
fn e2e_missing_upgrade_header() {
    fixes_end_to_end(
        "server {\n    listen 127.0.0.1:NGINX_PORT;\n    location /ws/ {\n        proxy_pass http://127.0.0.1:BACKEND_PORT;\n        proxy_http_version 1.1;\n        proxy_set_header Connection \"upgrade\";\n        proxy_set_header Host $host;\n        proxy_read_timeout 1h;\n    }\n}\n",
        Checks::default(),
        NO_IDLE,
        &[],
    );
}

#[test]
fn e2e_missing_connection_header_gets_the_map() {
    fixes_end_to_end(
        "server {\n    listen 127.0.0.1:NGINX_PORT;\n    location /ws/ {\n        proxy_pass http://127.0.0.1:BACKEND_PORT;\n        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Host $host;\n        proxy_read_timeout 1h;\n    }\n}\n",
        Checks::default(),
        NO_IDLE,
        &[],
    );
}

#[test]
fn e2e_undefined_connection_upgrade_variable() {
    fixes_end_to_end(
        "server {\n    listen 127.0.0.1:NGINX_PORT;\n    location /ws/ {\n        proxy_pass http://127.0.0.1:BACKEND_PORT;\n        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection $connection_upgrade;\n        proxy_set_header Host $host;\n        proxy_read_timeout 1h;\n    }\n}\n",
        Checks::default(),
        NO_IDLE,
        &[],
    );
}

#[test]
fn e2e_websocket_scheme_in_proxy_pass() {
    fixes_end_to_end(
        "server {\n    listen 127.0.0.1:NGINX_PORT;\n    location /ws/ {\n        proxy_pass ws://127.0.0.1:BACKEND_PORT;\n        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection \"upgrade\";\n        proxy_set_header Host $host;\n        proxy_read_timeout 1h;\n    }\n}\n",
        Checks::default(),
        NO_IDLE,
        &[],
    );
}

#[test]
fn e2e_connection_cleared_by_keepalive_recipe() {
    fixes_end_to_end(
        "upstream app {\n    server 127.0.0.1:BACKEND_PORT;\n    keepalive 8;\n}\n\nserver {\n    listen 127.0.0.1:NGINX_PORT;\n    # upstream keepalive for every location\n    proxy_http_version 1.1;\n    proxy_set_header Connection \"\";\n    proxy_set_header Host $host;\n\n    location /ws/ {\n        proxy_pass http://app;\n        proxy_read_timeout 1h;\n    }\n}\n",
        Checks::default(),
        NO_IDLE,
        &[],
    );
}

#[test]
fn e2e_missing_host_header_with_origin_checking_backend() {
    fixes_end_to_end(
        "server {\n    listen 127.0.0.1:NGINX_PORT;\n    location /ws/ {\n        proxy_pass http://127.0.0.1:BACKEND_PORT;\n        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection \"upgrade\";\n        proxy_read_timeout 1h;\n    }\n}\n",
        Checks {
            host: true,
            origin: false,
            ..Checks::default()
        },
        NO_IDLE,
        &[],
    );
}

#[test]
fn e2e_hidden_inherited_host_header() {
    fixes_end_to_end(
        "server {\n    listen 127.0.0.1:NGINX_PORT;\n    proxy_set_header Host $host;\n    proxy_set_header X-Forwarded-Proto $scheme;\n\n    location /ws/ {\n        proxy_pass http://127.0.0.1:BACKEND_PORT;\n        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection \"upgrade\";\n        proxy_read_timeout 1h;\n    }\n}\n",
        Checks {
            host: true,
            origin: false,
            ..Checks::default()
        },
        NO_IDLE,
        &[],
    );
}

#[test]
fn e2e_origin_cleared() {
    fixes_end_to_end(
        "server {\n    listen 127.0.0.1:NGINX_PORT;\n    location /ws/ {\n        proxy_pass http://127.0.0.1:BACKEND_PORT;\n        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection \"upgrade\";\n        proxy_set_header Host $host;\n        proxy_set_header Origin \"\";\n        proxy_read_timeout 1h;\n    }\n}\n",
        Checks {
            host: false,
            origin: true,
            ..Checks::default()
        },
        NO_IDLE,
        &[],
    );
}

#[test]
fn e2e_idle_connection_survives_after_timeout_fix() {
    fixes_end_to_end(
        "server {\n    listen 127.0.0.1:NGINX_PORT;\n    location /ws/ {\n        proxy_pass http://127.0.0.1:BACKEND_PORT;\n        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection \"upgrade\";\n        proxy_set_header Host $host;\n        proxy_read_timeout 2s;\n    }\n}\n",
        Checks::default(),
        Duration::from_secs(4),
        &[],
    );
}

#[test]
fn e2e_bare_location_gets_every_fix() {
    fixes_end_to_end(
        "server {\n    listen 127.0.0.1:NGINX_PORT;\n    location /ws/ { proxy_pass http://127.0.0.1:BACKEND_PORT; }\n}\n",
        Checks {
            host: true,
            origin: true,
            ..Checks::default()
        },
        NO_IDLE,
        &[],
    );
}

#[test]
fn e2e_route_with_an_included_snippet() {
    fixes_end_to_end(
        "server {\n    listen 127.0.0.1:NGINX_PORT;\n    location /ws/ {\n        include snippets/proxy.conf;\n        proxy_pass http://127.0.0.1:BACKEND_PORT;\n    }\n}\n",
        Checks {
            host: true,
            origin: false,
            ..Checks::default()
        },
        NO_IDLE,
        &[(
            "snippets/proxy.conf",
            "proxy_http_version 1.1;\nproxy_set_header Upgrade $http_upgrade;\nproxy_read_timeout 1h;\n",
        )],
    );
}

/// A snippet checked and fixed alone (its outer levels unseen), then
/// wrapped in the usual blocks: before the fix nginx serves no WebSocket,
/// after it `nginx -t` accepts the configuration and the echo works.
/// `wrap` turns the snippet's text into the site and its extra files.
fn snippet_fixed_alone(
    name: &str,
    snippet: &str,
    wrap: impl Fn(&str) -> (String, Vec<(&'static str, String)>),
) {
    let Some(bin) = nginx() else { return };
    let backend = Backend::start(Checks {
        host: true,
        origin: true,
        ..Checks::default()
    });
    let run = |text: &str| {
        let dir = tempfile::tempdir().unwrap();
        let nginx_port = free_port();
        let (site, extra) = wrap(text);
        let extra: Vec<(&str, &str)> = extra.iter().map(|(p, t)| (*p, t.as_str())).collect();
        write_prefix(dir.path(), &site, nginx_port, backend.port, &extra);
        nginx_t(&bin, dir.path()).map_err(|e| format!("nginx -t: {e}\n{site}"))?;
        let server = start_nginx(&bin, dir.path(), nginx_port)?;
        let result = echo_through(nginx_port, "/ws/", NO_IDLE);
        drop(server);
        result
    };
    assert!(
        run(snippet).is_err(),
        "the snippet already works:\n{snippet}"
    );
    let alone = tempfile::tempdir().unwrap();
    std::fs::write(alone.path().join(name), snippet).unwrap();
    let out = wslint(
        alone.path(),
        &["--fix", "--unsafe-fixes", "--format", "json", name],
        None,
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        report["summary"]["fixed"].as_u64().unwrap() > 0,
        "nothing was fixed: {report:#}"
    );
    let fixed = std::fs::read_to_string(alone.path().join(name)).unwrap();
    if let Err(e) = run(&fixed) {
        panic!("still broken after --fix of the snippet alone: {e}\n{fixed}");
    }
}

#[test]
fn e2e_location_block_fixed_alone() {
    snippet_fixed_alone(
        "pasted.conf",
        "location /ws/ {\n    proxy_pass http://127.0.0.1:BACKEND_PORT;\n}\n",
        |location| {
            let site = format!("server {{\n    listen 127.0.0.1:NGINX_PORT;\n{location}}}\n");
            (site, Vec::new())
        },
    );
}

#[test]
fn e2e_bare_directive_snippet_fixed_alone() {
    snippet_fixed_alone(
        "websocket.conf",
        "proxy_http_version 1.1;\nproxy_set_header Upgrade $http_upgrade;\n",
        |snippet| {
            let site = "server {\n    listen 127.0.0.1:NGINX_PORT;\n    location /ws/ {\n        proxy_pass http://127.0.0.1:BACKEND_PORT;\n        include snippets/websocket.conf;\n    }\n}\n".to_string();
            (site, vec![("snippets/websocket.conf", snippet.to_string())])
        },
    );
}

#[test]
fn e2e_escaped_quotes_in_connection() {
    fixes_end_to_end(
        "server {\n    listen 127.0.0.1:NGINX_PORT;\n    location /ws/ {\n        proxy_pass http://127.0.0.1:BACKEND_PORT;\n        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection \\\"upgrade\\\";\n        proxy_set_header Host $host;\n        proxy_read_timeout 1h;\n    }\n}\n",
        Checks::default(),
        NO_IDLE,
        &[],
    );
}

#[test]
fn e2e_connection_from_http_upgrade() {
    fixes_end_to_end(
        "server {\n    listen 127.0.0.1:NGINX_PORT;\n    location /ws/ {\n        proxy_pass http://127.0.0.1:BACKEND_PORT;\n        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection $http_upgrade;\n        proxy_set_header Host $host;\n        proxy_read_timeout 1h;\n    }\n}\n",
        Checks::default(),
        NO_IDLE,
        &[],
    );
}

#[test]
fn e2e_upstream_server_with_a_websocket_scheme() {
    fixes_end_to_end(
        "upstream app {\n    server ws://127.0.0.1:BACKEND_PORT;\n}\n\nserver {\n    listen 127.0.0.1:NGINX_PORT;\n    location /ws/ {\n        proxy_pass http://app;\n        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection \"upgrade\";\n        proxy_set_header Host $host;\n        proxy_read_timeout 1h;\n    }\n}\n",
        Checks::default(),
        NO_IDLE,
        &[],
    );
}

#[test]
fn e2e_nested_location_without_proxy_pass() {
    fixes_end_to_end(
        "server {\n    listen 127.0.0.1:NGINX_PORT;\n    location / {\n        proxy_pass http://127.0.0.1:BACKEND_PORT;\n        location /ws/ {\n            proxy_http_version 1.1;\n            proxy_set_header Upgrade $http_upgrade;\n            proxy_set_header Connection \"upgrade\";\n            proxy_set_header Host $host;\n            proxy_read_timeout 1h;\n        }\n    }\n}\n",
        Checks::default(),
        NO_IDLE,
        &[],
    );
}

/// `Host` twice (once through an included snippet): a strict backend
/// answers 400; the unsafe fix sets it once.
#[test]
fn e2e_host_set_twice() {
    fixes_end_to_end(
        "server {\n    listen 127.0.0.1:NGINX_PORT;\n    location /ws/ {\n        include snippets/proxy-params.conf;\n        proxy_pass http://127.0.0.1:BACKEND_PORT;\n        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection \"upgrade\";\n        proxy_set_header Host $host;\n        proxy_read_timeout 1h;\n    }\n}\n",
        Checks {
            one_host: true,
            ..Checks::default()
        },
        NO_IDLE,
        &[(
            "snippets/proxy-params.conf",
            "proxy_set_header Host $host;\nproxy_set_header X-Real-IP $remote_addr;\n",
        )],
    );
}
