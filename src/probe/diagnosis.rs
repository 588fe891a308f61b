//! From what went wrong to why: each [`Failure`] the probe can meet becomes
//! a [`Diagnosis`] naming the likely configuration cause and, where a lint
//! rule finds that cause statically, its code. The probe sees only the
//! outside of the proxy, so a diagnosis lists the candidate causes, most
//! likely first, rather than pretending to know which one it is.

use super::args::{Target, show_duration};
use super::handshake::Invalid101;
use super::steps::StepName;
use std::time::Duration;

/// Why a certificate was not trusted, as far as the advice differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CertProblem {
    /// Self-signed or from a CA the probe does not know.
    UnknownIssuer,
    /// Valid, but not for the host in the URL.
    WrongName,
    Expired,
    Other,
}

/// What stopped the probe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Failure {
    /// The host name does not resolve.
    Resolve {
        host: String,
        error: String,
    },
    /// Every address refused the connection.
    Refused {
        addr: String,
    },
    /// Connecting failed otherwise (no route, unreachable).
    Connect {
        addr: String,
        error: String,
    },
    /// A step got no answer within `--timeout`.
    Timeout {
        step: StepName,
        timeout: Duration,
    },
    /// The server closed (or reset) the connection during a step.
    Closed {
        step: StepName,
        reset: bool,
    },
    /// Another I/O error during a step.
    Io {
        step: StepName,
        error: String,
    },
    Certificate {
        problem: CertProblem,
        error: String,
    },
    /// The answer to the TLS ClientHello was not TLS.
    NotTls {
        error: String,
    },
    /// The TLS handshake failed otherwise (an alert, no common version).
    TlsRefused {
        error: String,
    },
    /// The answer to the handshake was not HTTP; `preview` shows its start.
    NotHttp {
        preview: String,
        tls_record: bool,
    },
    /// The handshake was answered with another status than 101.
    Status {
        status: u16,
        reason: String,
        location: Option<String>,
        body: Option<String>,
    },
    /// A 101 that a client must refuse.
    Invalid101(Invalid101),
    /// The server sent a close frame before the pong.
    CloseFrame {
        code: Option<u16>,
        reason: String,
    },
    /// The server sent bytes that are not valid frames.
    BadFrame {
        step: StepName,
        error: String,
    },
    /// No pong to the first ping.
    NoPong {
        timeout: Duration,
    },
    /// The connection was closed during `--idle` (`after`: how long into
    /// the idle period, when the close came before the second ping).
    ClosedWhileIdle {
        idle: Duration,
        after: Option<Duration>,
    },
    /// The WebSocket application closed the idle connection itself.
    CloseFrameWhileIdle {
        idle: Duration,
        after: Duration,
        code: Option<u16>,
        reason: String,
    },
    /// After `--idle`, the ping got no pong.
    NoPongAfterIdle {
        idle: Duration,
        timeout: Duration,
    },
}

/// A rule whose finding would explain the failure, and what it wants
/// written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RuleHint {
    pub(crate) code: &'static str,
    pub(crate) fix: &'static str,
}

/// What the report says about a failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Diagnosis {
    /// A stable identifier, e.g. `upgrade-rejected` (docs/json-output.md).
    pub(crate) kind: &'static str,
    /// One sentence: what happened.
    pub(crate) summary: String,
    /// Likely causes and what to check, most likely first.
    pub(crate) explanation: Vec<String>,
    /// Lint rules that find these causes in the configuration.
    pub(crate) rules: Vec<RuleHint>,
}

/// A rule that finds a cause, with the line that fixes it.
const fn hint(code: &'static str, fix: &'static str) -> RuleHint {
    RuleHint { code, fix }
}

