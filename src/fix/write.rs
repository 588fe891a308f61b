//! Writing fixed files as one transaction. Each fixed file (and its
//! backup) is first written in full to a temporary file beside the
//! original, synced, with the original's permissions (and owner, when
//! running as root): [`prepare`]. Nothing is renamed until every file is
//! prepared; then [`commit`] checks that no original changed on disk since
//! it was read, writes the journal ([`super::journal`]), renames every file
//! into place and removes the journal. A symlink is followed and its target
//! replaced; the link stays a link. A file the owner marked read-only, or
//! one this user may not write, is refused. Backups are hidden files
//! beside their original (`.app.orig`), which no `include` glob matches,
//! and never replace an earlier backup (`.app.orig.1`, …).

use super::cleanup;
use super::journal::{self, Rename};
use std::io::Write;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// Why a write failed.
#[derive(Debug, thiserror::Error)]
#[error("{path}: cannot write the fixed file: {message}")]
pub(crate) struct WriteError {
    pub(crate) path: String,
    pub(crate) message: String,
}

/// Options of a write.
#[derive(Debug, Clone, Default)]
pub(crate) struct WriteOptions {
    /// Keep the original beside the file, hidden, with this suffix
    /// (`.orig` keeps `app` as `.app.orig`).
    pub(crate) backup_suffix: Option<String>,
    /// Tests only: make the write fail after this many bytes, as a full
    /// disk would.
    #[cfg(test)]
    pub(crate) fail_after: Option<usize>,
}

impl WriteOptions {
    /// Tests only: after how many bytes a write fails.
    fn simulated_failure(&self) -> Option<usize> {
        #[cfg(test)]
        return self.fail_after;
        #[cfg(not(test))]
        None
    }

    /// Options that keep a backup with `suffix` when it is given.
    pub(crate) fn with_backup(suffix: Option<String>) -> Self {
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
    // Replacing the file by a rename needs only a writable folder, so the
    // file's own permissions are the owner's word: a file marked read-only,
    // or one this user may not write, is left alone.
    if meta.permissions().readonly() {
        return Err(fail("it is read-only; not fixed".into()));
    }
    // Opening for writing (without truncating) asks the system whether this
    // user may write it; nothing is written.
    if let Err(e) = std::fs::OpenOptions::new().write(true).open(&target) {
        return Err(fail(format!(
            "this user may not write it ({}); not fixed",
            crate::load::source::io_message(&e)
        )));
    }
    Ok((target, meta))
}

/// A new file written in full beside where it goes, tracked until it is
/// renamed or removed.
#[derive(Debug)]
struct Staged {
    temp: PathBuf,
    /// Renamed into its place: the file is no longer a temporary one.
    placed: bool,
}

impl Staged {
    /// Writes `bytes` to a new temporary file in `dir`, synced, with `meta`'s
    /// permissions and owner.
    fn write(
        dir: &Path,
        bytes: &[u8],
        meta: &std::fs::Metadata,
        fail_after: Option<usize>,
    ) -> std::io::Result<Staged> {
        let (mut file, path) = cleanup::new_temporary(dir)?;
        let staged = Staged {
            temp: path,
            placed: false,
        };
        if let Some(n) = fail_after {
            file.write_all(&bytes[..n.min(bytes.len())])?;
            return Err(std::io::Error::other("No space left on device (simulated)"));
        }
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::set_permissions(&staged.temp, meta.permissions())?;
        if is_root() {
            std::os::unix::fs::chown(&staged.temp, Some(meta.uid()), Some(meta.gid()))?;
        }
        Ok(staged)
    }

