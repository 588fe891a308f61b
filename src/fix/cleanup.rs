//! Temporary files a run leaves nowhere: every temporary file the fixer
//! writes is tracked until it is renamed into place or removed, and an
//! interrupted run (Ctrl-C, SIGTERM, SIGHUP) removes the ones still
//! tracked before it exits. The renames that put fixed files in place run
//! under a lock the signal handler waits for, so a signal never stops a
//! multi-file fix between two renames.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Temporary files written and not yet renamed or removed, and whether
/// the run was interrupted (then no new one is made).
static TRACKED: Mutex<(Vec<PathBuf>, bool)> = Mutex::new((Vec::new(), false));

/// Held while files are renamed into place.
static RENAMING: Mutex<()> = Mutex::new(());

fn tracked() -> std::sync::MutexGuard<'static, (Vec<PathBuf>, bool)> {
    TRACKED.lock().unwrap_or_else(|e| e.into_inner())
}

/// Makes a new temporary file in `dir` (`.wslint-…`) and tracks it, in one
/// step an interruption cannot come between; refused once the run was
/// interrupted.
pub(crate) fn new_temporary(dir: &Path) -> std::io::Result<(std::fs::File, PathBuf)> {
    let mut tracked = tracked();
    if tracked.1 {
        return Err(std::io::Error::other("interrupted"));
    }
    let (file, path) = tempfile::Builder::new()
        .prefix(".wslint-")
        .tempfile_in(dir)?
        .keep()
        .map_err(|e| e.error)?;
    tracked.0.push(path.clone());
    Ok((file, path))
}

/// Forgets a temporary file that was renamed into place or removed.
pub(crate) fn forget(path: &Path) {
    tracked().0.retain(|p| p != path);
}

/// Runs `renames` with the signal handler held off: an interrupted run
/// stops before or after them, never between two of them.
pub(crate) fn while_renaming<T>(renames: impl FnOnce() -> T) -> T {
    let _held = RENAMING.lock().unwrap_or_else(|e| e.into_inner());
    renames()
}

/// Removes the tracked temporary files when the process is interrupted
/// (SIGINT, SIGTERM, SIGHUP), then exits with 130. Call once, before
/// fixing.
pub(crate) fn remove_temporary_files_on_interrupt() {
    let _ = ctrlc::set_handler(|| {
        let _held = RENAMING.lock().unwrap_or_else(|e| e.into_inner());
        let mut tracked = tracked();
        tracked.1 = true;
        for path in tracked.0.drain(..) {
            let _ = std::fs::remove_file(path);
        }
        eprintln!("wslint: interrupted; no file was changed by this run's unfinished fixes");
        std::process::exit(130);
    });
}