const WS001: RuleHint = hint(
    "WS001",
    "proxy_http_version 1.1;  (nginx before 1.29.7 talks HTTP/1.0 to the backend by default)",
);
const WS002: RuleHint = hint("WS002", "proxy_set_header Upgrade $http_upgrade;");
const WS003: RuleHint = hint(
    "WS003",
    "proxy_set_header Connection $connection_upgrade;  (with the usual map)",
);
const WS006: RuleHint = hint(
    "WS006",
    "proxy_read_timeout 1h;  (longer than the quietest period of the connection)",
);
const WS008: RuleHint = hint(
    "WS008",
    "repeat the outer proxy_set_header lines (Host) in the location that sets its own",
);
const WS016: RuleHint = hint("WS016", "proxy_set_header Host $host;");
const WS017: RuleHint = hint("WS017", "remove proxy_set_header Origin \"\";");

impl Failure {
    /// A few words for the failed step's line.
    pub(crate) fn short(&self) -> String {
        match self {
            Failure::Resolve { .. } => "no such host".into(),
            Failure::Refused { .. } => "connection refused".into(),
            Failure::Connect { error, .. } | Failure::Io { error, .. } => error.clone(),
            Failure::Timeout { timeout, .. } | Failure::NoPong { timeout } => {
                format!("no answer within {}", show_duration(*timeout))
            }
            Failure::Closed { reset: false, .. } => "closed by the server".into(),
            Failure::Closed { reset: true, .. } => "reset by the server".into(),
            Failure::Certificate { .. } => "certificate not trusted".into(),
            Failure::NotTls { .. } => "the answer is not TLS".into(),
            Failure::TlsRefused { .. } => "TLS handshake failed".into(),
            Failure::NotHttp { .. } => "the answer is not HTTP".into(),
            Failure::Status { status, reason, .. } => format!("{status} {reason}"),
            Failure::Invalid101(invalid) => match invalid {
                Invalid101::Accept { .. } => "101, but a wrong Sec-WebSocket-Accept".into(),
                Invalid101::Upgrade(_) => "101, but no Upgrade: websocket".into(),
                Invalid101::Connection(_) => "101, but no Connection: upgrade".into(),
                Invalid101::Protocol(_) => "101, but an unrequested subprotocol".into(),
            },
            Failure::CloseFrame { code, .. } => {
                format!("closed by the server ({})", code_text(*code))
            }
            Failure::BadFrame { .. } => "invalid frame".into(),
            Failure::ClosedWhileIdle {
                after: Some(after), ..
            } => {
                format!("closed after {} idle", seconds(*after))
            }
            Failure::ClosedWhileIdle { after: None, .. } => "closed when pinged".into(),
            Failure::CloseFrameWhileIdle { after, code, .. } => {
                format!(
                    "closed by the server after {} ({})",
                    seconds(*after),
                    code_text(*code)
                )
            }
            Failure::NoPongAfterIdle { timeout, .. } => {
                format!("no pong within {}", show_duration(*timeout))
            }
        }
    }

    /// The diagnosis for this failure when probing `target`, with what
    /// wslint knows of the app whose endpoint the URL is, when the failure
    /// is an idle close.
    pub(crate) fn diagnose(&self, target: &Target) -> Diagnosis {
        let mut diagnosis = self.diagnose_proxy(target);
        let idle = matches!(
            self,
            Failure::ClosedWhileIdle { .. } | Failure::NoPongAfterIdle { .. }
        );
        if idle && let Some(app) = idle_app_note(&target.path) {
            diagnosis.explanation.insert(0, app);
        }
        diagnosis
    }

