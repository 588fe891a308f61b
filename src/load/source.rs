//! A configuration file as the rest of the pipeline sees it: the name shown
//! to users, its parsed tree and its line index. Reading is here too, so every
//! I/O error names its path and non-regular files (devices, FIFOs) are refused
//! instead of being read forever.

use crate::syntax::{LineIndex, SyntaxTree, parse};
use std::io::Read;
use std::path::{Path, PathBuf};

/// The name used for standard input.
pub(crate) const STDIN_NAME: &str = "<stdin>";

/// A parsed configuration file.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as given or found (or `<stdin>`).
    pub path: PathBuf,
    pub tree: SyntaxTree,
    pub(crate) lines: LineIndex,
    /// The argument of every `include` in the file, in any block, read once
    /// when the file is parsed (on the parsing thread).
    pub(crate) includes: Vec<String>,
    /// [`SourceFile::display_name`], computed once: every finding shows it.
    display: std::sync::Arc<str>,
}

/// A file that could not be read.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{path}: {message}")]
pub struct ReadError {
    pub(crate) path: String,
    pub(crate) message: String,
}

impl SourceFile {
    /// Parses bytes that came from `path`.
    pub fn from_bytes(path: impl Into<PathBuf>, bytes: Vec<u8>) -> Self {
        crate::progress::FILES_READ.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let tree = parse(bytes);
        let lines = LineIndex::new(&tree.source);
        let path = path.into();
        let display = display_name_of(&path).into();
        let includes = crate::syntax::views::include_arguments(&tree);
        SourceFile {
            path,
            tree,
            lines,
            includes,
            display,
        }
    }

    /// Reads and parses a regular file.
    pub fn read(path: &Path) -> Result<Self, ReadError> {
        let bytes = read_regular_file(path)?;
        Ok(Self::from_bytes(path, bytes))
    }

    /// The name shown in messages.
    pub(crate) fn display_name(&self) -> &str {
        &self.display
    }

    /// The same name, shared: places that outlive a borrow keep a count,
    /// not a copy.
    pub(crate) fn shared_display_name(&self) -> std::sync::Arc<str> {
        self.display.clone()
    }

    /// 1-based line and column of a byte offset.
    pub fn line_col(&self, offset: u32) -> (usize, usize) {
        self.lines.line_col(&self.tree.source, offset)
    }

    /// [`SourceFile::line_col`] of `offset`, given the line and column of
    /// an earlier `from`: counted on from there when both are on one line
    /// (a finding's end, almost always), without searching the lines again.
    pub(crate) fn line_col_after(
        &self,
        from: u32,
        at: (usize, usize),
        offset: u32,
    ) -> (usize, usize) {
        let source = &self.tree.source;
        let end = (offset as usize).min(source.len());
        match source.get(from as usize..end) {
            Some(rest) if memchr::memchr(b'\n', rest).is_none() => {
                (at.0, at.1 + crate::syntax::lines::char_count(rest))
            }
            _ => self.line_col(offset),
        }
    }

    /// The 1-based line of a byte offset.
    pub(crate) fn line_of(&self, offset: u32) -> usize {
        self.lines.line_of(offset)
    }
}

/// The path as messages show it: without a leading `./`.
fn display_name_of(path: &Path) -> String {
    let shown = path.display().to_string();
    match shown.strip_prefix("./") {
        Some(rest) if !rest.is_empty() => rest.to_string(),
        _ => shown,
    }
}

/// Reads a file, refusing anything that is not a regular file.
pub(crate) fn read_regular_file(path: &Path) -> Result<Vec<u8>, ReadError> {
    let err = |message: String| ReadError {
        path: path.display().to_string(),
        message,
    };
    let meta = std::fs::metadata(path).map_err(|e| err(io_message(&e)))?;
    if meta.is_dir() {
        return Err(err("is a directory, not a file".into()));
    }
    if !meta.is_file() {
        return Err(err("is not a regular file; refusing to read it".into()));
    }
    if meta.len() > MAX_FILE_LEN as u64 {
        return Err(err(too_large()));
    }
    std::fs::read(path).map_err(|e| err(io_message(&e)))
}

/// The largest configuration file wslint reads (the parser's limit).
pub(crate) const MAX_FILE_LEN: usize = crate::syntax::MAX_SOURCE_LEN;

fn too_large() -> String {
    format!(
        "is larger than {} MiB, more than any configuration; not read",
        (MAX_FILE_LEN + 1) >> 20
    )
}

/// Reads standard input, at most [`MAX_FILE_LEN`] bytes: `wslint - <
/// /dev/zero` ends with an error instead of filling the memory.
pub(crate) fn read_stdin_bounded() -> Result<Vec<u8>, ReadError> {
    let mut bytes = Vec::new();
    let read = std::io::stdin()
        .take(MAX_FILE_LEN as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| ReadError {
            path: STDIN_NAME.into(),
            message: io_message(&e),
        })?;
    if read > MAX_FILE_LEN {
        return Err(ReadError {
            path: STDIN_NAME.into(),
            message: too_large(),
        });
    }
    Ok(bytes)
}

/// An I/O error as a short lowercase message without the OS error number.
pub(crate) fn io_message(e: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    match e.kind() {
        NotFound => "no such file or directory".into(),
        PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Counting on from a known place gives what a search gives, on one
    /// line or across lines, with multi-byte characters and CR LF.
    #[test]
    fn line_col_after_agrees_with_line_col() {
        let text = "server_name é.example;\r\n  location /ws/ { proxy_pass http://a; }\n\nx";
        let file = SourceFile::from_bytes("t.conf", text.as_bytes().to_vec());
        let len = text.len() as u32;
        for from in 0..=len {
            let at = file.line_col(from);
            for offset in from..=len + 2 {
                assert_eq!(
                    file.line_col_after(from, at, offset),
                    file.line_col(offset),
                    "from {from} to {offset}"
                );
            }
        }
    }
}
