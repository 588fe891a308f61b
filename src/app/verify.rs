//! `--verify`: before anything is written, lay the configuration out in a
//! temporary folder with the fixed files in place and run `nginx -t` on it.
//!
//! Only the files the run read are copied, at their places under the
//! tree's prefix; an absolute `include` that points into the tree
//! (`/etc/nginx/sites-enabled/*` in a copy of `/etc/nginx`) is pointed at
//! the copy, so nginx tests the fixed files and not the machine's; other
//! absolute paths, and paths relative to nginx's own prefix
//! (`load_module modules/….so`), are left to the system. A file that is
//! not a whole configuration (a site file, a snippet) is tested wrapped in
//! the blocks of the context it was checked in. When nginx rejects the
//! fixed configuration, the original is tested the same way, so the
//! message can say whether the fix or the configuration is at fault.

use crate::fix::apply::FixReport;
use crate::load::files::in_tree;
use crate::load::source::STDIN_NAME;
use crate::load::{Input, Loaded};
use crate::syntax::Context;
use crate::syntax::views::include_argument_spans;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Ok when nginx accepts the fixed configuration, else what went wrong.
pub(crate) fn verify(loaded: &Loaded, report: &FixReport, _inputs: &[Input]) -> Result<(), String> {
    let fixed = |id: u32| loaded.files.get(id).tree.source.to_vec();
    let Err(rejected) = test(loaded, &fixed) else {
        return Ok(());
    };
    let original = |id: u32| match report.originals.get(&id) {
        Some(bytes) => bytes.clone(),
        None => fixed(id),
    };
    Err(match test(loaded, &original) {
        Ok(()) => format!("nginx -t rejects the fixed configuration:\n{rejected}"),
        Err(before) if same_error(&before, &rejected) => format!(
            "nginx -t rejects this configuration before the fix too, so it cannot tell whether the fix is right:\n{rejected}"
        ),
        Err(before) => format!(
            "nginx -t rejects the configuration before the fix ({before}), and after it:\n{rejected}"
        ),
    })
}

/// Whether two messages of nginx are the same error: the same text once
/// times, process ids and line numbers (which a fix moves) are left out.
fn same_error(a: &str, b: &str) -> bool {
    let essence = |text: &str| -> String {
        text.lines()
            .find(|l| l.contains("[emerg]") || l.contains("test failed"))
            .map(|l| {
                // "… [emerg] 123#123: unknown directive … in FILE:LINE"
                let l = l.split_once("[emerg]").map_or(l, |(_, rest)| rest);
                let l = l.split_once(": ").map_or(l, |(_, rest)| rest);
                l.rsplit_once(':').map_or(l, |(head, _)| head).to_string()
            })
            .unwrap_or_else(|| text.to_string())
    };
    essence(a) == essence(b)
}

