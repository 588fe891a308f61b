//! How the JSON formats (`--format json`, SARIF) are laid out: serde_json's
//! pretty printing (two spaces a level), except that every C1 control
//! character (U+0080 to U+009F, which JSON allows raw) in a string is
//! written as its `\u00XX` escape, so a document printed on a terminal
//! cannot carry an escape sequence from a configuration. A value can be
//! rendered at a given depth ([`render_at`]), so that parts of a large
//! document can be rendered side by side and placed into it as
//! [`serde_json::value::RawValue`]s.

use serde::Serialize;
use serde_json::ser::Formatter;
use serde_json::value::RawValue;
use std::io::{self, Write};

/// Writes `value` to `out`, pretty-printed, C1 characters escaped.
pub(crate) fn write_pretty<W: Write, T: Serialize + ?Sized>(out: W, value: &T) -> io::Result<()> {
    let mut serializer = serde_json::Serializer::with_formatter(out, Pretty::at(0));
    value.serialize(&mut serializer).map_err(io::Error::from)
}

/// `value` as it reads `depth` levels into a document written by
/// [`write_pretty`], to be placed there whole.
pub(crate) fn render_at<T: Serialize + ?Sized>(depth: usize, value: &T) -> Box<RawValue> {
    let mut text = Vec::with_capacity(1024);
    let mut serializer = serde_json::Serializer::with_formatter(&mut text, Pretty::at(depth));
    value
        .serialize(&mut serializer)
        .expect("serializing into memory cannot fail");
    let text = String::from_utf8(text).expect("serde_json writes UTF-8");
    RawValue::from_string(text).expect("serde_json writes JSON")
}

/// serde_json's pretty printing from a given depth, with string contents
/// C1-escaped.
struct Pretty {
    depth: usize,
    has_value: bool,
}

impl Pretty {
    fn at(depth: usize) -> Self {
        Pretty {
            depth,
            has_value: false,
        }
    }

    fn indent<W: ?Sized + Write>(&self, out: &mut W) -> io::Result<()> {
        for _ in 0..self.depth {
            out.write_all(b"  ")?;
        }
        Ok(())
    }

    fn open<W: ?Sized + Write>(&mut self, out: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        out.write_all(bracket)
    }

    fn close<W: ?Sized + Write>(&mut self, out: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            out.write_all(b"\n")?;
            self.indent(out)?;
        }
        out.write_all(bracket)
    }

    fn item<W: ?Sized + Write>(&mut self, out: &mut W, first: bool) -> io::Result<()> {
        out.write_all(if first { b"\n" } else { b",\n" })?;
        self.indent(out)
    }
}

impl Formatter for Pretty {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        out: &mut W,
        text: &str,
    ) -> io::Result<()> {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        // A fragment is whole characters; C1 characters are 0xC2 0x80-0x9F.
        let bytes = text.as_bytes();
        let mut written = 0;
        for at in memchr::memchr_iter(0xC2, bytes) {
            let Some(&next) = bytes.get(at + 1).filter(|b| (0x80..=0x9f).contains(*b)) else {
                continue;
            };
            out.write_all(&bytes[written..at])?;
            let (high, low) = (HEX[(next >> 4) as usize], HEX[(next & 0xf) as usize]);
            out.write_all(&[b'\\', b'u', b'0', b'0', high, low])?;
            written = at + 2;
        }
        out.write_all(&bytes[written..])
    }

    fn begin_array<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.open(out, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.close(out, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, out: &mut W, first: bool) -> io::Result<()> {
        self.item(out, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _out: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.open(out, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.close(out, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, out: &mut W, first: bool) -> io::Result<()> {
        self.item(out, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        out.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _out: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::{render_at, write_pretty};

    fn pretty(value: &impl serde::Serialize) -> String {
        let mut out = Vec::new();
        write_pretty(&mut out, value).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn the_layout_is_serde_jsons_and_c1_characters_are_escaped() {
        let value = serde_json::json!({
            "a": ["x\u{9b}31m é\u{85}", 1, [], {}, [[2], {"k": null}]],
            "b": null,
        });
        let expected = serde_json::to_string_pretty(&value)
            .unwrap()
            .replace('\u{9b}', "\\u009b")
            .replace('\u{85}', "\\u0085");
        assert_eq!(pretty(&value), expected);
    }

    #[test]
    fn a_part_rendered_at_its_depth_reads_as_written_in_place() {
        let part = serde_json::json!({ "k": [1, {"x": "y"}], "e": [] });
        let whole = serde_json::json!({ "list": [part.clone(), part.clone()] });
        // Raw values are written as they are, not parsed again.
        #[derive(serde::Serialize)]
        struct Placed {
            list: Vec<Box<serde_json::value::RawValue>>,
        }
        let placed = Placed {
            list: vec![render_at(2, &part), render_at(2, &part)],
        };
        assert_eq!(pretty(&placed), pretty(&whole));
        assert!(pretty(&placed).contains("\n      \"k\": ["));
    }
}
