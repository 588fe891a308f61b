//! WebSocket frames (RFC 6455, section 5), only as much as a probe needs:
//! encoding the masked control frames a client sends (ping, pong, close) and
//! decoding whatever the server sends, so the probe can find its pong among
//! other frames and notice a close.

/// Opcodes (RFC 6455, section 5.2).
pub(crate) const CLOSE: u8 = 0x8;
pub(crate) const PING: u8 = 0x9;
pub(crate) const PONG: u8 = 0xA;

/// A control frame's payload is at most 125 bytes (section 5.5).
pub(crate) const MAX_CONTROL_PAYLOAD: usize = 125;

/// Server frames larger than this are refused: a probe never needs them,
/// and it bounds what a misbehaving server can make it buffer.
const MAX_PAYLOAD: u64 = 16 * 1024 * 1024;

/// Encodes one final client frame. Clients must mask every frame
/// (section 5.3); `mask` should be fresh random bytes for each frame.
pub(crate) fn client_frame(opcode: u8, payload: &[u8], mask: [u8; 4]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + 14);
    out.push(0x80 | opcode); // FIN set, no extension bits
    let len = payload.len();
    if len < 126 {
        out.push(0x80 | len as u8);
    } else if let Ok(short) = u16::try_from(len) {
        out.push(0x80 | 126);
        out.extend_from_slice(&short.to_be_bytes());
    } else {
        out.push(0x80 | 127);
        out.extend_from_slice(&(len as u64).to_be_bytes());
    }
    out.extend_from_slice(&mask);
    out.extend(payload.iter().zip(mask.iter().cycle()).map(|(b, m)| b ^ m));
    out
}

/// A close frame's payload: the status code and, optionally, a reason.
pub(crate) fn close_payload(code: u16, reason: &str) -> Vec<u8> {
    let mut payload = code.to_be_bytes().to_vec();
    payload.extend_from_slice(reason.as_bytes());
    payload.truncate(MAX_CONTROL_PAYLOAD);
    payload
}

/// A frame received from the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Frame {
    pub(crate) fin: bool,
    pub(crate) opcode: u8,
    pub(crate) payload: Vec<u8>,
}

impl Frame {
    /// A close frame's status code and reason, if it carries them.
    pub(crate) fn close_code_and_reason(&self) -> (Option<u16>, String) {
        match self.payload.as_slice() {
            [a, b, reason @ ..] => (
                Some(u16::from_be_bytes([*a, *b])),
                String::from_utf8_lossy(reason).into_owned(),
            ),
            _ => (None, String::new()),
        }
    }
}

/// What the bytes at the start of a buffer hold.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Decoded {
    /// Not a whole frame yet.
    Incomplete,
    /// A frame and how many bytes it took.
    Frame(Frame, usize),
    /// Bytes no conforming server sends; the text says why.
    Invalid(String),
}

