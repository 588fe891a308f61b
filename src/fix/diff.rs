//! Unified diffs of fixed files, with `a/` and `b/` paths relative to the
//! current directory so `git apply` takes them.

use similar::TextDiff;
use std::path::Path;

/// The path as shown in the diff header: relative to `cwd` when it is
/// below it.
fn shown(path: &Path, cwd: &Path) -> String {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        cwd.join(path)
    };
    let normalized = crate::semantic::files::normalize(&absolute);
    match normalized.strip_prefix(cwd) {
        Ok(rel) => rel.display().to_string(),
        Err(_) => path.display().to_string(),
    }
}

/// A unified diff of one file (three lines of context).
pub fn unified(path: &Path, before: &[u8], after: &[u8], cwd: &Path) -> String {
    let name = shown(path, cwd);
    let before = String::from_utf8_lossy(before);
    let after = String::from_utf8_lossy(after);
    let diff = TextDiff::from_lines(before.as_ref(), after.as_ref());
    let mut out = format!("diff --git a/{name} b/{name}\n");
    out.push_str(
        &diff
            .unified_diff()
            .context_radius(3)
            .header(&format!("a/{name}"), &format!("b/{name}"))
            .to_string(),
    );
    out
}
