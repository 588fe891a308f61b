//! Byte offsets in a file and the line/character positions of the Language
//! Server Protocol, whose characters are UTF-16 code units (the protocol's
//! default and the one encoding every client supports).

use lsp_types::{Position, Range};

/// Where each line of a text starts.
pub(crate) struct Lines<'a> {
    text: &'a [u8],
    starts: Vec<u32>,
}

impl<'a> Lines<'a> {
    pub(crate) fn new(text: &'a [u8]) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text).map(|i| i as u32 + 1));
        Lines { text, starts }
    }

    /// The position of a byte offset (clamped to the text).
    pub(crate) fn position(&self, offset: u32) -> Position {
        let offset = offset.min(self.text.len() as u32);
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line] as usize;
        let before = String::from_utf8_lossy(&self.text[start..offset as usize]);
        Position::new(line as u32, before.encode_utf16().count() as u32)
    }

    pub(crate) fn range(&self, span: &std::ops::Range<u32>) -> Range {
        Range::new(self.position(span.start), self.position(span.end))
    }

    /// The byte offset of a position: a character past the end of its line
    /// is the line's end, a line past the end of the text is its end.
    pub(crate) fn offset(&self, position: Position) -> u32 {
        let Some(&start) = self.starts.get(position.line as usize) else {
            return self.text.len() as u32;
        };
        let end = self
            .starts
            .get(position.line as usize + 1)
            .map_or(self.text.len(), |&next| next as usize - 1);
        let line = String::from_utf8_lossy(&self.text[start as usize..end]);
        let mut units = 0;
        for (i, c) in line.char_indices() {
            if units >= position.character {
                return start + i as u32;
            }
            units += c.len_utf16() as u32;
        }
        end as u32
    }

    /// The byte offset where the line holding `offset` starts.
    pub(crate) fn line_start(&self, offset: u32) -> u32 {
        self.starts[self.starts.partition_point(|&s| s <= offset) - 1]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_utf16_units_and_round_trip() {
        let text = "a é\n\tb 𝄞 c\nlast".as_bytes();
        let lines = Lines::new(text);
        let c = text.iter().rposition(|&b| b == b'c').unwrap() as u32;
        // `\t`, `b`, space, the clef (two UTF-16 units), space.
        assert_eq!(lines.position(c), Position::new(1, 6));
        assert_eq!(lines.offset(Position::new(1, 6)), c);
        assert_eq!(lines.position(text.len() as u32), Position::new(2, 4));
        assert_eq!(lines.offset(Position::new(0, 99)), 4);
        assert_eq!(lines.offset(Position::new(9, 0)), text.len() as u32);
        assert_eq!(lines.line_start(c), 5);
    }
}
