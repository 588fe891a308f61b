//! `--verify`: before anything is written, copy the checked tree with the
//! fixed files in place to a temporary folder and run `nginx -t` on its
//! main configuration there.

use crate::check::Outcome;
use crate::discover::Input;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Ok when nginx accepts the fixed tree, else nginx's message.
pub fn verify(outcome: &Outcome, inputs: &[Input]) -> Result<(), String> {
    let [Input::Path(root)] = inputs else {
        return Err("--verify needs exactly one file or directory argument".into());
    };
    let root_dir: PathBuf = if root.is_dir() {
        root.clone()
    } else {
        root.parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
    };
    let main = if root.is_dir() {
        root.join("nginx.conf")
    } else {
        root.clone()
    };
    if !main.is_file() {
        return Err(format!("{}: no nginx.conf to test", root.display()));
    }
    let temp = tempfile::tempdir().map_err(|e| e.to_string())?;
    copy_dir(&root_dir, temp.path()).map_err(|e| format!("cannot copy the tree: {e}"))?;
    let canonical_root = std::fs::canonicalize(&root_dir).map_err(|e| e.to_string())?;
    for file in &outcome.files.files {
        let Ok(path) = std::fs::canonicalize(&file.path) else {
            continue;
        };
        if let Ok(rel) = path.strip_prefix(&canonical_root) {
            std::fs::write(temp.path().join(rel), &file.tree.source).map_err(|e| e.to_string())?;
        }
    }
    let main_rel = std::fs::canonicalize(&main)
        .map_err(|e| e.to_string())?
        .strip_prefix(&canonical_root)
        .map(Path::to_path_buf)
        .map_err(|e| e.to_string())?;
    let prefix = format!("{}/", temp.path().display());
    let output = Command::new("nginx")
        .args(["-t", "-q", "-p", &prefix, "-c"])
        .arg(temp.path().join(main_rel))
        .output()
        .map_err(|e| format!("cannot run nginx: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).trim().to_string())
    }
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    for entry in walkdir::WalkDir::new(from).follow_links(true) {
        let entry = entry.map_err(std::io::Error::other)?;
        let rel = entry
            .path()
            .strip_prefix(from)
            .map_err(std::io::Error::other)?;
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}
