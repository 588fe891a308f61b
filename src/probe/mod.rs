//! `wslint probe URL`: checks a live WebSocket endpoint from the outside,
//! the way a browser would reach it through the proxy. It resolves the host,
//! connects, runs TLS for wss://, sends an RFC 6455 handshake, pings and
//! waits for the pong, and with `--idle` stays quiet before pinging again.
//! Each step is timed; the first failure ends the probe and is diagnosed in
//! terms of the nginx configuration (and the lint rule that finds the cause).
//!
//! - [`args`]: the URL, `--header` lines and durations from the command line;
//! - [`conn`]: resolution, TCP, TLS and reads/writes with deadlines;
//! - [`handshake`]: the upgrade request and the checks on its answer;
//! - [`frame`]: ping, pong and close frames;
//! - [`diagnosis`]: from a failure to its likely configuration cause;
//! - [`report`]: the steps and verdict as text or JSON.

pub(crate) mod args;
pub(crate) mod conn;
pub(crate) mod diagnosis;
pub(crate) mod frame;
pub(crate) mod handshake;
pub(crate) mod report;
pub(crate) mod steps;

use args::{Header, Target, show_duration};
use conn::{Conn, IoEnd, Transport};
use diagnosis::Failure;
use frame::Decoded;
use handshake::Parsed;
use report::{Answer, Report};
use std::time::{Duration, Instant};
use steps::{Step, StepName};

/// What to probe and how.
#[derive(Debug, Clone)]
pub(crate) struct Options {
    pub(crate) target: Target,
    pub(crate) origin: Option<String>,
    pub(crate) headers: Vec<Header>,
    /// Stay idle this long after the first pong, then ping again.
    pub(crate) idle: Option<Duration>,
    /// The most any one network step may take.
    pub(crate) timeout: Duration,
    /// Accept any TLS certificate.
    pub(crate) insecure: bool,
}

/// Runs the probe. `on_step` sees each step as it finishes, so a text
/// report can show progress during a long `--idle`.
pub(crate) fn run(options: &Options, on_step: &mut dyn FnMut(&Step)) -> Report {
    let mut probe = Probe {
        options,
        steps: Vec::new(),
        answer: None,
        on_step,
    };
    let result = probe.run();
    Report {
        url: options.target.url(),
        steps: probe.steps,
        answer: probe.answer,
        diagnosis: result.err().map(|f| f.diagnose(&options.target)),
    }
}

struct Probe<'a> {
    options: &'a Options,
    steps: Vec<Step>,
    answer: Option<Answer>,
    on_step: &'a mut dyn FnMut(&Step),
}

