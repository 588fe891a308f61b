//! End to end through a real nginx: a WebSocket echo backend on 127.0.0.1,
//! nginx with a temporary prefix on a free loopback port, and a real
//! WebSocket client. For each broken configuration the handshake and an
//! echo fail before `wslint --fix --unsafe-fixes`; after it `nginx -t`
//! passes and the echo works. When nginx is missing and `CI` is set, these
//! tests fail (see `support::nginx`).

use crate::support::{nginx, wslint};
use std::io::ErrorKind;
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;
use tungstenite::Message;
use tungstenite::client::IntoClientRequest;
use tungstenite::handshake::server::{ErrorResponse, Request, Response};

/// The Host the client sends; backends that check Host expect it.
const PUBLIC_HOST: &str = "chat.example.test";

/// What the echo backend insists on, like real WebSocket servers do.
#[derive(Clone, Copy, Default)]
struct Checks {
    /// Reject handshakes whose Host is not the public one (Origin checks).
    host: bool,
    /// Reject handshakes without an Origin header.
    origin: bool,
}

/// A WebSocket echo server on a free loopback port.
struct Backend {
    port: u16,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Backend {
    fn start(checks: Checks) -> Backend {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            while !flag.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        std::thread::spawn(move || serve(stream, checks));
                    }
                    Err(e) if e.kind() == ErrorKind::WouldBlock => {
                        std::thread::sleep(Duration::from_millis(10))
                    }
                    Err(_) => break,
                }
            }
        });
        Backend {
            port,
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for Backend {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

// The handshake callback's error type is tungstenite's, not ours.
#[allow(clippy::result_large_err)]
fn serve(stream: TcpStream, checks: Checks) {
    stream.set_nonblocking(false).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let callback = |req: &Request, resp: Response| -> Result<Response, ErrorResponse> {
        let header = |name: &str| {
            req.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
        };
        let reject = |why: &str| {
            let mut r = ErrorResponse::new(Some(why.to_string()));
            *r.status_mut() = tungstenite::http::StatusCode::FORBIDDEN;
            Err(r)
        };
        if checks.host && header("host") != PUBLIC_HOST {
            return reject("Host does not match Origin");
        }
        if checks.origin && header("origin").is_empty() {
            return reject("no Origin");
        }
        Ok(resp)
    };
    let Ok(mut socket) = tungstenite::accept_hdr(stream, callback) else {
        return;
    };
    while let Ok(message) = socket.read() {
        let echo = matches!(message, Message::Text(_) | Message::Binary(_));
        if message.is_close() || (echo && socket.send(message).is_err()) {
            break;
        }
    }
}

/// An nginx serving a temporary prefix; killed when dropped.
struct Nginx {
    child: Child,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Writes the prefix: nginx.conf (with a temp-path http block that
/// includes conf.d/*.conf) and the site, with ports filled in.
fn write_prefix(
    dir: &Path,
    site: &str,
    nginx_port: u16,
    backend_port: u16,
    extra_files: &[(&str, &str)],
) {
    let d = dir.display();
    let main = format!(
        "daemon off;\nmaster_process off;\nworker_processes 1;\nerror_log {d}/error.log info;\npid {d}/nginx.pid;\n\nevents {{\n    worker_connections 1024;\n}}\n\nhttp {{\n    access_log off;\n    client_body_temp_path {d}/tmp-body;\n    proxy_temp_path {d}/tmp-proxy;\n    fastcgi_temp_path {d}/tmp-fastcgi;\n    uwsgi_temp_path {d}/tmp-uwsgi;\n    scgi_temp_path {d}/tmp-scgi;\n\n    include conf.d/*.conf;\n}}\n"
    );
    std::fs::write(dir.join("nginx.conf"), main).unwrap();
    std::fs::create_dir_all(dir.join("conf.d")).unwrap();
    let fill = |text: &str| {
        text.replace("NGINX_PORT", &nginx_port.to_string())
            .replace("BACKEND_PORT", &backend_port.to_string())
    };
    std::fs::write(dir.join("conf.d/site.conf"), fill(site)).unwrap();
    for (path, text) in extra_files {
        let full = dir.join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, fill(text)).unwrap();
    }
}

fn nginx_t(bin: &Path, dir: &Path) -> Result<(), String> {
    let out = Command::new(bin)
        .arg("-t")
        .arg("-p")
        .arg(format!("{}/", dir.display()))
        .arg("-c")
        .arg(dir.join("nginx.conf"))
        .output()
        .unwrap();
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// Starts nginx and waits (bounded) until it accepts connections.
fn start_nginx(bin: &Path, dir: &Path, port: u16) -> Result<Nginx, String> {
    nginx_t(bin, dir)?;
    let child = Command::new(bin)
        .arg("-p")
        .arg(format!("{}/", dir.display()))
        .arg("-c")
        .arg(dir.join("nginx.conf"))
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    let server = Nginx { child };
    for _ in 0..100 {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(server);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Err("nginx did not start listening".into())
}

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
        },
        NO_IDLE,
        &[(
            "snippets/proxy.conf",
            "proxy_http_version 1.1;\nproxy_set_header Upgrade $http_upgrade;\nproxy_read_timeout 1h;\n",
        )],
    );
}