    fn diagnose_proxy(&self, target: &Target) -> Diagnosis {
        let d = |kind, summary: String, explanation: &[&str], rules: &[RuleHint]| Diagnosis {
            kind,
            summary,
            explanation: explanation.iter().map(|s| s.to_string()).collect(),
            rules: rules.to_vec(),
        };
        match self {
            Failure::Resolve { host, error } => d(
                "dns-failure",
                format!("The name `{host}` does not resolve: {error}."),
                &[
                    "Check the host name and the DNS of this machine. To probe a server by its address, put the address in the URL and the name in --header 'Host: NAME'.",
                ],
                &[],
            ),
            Failure::Refused { addr } => d(
                "connection-refused",
                format!("Nothing listens on {addr}: the connection was refused."),
                &[
                    "Is nginx (or the server) running, and does a `listen` directive name this address and port? After a reload, `nginx -t` and nginx's error log say why a listen failed.",
                ],
                &[],
            ),
            Failure::Connect { addr, error } => d(
                "connect-failed",
                format!("Cannot connect to {addr}: {error}."),
                &[
                    "The network between this machine and the server does not lead there (no route, host unreachable).",
                ],
                &[],
            ),
            Failure::Timeout { step, timeout } => {
                let t = show_duration(*timeout);
                let (summary, why): (String, &str) = match step {
                    StepName::Resolve => (
                        format!("Resolving `{}` took longer than {t}.", target.host),
                        "The DNS server of this machine does not answer.",
                    ),
                    StepName::Connect => (
                        format!("No answer to the connection attempt within {t}."),
                        "A firewall drops the packets, or the host is down.",
                    ),
                    StepName::Tls => (
                        format!("The TLS handshake got no answer within {t}."),
                        "The server accepted the connection but does not speak TLS on it, or is stalled.",
                    ),
                    _ => (
                        format!(
                            "The server accepted the connection but did not answer the upgrade within {t}."
                        ),
                        "The backend is stalled (nginx waits for its answer up to proxy_read_timeout, then answers 504), or the port is not an HTTP server.",
                    ),
                };
                d("timeout", summary, &[why], &[])
            }
            Failure::Closed {
                step: StepName::Tls,
                ..
            } => d(
                "tls-failed",
                "The server closed the connection during the TLS handshake.".into(),
                &[
                    "It does not accept this TLS version or this server name (SNI), or the port does not speak TLS.",
                ],
                &[],
            ),
            Failure::Closed {
                step: StepName::Handshake,
                ..
            } => d(
                "connection-closed",
                "The server closed the connection without answering the upgrade.".into(),
                &[
                    "The server is not an HTTP server, or crashed on the request. A TLS port drops a plain request: if this is one, probe wss://.",
                ],
                &[],
            ),
            Failure::Closed { step, .. } => d(
                "connection-closed",
                format!(
                    "The connection was closed during the {} step, right after the handshake.",
                    step.as_str()
                ),
                &[
                    "The backend accepted the WebSocket and then dropped it: its log says why (authentication, a required subprotocol, a crash).",
                ],
                &[],
            ),
            Failure::Io { step, error } => d(
                "io-error",
                format!("The {} step failed: {error}.", step.as_str()),
                &[],
                &[],
            ),
            Failure::Certificate { problem, error } => {
                let advice = match problem {
                    CertProblem::UnknownIssuer => {
                        "It is self-signed or issued by a private CA; the probe trusts Mozilla's root certificates only. Probe with --insecure to check the WebSocket anyway (browsers refuse such a certificate unless its CA is installed)."
                    }
                    CertProblem::WrongName => {
                        "The certificate does not name the host in the URL: check `ssl_certificate` in the server block whose `server_name` answers it. With --header 'Host: …' the certificate is still checked against the URL's host."
                    }
                    CertProblem::Expired => {
                        "Renew the certificate (and reload nginx so it reads the new file)."
                    }
                    CertProblem::Other => {
                        "Check the certificate chain that `ssl_certificate` names; --insecure probes the WebSocket anyway."
                    }
                };
                d(
                    "tls-certificate",
                    format!("The server's certificate is not trusted: {error}."),
                    &[advice],
                    &[],
                )
            }
            Failure::NotTls { error } => d(
                "not-tls",
                format!("The server did not answer the TLS handshake with TLS ({error})."),
                &[
                    "This port speaks plain HTTP: probe it with ws://, or add `ssl` to its `listen` directive (with a certificate) to serve wss://.",
                ],
                &[],
            ),
            Failure::TlsRefused { error } => d(
                "tls-failed",
                format!("The TLS handshake failed: {error}."),
                &[
                    "The server refused the handshake: no common TLS version or cipher, a client certificate required, or an unknown server name.",
                ],
                &[],
            ),
            Failure::NotHttp {
                preview,
                tls_record,
            } => {
                let why = if *tls_record {
                    "That is TLS: this port expects wss:// (or https://)."
                } else {
                    "Something other than an HTTP server listens on this port: check the port number against nginx's `listen`."
                };
                d(
                    "not-http",
                    format!("The server did not answer with HTTP; it sent {preview}."),
                    &[why],
                    &[],
                )
            }
            Failure::Status {
                status,
                reason,
                location,
                body,
            } => status_diagnosis(
                target,
                *status,
                reason,
                location.as_deref(),
                body.as_deref(),
            ),
            Failure::Invalid101(Invalid101::Accept { expected, got }) => d(
                "wrong-accept",
                format!(
                    "The server switched protocols, but its Sec-WebSocket-Accept is {} instead of `{expected}`.",
                    got.as_deref()
                        .map_or("missing".to_string(), |g| format!("`{g}`"))
                ),
                &[
                    "The Accept value is computed from the request's Sec-WebSocket-Key, so something between the probe and the WebSocket server rewrote the handshake: a `proxy_set_header Sec-WebSocket-Key …`, a second proxy or CDN in front of nginx, or a server that computes the value wrongly. Browsers refuse such a connection.",
                ],
                &[],
            ),
            Failure::Invalid101(invalid) => {
                let summary = match invalid {
                    Invalid101::Upgrade(got) => format!(
                        "The server switched protocols, but its Upgrade header is {} instead of `websocket`.",
                        shown(got.as_deref())
                    ),
                    Invalid101::Connection(got) => format!(
                        "The server switched protocols, but its Connection header is {} instead of `upgrade`.",
                        shown(got.as_deref())
                    ),
                    Invalid101::Protocol(p) => format!(
                        "The server chose the subprotocol `{p}`, which the request did not offer."
                    ),
                    Invalid101::Accept { .. } => unreachable!("handled above"),
                };
                d(
                    "bad-101",
                    summary,
                    &[
                        "Something between the probe and the WebSocket server rewrote the response, or the server answers another kind of upgrade. Browsers refuse such a connection.",
                    ],
                    &[],
                )
            }
            Failure::CloseFrame { code, reason } => d(
                "closed-by-server",
                format!(
                    "The server closed the WebSocket right after opening it ({}{}).",
                    code_text(*code),
                    reason_text(reason)
                ),
                &[
                    "A close frame comes from the WebSocket application (nginx closes without one): the backend accepted the upgrade, then refused the session. Its log says why; 1008 usually means authentication or an Origin check.",
                ],
                &[],
            ),
            Failure::BadFrame { error, .. } => d(
                "protocol-error",
                format!("The server sent an invalid WebSocket frame: {error}."),
                &[
                    "The stream is corrupted between the probe and the server (a proxy that buffers or rewrites it), or the server is broken.",
                ],
                &[],
            ),
            Failure::NoPong { timeout } => d(
                "no-pong",
                format!(
                    "The handshake worked, but the ping got no pong within {}.",
                    show_duration(*timeout)
                ),
                &[
                    "RFC 6455 requires a pong for every ping, and nginx passes frames through unchanged: look at the backend (some frameworks answer pings only while the application reads).",
                ],
                &[],
            ),
            Failure::ClosedWhileIdle { idle, after } => {
                let summary = match after {
                    Some(after) => format!(
                        "The connection was closed after {} without traffic (the probe was to stay idle {}).",
                        seconds(*after),
                        show_duration(*idle)
                    ),
                    None => format!(
                        "The connection was found closed when the probe pinged after {} idle.",
                        show_duration(*idle)
                    ),
                };
                d(
                    "closed-when-idle",
                    summary,
                    &[
                        "A proxy closes a WebSocket that carries nothing for longer than its read timeout; nginx closes without a close frame. In nginx that is the location's `proxy_read_timeout` (60s when not set): raise it above the longest quiet period, or have the application ping more often than the timeout.",
                        "The time it took to close is about the timeout in effect; a load balancer in front of nginx may have a shorter idle timeout of its own.",
                    ],
                    &[WS006],
                )
            }
            Failure::CloseFrameWhileIdle {
                idle,
                after,
                code,
                reason,
            } => d(
                "closed-by-server-when-idle",
                format!(
                    "The server closed the idle WebSocket after {} ({}{}; the probe was to stay idle {}).",
                    seconds(*after),
                    code_text(*code),
                    reason_text(reason),
                    show_duration(*idle)
                ),
                &[
                    "A close frame comes from the WebSocket application, not from nginx (which closes without one): the application's own idle timeout ended the session, so nginx's timeouts are not the cause.",
                ],
                &[],
            ),
            Failure::NoPongAfterIdle { idle, timeout } => d(
                "no-pong-after-idle",
                format!(
                    "after {} idle, the ping got no pong within {}.",
                    show_duration(*idle),
                    show_duration(*timeout)
                ),
                &[
                    "The connection looks open but nothing answers: a proxy or load balancer dropped it silently during the quiet period (an idle timeout such as nginx's `proxy_read_timeout`), or the backend stopped answering.",
                ],
                &[WS006],
            ),
        }
    }
}

