//! The RFC 6455 opening handshake, section 4: the HTTP/1.1 `GET` with the
//! upgrade headers and a random `Sec-WebSocket-Key`, the parsing of the
//! answer's head, and the checks a client must make on a `101`. Only bytes
//! in and out: the connection and the timing live in `conn` and `mod.rs`.

use super::args::{Header, Target};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use sha1::{Digest, Sha1};

/// Appended to the key before hashing (RFC 6455, section 1.3).
const GUID: &str = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/// A response head larger than this is not a handshake answer.
pub(crate) const MAX_HEAD: usize = 16 * 1024;

/// A fresh `Sec-WebSocket-Key`: 16 random bytes, base64.
pub(crate) fn new_key() -> String {
    let mut nonce = [0u8; 16];
    super::random_bytes(&mut nonce);
    BASE64.encode(nonce)
}

/// The `Sec-WebSocket-Accept` a server must answer to `key`.
pub(crate) fn accept_for(key: &str) -> String {
    let mut sha = Sha1::new();
    sha.update(key.as_bytes());
    sha.update(GUID.as_bytes());
    BASE64.encode(sha.finalize())
}

/// The request to send, and the key it carries (a `--header` may replace
/// the generated one; the Accept check must use whichever was sent).
pub(crate) struct Request {
    pub(crate) bytes: Vec<u8>,
    pub(crate) key: String,
    /// `Sec-WebSocket-Protocol` values the request offers.
    pub(crate) protocols: Vec<String>,
}

/// Builds the handshake. `extra` headers replace the default header of the
/// same name (so `--header 'Host: chat.example.com'` probes a virtual host
/// through an IP address) and are otherwise added after it.
pub(crate) fn request(
    target: &Target,
    origin: Option<&str>,
    extra: &[Header],
    key: &str,
) -> Request {
    let mut headers: Vec<(String, String)> = vec![
        ("Host".into(), target.host_header()),
        ("Upgrade".into(), "websocket".into()),
        ("Connection".into(), "Upgrade".into()),
        ("Sec-WebSocket-Key".into(), key.into()),
        ("Sec-WebSocket-Version".into(), "13".into()),
        (
            "User-Agent".into(),
            concat!("wslint/", env!("CARGO_PKG_VERSION")).into(),
        ),
    ];
    if let Some(origin) = origin {
        headers.push(("Origin".into(), origin.into()));
    }
    for h in extra {
        match headers
            .iter_mut()
            .find(|(name, _)| name.eq_ignore_ascii_case(&h.name))
        {
            Some(slot) => slot.1 = h.value.clone(),
            None => headers.push((h.name.clone(), h.value.clone())),
        }
    }
    let mut text = format!("GET {} HTTP/1.1\r\n", target.path);
    for (name, value) in &headers {
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    text.push_str("\r\n");
    let find = |wanted: &str| {
        headers
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(wanted))
            .map(|(_, v)| v.clone())
    };
    Request {
        bytes: text.into_bytes(),
        key: find("Sec-WebSocket-Key").unwrap_or_default(),
        protocols: find("Sec-WebSocket-Protocol")
            .map(|v| tokens(&v).map(str::to_string).collect())
            .unwrap_or_default(),
    }
}

/// A parsed response head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Response {
    pub(crate) status: u16,
    pub(crate) reason: String,
    /// In the order received, names as the server wrote them.
    pub(crate) headers: Vec<(String, String)>,
}

impl Response {
    /// Every value of header `name`, joined with `, ` as HTTP allows for
    /// list headers.
    pub(crate) fn header(&self, name: &str) -> Option<String> {
        let values: Vec<&str> = self
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect();
        (!values.is_empty()).then(|| values.join(", "))
    }
}

/// What the bytes received so far amount to.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Parsed {
    /// Could still become a response: read more.
    Incomplete,
    /// A complete head; the `usize` is its length (what follows is body or
    /// frames).
    Head(Response, usize),
    /// Not an HTTP response.
    NotHttp,
}

