//! Byte offsets to 1-based line and column numbers. Spans are kept as byte
//! offsets everywhere; lines and columns are computed only when something is
//! shown to a user. Columns count characters.

/// Start offsets of every line of a file.
#[derive(Debug, Clone)]
pub(crate) struct LineIndex {
    line_starts: Vec<u32>,
    /// For a file with long lines, made on the first column asked past
    /// [`CHECKPOINT`] bytes into a line: how many characters come before
    /// each multiple of [`CHECKPOINT`] bytes, so a column costs at most
    /// that many bytes of counting however long its line is (a whole
    /// configuration written on one line).
    checkpoints: std::sync::OnceLock<Vec<u32>>,
}

/// Bytes between two character-count checkpoints.
const CHECKPOINT: usize = 4096;

impl LineIndex {
    pub(crate) fn new(source: &[u8]) -> Self {
        // Room for a line per 24 bytes: configurations average 25–40.
        let mut line_starts = Vec::with_capacity(source.len() / 24 + 1);
        line_starts.push(0);
        // Lines are short (about 40 bytes), so a search per newline spends
        // more on starting than on searching. Instead, eight bytes at a
        // time become a word with the high bit of each newline byte set
        // (exact per byte: no carry crosses bytes), and its set bits are
        // the line ends.
        const LOW_SEVEN: u64 = 0x7f7f_7f7f_7f7f_7f7f;
        const NEWLINES: u64 = 0x0a0a_0a0a_0a0a_0a0a;
        let newline_bits = |at: usize| {
            let bytes: [u8; 8] = source[at..at + 8].try_into().unwrap_or_default();
            let x = u64::from_le_bytes(bytes) ^ NEWLINES;
            !(((x & LOW_SEVEN) + LOW_SEVEN) | x | LOW_SEVEN)
        };
        let whole = source.len() / 8 * 8;
        let tail = &source[whole..];
        for at in (0..whole).step_by(8) {
            let mut newlines = newline_bits(at);
            while newlines != 0 {
                let end = at + (newlines.trailing_zeros() / 8) as usize;
                line_starts.push(end as u32 + 1);
                newlines &= newlines - 1;
            }
        }
        let tail_start = source.len() - tail.len();
        line_starts.extend(
            tail.iter()
                .enumerate()
                .filter(|(_, b)| **b == b'\n')
                .map(|(i, _)| (tail_start + i) as u32 + 1),
        );
        LineIndex {
            line_starts,
            checkpoints: std::sync::OnceLock::new(),
        }
    }

    /// The byte range of 0-based line `line` (its line end included), if
    /// the file has it.
    pub(crate) fn line_range(
        &self,
        line: usize,
        source_len: usize,
    ) -> Option<std::ops::Range<usize>> {
        let start = *self.line_starts.get(line)? as usize;
        let end = self
            .line_starts
            .get(line + 1)
            .map_or(source_len, |&s| s as usize);
        Some(start..end)
    }

    /// 1-based line of a byte offset.
    pub(crate) fn line_of(&self, offset: u32) -> usize {
        self.line_starts.partition_point(|&s| s <= offset)
    }

    /// 1-based line and column of a byte offset.
    pub(crate) fn line_col(&self, source: &[u8], offset: u32) -> (usize, usize) {
        let line = self.line_of(offset) - 1;
        let start = self.line_starts[line] as usize;
        let end = (offset as usize).min(source.len()).max(start);
        let chars = if end - start <= CHECKPOINT {
            char_count(&source[start..end])
        } else {
            self.chars_before(source, end) - self.chars_before(source, start)
        };
        (line + 1, chars + 1)
    }

    /// The number of characters in `source[..offset]`, from the nearest
    /// checkpoint.
    fn chars_before(&self, source: &[u8], offset: usize) -> usize {
        let checkpoints = self.checkpoints.get_or_init(|| {
            let mut counted = 0u32;
            let mut out = Vec::with_capacity(source.len() / CHECKPOINT + 1);
            for block in source.chunks(CHECKPOINT) {
                out.push(counted);
                counted += char_count(block) as u32;
            }
            out.push(counted);
            out
        });
        let block = offset / CHECKPOINT;
        checkpoints[block] as usize + char_count(&source[block * CHECKPOINT..offset])
    }

