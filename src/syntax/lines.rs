//! Byte offsets to 1-based line and column numbers. Spans are kept as byte
//! offsets everywhere; lines and columns are computed only when something is
//! shown to a user. Columns count characters.

/// Start offsets of every line of a file.
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<u32>,
}

impl LineIndex {
    pub fn new(source: &[u8]) -> Self {
        let mut line_starts = Vec::with_capacity(source.len() / 32 + 1);
        line_starts.push(0);
        line_starts.extend(memchr::memchr_iter(b'\n', source).map(|i| i as u32 + 1));
        LineIndex { line_starts }
    }

    /// 1-based line of a byte offset.
    pub fn line_of(&self, offset: u32) -> usize {
        self.line_starts.partition_point(|&s| s <= offset)
    }

    /// 1-based line and column of a byte offset.
    pub fn line_col(&self, source: &[u8], offset: u32) -> (usize, usize) {
        let line = self.line_of(offset) - 1;
        let start = self.line_starts[line] as usize;
        let end = (offset as usize).min(source.len());
        (line + 1, char_count(&source[start..end.max(start)]) + 1)
    }

    /// The byte range of whole lines around `range`: from the start of the
    /// line `margin` lines before its first line to the end of the line
    /// `margin` lines after its last, with the 0-based number of the first
    /// line. Lets a report show a few lines without touching the rest of a
    /// large file.
    pub fn lines_around(
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
pub fn char_count(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b & 0xC0 != 0x80).count()
}

#[cfg(test)]
mod tests {
    use super::*;

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
        for len in [0usize, 1, 31, 32, 33, 64, 100, 1000] {
            let src: Vec<u8> = (0..len)
                .map(|i| {
                    if i % 7 == 3 || i % 32 == 31 {
                        b'\n'
                    } else {
                        b'a'
                    }
                })
                .collect();
            let mut expected = vec![0];
            expected.extend(
                src.iter()
                    .enumerate()
                    .filter(|(_, b)| **b == b'\n')
                    .map(|(i, _)| i as u32 + 1),
            );
            assert_eq!(LineIndex::new(&src).line_starts, expected, "length {len}");
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