impl Probe<'_> {
    /// Times `work` as step `name` and records it; its `String` is what the
    /// step found.
    fn step<T>(
        &mut self,
        name: StepName,
        work: impl FnOnce(&mut Self) -> Result<(T, String), Failure>,
    ) -> Result<T, Failure> {
        let start = Instant::now();
        let result = work(self);
        let (ok, detail) = match &result {
            Ok((_, detail)) => (true, detail.clone()),
            Err(failure) => (false, failure.short()),
        };
        let step = Step {
            name,
            ok,
            elapsed: start.elapsed(),
            detail,
        };
        (self.on_step)(&step);
        self.steps.push(step);
        result.map(|(value, _)| value)
    }

    fn run(&mut self) -> Result<(), Failure> {
        let o = self.options;
        let t = &o.target;
        let addrs = self.step(StepName::Resolve, |_| {
            let addrs = conn::resolve(&t.host, t.port, o.timeout)?;
            let ips: Vec<String> = addrs.iter().map(|a| a.ip().to_string()).collect();
            Ok((addrs, ips.join(", ")))
        })?;
        let tcp = self.step(StepName::Connect, |_| {
            let tcp = conn::connect(&addrs, o.timeout)?;
            let peer = tcp
                .peer_addr()
                .map_or_else(|_| format!("{}:{}", t.host, t.port), |a| a.to_string());
            Ok((tcp, peer))
        })?;
        let transport = if t.tls {
            self.step(StepName::Tls, |_| {
                let (transport, info) = conn::tls(tcp, &t.host, o.insecure, o.timeout)?;
                let trust = if info.verified {
                    "certificate verified"
                } else {
                    "certificate not checked (--insecure)"
                };
                Ok((transport, format!("{}, {trust}", info.version)))
            })?
        } else {
            Transport::Plain(tcp)
        };
        let mut conn = Conn::new(transport);
        let result = self.websocket(&mut conn);
        conn.shutdown();
        result
    }

    /// The steps on an open connection: handshake, ping, idle.
    fn websocket(&mut self, conn: &mut Conn) -> Result<(), Failure> {
        let o = self.options;
        self.step(StepName::Handshake, |probe| {
            let answer = probe.handshake(conn)?;
            Ok(((), format!("{} {}", answer.status, answer.reason)))
        })?;
        self.step(StepName::Ping, |_| {
            let seen = ping(conn, o.timeout).map_err(|end| match end {
                Wait::Deadline => Failure::NoPong { timeout: o.timeout },
                other => other.failure(StepName::Ping),
            })?;
            Ok(((), format!("pong with the same payload{}", seen.note())))
        })?;
        if let Some(idle) = o.idle {
            self.step(StepName::Idle, |_| {
                let seen = idle_then_ping(conn, idle, o.timeout)?;
                Ok((
                    (),
                    format!(
                        "still open after {} idle, ping answered{}",
                        show_duration(idle),
                        seen.note()
                    ),
                ))
            })?;
        }
        // A polite close; the verdict does not depend on its answer.
        let close = frame::client_frame(frame::CLOSE, &frame::close_payload(1000, ""), mask());
        let _ = conn.send(
            &close,
            Instant::now() + o.timeout.min(Duration::from_secs(1)),
        );
        Ok(())
    }

    /// Sends the upgrade request and checks the answer (kept in
    /// `self.answer` for the report).
    fn handshake(&mut self, conn: &mut Conn) -> Result<Answer, Failure> {
        let o = self.options;
        let request = handshake::request(
            &o.target,
            o.origin.as_deref(),
            &o.headers,
            &handshake::new_key(),
        );
        let deadline = Instant::now() + o.timeout;
        let io = |end: IoEnd| Wait::from(end).failure(StepName::Handshake);
        conn.send(&request.bytes, deadline)
            .map_err(|end| match end {
                IoEnd::Timeout => Failure::Timeout {
                    step: StepName::Handshake,
                    timeout: o.timeout,
                },
                other => io(other),
            })?;
        let (response, head_len) = loop {
            match handshake::parse(&conn.received) {
                Parsed::Head(response, len) => break (response, len),
                Parsed::NotHttp => return Err(not_http(&conn.received)),
                Parsed::Incomplete => conn.receive(deadline).map_err(|end| match end {
                    IoEnd::Timeout => Failure::Timeout {
                        step: StepName::Handshake,
                        timeout: o.timeout,
                    },
                    other => io(other),
                })?,
            }
        };
        conn.received.drain(..head_len);
        let body = if response.status == 101 {
            None
        } else {
            body_start(conn, &response, deadline)
        };
        let answer = Answer {
            status: response.status,
            reason: response.reason.clone(),
            headers: response.headers.clone(),
            body: body.clone(),
        };
        self.answer = Some(answer.clone());
        if response.status != 101 {
            return Err(Failure::Status {
                status: response.status,
                reason: response.reason.clone(),
                location: response.header("Location"),
                body,
            });
        }
        handshake::check_101(&response, &request).map_err(Failure::Invalid101)?;
        Ok(answer)
    }
}

/// The beginning of a refusal's body (at most 1 KiB): backends often say
/// there why they refused. Reads only what Content-Length promises, so a
/// body without one costs no wait.
fn body_start(
    conn: &mut Conn,
    response: &handshake::Response,
    deadline: Instant,
) -> Option<String> {
    const MAX: usize = 1024;
    let promised = response
        .header("Content-Length")
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(0)
        .min(MAX);
    while conn.received.len() < promised && conn.receive(deadline).is_ok() {}
    let end = conn.received.len().min(MAX);
    let text = String::from_utf8_lossy(&conn.received[..end]).into_owned();
    (!text.trim().is_empty()).then_some(text)
}

/// A printable start of what a non-HTTP server sent.
fn not_http(received: &[u8]) -> Failure {
    let start = &received[..received.len().min(40)];
    // 0x14-0x17 followed by major version 3 opens a TLS record.
    let tls_record = matches!(received, [0x14..=0x17, 0x03, ..]);
    Failure::NotHttp {
        preview: format!("\"{}\"", start.escape_ascii()),
        tls_record,
    }
}

/// How a wait for frames ended, other than with the wanted pong.
#[derive(Debug)]
enum Wait {
    Deadline,
    Closed { reset: bool },
    CloseFrame { code: Option<u16>, reason: String },
    Invalid(String),
    Error(String),
}

impl From<IoEnd> for Wait {
    fn from(end: IoEnd) -> Wait {
        match end {
            IoEnd::Timeout => Wait::Deadline,
            IoEnd::Closed { reset } => Wait::Closed { reset },
            IoEnd::Error(e) => Wait::Error(e),
        }
    }
}

impl Wait {
    /// The failure this ending means during `step` (a deadline is mapped
    /// by the caller, because what it means depends on the step).
    fn failure(self, step: StepName) -> Failure {
        match self {
            Wait::Deadline => Failure::Io {
                step,
                error: "timed out".into(),
            },
            Wait::Closed { reset } => Failure::Closed { step, reset },
            Wait::CloseFrame { code, reason } => Failure::CloseFrame { code, reason },
            Wait::Invalid(error) => Failure::BadFrame { step, error },
            Wait::Error(error) => Failure::Io { step, error },
        }
    }
}

/// What arrived besides the pong, worth a mention in the report.
#[derive(Debug, Default)]
struct Seen {
    messages: usize,
    pings: usize,
}

