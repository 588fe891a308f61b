//! What the command line hands the probe, parsed and checked before any
//! network traffic: the URL (as a [`Target`]), extra `--header` lines and the
//! `--idle` / `--timeout` durations. Each parser returns a message meant for
//! the user, so clap can show it as a usage error (exit 2).

use std::net::Ipv6Addr;
use std::time::Duration;

/// Where to probe, from a `ws://`, `wss://`, `http://` or `https://` URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Target {
    /// Whether the connection uses TLS (`wss://` and `https://`).
    pub(crate) tls: bool,
    /// The host as written, without the brackets of an IPv6 literal.
    pub(crate) host: String,
    pub(crate) port: u16,
    /// The request target: the path (at least `/`) and the query, if any.
    pub(crate) path: String,
}

impl Target {
    fn default_port(&self) -> u16 {
        if self.tls { 443 } else { 80 }
    }

    fn is_ipv6(&self) -> bool {
        self.host.contains(':')
    }

    /// The `Host` header value: the port only when it is not the scheme's
    /// default, as browsers send it (backends that compare Origin with Host
    /// depend on that).
    pub(crate) fn host_header(&self) -> String {
        let host = if self.is_ipv6() {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        if self.port == self.default_port() {
            host
        } else {
            format!("{host}:{}", self.port)
        }
    }

    /// The URL in its WebSocket form (`http` shown as `ws`, `https` as
    /// `wss`), the way reports name it.
    pub(crate) fn url(&self) -> String {
        let scheme = if self.tls { "wss" } else { "ws" };
        format!("{scheme}://{}{}", self.host_header(), self.path)
    }
}

/// Parses a probe URL. `http(s)://` is accepted and means `ws(s)://`: the
/// handshake is the same request either way.
pub(crate) fn parse_url(text: &str) -> Result<Target, String> {
    let Some((scheme, rest)) = text.split_once("://") else {
        return Err(format!(
            "`{text}` is not a URL: it must start with ws://, wss://, http:// or https://"
        ));
    };
    let tls = match scheme.to_ascii_lowercase().as_str() {
        "ws" | "http" => false,
        "wss" | "https" => true,
        _ => {
            return Err(format!(
                "`{scheme}://` is not a WebSocket scheme: use ws://, wss://, http:// or https://"
            ));
        }
    };
    if rest.contains('#') {
        return Err("a WebSocket URL cannot have a #fragment (RFC 6455, section 3)".into());
    }
    let (authority, path) = match rest.find(['/', '?']) {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    if authority.contains('@') {
        return Err(
            "user names and passwords in the URL are not sent; use --header 'Authorization: …'"
                .into(),
        );
    }
    let (host, port) = split_host_port(authority)?;
    if let Some(bad) = path.chars().find(|c| !c.is_ascii_graphic()) {
        return Err(format!(
            "the path contains {bad:?}: percent-encode spaces, control and non-ASCII characters"
        ));
    }
    let path = if path.starts_with('/') {
        path.to_string()
    } else {
        // "ws://host?x=1" asks for "/?x=1".
        format!("/{path}")
    };
    let mut target = Target {
        tls,
        host,
        port: 0,
        path,
    };
    target.port = port.unwrap_or_else(|| target.default_port());
    Ok(target)
}

/// Splits `host[:port]` or `[v6]:port`, checking both parts.
fn split_host_port(authority: &str) -> Result<(String, Option<u16>), String> {
    let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
        let Some((v6, after)) = rest.split_once(']') else {
            return Err(format!(
                "`{authority}`: an IPv6 address needs its closing `]`"
            ));
        };
        if v6.parse::<Ipv6Addr>().is_err() {
            return Err(format!("`{v6}` is not an IPv6 address"));
        }
        let port = match after {
            "" => None,
            _ => Some(after.strip_prefix(':').ok_or_else(|| {
                format!("`{authority}`: expected `:PORT` after the IPv6 address")
            })?),
        };
        (v6.to_string(), port)
    } else {
        match authority.split_once(':') {
            Some((host, port)) => (host.to_string(), Some(port)),
            None => (authority.to_string(), None),
        }
    };
    if host.is_empty() {
        return Err("the URL names no host".into());
    }
    if !host.contains(':')
        && !host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
    {
        return Err(format!(
            "`{host}` is not a host name (letters, digits, `-`, `.`; IDNs in their xn-- form)"
        ));
    }
    let port = match port {
        None => None,
        Some(p) => match p.parse::<u16>() {
            Ok(n) if n > 0 => Some(n),
            _ => return Err(format!("`{p}` is not a port (1-65535)")),
        },
    };
    Ok((host, port))
}

/// One `--header 'Name: value'` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Header {
    pub(crate) name: String,
    pub(crate) value: String,
}

/// Parses `Name: value`. The name must be an HTTP token and the value must
/// not hold line breaks, which would smuggle extra lines into the request.
pub(crate) fn parse_header(text: &str) -> Result<Header, String> {
    let Some((name, value)) = text.split_once(':') else {
        return Err(format!(
            "`{text}` is not a header: write it as 'Name: value'"
        ));
    };
    let name = name.trim();
    // RFC 9110 token characters.
    let is_tchar = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
    if name.is_empty() || !name.chars().all(is_tchar) {
        return Err(format!(
            "`{name}` is not a header name (letters, digits and -, no spaces)"
        ));
    }
    let value = value.trim();
    if value.chars().any(|c| c.is_control() && c != '\t') {
        return Err(format!(
            "the value of `{name}` holds a control character or line break"
        ));
    }
    Ok(Header {
        name: name.to_string(),
        value: value.to_string(),
    })
}

