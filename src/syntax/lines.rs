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
        let mut line_starts = vec![0];
        line_starts.extend(
            source
                .iter()
                .enumerate()
                .filter(|(_, b)| **b == b'\n')
                .map(|(i, _)| i as u32 + 1),
        );
        LineIndex { line_starts }
    }

    /// 1-based line and column of a byte offset.
    pub fn line_col(&self, source: &[u8], offset: u32) -> (usize, usize) {
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line] as usize;
        let end = (offset as usize).min(source.len());
        (line + 1, char_count(&source[start..end.max(start)]) + 1)
    }
}

/// Number of characters: bytes that do not continue a UTF-8 sequence. For
/// valid UTF-8 that is the character count; a stray byte counts as one.
fn char_count(bytes: &[u8]) -> usize {
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
}
