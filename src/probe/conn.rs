//! The network under the probe: name resolution, the TCP connection, the
//! TLS handshake (rustls with the `ring` provider and Mozilla's roots from
//! `webpki-roots`), and reads and writes that each end by a deadline. Every
//! failure here becomes a [`Failure`] that says which of these went wrong,
//! because "refused", "no such host" and "untrusted certificate" call for
//! different fixes.

use super::diagnosis::{CertProblem, Failure};
use super::steps::StepName;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, ClientConnection, DigitallySignedStruct, SignatureScheme, StreamOwned};
use std::io::{self, ErrorKind, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Resolves `host`, giving up after `timeout` (the system resolver has no
/// timeout of its own, so it runs on a thread that is abandoned when late).
pub(crate) fn resolve(
    host: &str,
    port: u16,
    timeout: Duration,
) -> Result<Vec<SocketAddr>, Failure> {
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(vec![SocketAddr::new(ip, port)]);
    }
    let (send, receive) = std::sync::mpsc::channel();
    let name = host.to_string();
    std::thread::spawn(move || {
        let _ = send.send((name.as_str(), port).to_socket_addrs());
    });
    match receive.recv_timeout(timeout) {
        Ok(Ok(addrs)) => {
            let addrs: Vec<SocketAddr> = addrs.collect();
            if addrs.is_empty() {
                Err(Failure::Resolve {
                    host: host.into(),
                    error: "no addresses".into(),
                })
            } else {
                Ok(addrs)
            }
        }
        Ok(Err(e)) => Err(Failure::Resolve {
            host: host.into(),
            error: e.to_string(),
        }),
        Err(_) => Err(Failure::Timeout {
            step: StepName::Resolve,
            timeout,
        }),
    }
}

/// Connects to the first address that accepts, trying them in order.
pub(crate) fn connect(addrs: &[SocketAddr], timeout: Duration) -> Result<TcpStream, Failure> {
    let deadline = Instant::now() + timeout;
    let mut last: Option<(SocketAddr, io::Error)> = None;
    let mut all_refused = true;
    for addr in addrs {
        let Some(left) = remaining(deadline) else {
            break;
        };
        match TcpStream::connect_timeout(addr, left) {
            Ok(stream) => {
                // Frames are small and each one waits for an answer.
                let _ = stream.set_nodelay(true);
                return Ok(stream);
            }
            Err(e) => {
                all_refused &= e.kind() == ErrorKind::ConnectionRefused;
                last = Some((*addr, e));
            }
        }
    }
    let tried = addrs
        .iter()
        .map(SocketAddr::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    Err(match last {
        Some(_) if all_refused => Failure::Refused { addr: tried },
        Some((_, e)) if is_timeout(&e) => Failure::Timeout {
            step: StepName::Connect,
            timeout,
        },
        Some((_, e)) => Failure::Connect {
            addr: tried,
            error: e.to_string(),
        },
        None => Failure::Timeout {
            step: StepName::Connect,
            timeout,
        },
    })
}

/// What the TLS step agreed on, for the report.
pub(crate) struct TlsInfo {
    pub(crate) version: String,
    pub(crate) verified: bool,
}

/// Runs the TLS handshake on `tcp`. With `insecure`, any certificate is
/// accepted (its handshake signature is still checked, so the session is
/// encrypted to whoever holds the key, just not authenticated).
pub(crate) fn tls(
    tcp: TcpStream,
    host: &str,
    insecure: bool,
    timeout: Duration,
) -> Result<(Transport, TlsInfo), Failure> {
    let deadline = Instant::now() + timeout;
    let fail = |error: String| Failure::TlsRefused { error };
    let config = tls_config(insecure).map_err(|e| fail(e.to_string()))?;
    let name = ServerName::try_from(host.to_string()).map_err(|e| fail(e.to_string()))?;
    let mut conn = ClientConnection::new(config, name).map_err(|e| fail(e.to_string()))?;
    let mut tcp = tcp;
    while conn.is_handshaking() {
        let Some(left) = remaining(deadline) else {
            return Err(Failure::Timeout {
                step: StepName::Tls,
                timeout,
            });
        };
        let io = tcp
            .set_read_timeout(Some(left))
            .and_then(|()| tcp.set_write_timeout(Some(left)))
            .and_then(|()| conn.complete_io(&mut tcp));
        if let Err(e) = io {
            return Err(tls_failure(e, timeout));
        }
    }
    let version = match conn.protocol_version() {
        Some(rustls::ProtocolVersion::TLSv1_3) => "TLS 1.3".to_string(),
        Some(rustls::ProtocolVersion::TLSv1_2) => "TLS 1.2".to_string(),
        Some(other) => format!("{other:?}"),
        None => "TLS".to_string(),
    };
    let info = TlsInfo {
        version,
        verified: !insecure,
    };
    Ok((Transport::Tls(Box::new(StreamOwned::new(conn, tcp))), info))
}

fn tls_config(insecure: bool) -> Result<Arc<ClientConfig>, rustls::Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()?;
    let mut config = if insecure {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AnyCertificate(provider)))
            .with_no_client_auth()
    } else {
        let roots =
            rustls::RootCertStore::from_iter(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        builder.with_root_certificates(roots).with_no_client_auth()
    };
    // Offer HTTP/1.1 only: the WebSocket handshake is an HTTP/1.1 upgrade,
    // and a server that picked h2 would not understand it.
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// Sorts a TLS handshake error into what the user should do about it.
fn tls_failure(e: io::Error, timeout: Duration) -> Failure {
    if is_timeout(&e) {
        return Failure::Timeout {
            step: StepName::Tls,
            timeout,
        };
    }
    if matches!(
        e.kind(),
        ErrorKind::UnexpectedEof | ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted
    ) {
        return Failure::Closed {
            step: StepName::Tls,
            reset: e.kind() != ErrorKind::UnexpectedEof,
        };
    }
    match e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
    {
        Some(rustls::Error::InvalidCertificate(error)) => {
            use rustls::CertificateError as E;
            let problem = match error {
                E::UnknownIssuer => CertProblem::UnknownIssuer,
                E::NotValidForName | E::NotValidForNameContext { .. } => CertProblem::WrongName,
                E::Expired | E::ExpiredContext { .. } => CertProblem::Expired,
                _ => CertProblem::Other,
            };
            Failure::Certificate {
                problem,
                error: error.to_string(),
            }
        }
        Some(rustls::Error::InvalidMessage(_)) => Failure::NotTls {
            error: e.to_string(),
        },
        _ => Failure::TlsRefused {
            error: e.to_string(),
        },
    }
}

/// `--insecure`: trusts any certificate, still checks handshake signatures.
#[derive(Debug)]
struct AnyCertificate(Arc<CryptoProvider>);

impl ServerCertVerifier for AnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// A plain or TLS byte stream.
pub(crate) enum Transport {
    Plain(TcpStream),
    Tls(Box<StreamOwned<ClientConnection, TcpStream>>),
}

impl Transport {
    fn socket(&self) -> &TcpStream {
        match self {
            Transport::Plain(s) => s,
            Transport::Tls(s) => s.get_ref(),
        }
    }
}

impl Read for Transport {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Transport::Plain(s) => s.read(buf),
            Transport::Tls(s) => s.read(buf),
        }
    }
}