/// Parses a duration: `500ms`, `2s`, `1.5s`, `1m`, `1h`, or a plain number
/// of seconds. Zero is refused: every use of a duration here (a timeout, an
/// idle period) needs some time. So is more than a day, which no probe
/// needs and which could overflow the deadlines computed from it.
pub(crate) fn parse_duration(text: &str) -> Result<Duration, String> {
    let bad = || {
        format!("`{text}` is not a duration: write e.g. 500ms, 2s, 1.5s, 1m, 1h or 30 (seconds)")
    };
    let t = text.trim();
    let split = t.find(|c: char| !(c.is_ascii_digit() || c == '.'));
    let (number, unit) = match split {
        Some(i) => (&t[..i], t[i..].trim()),
        None => (t, "s"),
    };
    // Only digits with at most one dot: f64's parser would also take "inf" or "1e3".
    if number.is_empty() || number.starts_with('.') || number.matches('.').count() > 1 {
        return Err(bad());
    }
    let value: f64 = number.parse().map_err(|_| bad())?;
    let seconds_per_unit = match unit {
        "ms" => 0.001,
        "s" => 1.0,
        "m" => 60.0,
        "h" => 3600.0,
        _ => return Err(bad()),
    };
    let duration = Duration::try_from_secs_f64(value * seconds_per_unit).map_err(|_| bad())?;
    if duration.is_zero() {
        return Err(format!("`{text}`: the duration must be more than zero"));
    }
    if duration > Duration::from_secs(24 * 3600) {
        return Err(format!("`{text}`: the duration must be at most 24h"));
    }
    Ok(duration)
}

/// Shows a duration the way a user writes one: `4s`, `500ms`, `1.5s`, `2m`.
pub(crate) fn show_duration(d: Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        format!("{ms}ms")
    } else if ms.is_multiple_of(60_000) {
        format!("{}m", ms / 60_000)
    } else if ms.is_multiple_of(1000) {
        format!("{}s", ms / 1000)
    } else {
        format!("{}s", d.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(text: &str) -> Target {
        parse_url(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn schemes_ports_and_paths() {
        let t = target("ws://example.com/chat?room=1");
        assert_eq!(
            t,
            Target {
                tls: false,
                host: "example.com".into(),
                port: 80,
                path: "/chat?room=1".into()
            }
        );
        assert_eq!(t.host_header(), "example.com");

        let t = target("HTTPS://Example.com:8443");
        assert!(t.tls);
        assert_eq!((t.port, t.path.as_str()), (8443, "/"));
        assert_eq!(t.host_header(), "Example.com:8443");
        assert_eq!(t.url(), "wss://Example.com:8443/");

        assert_eq!(target("http://h").url(), "ws://h/");
        assert_eq!(target("wss://h:443/x").host_header(), "h");
        assert_eq!(target("ws://h?x=1").path, "/?x=1");
    }

    #[test]
    fn ipv6_literals_keep_their_brackets_in_host() {
        let t = target("ws://[::1]:9000/ws/");
        assert_eq!(t.host, "::1");
        assert_eq!(t.port, 9000);
        assert_eq!(t.host_header(), "[::1]:9000");
        assert_eq!(
            target("wss://[2001:db8::1]/").host_header(),
            "[2001:db8::1]"
        );
    }

    #[test]
    fn bad_urls_are_refused_with_a_reason() {
        for (url, says) in [
            ("example.com/ws", "must start with"),
            ("ftp://example.com/", "not a WebSocket scheme"),
            ("ws:///ws", "no host"),
            ("ws://host:0/", "not a port"),
            ("ws://host:70000/", "not a port"),
            ("ws://host:http/", "not a port"),
            ("ws://user:pw@host/", "passwords"),
            ("ws://host/a#b", "fragment"),
            ("ws://host/a b", "percent-encode"),
            ("ws://ho st/", "not a host name"),
            ("ws://[::1/", "closing"),
            ("ws://[nope]/", "not an IPv6"),
            ("ws://[::1]x/", "expected `:PORT`"),
        ] {
            let err = parse_url(url).expect_err(url);
            assert!(err.contains(says), "{url}: {err}");
        }
    }

    #[test]
    fn headers() {
        assert_eq!(
            parse_header("X-Token:  abc def ").unwrap(),
            Header {
                name: "X-Token".into(),
                value: "abc def".into()
            }
        );
        assert_eq!(parse_header("X-Empty:").unwrap().value, "");
        assert!(parse_header("no colon").is_err());
        assert!(parse_header("Bad Name: v").is_err());
        assert!(parse_header(": v").is_err());
        assert!(parse_header("X: a\r\nInjected: b").is_err());
    }

    #[test]
    fn durations() {
        let ok = |t: &str| parse_duration(t).unwrap_or_else(|e| panic!("{t}: {e}"));
        assert_eq!(ok("500ms"), Duration::from_millis(500));
        assert_eq!(ok("2s"), Duration::from_secs(2));
        assert_eq!(ok("1.5s"), Duration::from_millis(1500));
        assert_eq!(ok("1m"), Duration::from_secs(60));
        assert_eq!(ok("1h"), Duration::from_secs(3600));
        assert_eq!(ok("30"), Duration::from_secs(30));
        assert_eq!(ok("0.25"), Duration::from_millis(250));
        assert_eq!(ok("24h"), Duration::from_secs(86_400));
        for bad in [
            "",
            "s",
            "-1s",
            "0",
            "0ms",
            "1d",
            "2 parsecs",
            ".5s",
            "1.2.3s",
            "inf",
            "1e3",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn durations_are_shown_as_written() {
        for text in ["500ms", "4s", "1.5s", "2m", "90s"] {
            assert_eq!(show_duration(parse_duration(text).unwrap()), text);
        }
    }
}
