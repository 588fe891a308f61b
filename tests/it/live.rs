//! Live servers on 127.0.0.1 for the tests that talk to a real nginx
//! (`e2e`, `probe`): a WebSocket echo backend, nginx itself on a temporary
//! prefix, and the helpers that lay out and start that prefix. Everything
//! listens on loopback, on ports the system hands out, and stops when
//! dropped.

use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;
use tungstenite::Message;
use tungstenite::handshake::server::{ErrorResponse, Request, Response};

/// The Host the client sends; backends that check Host expect it.
pub const PUBLIC_HOST: &str = "chat.example.test";

/// What the echo backend insists on, like real WebSocket servers do.
#[derive(Clone, Copy, Default)]
pub struct Checks {
    /// Reject handshakes whose Host is not the public one (Origin checks).
    pub host: bool,
    /// Reject handshakes without an Origin header.
    pub origin: bool,
    /// Reject a request with more than one Host header, as Go's net/http
    /// and other strict servers do (400).
    pub one_host: bool,
    /// Send a ping this often while the client is quiet, as protocols
    /// with a server heartbeat do (Socket.IO, SignalR).
    pub ping_every: Option<Duration>,
}

/// A WebSocket echo server on a free loopback port.
pub struct Backend {
    pub port: u16,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Backend {
    pub fn start(checks: Checks) -> Backend {
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
    // tungstenite drops a request that is not an upgrade without a word;
    // real servers answer it with 400, and so does this one, so that a
    // proxy that loses the upgrade shows the way it does in production.
    let Some(stream) = refuse_plain_requests(stream, checks) else {
        return;
    };
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
    if let Some(every) = checks.ping_every {
        let _ = socket.get_mut().stream.set_read_timeout(Some(every));
    }
    // Bounded: a connection lives at most a few minutes.
    for _ in 0..10_000 {
        let message = match socket.read() {
            Ok(message) => message,
            // Quiet for `ping_every`: the heartbeat.
            Err(tungstenite::Error::Io(e))
                if checks.ping_every.is_some()
                    && matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) =>
            {
                if socket.send(Message::Ping(Vec::new().into())).is_err() {
                    break;
                }
                continue;
            }
            Err(_) => break,
        };
        let echo = matches!(message, Message::Text(_) | Message::Binary(_));
        if message.is_close() || (echo && socket.send(message).is_err()) {
            break;
        }
    }
}

/// Reads the request head; answers 400 and returns `None` unless it is an
/// HTTP/1.1 WebSocket upgrade, else hands back the stream with the head
/// still to be read.
fn refuse_plain_requests(mut stream: TcpStream, checks: Checks) -> Option<Replay> {
    let mut head = Vec::new();
    let mut chunk = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut chunk).ok().filter(|&n| n > 0)?;
        head.extend_from_slice(&chunk[..n]);
        if head.len() > 64 * 1024 {
            return None;
        }
    }
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut request = httparse::Request::new(&mut headers);
    request.parse(&head).ok()?;
    let has = |name: &str, token: &str| {
        request.headers.iter().any(|h| {
            h.name.eq_ignore_ascii_case(name)
                && String::from_utf8_lossy(h.value)
                    .split(',')
                    .any(|t| t.trim().eq_ignore_ascii_case(token))
        })
    };
    let hosts = request
        .headers
        .iter()
        .filter(|h| h.name.eq_ignore_ascii_case("host"))
        .count();
    let why = if checks.one_host && hosts > 1 {
        Some("more than one Host header")
    } else if request.version != Some(1) {
        Some("WebSocket needs HTTP/1.1")
    } else if !has("upgrade", "websocket") {
        Some("no Upgrade: websocket header")
    } else if !has("connection", "upgrade") {
        Some("no Connection: upgrade header")
    } else {
        None
    };
    if let Some(why) = why {
        let _ = write!(
            stream,
            "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{why}",
            why.len()
        );
        return None;
    }
    Some(Replay {
        head: std::io::Cursor::new(head),
        stream,
    })
}