impl Write for Transport {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Transport::Plain(s) => s.write(buf),
            Transport::Tls(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Transport::Plain(s) => s.flush(),
            Transport::Tls(s) => s.flush(),
        }
    }
}

/// Why a read or write stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum IoEnd {
    /// The deadline passed.
    Timeout,
    /// The peer closed the connection (`reset`: with a TCP reset).
    Closed { reset: bool },
    /// Anything else.
    Error(String),
}

impl From<io::Error> for IoEnd {
    fn from(e: io::Error) -> IoEnd {
        if is_timeout(&e) {
            IoEnd::Timeout
        } else {
            match e.kind() {
                // rustls reports a close without close_notify as UnexpectedEof.
                ErrorKind::UnexpectedEof => IoEnd::Closed { reset: false },
                ErrorKind::ConnectionReset
                | ErrorKind::ConnectionAborted
                | ErrorKind::BrokenPipe => IoEnd::Closed { reset: true },
                _ => IoEnd::Error(e.to_string()),
            }
        }
    }
}

/// A connection and the bytes received on it that nothing consumed yet.
pub(crate) struct Conn {
    transport: Transport,
    pub(crate) received: Vec<u8>,
}

impl Conn {
    pub(crate) fn new(transport: Transport) -> Conn {
        Conn {
            transport,
            received: Vec::new(),
        }
    }

    /// Writes all of `bytes` before `deadline`.
    pub(crate) fn send(&mut self, bytes: &[u8], deadline: Instant) -> Result<(), IoEnd> {
        let left = remaining(deadline).ok_or(IoEnd::Timeout)?;
        self.transport.socket().set_write_timeout(Some(left))?;
        self.transport.write_all(bytes)?;
        self.transport.flush()?;
        Ok(())
    }

    /// Reads what arrives next (at least one byte) into `received`, waiting
    /// until `deadline` at most.
    pub(crate) fn receive(&mut self, deadline: Instant) -> Result<(), IoEnd> {
        let mut chunk = [0u8; 8192];
        loop {
            let left = remaining(deadline).ok_or(IoEnd::Timeout)?;
            self.transport.socket().set_read_timeout(Some(left))?;
            match self.transport.read(&mut chunk) {
                Ok(0) => return Err(IoEnd::Closed { reset: false }),
                Ok(n) => {
                    self.received.extend_from_slice(&chunk[..n]);
                    return Ok(());
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// Closes the TCP connection (after a close frame, or on failure).
    pub(crate) fn shutdown(&self) {
        let _ = self.transport.socket().shutdown(std::net::Shutdown::Both);
    }
}

/// Time left until `deadline`, or `None` when it has passed (a zero
/// timeout would mean "no timeout" to the socket calls).
fn remaining(deadline: Instant) -> Option<Duration> {
    deadline
        .checked_duration_since(Instant::now())
        .filter(|d| !d.is_zero())
}

/// A socket timeout shows as WouldBlock on Unix and TimedOut elsewhere.
fn is_timeout(e: &io::Error) -> bool {
    matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut)
}