    /// The temporary file is now the file at `to`: it is no longer removed.
    fn placed(mut self) {
        cleanup::forget(&self.temp);
        self.placed = true;
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.placed {
            let _ = std::fs::remove_file(&self.temp);
            cleanup::forget(&self.temp);
        }
    }
}

/// A fixed file written beside its original, not yet in its place: see
/// [`prepare`] and [`commit`]. Dropping it removes its temporary files and
/// leaves the original as it was.
#[derive(Debug)]
pub(crate) struct Prepared {
    new: Staged,
    /// The original's bytes, kept as a backup, and where they go.
    backup: Option<(Staged, PathBuf)>,
    target: PathBuf,
    /// The bytes the run read and fixed: the original must still hold them
    /// when it is replaced.
    read: Vec<u8>,
    shown: String,
}

/// Writes `bytes` beside `path` (synced, with the original's permissions
/// and owner), and the backup when one is asked for, ready to replace the
/// file, which must still hold `read` (the bytes that were fixed) then.
pub(crate) fn prepare(
    path: &Path,
    bytes: &[u8],
    read: &[u8],
    options: &WriteOptions,
) -> Result<Prepared, WriteError> {
    let fail = |message: String| WriteError {
        path: path.display().to_string(),
        message,
    };
    let (target, meta) = check_writable(path)?;
    let dir = target
        .parent()
        .ok_or_else(|| fail("has no parent directory".into()))?;
    let new = Staged::write(dir, bytes, &meta, options.simulated_failure())
        .map_err(|e| fail(e.to_string()))?;
    let backup = match &options.backup_suffix {
        Some(suffix) => {
            let staged = Staged::write(dir, read, &meta, None)
                .map_err(|e| fail(format!("cannot write the backup: {e}")))?;
            Some((staged, backup_name(&target, suffix)))
        }
        None => None,
    };
    Ok(Prepared {
        new,
        backup,
        target,
        read: read.to_vec(),
        shown: path.display().to_string(),
    })
}

/// `.NAME` + `suffix` beside `target` (hidden, so no `include` glob reads
/// it). Which free name it finally gets is decided when it is placed.
fn backup_name(target: &Path, suffix: &str) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    target.with_file_name(format!(".{name}{suffix}"))
}

