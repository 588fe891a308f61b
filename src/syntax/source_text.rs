//! A file's bytes as the tree keeps them: as text when they are valid UTF-8
//! (almost every configuration), else as bytes. Checked once when the file
//! is parsed, so a token's text is a slice of the text rather than bytes
//! checked again each time something reads it.

use std::ops::{Deref, Range};

#[derive(Debug, Clone)]
pub enum SourceText {
    /// Valid UTF-8.
    Text(String),
    /// Not valid UTF-8 somewhere.
    Bytes(Vec<u8>),
}

impl SourceText {
    /// Keeps `bytes` as text when they are UTF-8 (without copying them).
    pub(crate) fn new(bytes: Vec<u8>) -> Self {
        match String::from_utf8(bytes) {
            Ok(text) => SourceText::Text(text),
            Err(e) => SourceText::Bytes(e.into_bytes()),
        }
    }

    /// The bytes of `range` as text, when they are UTF-8. Token boundaries
    /// fall on ASCII bytes, so in a text file this is a slice, not a check.
    pub(crate) fn text(&self, range: Range<usize>) -> Option<&str> {
        match self {
            SourceText::Text(text) => text.get(range),
            SourceText::Bytes(bytes) => std::str::from_utf8(bytes.get(range)?).ok(),
        }
    }
}

impl Default for SourceText {
    fn default() -> Self {
        SourceText::Text(String::new())
    }
}

impl Deref for SourceText {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            SourceText::Text(text) => text.as_bytes(),
            SourceText::Bytes(bytes) => bytes,
        }
    }
}

impl AsRef<[u8]> for SourceText {
    fn as_ref(&self) -> &[u8] {
        self
    }
}

impl PartialEq<Vec<u8>> for SourceText {
    fn eq(&self, other: &Vec<u8>) -> bool {
        **self == other[..]
    }
}

impl PartialEq<SourceText> for Vec<u8> {
    fn eq(&self, other: &SourceText) -> bool {
        self[..] == **other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_kept_as_text_and_bytes_as_bytes() {
        let text = SourceText::new("server_name é;".as_bytes().to_vec());
        assert!(matches!(text, SourceText::Text(_)));
        assert_eq!(text.text(0..11), Some("server_name"));
        // Not on a character boundary: no text.
        assert_eq!(text.text(0..13), None);
        let bytes = SourceText::new(b"a \xff b".to_vec());
        assert!(matches!(bytes, SourceText::Bytes(_)));
        assert_eq!(bytes.text(0..1), Some("a"));
        assert_eq!(bytes.text(2..3), None);
        assert_eq!(bytes.text(4..9), None, "out of range");
        assert_eq!(&*bytes, b"a \xff b");
        assert_eq!(bytes.to_vec(), b"a \xff b".to_vec());
    }
}