    /// The byte range of whole lines around `range`: from the start of the
    /// line `margin` lines before its first line to the end of the line
    /// `margin` lines after its last, with the 0-based number of the first
    /// line. Lets a report show a few lines without touching the rest of a
    /// large file.
    pub(crate) fn lines_around(
        &self,
        source_len: usize,
        range: std::ops::Range<u32>,
        margin: usize,
    ) -> (std::ops::Range<usize>, usize) {
        // 0-based lines.
        let first = (self.line_of(range.start) - 1).saturating_sub(margin);
        let after_last = self.line_of(range.end) + margin;
        let end = match self.line_starts.get(after_last) {
            Some(&next) => next as usize,
            None => source_len,
        };
        (self.line_starts[first] as usize..end, first)
    }
}

/// Number of characters: bytes that do not continue a UTF-8 sequence. For
/// valid UTF-8 that is the character count; a stray byte counts as one.
pub(crate) fn char_count(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b & 0xC0 != 0x80).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Line starts found one byte at a time: what the index must find.
    fn plain_scan(src: &[u8]) -> Vec<u32> {
        let newlines = src.iter().enumerate().filter(|(_, b)| **b == b'\n');
        std::iter::once(0)
            .chain(newlines.map(|(i, _)| i as u32 + 1))
            .collect()
    }

    #[test]
    fn lines_and_columns() {
        let src = "a\r\nbé c\nd";
        let idx = LineIndex::new(src.as_bytes());
        assert_eq!(idx.line_col(src.as_bytes(), 0), (1, 1));
        assert_eq!(idx.line_col(src.as_bytes(), 3), (2, 1));
        assert_eq!(idx.line_col(src.as_bytes(), 7), (2, 4));
        assert_eq!(idx.line_col(src.as_bytes(), 9), (3, 1));
    }

    #[test]
    fn line_starts_of_long_and_short_inputs() {
        // Newlines at the first and last byte of 8-byte words too.
        for len in [
            0usize, 1, 7, 8, 9, 31, 32, 33, 63, 64, 65, 100, 128, 129, 1000,
        ] {
            let src: Vec<u8> = (0..len)
                .map(|i| {
                    if i % 7 == 3 || i % 32 == 31 || i % 8 == 0 || i % 24 == 23 {
                        b'\n'
                    } else {
                        b'a'
                    }
                })
                .collect();
            let expected = plain_scan(&src);
            assert_eq!(LineIndex::new(&src).line_starts, expected, "length {len}");
        }
    }

    proptest::proptest! {
        /// Line starts match a plain scan for any bytes, including the
        /// ones next to a newline's value that word-wise tests can confuse
        /// with it (0x0b, 0x8a, 0x0a ^ 0x80, 0x00, 0xff).
        #[test]
        fn line_starts_match_a_plain_scan(
            src in proptest::collection::vec(
                proptest::sample::select(vec![b'\n', b'a', 0x0b, 0x8a, 0x09, 0x00, 0xff, 0x7f, 0x01]),
                0..200,
            )
        ) {
            let expected = plain_scan(&src);
            proptest::prop_assert_eq!(LineIndex::new(&src).line_starts, expected);
        }
    }

    #[test]
    fn lines_around_a_range() {
        let src = "l1\nl2\nl3\nl4\nl5";
        let idx = LineIndex::new(src.as_bytes());
        // `l3` with one line either side: l2 to l4, newline included.
        assert_eq!(idx.lines_around(src.len(), 6..8, 1), (3..12, 1));
        // Clamped at both ends of the file.
        assert_eq!(idx.lines_around(src.len(), 0..1, 2), (0..9, 0));
        assert_eq!(idx.lines_around(src.len(), 13..14, 3), (3..14, 1));
    }
}

#[cfg(test)]
mod long_lines {
    use super::*;

    /// Columns on lines far longer than a checkpoint, with multi-byte
    /// characters on both sides of checkpoints, agree with counting from
    /// the start of the line.
    #[test]
    fn columns_on_long_lines_agree_with_counting() {
        let mut text = String::from("short\n");
        for i in 0..3000 {
            text.push_str(if i % 7 == 0 { "é€ " } else { "abc " });
        }
        text.push_str("\nend");
        let src = text.as_bytes();
        let idx = LineIndex::new(src);
        let line_start = 6;
        for offset in (0..src.len() as u32).step_by(97).chain([src.len() as u32]) {
            let (line, col) = idx.line_col(src, offset);
            let start = if (offset as usize) < line_start {
                0
            } else if offset as usize > text.rfind('\n').unwrap() {
                text.rfind('\n').unwrap() + 1
            } else {
                line_start
            };
            assert_eq!(
                col,
                char_count(&src[start..offset as usize]) + 1,
                "at {offset}"
            );
            assert_eq!(line, idx.line_of(offset));
        }
    }
}