/// Puts a backup at `wanted`, or at `wanted.1`, `wanted.2`, … when that is
/// taken: a hard link never replaces an existing file.
fn place_backup(staged: Staged, wanted: &Path) -> std::io::Result<PathBuf> {
    for n in 0..10_000 {
        let candidate = if n == 0 {
            wanted.to_path_buf()
        } else {
            let mut name = wanted.as_os_str().to_owned();
            name.push(format!(".{n}"));
            PathBuf::from(name)
        };
        match std::fs::hard_link(&staged.temp, &candidate) {
            Ok(()) => {
                drop(staged); // the link keeps the bytes; the temporary name goes
                return Ok(candidate);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other("no free backup name"))
}

/// Replaces every prepared file, all or none: first checks that each
/// original still holds the bytes that were fixed (a file edited while the
/// run went on is never overwritten: nothing is written then), then writes
/// the journal in `journal_dir`, places the backups, renames the new files
/// over the originals and removes the journal. Returns where backups went.
pub(crate) fn commit(
    prepared: Vec<Prepared>,
    journal_dir: &Path,
) -> Result<Vec<PathBuf>, WriteError> {
    for p in &prepared {
        let now = std::fs::read(&p.target).map_err(|e| WriteError {
            path: p.shown.clone(),
            message: e.to_string(),
        })?;
        if now != p.read {
            return Err(WriteError {
                path: p.shown.clone(),
                message: "it changed on disk while wslint was fixing it; no file was written (run wslint again)".into(),
            });
        }
    }
    let renames: Vec<Rename> = prepared
        .iter()
        .map(|p| Rename {
            from: p.new.temp.clone(),
            to: p.target.clone(),
        })
        .collect();
    cleanup::while_renaming(|| {
        let journal = journal::write(journal_dir, &renames).map_err(|e| WriteError {
            path: journal_dir.join(journal::FILE_NAME).display().to_string(),
            message: format!("cannot write the journal: {e}"),
        })?;
        let mut backups = Vec::new();
        let mut failure = None;
        for p in prepared {
            if failure.is_some() {
                // Left for the journal: the next --fix finishes the renames.
                p.new.placed();
                continue;
            }
            if let Some((staged, wanted)) = p.backup {
                match place_backup(staged, &wanted) {
                    Ok(path) => backups.push(path),
                    Err(e) => {
                        failure = Some(WriteError {
                            path: p.shown.clone(),
                            message: format!("cannot place the backup: {e}"),
                        });
                        p.new.placed();
                        continue;
                    }
                }
            }
            match std::fs::rename(&p.new.temp, &p.target) {
                Ok(()) => p.new.placed(),
                Err(e) => {
                    failure = Some(WriteError {
                        path: p.shown.clone(),
                        message: e.to_string(),
                    });
                    p.new.placed();
                }
            }
        }
        if let Some(e) = failure {
            return Err(WriteError {
                path: e.path,
                message: format!(
                    "{}; the journal {} keeps the rest of the fix, and the next `wslint --fix` finishes it",
                    e.message,
                    journal.display()
                ),
            });
        }
        for dir in renames.iter().filter_map(|r| r.to.parent()) {
            journal::sync_dir(dir);
        }
        let _ = std::fs::remove_file(&journal);
        Ok(backups)
    })
}

fn is_root() -> bool {
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    /// Prepares and commits one file that held `old`.
    fn fix_one(
        path: &Path,
        old: &[u8],
        new: &[u8],
        options: &WriteOptions,
    ) -> Result<Vec<PathBuf>, WriteError> {
        let p = prepare(path, new, old, options)?;
        commit(vec![p], path.parent().unwrap())
    }

    #[test]
    fn keeps_permissions_follows_symlinks_and_backs_up_hidden() {
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
        let backups = fix_one(&link, b"old", b"new", &options).unwrap();
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
        // Hidden: `include sites-enabled/*` does not read it.
        assert_eq!(backups, [dir.path().join(".real.conf.orig")]);
        assert_eq!(std::fs::read(&backups[0]).unwrap(), b"old");
        assert_eq!(
            names(dir.path()),
            [".real.conf.orig", "link.conf", "real.conf"]
        );
        // A second fix keeps the first backup and adds another.
        let again = fix_one(&link, b"new", b"newer", &options).unwrap();
        assert_eq!(again, [dir.path().join(".real.conf.orig.1")]);
        assert_eq!(std::fs::read(&backups[0]).unwrap(), b"old");
        assert_eq!(std::fs::read(&again[0]).unwrap(), b"new");
    }

    #[test]
    fn a_write_failing_half_way_leaves_the_original_and_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("site.conf");
        std::fs::write(&path, "original bytes\n").unwrap();
        let options = WriteOptions {
            backup_suffix: Some(".orig".into()),
            fail_after: Some(5),
        };
        let e = fix_one(
            &path,
            b"original bytes\n",
            b"the fixed configuration\n",
            &options,
        )
        .unwrap_err();
        assert!(e.to_string().contains("site.conf"), "{e}");
        assert_eq!(std::fs::read(&path).unwrap(), b"original bytes\n");
        assert_eq!(
            names(dir.path()),
            ["site.conf"],
            "no temporary file, no backup"
        );
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
        let ready = prepare(
            &first,
            b"first, fixed\n",
            b"first\n",
            &WriteOptions::default(),
        )
        .unwrap();
        assert_eq!(
            std::fs::read(&first).unwrap(),
            b"first\n",
            "not yet in place"
        );
        let failing = WriteOptions {
            fail_after: Some(3),
            ..WriteOptions::default()
        };
        assert!(prepare(&second, b"second, fixed\n", b"second\n", &failing).is_err());
        drop(ready);
        assert_eq!(std::fs::read(&first).unwrap(), b"first\n");
        assert_eq!(std::fs::read(&second).unwrap(), b"second\n");
        assert_eq!(names(dir.path()), ["nginx.conf", "site.conf"]);
        fix_one(
            &first,
            b"first\n",
            b"first, fixed\n",
            &WriteOptions::default(),
        )
        .unwrap();
        assert_eq!(std::fs::read(&first).unwrap(), b"first, fixed\n");
        assert_eq!(
            names(dir.path()),
            ["nginx.conf", "site.conf"],
            "no journal left"
        );
    }

    /// A file edited after it was read is not overwritten, and neither is
    /// any other file of the same fix.
    #[test]
    fn an_edit_made_while_fixing_aborts_the_whole_fix() {
        let dir = tempfile::tempdir().unwrap();
        let first = dir.path().join("nginx.conf");
        let second = dir.path().join("site.conf");
        std::fs::write(&first, "first\n").unwrap();
        std::fs::write(&second, "second\n").unwrap();
        let a = prepare(
            &first,
            b"first, fixed\n",
            b"first\n",
            &WriteOptions::default(),
        )
        .unwrap();
        let b = prepare(
            &second,
            b"second, fixed\n",
            b"second\n",
            &WriteOptions::default(),
        )
        .unwrap();
        std::fs::write(&second, "second, edited by hand\n").unwrap();
        let e = commit(vec![a, b], dir.path()).unwrap_err();
        assert!(e.to_string().contains("changed on disk"), "{e}");
        assert_eq!(std::fs::read(&first).unwrap(), b"first\n");
        assert_eq!(std::fs::read(&second).unwrap(), b"second, edited by hand\n");
        assert_eq!(names(dir.path()), ["nginx.conf", "site.conf"]);
    }

    #[test]
    fn read_only_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("site.conf");
        std::fs::write(&path, "old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
        let e = prepare(&path, b"new", b"old", &WriteOptions::default()).unwrap_err();
        assert!(e.to_string().contains("read-only"), "{e}");
        assert_eq!(names(dir.path()), ["site.conf"]);
    }
}