/// Parses the response head in `buf`. Anything that does not start like
/// `HTTP/` is refused at once, so a server that sends something else and
/// keeps the connection open is not waited on until the timeout.
pub(crate) fn parse(buf: &[u8]) -> Parsed {
    let prefix = &b"HTTP/"[..buf.len().min(5)];
    if !buf.starts_with(prefix) {
        return Parsed::NotHttp;
    }
    let mut slots = [httparse::EMPTY_HEADER; 64];
    let mut response = httparse::Response::new(&mut slots);
    match response.parse(buf) {
        Ok(httparse::Status::Partial) if buf.len() < MAX_HEAD => Parsed::Incomplete,
        Ok(httparse::Status::Partial) | Err(_) => Parsed::NotHttp,
        Ok(httparse::Status::Complete(len)) => {
            let headers = response
                .headers
                .iter()
                .map(|h| {
                    (
                        h.name.to_string(),
                        String::from_utf8_lossy(h.value).into_owned(),
                    )
                })
                .collect();
            Parsed::Head(
                Response {
                    status: response.code.unwrap_or(0),
                    reason: response.reason.unwrap_or("").to_string(),
                    headers,
                },
                len,
            )
        }
    }
}

/// Why a `101` is not a valid WebSocket answer (RFC 6455, section 4.1: the
/// client must fail the connection in each of these cases).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Invalid101 {
    /// `Upgrade` is missing or does not name `websocket`.
    Upgrade(Option<String>),
    /// `Connection` is missing or does not name `upgrade`.
    Connection(Option<String>),
    /// `Sec-WebSocket-Accept` is missing or wrong.
    Accept {
        expected: String,
        got: Option<String>,
    },
    /// The server chose a subprotocol the request did not offer.
    Protocol(String),
}

/// Checks a `101` answer to `request`.
pub(crate) fn check_101(response: &Response, request: &Request) -> Result<(), Invalid101> {
    let upgrade = response.header("Upgrade");
    if !upgrade
        .as_deref()
        .is_some_and(|v| tokens(v).any(|t| t.eq_ignore_ascii_case("websocket")))
    {
        return Err(Invalid101::Upgrade(upgrade));
    }
    let connection = response.header("Connection");
    if !connection
        .as_deref()
        .is_some_and(|v| tokens(v).any(|t| t.eq_ignore_ascii_case("upgrade")))
    {
        return Err(Invalid101::Connection(connection));
    }
    let expected = accept_for(&request.key);
    let got = response.header("Sec-WebSocket-Accept");
    if got.as_deref().map(str::trim) != Some(expected.as_str()) {
        return Err(Invalid101::Accept { expected, got });
    }
    if let Some(chosen) = response.header("Sec-WebSocket-Protocol")
        && !request.protocols.iter().any(|p| p == chosen.trim())
    {
        return Err(Invalid101::Protocol(chosen));
    }
    Ok(())
}

