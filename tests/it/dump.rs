//! `nginx -T` dumps from a real nginx: the dump of a fixture tree, checked
//! by wslint, attributes every value to the original file and line.

use crate::support::{copy_tree, fixtures, nginx, stdout, wslint};
use std::process::Command;
use wslint::load::{Input, load};

/// Copies the globs tree to a temporary folder and dumps it with nginx -T.
fn dump_globs_tree() -> Option<(tempfile::TempDir, Vec<u8>)> {
    let nginx = nginx()?;
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixtures().join("trees/globs"), dir.path());
    let prefix = format!("{}/", dir.path().display());
    let globals = format!("pid {prefix}nginx.pid; error_log {prefix}error.log;");
    let out = Command::new(nginx)
        .args([
            "-T",
            "-p",
            &prefix,
            "-c",
            &format!("{prefix}nginx.conf"),
            "-g",
            &globals,
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "nginx -T failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some((dir, out.stdout))
}

#[test]
fn dump_files_keep_their_paths_and_bytes() {
    let Some((dir, dump)) = dump_globs_tree() else {
        return;
    };
    let dump_path = dir.path().join("dump.txt");
    std::fs::write(&dump_path, &dump).unwrap();
    let loaded = load(&[Input::Path(dump_path)]);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    let names: Vec<String> = loaded
        .files
        .files
        .iter()
        .map(|f| {
            f.path
                .strip_prefix(dir.path())
                .unwrap()
                .display()
                .to_string()
        })
        .collect();
    assert_eq!(
        names,
        [
            "nginx.conf",
            "conf.d/a-api.conf",
            "conf.d/b-app.conf",
            "snippets/websocket.conf"
        ]
    );
    for file in &loaded.files.files {
        let original = std::fs::read(&file.path).unwrap();
        assert!(
            file.tree.source == original,
            "{} differs from the original",
            file.path.display()
        );
    }
}

#[test]
fn inspect_on_a_dump_names_the_original_files_and_lines() {
    let Some((dir, dump)) = dump_globs_tree() else {
        return;
    };
    let tree = dir.path().to_str().unwrap();
    let args = ["inspect", "--nginx-version", "1.28.0"];
    let from_tree = wslint(dir.path(), &[&args[..], &[tree]].concat(), None);
    let from_dump = wslint(dir.path(), &[&args[..], &["-"]].concat(), Some(&dump));
    assert_eq!(from_tree.status.code(), Some(0));
    assert_eq!(from_dump.status.code(), Some(0));
    let text = stdout(&from_dump);
    // The Upgrade header of /ws/ comes from line 4 of the snippet file, not
    // from a line of the dump.
    let expected = format!("{tree}/snippets/websocket.conf:4 (this location)");
    assert!(text.contains(&expected), "{expected} not in:\n{text}");
    assert_eq!(text, stdout(&from_tree));
}