/// Lays the files out with `bytes_of` each and runs `nginx -t` on every
/// configuration of the run.
fn test(loaded: &Loaded, bytes_of: &dyn Fn(u32) -> Vec<u8>) -> Result<(), String> {
    let Some(prefix) = loaded.entries.first().map(|e| e.prefix.clone()) else {
        return Ok(());
    };
    let root = std::fs::canonicalize(&prefix).map_err(|e| format!("{}: {e}", prefix.display()))?;
    let temp = tempfile::tempdir().map_err(|e| format!("cannot make a temporary folder: {e}"))?;
    let copy_of = |path: &Path| -> Option<PathBuf> {
        let real = std::fs::canonicalize(path).ok()?;
        Some(temp.path().join(real.strip_prefix(&root).ok()?))
    };
    for (id, file) in loaded.files.files.iter().enumerate() {
        if file.path == Path::new(STDIN_NAME) {
            return Err("standard input cannot be verified: nginx -t needs files".into());
        }
        let target = copy_of(&file.path).ok_or_else(|| {
            format!(
                "{} is outside {}, where the copy is made",
                file.display_name(),
                root.display()
            )
        })?;
        let bytes = pointed_at_copy(&bytes_of(id as u32), &prefix, &root, temp.path());
        if let Some(dir) = target.parent() {
            std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
        }
        std::fs::write(&target, bytes).map_err(|e| format!("{}: {e}", target.display()))?;
    }
    // What nginx is asked to test: each whole configuration as it is; with
    // none, the files checked alone in one wrapper that gives each its
    // context (a file whose context is unknown cannot be given one).
    let model = crate::semantic::Model::build(&loaded.files, &loaded.entries);
    let copy_of_entry =
        |file: u32| copy_of(&loaded.files.get(file).path).expect("every file was copied");
    // A main-level file another configuration includes (Debian's
    // modules-enabled/*.conf) is tested there, not on its own.
    let included_elsewhere = |file: u32, entry: usize| {
        (0..model.scopes.len() as u32).any(|s| {
            model.scope(s).entry != entry && model.directives(s).iter().any(|n| n.file == file)
        })
    };
    let mut mains: Vec<PathBuf> = model
        .entries
        .iter()
        .enumerate()
        .filter(|(i, e)| e.context == Context::Main && !included_elsewhere(e.point.file, *i))
        .map(|(_, e)| copy_of_entry(e.point.file))
        .collect();
    if mains.is_empty() {
        let mut wrapped = String::from("events {}\nhttp {\n");
        for entry in &model.entries {
            let include = format!("include {};", quoted(&copy_of_entry(entry.point.file)));
            match entry.context {
                Context::Http => wrapped.push_str(&format!("    {include}\n")),
                Context::Server => {
                    wrapped.push_str(&format!("    server {{\n        {include}\n    }}\n"))
                }
                Context::Location => wrapped.push_str(&format!(
                    "    server {{\n        location /wslint-verify/ {{\n            {include}\n        }}\n    }}\n"
                )),
                _ => {}
            }
        }
        wrapped.push_str("}\n");
        let path = temp.path().join(".wslint-verify.conf");
        std::fs::write(&path, wrapped).map_err(|e| e.to_string())?;
        mains.push(path);
    }
    for conf in mains {
        nginx_t(&conf, temp.path())?;
    }
    Ok(())
}

/// `bytes` with every absolute `include` that points into the tree
/// rewritten to the same place in the copy.
fn pointed_at_copy(bytes: &[u8], prefix: &Path, root: &Path, copy: &Path) -> Vec<u8> {
    let tree = crate::syntax::parse(bytes.to_vec());
    let mut out = bytes.to_vec();
    let mut edits: Vec<(std::ops::Range<u32>, String)> = Vec::new();
    for (span, pattern) in include_argument_spans(&tree) {
        if !pattern.starts_with('/') {
            continue;
        }
        let Some(target) = in_tree(prefix, &pattern) else {
            continue;
        };
        let absolute = if target.is_absolute() {
            target
        } else {
            std::env::current_dir().unwrap_or_default().join(target)
        };
        let normal = crate::load::files::normalize(&absolute);
        if let Ok(rest) = normal
            .strip_prefix(root)
            .or_else(|_| normal.strip_prefix(prefix))
        {
            edits.push((span, quoted(&copy.join(rest))));
        }
    }
    for (span, text) in edits.into_iter().rev() {
        out.splice(span.start as usize..span.end as usize, text.into_bytes());
    }
    out
}

/// A path as an nginx argument: quoted, with quotes and backslashes escaped.
fn quoted(path: &Path) -> String {
    let text = path.display().to_string();
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// `nginx -t` on a configuration in the copy. nginx's own prefix is left
/// as it is, so `load_module modules/….so` finds the system's modules.
fn nginx_t(conf: &Path, copy: &Path) -> Result<(), String> {
    let output = Command::new("nginx")
        .arg("-t")
        .arg("-q")
        .arg("-c")
        .arg(conf)
        .output()
        .map_err(|e| format!("cannot run nginx: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&output.stderr)
            .trim()
            .replace(&copy.display().to_string(), "<copy>"))
    }
}
