//! Turns the PATH arguments into the list of configuration files to check,
//! reading and parsing each once.
//!
//! A file argument is taken as is; `-` is standard input; a directory gives
//! every `*.conf` file below it (sorted, symlinks followed, loops reported),
//! plus the files that an `include` glob inside those files names (Debian's
//! `sites-enabled/*` holds files without the `.conf` suffix). Glob includes
//! are resolved against the checked directory (where a tree's `nginx.conf`
//! sits) and only files inside the checked
//! directory are taken, so checking a copy of a tree never reads the
//! machine's own /etc/nginx.

use crate::source::{ReadError, SourceFile, io_message};
use crate::syntax::{Block, DirectiveView, SyntaxTree, views::block_directives};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// One PATH argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Stdin,
    Path(PathBuf),
}

impl Input {
    pub fn from_arg(arg: &Path) -> Self {
        if arg == Path::new("-") {
            Input::Stdin
        } else {
            Input::Path(arg.to_path_buf())
        }
    }
}

/// The files found and read, and the paths that could not be.
#[derive(Debug, Default)]
pub struct Loaded {
    pub files: Vec<SourceFile>,
    pub errors: Vec<ReadError>,
}

/// Finds, reads and parses every file the inputs name.
pub fn load(inputs: &[Input]) -> Loaded {
    let mut loaded = Loaded::default();
    let mut seen = BTreeSet::new();
    for input in inputs {
        match input {
            Input::Stdin => match SourceFile::read_stdin() {
                Ok(f) => loaded.files.push(f),
                Err(e) => loaded.errors.push(e),
            },
            Input::Path(path) => match std::fs::metadata(path) {
                Err(e) => loaded.errors.push(ReadError {
                    path: path.display().to_string(),
                    message: io_message(&e),
                }),
                Ok(meta) if meta.is_dir() => load_directory(path, &mut seen, &mut loaded),
                Ok(_) => load_file(path, &mut seen, &mut loaded),
            },
        }
    }
    loaded
}

fn load_file(path: &Path, seen: &mut BTreeSet<PathBuf>, loaded: &mut Loaded) {
    let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    if !seen.insert(key) {
        return;
    }
    match SourceFile::read(path) {
        Ok(f) => loaded.files.push(f),
        Err(e) => loaded.errors.push(e),
    }
}

fn load_directory(dir: &Path, seen: &mut BTreeSet<PathBuf>, loaded: &mut Loaded) {
    let first_new = loaded.files.len();
    for entry in walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
    {
        match entry {
            Ok(entry) => {
                let is_conf = entry.file_name().to_string_lossy().ends_with(".conf");
                if is_conf && !entry.file_type().is_dir() {
                    load_file(entry.path(), seen, loaded);
                }
            }
            Err(e) => loaded.errors.push(walk_error(dir, &e)),
        }
    }
    // Files named by include globs; they may include further globs.
    // nginx resolves relative includes against its prefix, the folder of
    // nginx.conf; for a checked directory that is the directory itself.
    let prefix = dir;
    let canonical_dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let mut next = first_new;
    while next < loaded.files.len() {
        let patterns = include_globs(&loaded.files[next].tree);
        next += 1;
        for pattern in patterns {
            for path in expand_glob(prefix, &pattern) {
                let inside =
                    std::fs::canonicalize(&path).is_ok_and(|p| p.starts_with(&canonical_dir));
                if inside && path.is_file() {
                    load_file(&path, seen, loaded);
                }
            }
        }
    }
}

fn walk_error(dir: &Path, e: &walkdir::Error) -> ReadError {
    let path = e.path().unwrap_or(dir).display().to_string();
    let message = if e.loop_ancestor().is_some() {
        "symbolic link loop; not followed".to_string()
    } else if let Some(io) = e.io_error() {
        io_message(io)
    } else {
        e.to_string()
    };
    ReadError { path, message }
}

/// The arguments of `include` directives anywhere in the file that contain
/// glob characters.
fn include_globs(tree: &SyntaxTree) -> Vec<String> {
    let mut out = Vec::new();
    collect_include_globs(tree, &tree.root, &mut out);
    out
}

fn collect_include_globs(tree: &SyntaxTree, block: &Block, out: &mut Vec<String>) {
    for d in block_directives(tree, block) {
        if is_glob_include(&d) {
            out.extend(d.arg_value(0));
        }
        if let Some(inner) = d.block() {
            collect_include_globs(tree, inner, out);
        }
    }
}

fn is_glob_include(d: &DirectiveView) -> bool {
    d.name() == "include" && d.arg_value(0).is_some_and(|v| v.contains(['*', '?', '[']))
}

fn expand_glob(prefix: &Path, pattern: &str) -> Vec<PathBuf> {
    let full = prefix.join(pattern);
    let Some(full) = full.to_str() else {
        return Vec::new();
    };
    match glob::glob(full) {
        Ok(paths) => {
            let mut found: Vec<PathBuf> = paths.filter_map(Result::ok).collect();
            found.sort();
            found
        }
        Err(_) => Vec::new(),
    }
}
