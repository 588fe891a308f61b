//! Writing fixed files safely: the new bytes go to a temporary file in the
//! same directory, get the original's permissions (and owner, when running
//! as root), and are renamed over the original, so a reader never sees a
//! half-written file and a failed write leaves the original untouched. A
//! symlink is followed and its target replaced; the link stays a link. A
//! read-only file is refused. A run prepares every file before it renames
//! any ([`prepare`], [`Prepared::commit`]).

use std::io::Write;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// Why a write failed.
#[derive(Debug, thiserror::Error)]
#[error("{path}: cannot write the fixed file: {message}")]
pub struct WriteError {
    pub path: String,
    pub message: String,
}

/// Options of a write.
#[derive(Debug, Clone, Default)]
pub struct WriteOptions {
    /// Keep the original beside the file, with this suffix (`.orig`).
    pub backup_suffix: Option<String>,
    /// Tests only: make the write fail after this many bytes, as a full
    /// disk would.
    #[cfg(test)]
    pub fail_after: Option<usize>,
}

impl WriteOptions {
    /// Options that keep a backup with `suffix` when it is given.
    pub fn with_backup(suffix: Option<String>) -> Self {
        WriteOptions {
            backup_suffix: suffix,
            #[cfg(test)]
            fail_after: None,
        }
    }
}

/// Where a write of `path` goes (the target of a symlink) and its metadata,
/// or why it cannot be written. Checked for every file before any is
/// written, so a fix spanning files is not left half applied.
fn check_writable(path: &Path) -> Result<(PathBuf, std::fs::Metadata), WriteError> {
    let fail = |message: String| WriteError {
        path: path.display().to_string(),
        message,
    };
    // Through a symlink: write the target.
    let target: PathBuf = std::fs::canonicalize(path).map_err(|e| fail(e.to_string()))?;
    let meta = std::fs::metadata(&target).map_err(|e| fail(e.to_string()))?;
    // Replacing the file by a rename would succeed even when it is
    // read-only (only the directory must be writable), so the mode is the
    // owner's word: a file nobody may write is left alone.
    if meta.permissions().readonly() {
        return Err(fail("it is read-only; not fixed".into()));
    }
    Ok((target, meta))
}

/// A fixed file written beside its original, not yet in its place: see
/// [`prepare`] and [`Prepared::commit`]. Dropping it removes the temporary
/// file and leaves the original as it was.
pub struct Prepared {
    temp: tempfile::NamedTempFile,
    target: PathBuf,
    shown: String,
}

impl Prepared {
    /// Renames the new file over the original.
    pub fn commit(self) -> Result<(), WriteError> {
        let shown = self.shown;
        self.temp.persist(&self.target).map_err(|e| WriteError {
            path: shown,
            message: e.error.to_string(),
        })?;
        Ok(())
    }
}

/// Writes `bytes` to a temporary file beside `path` (synced, with the
/// original's permissions and owner), ready to replace it. A run prepares
/// every file before it commits any, so a failed write (a full disk) leaves
/// every original untouched.
pub fn prepare(path: &Path, bytes: &[u8], options: &WriteOptions) -> Result<Prepared, WriteError> {
    let fail = |message: String| WriteError {
        path: path.display().to_string(),
        message,
    };
    let (target, meta) = check_writable(path)?;
    let dir = target
        .parent()
        .ok_or_else(|| fail("has no parent directory".into()))?;
    if let Some(suffix) = &options.backup_suffix {
        let mut backup = target.clone().into_os_string();
        backup.push(suffix);
        std::fs::copy(&target, &backup).map_err(|e| fail(format!("backup failed: {e}")))?;
    }
    let mut temp = tempfile::Builder::new()
        .prefix(".wslint-")
        .tempfile_in(dir)
        .map_err(|e| fail(format!("cannot create a temporary file beside it: {e}")))?;
    #[cfg(test)]
    if let Some(n) = options.fail_after {
        temp.write_all(&bytes[..n.min(bytes.len())])
            .map_err(|e| fail(e.to_string()))?;
        return Err(fail("No space left on device (simulated)".into()));
    }
    temp.write_all(bytes)
        .and_then(|_| temp.as_file().sync_all())
        .map_err(|e| fail(e.to_string()))?;
    std::fs::set_permissions(temp.path(), meta.permissions()).map_err(|e| fail(e.to_string()))?;
    if is_root() {
        std::os::unix::fs::chown(temp.path(), Some(meta.uid()), Some(meta.gid()))
            .map_err(|e| fail(e.to_string()))?;
    }
    Ok(Prepared {
        temp,
        target,
        shown: path.display().to_string(),
    })
}

fn is_root() -> bool {
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn keeps_permissions_follows_symlinks_and_backs_up() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.conf");
        std::fs::write(&real, "old").unwrap();
        std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
        let link = dir.path().join("link.conf");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let options = WriteOptions {
            backup_suffix: Some(".orig".into()),
            ..WriteOptions::default()
        };
        prepare(&link, b"new", &options).unwrap().commit().unwrap();
        assert_eq!(std::fs::read(&real).unwrap(), b"new");
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(
            std::fs::metadata(&real).unwrap().permissions().mode() & 0o777,
            0o640
        );
        assert_eq!(
            std::fs::read(dir.path().join("real.conf.orig")).unwrap(),
            b"old"
        );
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().starts_with(".wslint-"))
            .collect();
        assert!(leftovers.is_empty());
    }

    #[test]
    fn a_write_failing_half_way_leaves_the_original_and_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("site.conf");
        std::fs::write(&path, "original bytes\n").unwrap();
        let options = WriteOptions {
            fail_after: Some(5),
            ..WriteOptions::default()
        };
        let e = prepare(&path, b"the fixed configuration\n", &options)
            .and_then(Prepared::commit)
            .unwrap_err();
        assert!(e.to_string().contains("site.conf"), "{e}");
        assert_eq!(std::fs::read(&path).unwrap(), b"original bytes\n");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names, ["site.conf"]);
    }

    /// Two files fixed together: the first is prepared, the second fails;
    /// dropping the first's preparation leaves both originals and no
    /// temporary file, which is what a run does before renaming anything.
    #[test]
    fn prepared_files_change_nothing_until_committed() {
        let dir = tempfile::tempdir().unwrap();
        let first = dir.path().join("nginx.conf");
        let second = dir.path().join("site.conf");
        std::fs::write(&first, "first\n").unwrap();
        std::fs::write(&second, "second\n").unwrap();
        let ready = prepare(&first, b"first, fixed\n", &WriteOptions::default()).unwrap();
        assert_eq!(
            std::fs::read(&first).unwrap(),
            b"first\n",
            "not yet in place"
        );
        let failing = WriteOptions {
            fail_after: Some(3),
            ..WriteOptions::default()
        };
        assert!(prepare(&second, b"second, fixed\n", &failing).is_err());
        drop(ready);
        assert_eq!(std::fs::read(&first).unwrap(), b"first\n");
        assert_eq!(std::fs::read(&second).unwrap(), b"second\n");
        let mut names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.file_name())
            .collect();
        names.sort();
        assert_eq!(names, ["nginx.conf", "site.conf"]);
        prepare(&first, b"first, fixed\n", &WriteOptions::default())
            .unwrap()
            .commit()
            .unwrap();
        assert_eq!(std::fs::read(&first).unwrap(), b"first, fixed\n");
    }
}
