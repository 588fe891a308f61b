//! The pieces of hand-written JSON output: strings escaped exactly as
//! serde_json escapes them, and integers. `--format json` writes tens of
//! megabytes for a large fleet; writing the fixed layout of a finding
//! directly costs a fraction of a generic serializer.

/// Appends `s` as a JSON string: `"` and `\` escaped, control characters as
/// `\n`-style or `\u00XX` escapes, everything else as it is.
pub fn push_str(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut copied = 0;
    while let Some(i) = next_escape(bytes, copied) {
        out.extend_from_slice(&bytes[copied..i]);
        match bytes[i] {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            b => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(b"\\u00");
                out.push(HEX[(b >> 4) as usize]);
                out.push(HEX[(b & 0xf) as usize]);
            }
        }
        copied = i + 1;
    }
    out.extend_from_slice(&bytes[copied..]);
    out.push(b'"');
}

/// The first byte at or after `from` that needs escaping. Whole 16-byte
/// chunks are tested at once (the test compiles to vector instructions):
/// almost all text needs no escape at all.
fn next_escape(bytes: &[u8], from: usize) -> Option<usize> {
    let mut at = from;
    while at + 16 <= bytes.len() {
        let chunk = &bytes[at..at + 16];
        if chunk.iter().fold(false, |any, &b| any | needs_escape(b)) {
            break;
        }
        at += 16;
    }
    bytes[at..]
        .iter()
        .position(|&b| needs_escape(b))
        .map(|p| at + p)
}

fn needs_escape(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\'
}

/// Appends `n` in decimal.
pub fn push_uint(out: &mut Vec<u8>, n: u64) {
    out.extend_from_slice(crate::decimal::digits(n, &mut [0; 20]));
}

/// Appends `"key": ` at `indent` spaces, after a newline.
pub fn push_key(out: &mut Vec<u8>, indent: usize, key: &str) {
    push_indent(out, indent);
    out.push(b'"');
    out.extend_from_slice(key.as_bytes());
    out.extend_from_slice(b"\": ");
}

/// Appends a newline and `indent` spaces.
pub fn push_indent(out: &mut Vec<u8>, indent: usize) {
    const SPACES: &[u8] = b"\n                                ";
    out.extend_from_slice(&SPACES[..1 + indent]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn as_json(s: &str) -> String {
        let mut out = Vec::new();
        push_str(&mut out, s);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn escapes_like_serde_json() {
        for s in [
            "",
            "plain",
            "quote \" and \\ backslash",
            "\n\r\t\u{8}\u{c}\u{0}\u{1f}\u{7f}",
            "é ✓ 🚀",
        ] {
            assert_eq!(as_json(s), serde_json::to_string(s).unwrap(), "{s:?}");
        }
    }

    #[test]
    fn integers() {
        for n in [0u64, 7, 10, 99, 12345, u64::MAX] {
            let mut out = Vec::new();
            push_uint(&mut out, n);
            assert_eq!(out, n.to_string().into_bytes());
        }
    }

    proptest! {
        #[test]
        fn any_string_escapes_like_serde_json(s in any::<String>()) {
            prop_assert_eq!(as_json(&s), serde_json::to_string(&s).unwrap());
        }
    }
}

/// A writer that passes JSON text on with every C1 control character
/// (U+0080 to U+009F, which JSON allows raw) written as its `\u00XX`
/// escape, so a document printed on a terminal cannot carry an escape
/// sequence from a configuration. Outside strings JSON has no such
/// characters, so the escape keeps the document's meaning.
pub struct EscapeC1<W: std::io::Write> {
    inner: W,
    /// A 0xC2 byte (the lead byte of every C1 character) held back until
    /// the next byte shows what it starts.
    held: bool,
}

impl<W: std::io::Write> EscapeC1<W> {
    pub fn new(inner: W) -> Self {
        EscapeC1 { inner, held: false }
    }

    /// Writes a byte held back at the end of the last write.
    pub fn finish(mut self) -> std::io::Result<W> {
        if self.held {
            self.inner.write_all(&[0xC2])?;
        }
        Ok(self.inner)
    }
}

impl<W: std::io::Write> std::io::Write for EscapeC1<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut out = Vec::with_capacity(buf.len() + 8);
        let mut previous_c2 = std::mem::take(&mut self.held);
        for &b in buf {
            if previous_c2 {
                previous_c2 = false;
                if (0x80..=0x9f).contains(&b) {
                    out.extend_from_slice(b"\\u00");
                    out.push(HEX[(b >> 4) as usize]);
                    out.push(HEX[(b & 0xf) as usize]);
                    continue;
                }
                out.push(0xC2);
            }
            if b == 0xC2 {
                previous_c2 = true;
            } else {
                out.push(b);
            }
        }
        self.held = previous_c2;
        self.inner.write_all(&out)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod c1_tests {
    use super::EscapeC1;
    use std::io::Write;

    #[test]
    fn c1_characters_are_escaped_even_across_writes() {
        let mut w = EscapeC1::new(Vec::new());
        w.write_all("\"a\u{9b}31m é".as_bytes()).unwrap();
        w.write_all(&[0xC2]).unwrap();
        w.write_all(&[0x85, b'"']).unwrap();
        let out = String::from_utf8(w.finish().unwrap()).unwrap();
        assert_eq!(out, "\"a\\u009b31m é\\u0085\"");
    }
}