/// What the app whose endpoint `path` is does on an idle connection
/// (grammar/websocket-apps.tsv), for an idle close.
fn idle_app_note(path: &str) -> Option<String> {
    use crate::semantic::apps::{Heartbeat, by_request_path};
    let path = path.split('?').next().unwrap_or(path);
    let app = by_request_path(path)?;
    let name = app.name;
    Some(match app.heartbeat {
        Heartbeat::Silent => format!(
            "`{path}` is {name}'s WebSocket endpoint, which sends nothing while idle: every quiet connection is cut at the timeout, so `proxy_read_timeout` must be longer than the longest quiet period."
        ),
        Heartbeat::Every {
            seconds,
            side: "client",
        } => format!(
            "`{path}` is {name}'s WebSocket endpoint: its client pings every {seconds}s, which this probe does not do, so real clients stay connected when the timeout is longer than {seconds}s."
        ),
        Heartbeat::Every { seconds, .. } => format!(
            "`{path}` is {name}'s WebSocket endpoint, whose server pings every {seconds}s by default: a close after a quieter period than that means a timeout shorter than {seconds}s (or the heartbeat is turned off)."
        ),
        Heartbeat::Unknown => format!(
            "`{path}` is {name}'s WebSocket endpoint; nothing wslint knows says it pings while idle (`wslint apps {}`).",
            app.id
        ),
    })
}