/// Decodes the first server frame in `buf`.
pub(crate) fn decode(buf: &[u8]) -> Decoded {
    let [first, second, ..] = *buf else {
        return Decoded::Incomplete;
    };
    let fin = first & 0x80 != 0;
    let opcode = first & 0x0F;
    if first & 0x70 != 0 {
        // The probe negotiates no extension, so no reserved bit may be set.
        return Decoded::Invalid(format!("reserved bits set in frame header 0x{first:02x}"));
    }
    if second & 0x80 != 0 {
        return Decoded::Invalid("the server masked a frame (servers must not)".into());
    }
    let (len, mut at) = match second & 0x7F {
        126 => match buf.get(2..4) {
            Some(b) => (u64::from(u16::from_be_bytes([b[0], b[1]])), 4),
            None => return Decoded::Incomplete,
        },
        127 => match buf.get(2..10) {
            Some(b) => (u64::from_be_bytes(b.try_into().expect("8 bytes")), 10),
            None => return Decoded::Incomplete,
        },
        n => (u64::from(n), 2),
    };
    let control = opcode & 0x8 != 0;
    if control && (!fin || len > MAX_CONTROL_PAYLOAD as u64) {
        return Decoded::Invalid(format!(
            "control frame (opcode 0x{opcode:x}) fragmented or longer than 125 bytes"
        ));
    }
    if !matches!(opcode, 0x0..=0x2 | CLOSE | PING | PONG) {
        return Decoded::Invalid(format!("unknown opcode 0x{opcode:x}"));
    }
    if len > MAX_PAYLOAD {
        return Decoded::Invalid(format!("a {len}-byte frame; a probe reads at most 16 MiB"));
    }
    let len = len as usize;
    let Some(payload) = buf.get(at..at + len) else {
        return Decoded::Incomplete;
    };
    let frame = Frame {
        fin,
        opcode,
        payload: payload.to_vec(),
    };
    at += len;
    Decoded::Frame(frame, at)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MASK: [u8; 4] = [0x37, 0xfa, 0x21, 0x3d];

    #[test]
    fn masked_ping_matches_the_rfc_example() {
        // RFC 6455, section 5.7: a masked "Hello" (there as a text frame).
        let frame = client_frame(0x1, b"Hello", MASK);
        assert_eq!(
            frame,
            [
                0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58
            ]
        );
        let ping = client_frame(PING, b"Hello", MASK);
        assert_eq!(ping[0], 0x89);
        assert_eq!(&ping[1..], &frame[1..]);
    }

    #[test]
    fn longer_payloads_use_the_extended_lengths() {
        let frame = client_frame(0x2, &[0u8; 256], MASK);
        assert_eq!(&frame[..4], &[0x82, 0x80 | 126, 0x01, 0x00]);
        assert_eq!(frame.len(), 4 + 4 + 256);
        let frame = client_frame(0x2, &vec![0u8; 70_000], MASK);
        assert_eq!(frame[1], 0x80 | 127);
        assert_eq!(&frame[2..10], &70_000u64.to_be_bytes());
        // Masking zeros yields the mask itself, repeated.
        assert_eq!(&frame[14..22], &[MASK, MASK].concat()[..]);
    }

    #[test]
    fn decodes_server_frames_whole_or_not_at_all() {
        // An unmasked pong carrying "Hello" (RFC 6455, section 5.7), then an
        // empty ping.
        let bytes = [0x8a, 0x05, b'H', b'e', b'l', b'l', b'o', 0x89, 0x00];
        for cut in 0..7 {
            assert_eq!(decode(&bytes[..cut]), Decoded::Incomplete, "cut at {cut}");
        }
        let Decoded::Frame(frame, used) = decode(&bytes) else {
            panic!()
        };
        assert_eq!(used, 7);
        assert_eq!(
            frame,
            Frame {
                fin: true,
                opcode: PONG,
                payload: b"Hello".to_vec()
            }
        );
        assert!(matches!(
            decode(&bytes[7..]),
            Decoded::Frame(Frame { opcode: PING, .. }, 2)
        ));
    }

    #[test]
    fn decodes_extended_lengths() {
        let mut bytes = vec![0x82, 126, 0x01, 0x00];
        bytes.extend(vec![7u8; 256]);
        assert_eq!(decode(&bytes[..100]), Decoded::Incomplete);
        let Decoded::Frame(frame, used) = decode(&bytes) else {
            panic!()
        };
        assert_eq!((frame.payload.len(), used), (256, 260));
        let mut bytes = vec![0x82, 127];
        bytes.extend(3u64.to_be_bytes());
        bytes.extend(b"abc");
        assert!(matches!(decode(&bytes), Decoded::Frame(_, 13)));
    }

    #[test]
    fn refuses_what_a_server_must_not_send() {
        for bad in [
            &[0x89, 0x85, 1, 2, 3, 4, 0, 0, 0, 0, 0][..], // masked
            &[0xc1, 0x00],                                // RSV1 without an extension
            &[0x09, 0x00],                                // fragmented ping
            &[0x89, 126, 0x00, 0x7e],                     // 126-byte ping
            &[0x83, 0x00],                                // reserved opcode
            &[0x82, 127, 0x7f, 0, 0, 0, 0, 0, 0, 0],      // absurd length
        ] {
            assert!(matches!(decode(bad), Decoded::Invalid(_)), "{bad:x?}");
        }
    }

    #[test]
    fn close_payloads() {
        let payload = close_payload(1000, "bye");
        assert_eq!(payload, [0x03, 0xe8, b'b', b'y', b'e']);
        let frame = Frame {
            fin: true,
            opcode: CLOSE,
            payload,
        };
        assert_eq!(frame.close_code_and_reason(), (Some(1000), "bye".into()));
        let empty = Frame {
            fin: true,
            opcode: CLOSE,
            payload: vec![],
        };
        assert_eq!(empty.close_code_and_reason(), (None, String::new()));
        assert_eq!(close_payload(1000, &"x".repeat(200)).len(), 125);
    }
}