/// A stream that first replays bytes already read from it.
struct Replay {
    head: std::io::Cursor<Vec<u8>>,
    stream: TcpStream,
}

impl Read for Replay {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self.head.read(buf)? {
            0 => self.stream.read(buf),
            n => Ok(n),
        }
    }
}

impl Write for Replay {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.stream.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.stream.flush()
    }
}

/// An nginx serving a temporary prefix; killed when dropped.
pub struct Nginx {
    child: Child,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Writes the prefix: nginx.conf (with a temp-path http block that
/// includes conf.d/*.conf) and the site, with ports filled in.
pub fn write_prefix(
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

pub fn nginx_t(bin: &Path, dir: &Path) -> Result<(), String> {
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
pub fn start_nginx(bin: &Path, dir: &Path, port: u16) -> Result<Nginx, String> {
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

/// A backend on a free loopback port that records the head of every
/// request it receives (request line and headers, as sent) and answers an
/// upgrade with `101` (and anything else with `200`), then closes: what
/// nginx sends, byte for byte, for the behaviour table. Like a real
/// WebSocket server it upgrades only an HTTP/1.1 request with `Upgrade:
/// websocket` and a `Connection` naming upgrade.
pub struct Recorder {
    pub port: u16,
    heads: Arc<std::sync::Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Recorder {
    pub fn start() -> Recorder {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let heads = Arc::new(std::sync::Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (flag, seen) = (stop.clone(), heads.clone());
        let thread = std::thread::spawn(move || {
            while !flag.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((stream, _)) => record(stream, &seen),
                    Err(e) if e.kind() == ErrorKind::WouldBlock => {
                        std::thread::sleep(Duration::from_millis(5))
                    }
                    Err(_) => break,
                }
            }
        });
        Recorder {
            port,
            heads,
            stop,
            thread: Some(thread),
        }
    }

    /// The request heads received so far, in order.
    pub fn heads(&self) -> Vec<String> {
        self.heads.lock().unwrap().clone()
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn record(mut stream: TcpStream, seen: &std::sync::Mutex<Vec<String>>) {
    stream.set_nonblocking(false).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && head.len() < 64 * 1024 {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => break,
        }
    }
    let text = String::from_utf8_lossy(&head).into_owned();
    let key = header_values(&text, "sec-websocket-key").into_iter().next();
    // As RFC 6455 servers do: an upgrade needs `Upgrade: websocket` and a
    // `Connection` that names upgrade, over HTTP/1.1.
    let upgrade = header_values(&text, "upgrade")
        .iter()
        .any(|v| v.eq_ignore_ascii_case("websocket"))
        && header_values(&text, "connection").iter().any(|v| {
            v.split(',')
                .any(|t| t.trim().eq_ignore_ascii_case("upgrade"))
        })
        && text.lines().next().is_some_and(|l| l.ends_with("HTTP/1.1"));
    seen.lock().unwrap().push(text);
    let answer = match (upgrade, key) {
        (true, Some(key)) => format!(
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {}\r\n\r\n",
            tungstenite::handshake::derive_accept_key(key.as_bytes())
        ),
        _ => "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok".to_string(),
    };
    let _ = stream.write_all(answer.as_bytes());
    std::thread::sleep(Duration::from_millis(50));
}

/// The values of every `name` header in a request or response head, in
/// order, as sent.
pub fn header_values(head: &str, name: &str) -> Vec<String> {
    head.lines()
        .skip(1)
        .filter_map(|l| l.split_once(':'))
        .filter(|(n, _)| n.trim().eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim().to_string())
        .collect()
}

/// Sends a browser's WebSocket handshake for `path` to nginx on `port` and
/// returns the head of the answer (empty when none came).
pub fn handshake(port: u16, path: &str) -> String {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return String::new();
    };
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {PUBLIC_HOST}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nOrigin: https://{PUBLIC_HOST}\r\n\r\n"
    );
    if stream.write_all(request.as_bytes()).is_err() {
        return String::new();
    }
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && head.len() < 64 * 1024 {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => break,
        }
    }
    String::from_utf8_lossy(&head).into_owned()
}