/// The diagnosis of a handshake answered with `status` instead of 101.
fn status_diagnosis(
    target: &Target,
    status: u16,
    reason: &str,
    location: Option<&str>,
    body: Option<&str>,
) -> Diagnosis {
    let answered = format!("The server answered the upgrade with {status} {reason}");
    let diagnosis =
        |kind, summary: String, explanation: Vec<String>, rules: &[RuleHint]| Diagnosis {
            kind,
            summary,
            explanation,
            rules: rules.to_vec(),
        };
    let lines = |texts: &[&str]| texts.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    match status {
        // nginx's own answer to plain HTTP on a port with `listen … ssl`.
        400 if body.is_some_and(|b| b.contains("plain HTTP request was sent to HTTPS port")) => {
            diagnosis(
                "plain-http-to-tls-port",
                format!("{answered}: the port expects TLS."),
                lines(&["Probe it with wss:// (clients must use wss:// there too)."]),
                &[],
            )
        }
        400 | 426 => diagnosis(
            "upgrade-rejected",
            format!("{answered}: the backend did not see a WebSocket handshake."),
            lines(&[
                "The upgrade did not reach the backend as one: nginx passes `Upgrade` and `Connection` on only when told to, and only over HTTP/1.1, so the backend got a plain request. In the nginx location that proxies this path, check:",
            ]),
            &[WS002, WS003, WS001],
        ),
        200..=299 => diagnosis(
            "not-proxied",
            format!(
                "{answered}: the request was served as plain HTTP, not switched to a WebSocket."
            ),
            lines(&[
                "The location that matches this path does not proxy it as a WebSocket: it serves files or a fixed answer, or another location matches than you think (`wslint inspect --location PATH` shows what each location does).",
                "A location that proxies without the upgrade headers to a backend that also answers plain requests looks the same:",
            ]),
            &[WS002, WS003],
        ),
        300..=399 => {
            let to = location.unwrap_or("(no Location header)");
            let mut explanation = vec!["WebSocket clients do not follow redirects.".to_string()];
            let location_path = location.map(|l| match l.split_once("://") {
                Some((_, rest)) => rest.find('/').map_or("/", |i| &rest[i..]),
                None => l,
            });
            if location_path == Some(format!("{}/", target.path).as_str()) {
                explanation.push(format!(
                    "nginx adds the trailing slash when a `location {}/` that proxies is asked for `{}`: use the URL with the slash, or match the path without it (`location {}`).",
                    target.path, target.path, target.path
                ));
            } else if location.is_some_and(|l| l.starts_with("https://")) && !target.tls {
                explanation.push(
                    "This is a redirect to https: probe (and connect clients to) the wss:// URL."
                        .into(),
                );
            } else {
                explanation.push(
                    "A `return 301`/`rewrite` in the location that matches this path, or the wrong location: a WebSocket route needs a location that proxies it.".into(),
                );
            }
            diagnosis(
                "redirect",
                format!("{answered}, a redirect to {to}."),
                explanation,
                &[],
            )
        }
        401 | 403 => diagnosis(
            "forbidden",
            format!("{answered}: the handshake was refused."),
            lines(&[
                "Authentication is required (pass it with --header, e.g. a cookie or a token), or the backend compares the Origin with the Host and refuses a mismatch (pass the page's origin with --origin). Check that nginx passes the client's Host and Origin on:",
            ]),
            &[WS016, WS008, WS017],
        ),
        404 => diagnosis(
            "not-found",
            format!("{answered}: nothing serves this path."),
            lines(&[
                "No location proxies it (a location that serves files answers 404), or the backend has no WebSocket endpoint at the path it receives: `proxy_pass http://app/;` (with a URI part) replaces the matched location prefix, so the backend sees another path than the client asked for.",
            ]),
            &[],
        ),
        502..=504 => {
            let why = match status {
                502 => {
                    "nginx could not get an answer from the backend: it is down, not listening on the `proxy_pass` address, or closed the connection without answering. nginx's error log names the upstream and the reason."
                }
                503 => {
                    "Every server of the upstream is marked unavailable, or a limit (`limit_conn`, `limit_req`) refused the request."
                }
                _ => {
                    "The backend did not answer in time (`proxy_connect_timeout`, or `proxy_read_timeout` for the handshake's answer): it is unreachable from nginx or stalled."
                }
            };
            diagnosis(
                "backend-unavailable",
                format!("{answered}: the backend is down or unreachable."),
                lines(&[why]),
                &[],
            )
        }
        500..=599 => diagnosis(
            "server-error",
            format!("{answered}."),
            lines(&["The server failed on the request: its error log says why."]),
            &[],
        ),
        _ => diagnosis(
            "unexpected-status",
            format!("{answered} instead of 101 Switching Protocols."),
            lines(&[
                "The request reached a server that does not accept WebSocket upgrades at this path.",
            ]),
            &[],
        ),
    }
}

