//! Unified diffs of fixed files, with `a/` and `b/` paths relative to the
//! current directory, quoted as git quotes them, so `git apply` takes them
//! (`git apply --unsafe-paths` for files outside the current directory).

use similar::TextDiff;
use std::path::Path;

/// The path as shown in the diff header: relative to `cwd` (with `..`
/// when it lies outside it, which `git apply --unsafe-paths` takes).
fn shown(path: &Path, cwd: &Path) -> String {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        cwd.join(path)
    };
    let target = crate::load::files::normalize(&absolute);
    let cwd = crate::load::files::normalize(cwd);
    let common = target
        .components()
        .zip(cwd.components())
        .take_while(|(a, b)| a == b)
        .count();
    let mut relative = std::path::PathBuf::new();
    for _ in cwd.components().skip(common) {
        relative.push("..");
    }
    for part in target.components().skip(common) {
        relative.push(part);
    }
    relative.display().to_string()
}

/// `prefix` + `name` as git writes a path in a diff: as it is, or in double
/// quotes with C escapes when it holds a quote, a backslash, a control
/// character or a byte outside ASCII (git's `core.quotePath`), which
/// `git apply` reads back.
fn git_path(prefix: &str, name: &str) -> String {
    let needs_quotes = name
        .bytes()
        .any(|b| !(0x20..0x7f).contains(&b) || b == b'"' || b == b'\\');
    if !needs_quotes {
        return format!("{prefix}{name}");
    }
    let mut out = String::from("\"");
    out.push_str(prefix);
    for b in name.bytes() {
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\{b:03o}")),
        }
    }
    out.push('"');
    out
}

/// A unified diff of one file (three lines of context).
pub(crate) fn unified(path: &Path, before: &[u8], after: &[u8], cwd: &Path) -> String {
    let name = shown(path, cwd);
    let (a, b) = (git_path("a/", &name), git_path("b/", &name));
    let before = String::from_utf8_lossy(before);
    let after = String::from_utf8_lossy(after);
    let diff = TextDiff::from_lines(before.as_ref(), after.as_ref());
    let mut out = format!("diff --git {a} {b}\n");
    out.push_str(
        &diff
            .unified_diff()
            .context_radius(3)
            .header(&a, &b)
            .to_string(),
    );
    out
}
