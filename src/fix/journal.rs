//! The journal of a multi-file fix: written, complete and synced, after
//! every fixed file (and backup) is on disk beside its original and before
//! the first rename, and removed after the last. A run killed between the
//! two (SIGKILL, a power cut) leaves the journal; the next `--fix` of the
//! same path finds it and finishes the renames, so a fix that spans files
//! (a map in nginx.conf and the header in a site) is never left half
//! applied. A check run only says that one is pending.
//!
//! The journal is `.wslint-journal` in the folder of the run's first path
//! argument (the folder itself, or a file's folder). Each entry is one
//! rename: the new file and where it goes, each path ended by a NUL byte.

use std::io::Write;
use std::path::{Path, PathBuf};

/// The journal's file name.
pub(crate) const FILE_NAME: &str = ".wslint-journal";

/// One rename of a transaction: `from` (a complete temporary file) becomes
/// `to`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Rename {
    pub(crate) from: PathBuf,
    pub(crate) to: PathBuf,
}

fn encode(renames: &[Rename]) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    let mut out = Vec::new();
    for r in renames {
        for path in [&r.from, &r.to] {
            out.extend_from_slice(path.as_os_str().as_bytes());
            out.push(0);
        }
    }
    out
}

/// The renames of a journal; `None` when the bytes are not one (a path
/// never holds a NUL byte, so a NUL ends each).
fn decode(bytes: &[u8]) -> Option<Vec<Rename>> {
    use std::os::unix::ffi::OsStrExt;
    let fields: Vec<&[u8]> = bytes.strip_suffix(&[0])?.split(|&b| b == 0).collect();
    if !fields.len().is_multiple_of(2) || fields.iter().any(|f| f.is_empty()) {
        return None;
    }
    let path = |f: &[u8]| PathBuf::from(std::ffi::OsStr::from_bytes(f));
    Some(
        fields
            .chunks(2)
            .map(|pair| Rename {
                from: path(pair[0]),
                to: path(pair[1]),
            })
            .collect(),
    )
}

/// Writes the journal of `renames` into `dir`, complete and synced (written
/// beside it and renamed into place), and returns its path.
pub(crate) fn write(dir: &Path, renames: &[Rename]) -> std::io::Result<PathBuf> {
    let path = dir.join(FILE_NAME);
    let (mut file, temp) = super::cleanup::new_temporary(dir)?;
    let written = file
        .write_all(&encode(renames))
        .and_then(|()| file.sync_all())
        .and_then(|()| std::fs::rename(&temp, &path));
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    super::cleanup::forget(&temp);
    written?;
    sync_dir(dir);
    Ok(path)
}

/// Makes a folder's entries (renames into it) durable, where the system
/// allows it.
pub(crate) fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// The folder a run's journal lives in: the first path argument's folder.
pub(crate) fn folder_of(first_path: &Path) -> PathBuf {
    if first_path.is_dir() {
        first_path.to_path_buf()
    } else {
        match first_path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        }
    }
}

/// A journal left in `dir` by an interrupted fix, if any.
pub(crate) fn pending(dir: &Path) -> Option<PathBuf> {
    let path = dir.join(FILE_NAME);
    path.is_file().then_some(path)
}

/// Finishes the fix a journal describes: every new file still beside its
/// target is renamed into place (ones already renamed are gone), then the
/// journal is removed. Returns the targets it put in place.
pub(crate) fn finish(journal: &Path) -> Result<Vec<PathBuf>, String> {
    let bytes = std::fs::read(journal).map_err(|e| format!("{}: {e}", journal.display()))?;
    let renames = decode(&bytes)
        .ok_or_else(|| format!("{}: not a wslint journal; left as it is", journal.display()))?;
    let mut done = Vec::new();
    for r in &renames {
        if r.from.exists() {
            std::fs::rename(&r.from, &r.to).map_err(|e| {
                format!("{}: cannot finish the interrupted fix: {e}", r.to.display())
            })?;
            done.push(r.to.clone());
        }
    }
    std::fs::remove_file(journal).map_err(|e| format!("{}: {e}", journal.display()))?;
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_journal_reads_back_and_finishes_what_is_left() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let renames = vec![
            Rename {
                from: d.join(".wslint-a"),
                to: d.join("nginx.conf"),
            },
            Rename {
                from: d.join(".wslint-b"),
                to: d.join("odd\tname\nhere.conf"),
            },
        ];
        assert_eq!(decode(&encode(&renames)), Some(renames.clone()));
        // The first rename happened before the run was killed.
        std::fs::write(d.join("nginx.conf"), "new main").unwrap();
        std::fs::write(d.join(".wslint-b"), "new site").unwrap();
        std::fs::write(d.join("odd\tname\nhere.conf"), "old site").unwrap();
        let journal = write(d, &renames).unwrap();
        assert_eq!(pending(d), Some(journal.clone()));
        let done = finish(&journal).unwrap();
        assert_eq!(done, [d.join("odd\tname\nhere.conf")]);
        assert_eq!(
            std::fs::read_to_string(d.join("odd\tname\nhere.conf")).unwrap(),
            "new site"
        );
        assert_eq!(pending(d), None);
        assert!(decode(b"garbage").is_none());
    }
}