impl Seen {
    fn note(&self) -> String {
        let plural = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
        match (self.messages, self.pings) {
            (0, 0) => String::new(),
            (m, 0) => format!(" (the server also sent {})", plural(m, "message")),
            (0, p) => format!(" (the server sent {})", plural(p, "ping")),
            (m, p) => format!(
                " (the server also sent {} and {})",
                plural(m, "message"),
                plural(p, "ping")
            ),
        }
    }
}

/// Sends a ping with a random payload and waits for its pong.
fn ping(conn: &mut Conn, timeout: Duration) -> Result<Seen, Wait> {
    let mut payload = [0u8; 8];
    random_bytes(&mut payload);
    let deadline = Instant::now() + timeout;
    conn.send(
        &frame::client_frame(frame::PING, &payload, mask()),
        deadline,
    )?;
    let mut seen = Seen::default();
    match wait(conn, Some(&payload), deadline, timeout, &mut seen) {
        None => Ok(seen),
        Some(end) => Err(end),
    }
}

/// Stays idle for `idle` (answering the server's pings, as a client must),
/// then pings. A close before the ping is timed: it shows the timeout that
/// closed the connection.
fn idle_then_ping(conn: &mut Conn, idle: Duration, timeout: Duration) -> Result<Seen, Failure> {
    let start = Instant::now();
    let mut seen = Seen::default();
    match wait(conn, None, start + idle, timeout, &mut seen) {
        Some(Wait::Deadline) => {}
        Some(Wait::Closed { .. }) => {
            return Err(Failure::ClosedWhileIdle {
                idle,
                after: Some(start.elapsed()),
            });
        }
        Some(Wait::CloseFrame { code, reason }) => {
            return Err(Failure::CloseFrameWhileIdle {
                idle,
                after: start.elapsed(),
                code,
                reason,
            });
        }
        Some(other) => return Err(other.failure(StepName::Idle)),
        None => unreachable!("no pong is awaited while idle"),
    }
    match ping(conn, timeout) {
        Ok(after) => Ok(Seen {
            messages: seen.messages + after.messages,
            pings: seen.pings + after.pings,
        }),
        Err(Wait::Deadline) => Err(Failure::NoPongAfterIdle { idle, timeout }),
        Err(Wait::Closed { .. }) => Err(Failure::ClosedWhileIdle { idle, after: None }),
        Err(Wait::CloseFrame { code, reason }) => Err(Failure::CloseFrameWhileIdle {
            idle,
            after: start.elapsed(),
            code,
            reason,
        }),
        Err(other) => Err(other.failure(StepName::Idle)),
    }
}

/// Reads frames until the pong with `pong` as payload arrives (`None`) or
/// something else ends the wait. Pings are answered within `timeout`; a
/// close frame is answered before returning.
fn wait(
    conn: &mut Conn,
    pong: Option<&[u8]>,
    deadline: Instant,
    timeout: Duration,
    seen: &mut Seen,
) -> Option<Wait> {
    loop {
        match frame::decode(&conn.received) {
            Decoded::Incomplete => {
                if let Err(end) = conn.receive(deadline) {
                    return Some(end.into());
                }
            }
            Decoded::Invalid(why) => return Some(Wait::Invalid(why)),
            Decoded::Frame(f, used) => {
                conn.received.drain(..used);
                match f.opcode {
                    frame::PONG if pong == Some(f.payload.as_slice()) => return None,
                    // An unsolicited pong is a heartbeat (RFC 6455, 5.5.3).
                    frame::PONG => {}
                    frame::PING => {
                        seen.pings += 1;
                        let answer = frame::client_frame(frame::PONG, &f.payload, mask());
                        if let Err(end) = conn.send(&answer, Instant::now() + timeout) {
                            return Some(end.into());
                        }
                    }
                    frame::CLOSE => {
                        let (code, reason) = f.close_code_and_reason();
                        let answer = frame::client_frame(
                            frame::CLOSE,
                            &f.payload[..f.payload.len().min(2)],
                            mask(),
                        );
                        let _ = conn.send(
                            &answer,
                            Instant::now() + timeout.min(Duration::from_secs(1)),
                        );
                        return Some(Wait::CloseFrame { code, reason });
                    }
                    // The last frame of a text or binary message.
                    _ if f.fin => seen.messages += 1,
                    _ => {}
                }
            }
        }
    }
}

/// A fresh masking key for a client frame.
fn mask() -> [u8; 4] {
    let mut key = [0u8; 4];
    random_bytes(&mut key);
    key
}

/// Fills `buf` from the operating system's random source. Should that ever
/// fail, a hash of the time and process id stands in: the key and masks
/// only need to differ between connections, not to be secret.
fn random_bytes(buf: &mut [u8]) {
    if getrandom::fill(buf).is_ok() {
        return;
    }
    use sha1::{Digest, Sha1};
    let seed = format!("{:?}{}", std::time::SystemTime::now(), std::process::id());
    let digest = Sha1::digest(seed.as_bytes());
    for (b, d) in buf.iter_mut().zip(digest.iter().cycle()) {
        *b = *d;
    }
}