/// Seconds with two decimals: how long something took, measured.
pub(crate) fn seconds(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

fn code_text(code: Option<u16>) -> String {
    code.map_or("no close code".to_string(), |c| format!("close code {c}"))
}

fn reason_text(reason: &str) -> String {
    if reason.is_empty() {
        String::new()
    } else {
        format!(" \"{reason}\"")
    }
}

fn shown(value: Option<&str>) -> String {
    value.map_or("missing".to_string(), |v| format!("`{v}`"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::args::parse_url;

    fn status(target: &str, status: u16, location: Option<&str>) -> Diagnosis {
        Failure::Status {
            status,
            reason: "Reason".into(),
            location: location.map(str::to_string),
            body: None,
        }
        .diagnose(&parse_url(target).unwrap())
    }

    #[test]
    fn statuses_map_to_their_causes() {
        let codes = |d: &Diagnosis| d.rules.iter().map(|r| r.code).collect::<Vec<_>>();
        let d = status("ws://h/ws/", 400, None);
        assert_eq!(d.kind, "upgrade-rejected");
        assert_eq!(codes(&d), ["WS002", "WS003", "WS001"]);
        assert_eq!(status("ws://h/ws/", 426, None).kind, "upgrade-rejected");
        assert_eq!(status("ws://h/ws/", 200, None).kind, "not-proxied");
        assert_eq!(
            codes(&status("ws://h/", 403, None)),
            ["WS016", "WS008", "WS017"]
        );
        assert_eq!(status("ws://h/", 404, None).kind, "not-found");
        for s in [502, 503, 504] {
            assert_eq!(status("ws://h/", s, None).kind, "backend-unavailable");
        }
        assert_eq!(status("ws://h/", 500, None).kind, "server-error");
        assert_eq!(status("ws://h/", 418, None).kind, "unexpected-status");
    }

    #[test]
    fn redirects_say_where_and_why() {
        let d = status("ws://h/ws", 301, Some("http://h/ws/"));
        assert_eq!(d.kind, "redirect");
        assert!(d.summary.contains("http://h/ws/"), "{}", d.summary);
        assert!(d.explanation[1].contains("trailing slash"), "{d:?}");
        let d = status("ws://h/ws/", 301, Some("https://h/ws/"));
        assert!(d.explanation[1].contains("wss://"), "{d:?}");
        let d = status("ws://h/ws/", 302, Some("/login"));
        assert!(d.explanation[1].contains("return 301"), "{d:?}");
    }

    #[test]
    fn nginx_plain_http_on_a_tls_port_is_recognised() {
        let d = Failure::Status {
            status: 400,
            reason: "Bad Request".into(),
            location: None,
            body: Some("<center>The plain HTTP request was sent to HTTPS port</center>".into()),
        }
        .diagnose(&parse_url("ws://h:443/").unwrap());
        assert_eq!(d.kind, "plain-http-to-tls-port");
    }

    #[test]
    fn idle_closes_point_at_the_read_timeout() {
        let target = parse_url("ws://h/").unwrap();
        let d = Failure::ClosedWhileIdle {
            idle: Duration::from_secs(4),
            after: Some(Duration::from_millis(2003)),
        }
        .diagnose(&target);
        assert_eq!(d.kind, "closed-when-idle");
        assert!(d.summary.contains("after 2.00 s"), "{}", d.summary);
        assert!(d.summary.contains("idle 4s"), "{}", d.summary);
        assert_eq!(d.rules, [WS006]);
        let d = Failure::NoPongAfterIdle {
            idle: Duration::from_secs(4),
            timeout: Duration::from_secs(10),
        }
        .diagnose(&target);
        assert_eq!(d.rules, [WS006]);
        assert!(
            d.explanation[0].starts_with("The connection looks open"),
            "no app at /: {d:?}"
        );
    }

    #[test]
    fn idle_closes_on_a_known_endpoint_say_what_the_app_sends() {
        let closed = |url: &str| {
            Failure::ClosedWhileIdle {
                idle: Duration::from_secs(90),
                after: Some(Duration::from_secs(60)),
            }
            .diagnose(&parse_url(url).unwrap())
        };
        let d = closed("wss://h/api/websocket");
        assert!(d.explanation[0].contains("Home Assistant"), "{d:?}");
        assert!(d.explanation[0].contains("pings every 55s"), "{d:?}");
        let d = closed("wss://h/socket.io/?EIO=4&transport=websocket");
        assert!(d.explanation[0].contains("Socket.IO"), "{d:?}");
        let d = closed("wss://h/live/websocket?vsn=2.0.0");
        assert!(
            d.explanation[0].contains("its client pings every 30s"),
            "{d:?}"
        );
        assert_eq!(d.rules, [WS006]);
    }

    /// docs/json-output.md lists every kind a diagnosis can have.
    #[test]
    fn every_kind_is_documented() {
        let docs = include_str!("../../docs/json-output.md");
        let target = parse_url("ws://h/ws").unwrap();
        let s = Duration::from_secs(1);
        let text = String::new;
        let mut failures = vec![
            Failure::Resolve {
                host: text(),
                error: text(),
            },
            Failure::Refused { addr: text() },
            Failure::Connect {
                addr: text(),
                error: text(),
            },
            Failure::Closed {
                step: StepName::Tls,
                reset: false,
            },
            Failure::Closed {
                step: StepName::Handshake,
                reset: false,
            },
            Failure::Closed {
                step: StepName::Ping,
                reset: true,
            },
            Failure::Io {
                step: StepName::Ping,
                error: text(),
            },
            Failure::Certificate {
                problem: CertProblem::Other,
                error: text(),
            },
            Failure::NotTls { error: text() },
            Failure::TlsRefused { error: text() },
            Failure::NotHttp {
                preview: text(),
                tls_record: false,
            },
            Failure::Status {
                status: 400,
                reason: text(),
                location: None,
                body: Some("The plain HTTP request was sent to HTTPS port".into()),
            },
            Failure::Invalid101(Invalid101::Accept {
                expected: text(),
                got: None,
            }),
            Failure::Invalid101(Invalid101::Upgrade(None)),
            Failure::CloseFrame {
                code: None,
                reason: text(),
            },
            Failure::BadFrame {
                step: StepName::Ping,
                error: text(),
            },
            Failure::NoPong { timeout: s },
            Failure::ClosedWhileIdle {
                idle: s,
                after: None,
            },
            Failure::CloseFrameWhileIdle {
                idle: s,
                after: s,
                code: None,
                reason: text(),
            },
            Failure::NoPongAfterIdle {
                idle: s,
                timeout: s,
            },
        ];
        for step in [
            StepName::Resolve,
            StepName::Connect,
            StepName::Tls,
            StepName::Handshake,
        ] {
            failures.push(Failure::Timeout { step, timeout: s });
        }
        for status in [200, 301, 400, 401, 404, 418, 426, 500, 502] {
            failures.push(Failure::Status {
                status,
                reason: text(),
                location: None,
                body: None,
            });
        }
        let mut kinds: Vec<&str> = failures.iter().map(|f| f.diagnose(&target).kind).collect();
        kinds.sort();
        kinds.dedup();
        assert_eq!(kinds.len(), 27, "{kinds:?}");
        for kind in kinds {
            assert!(
                docs.contains(&format!("| `{kind}` |")),
                "{kind} is not in docs/json-output.md"
            );
        }
    }

    /// The codes a diagnosis cites are rules that exist, with the meaning
    /// the hint gives them.
    #[test]
    fn cited_rules_exist() {
        for (hint, name) in [
            (WS001, "missing-http-version"),
            (WS002, "missing-upgrade-header"),
            (WS003, "missing-connection-header"),
            (WS006, "short-proxy-timeout"),
            (WS008, "inherited-proxy-headers-hidden"),
            (WS016, "missing-host-header"),
            (WS017, "origin-header-cleared"),
        ] {
            let rule = crate::rules::find_rule(hint.code).expect(hint.code);
            assert_eq!(rule.name, name);
        }
    }
}