/// The items of a comma-separated header value.
fn tokens(value: &str) -> impl Iterator<Item = &str> {
    value.split(',').map(str::trim).filter(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::args::parse_url;

    #[test]
    fn accept_of_the_rfc_example_key() {
        // RFC 6455, section 1.3.
        assert_eq!(
            accept_for("dGhlIHNhbXBsZSBub25jZQ=="),
            "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
        );
    }

    #[test]
    fn keys_are_16_random_bytes() {
        let (a, b) = (new_key(), new_key());
        assert_eq!(BASE64.decode(&a).unwrap().len(), 16);
        assert_ne!(a, b);
    }

    fn text(request: &Request) -> String {
        String::from_utf8(request.bytes.clone()).unwrap()
    }

    #[test]
    fn request_carries_the_upgrade_headers() {
        let target = parse_url("ws://example.com:8080/chat?x=1").unwrap();
        let req = request(&target, Some("https://example.com"), &[], "a2V5");
        let t = text(&req);
        assert!(t.starts_with("GET /chat?x=1 HTTP/1.1\r\n"), "{t}");
        for line in [
            "Host: example.com:8080\r\n",
            "Upgrade: websocket\r\n",
            "Connection: Upgrade\r\n",
            "Sec-WebSocket-Key: a2V5\r\n",
            "Sec-WebSocket-Version: 13\r\n",
            "Origin: https://example.com\r\n",
        ] {
            assert!(t.contains(line), "{line:?} missing:\n{t}");
        }
        assert!(t.ends_with("\r\n\r\n"));
        assert_eq!(req.key, "a2V5");
        assert!(req.protocols.is_empty());
    }

    #[test]
    fn extra_headers_replace_defaults_of_the_same_name() {
        let target = parse_url("ws://127.0.0.1/").unwrap();
        let extra = [
            Header {
                name: "host".into(),
                value: "chat.example.com".into(),
            },
            Header {
                name: "Sec-WebSocket-Protocol".into(),
                value: "chat, superchat".into(),
            },
        ];
        let req = request(&target, None, &extra, "k");
        let t = text(&req);
        assert!(t.contains("Host: chat.example.com\r\n"), "{t}");
        assert!(!t.contains("127.0.0.1"), "{t}");
        assert!(!t.contains("Origin"), "{t}");
        assert_eq!(req.protocols, ["chat", "superchat"]);
    }

    const KEY: &str = "dGhlIHNhbXBsZSBub25jZQ==";

    fn answer(extra: &str) -> Response {
        let head = format!("HTTP/1.1 101 Switching Protocols\r\n{extra}\r\n");
        match parse(head.as_bytes()) {
            Parsed::Head(r, len) => {
                assert_eq!(len, head.len());
                r
            }
            other => panic!("{other:?}"),
        }
    }

    fn req() -> Request {
        request(&parse_url("ws://h/").unwrap(), None, &[], KEY)
    }

    #[test]
    fn a_valid_101_passes_with_case_insensitive_token_lists() {
        let r = answer(
            "upgrade: WebSocket\r\nconnection: keep-alive, Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n",
        );
        assert_eq!(r.status, 101);
        assert_eq!(r.reason, "Switching Protocols");
        assert_eq!(check_101(&r, &req()), Ok(()));
    }

    #[test]
    fn each_broken_101_is_named() {
        let ok_accept = "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n";
        let r = answer(&format!("Connection: upgrade\r\n{ok_accept}"));
        assert_eq!(check_101(&r, &req()), Err(Invalid101::Upgrade(None)));
        let r = answer(&format!(
            "Upgrade: h2c\r\nConnection: upgrade\r\n{ok_accept}"
        ));
        assert_eq!(
            check_101(&r, &req()),
            Err(Invalid101::Upgrade(Some("h2c".into())))
        );
        let r = answer(&format!(
            "Upgrade: websocket\r\nConnection: close\r\n{ok_accept}"
        ));
        assert!(matches!(
            check_101(&r, &req()),
            Err(Invalid101::Connection(_))
        ));
        let r =
            answer("Upgrade: websocket\r\nConnection: upgrade\r\nSec-WebSocket-Accept: AAAA\r\n");
        assert_eq!(
            check_101(&r, &req()),
            Err(Invalid101::Accept {
                expected: "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=".into(),
                got: Some("AAAA".into())
            })
        );
        let r = answer(&format!(
            "Upgrade: websocket\r\nConnection: upgrade\r\n{ok_accept}Sec-WebSocket-Protocol: chat\r\n"
        ));
        assert_eq!(
            check_101(&r, &req()),
            Err(Invalid101::Protocol("chat".into()))
        );
    }

    #[test]
    fn parse_waits_for_a_whole_head_and_refuses_other_protocols() {
        assert_eq!(parse(b""), Parsed::Incomplete);
        assert_eq!(parse(b"HTT"), Parsed::Incomplete);
        assert_eq!(parse(b"HTTP/1.1 400 Bad"), Parsed::Incomplete);
        assert_eq!(parse(b"SSH-2.0-OpenSSH_9.2\r\n"), Parsed::NotHttp);
        assert_eq!(parse(b"\x15\x03\x03\x00\x02\x02\x46"), Parsed::NotHttp);
        assert_eq!(parse(b"HTTP/1.1 abc\r\n\r\n"), Parsed::NotHttp);
        assert_eq!(parse(b"HHH"), Parsed::NotHttp);
        let mut endless = b"HTTP/1.1 200 OK\r\n".to_vec();
        endless.resize(MAX_HEAD + 10, b'a');
        assert_eq!(parse(&endless), Parsed::NotHttp);
        let head = b"HTTP/1.1 301 Moved Permanently\r\nLocation: /ws/\r\nX: 1\r\nx: 2\r\n\r\nbody";
        match parse(head) {
            Parsed::Head(r, len) => {
                assert_eq!(r.status, 301);
                assert_eq!(r.header("location").as_deref(), Some("/ws/"));
                assert_eq!(r.header("X").as_deref(), Some("1, 2"));
                assert_eq!(&head[len..], b"body");
            }
            other => panic!("{other:?}"),
        }
    }
}
