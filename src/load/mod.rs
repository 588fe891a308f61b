//! Loading: turns the PATH arguments into the files of a run and the entry
//! points analysis starts from, reading and parsing each file once
//! ([`source`]), following `include`s ([`files`]) and splitting `nginx -T`
//! output back into files ([`dump`]).
//!
//! - A file argument is an entry point (its includes resolve against its
//!   folder). An `nginx -T` dump, as a file or on stdin, becomes the virtual
//!   files it holds, with the first one as the entry point.
//! - `-` is standard input.
//! - A directory with `nginx.conf` gives every `*.conf` file below it
//!   (sorted, symlinks followed, loops reported); one without gives every
//!   file nginx would read as configuration, whatever its name
//!   (`config_files`). Its `nginx.conf`, and any file whose top level is
//!   the main context, is a main entry point whose includes resolve
//!   against its own folder; the other files are analysed on their own,
//!   with includes taken from the prefix (the directory, or its parent
//!   when that holds nginx.conf), only when nothing reaches them.
//! - A file's includes resolve against its folder, or the folder above it
//!   when that holds nginx.conf (`sites-enabled/app`).

use crate::syntax::Context;
use crate::syntax::top_level::context_of;
use config_files::{SkipReason, skipped_by_content, skipped_by_name};
use files::{Backing, EntryPoint, FileSet, normalize};
use source::{ReadError, STDIN_NAME, SourceFile, io_message, read_regular_file};
use std::path::{Path, PathBuf};

mod config_files;
pub(crate) mod dump;
pub mod files;
pub mod source;

/// One PATH argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Stdin,
    Path(PathBuf),
}

impl Input {
    pub(crate) fn from_arg(arg: &Path) -> Self {
        if arg == Path::new("-") {
            Input::Stdin
        } else {
            Input::Path(arg.to_path_buf())
        }
    }
}

/// The files of a run, where analysis starts, and what could not be read.
#[derive(Debug)]
pub struct Loaded {
    pub files: FileSet,
    pub entries: Vec<EntryPoint>,
    pub errors: Vec<ReadError>,
    /// Files found in a directory argument that are not checked, and why.
    pub skipped: Vec<(PathBuf, SkipReason)>,
    /// Standard input as read, when it was an `nginx -T` dump (split into
    /// files, it cannot be written back; `--fix -` prints it unchanged).
    pub stdin_dump: Option<Vec<u8>>,
}

/// Finds, reads and parses every file the inputs name, then every file
/// their includes reach.
pub fn load(inputs: &[Input]) -> Loaded {
    load_overlaid(inputs, std::sync::Arc::default())
}

/// [`load`], reading the buffers of `overlay` instead of the files on disk
/// at their paths (an editor's unsaved files).
pub fn load_overlaid(inputs: &[Input], overlay: std::sync::Arc<files::Overlay>) -> Loaded {
    let mut raw: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    let mut errors = Vec::new();
    let mut files = FileSet::new(Backing::Disk).with_overlay(overlay);
    let mut entries = Vec::new();
    let mut skipped = Vec::new();

    for input in inputs {
        match input {
            Input::Stdin => match crate::load::source::read_stdin_bounded() {
                Ok(bytes) => raw.push((PathBuf::from(STDIN_NAME), bytes)),
                Err(e) => errors.push(e),
            },
            Input::Path(path) if let Some(bytes) = files.overlaid(path) => {
                raw.push((path.clone(), bytes.to_vec()))
            }
            Input::Path(path) => match std::fs::metadata(path) {
                Err(e) => errors.push(ReadError {
                    path: path.display().to_string(),
                    message: io_message(&e),
                }),
                Ok(meta) if meta.is_dir() => {
                    load_directory(path, &mut files, &mut entries, &mut errors, &mut skipped)
                }
                Ok(_) => match read_regular_file(path) {
                    Ok(bytes) => raw.push((path.clone(), bytes)),
                    Err(e) => errors.push(e),
                },
            },
        }
    }

    // Single files and stdin: a dump replaces everything with its files.
    for (path, bytes) in raw {
        if dump::is_dump(&bytes) {
            if inputs.len() > 1 {
                errors.push(ReadError {
                    path: path.display().to_string(),
                    message: "an nginx -T dump must be checked on its own".into(),
                });
                continue;
            }
            let from_stdin = path == Path::new(STDIN_NAME);
            let mut loaded = load_dump(&bytes);
            if from_stdin {
                loaded.stdin_dump = Some(bytes);
            }
            return loaded;
        }
        let prefix = conf_prefix(&folder_of(&path));
        let id = files.add(SourceFile::from_bytes(path, bytes));
        entries.push(EntryPoint {
            file: id,
            prefix,
            primary: true,
            context: None,
        });
    }
    files.resolve_includes(&entries);
    errors.append(&mut files.read_errors);
    // Files an include reached are read after all.
    skipped.retain(|(path, _)| files.id_of(path).is_none());
    Loaded {
        files,
        entries,
        errors,
        skipped,
        stdin_dump: None,
    }
}

fn folder_of(path: &Path) -> PathBuf {
    if path == Path::new(STDIN_NAME) {
        return PathBuf::from(".");
    }
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn load_dump(bytes: &[u8]) -> Loaded {
    let mut files = FileSet::new(Backing::Virtual);
    let mut entries = Vec::new();
    for (i, (path, contents)) in dump::split(bytes).into_iter().enumerate() {
        let path = PathBuf::from(path);
        let prefix = folder_of(&normalize(&path));
        let id = files.add(SourceFile::from_bytes(path, contents));
        entries.push(EntryPoint {
            file: id,
            prefix,
            primary: i == 0,
            context: None,
        });
    }
    // Includes resolve against the main file's folder, as nginx did.
    if let Some(main_prefix) = entries.first().map(|e| e.prefix.clone()) {
        for e in &mut entries {
            e.prefix = main_prefix.clone();
        }
    }
    files.resolve_includes(&entries);
    Loaded {
        files,
        entries,
        errors: Vec::new(),
        skipped: Vec::new(),
        stdin_dump: None,
    }
}

fn load_directory(
    dir: &Path,
    files: &mut FileSet,
    entries: &mut Vec<EntryPoint>,
    errors: &mut Vec<ReadError>,
    skipped: &mut Vec<(PathBuf, SkipReason)>,
) {
    let main = dir.join("nginx.conf");
    let has_main = main.is_file();
    let snippet_prefix = conf_prefix(dir);
    let mut found = Vec::new();
    let errors_before = errors.len();
    let skipped_before = skipped.len();
    // Hidden files and folders (`.git`) are not configuration: nginx's
    // own globs (`sites-enabled/*`) do not match them either.
    let walk = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walk {
        match entry {
            Ok(entry) if entry.file_type().is_dir() => {}
            Ok(entry) => {
                let path = entry.into_path();
                let named_conf = path.extension().is_some_and(|e| e == "conf");
                if has_main && !named_conf {
                    // nginx.conf's includes decide; reached files are read
                    // and taken off this list once includes are followed.
                    skipped.push((
                        path,
                        "not a *.conf file, and nginx.conf does not include it",
                    ));
                } else if let Some(reason) = skipped_by_name(&path) {
                    skipped.push((path, reason));
                } else {
                    found.push(path);
                }
            }
            Err(e) => errors.push(walk_error(dir, &e)),
        }
    }
    // nginx.conf first, so it is the main entry point.
    found.sort_by_key(|p| *p != main);
    let read = read_all(&found);
    let mut checked = 0;
    for (path, result) in found.into_iter().zip(read) {
        match result {
            Ok((file, _)) if let Some(reason) = skipped_by_content(&file) => {
                skipped.push((path, reason));
            }
            Ok((file, context)) => {
                checked += 1;
                let id = files.add(file);
                // A whole configuration (nginx.conf, or any file whose top
                // level is the main context) resolves its includes against
                // its own folder, as nginx does with `-c`; other files are
                // snippets whose includes are taken from the prefix the
                // directory belongs to.
                let is_main = path == main || context == Context::Main;
                let prefix = if is_main {
                    folder_of(&path)
                } else {
                    snippet_prefix.clone()
                };
                entries.push(EntryPoint {
                    file: id,
                    prefix,
                    primary: is_main,
                    // Inferred once here; the model uses it as given.
                    context: Some(context),
                });
            }
            Err(e) => errors.push(e),
        }
    }
    if checked == 0 && errors.len() == errors_before {
        let skipped_here = skipped.len() - skipped_before;
        let why = if skipped_here == 0 {
            "the directory holds no files".to_string()
        } else {
            format!(
                "{skipped_here} file{} skipped as not configuration; -v lists them",
                if skipped_here == 1 { "" } else { "s" }
            )
        };
        errors.push(ReadError {
            path: dir.display().to_string(),
            message: format!("no nginx configuration found ({why})"),
        });
    }
}

/// The folder nginx would take as the prefix for a file or folder in
/// `folder`: `folder` itself when it holds nginx.conf, else its parent
/// when that does (`sites-enabled/`, `conf.d/` and `snippets/` beside
/// nginx.conf), else `folder`.
fn conf_prefix(folder: &Path) -> PathBuf {
    let holds_main = |dir: &Path| dir.join("nginx.conf").is_file();
    if holds_main(folder) {
        return folder.to_path_buf();
    }
    match folder.parent() {
        Some(parent) if !parent.as_os_str().is_empty() && holds_main(parent) => {
            parent.to_path_buf()
        }
        Some(_) if holds_main(&folder.join("..")) => folder.join(".."),
        _ => folder.to_path_buf(),
    }
}

/// A file read and parsed, with the context its top level suggests.
type ReadResult = Result<(SourceFile, Context), ReadError>;

/// Reads and parses files on every core (files parse independently), in
/// the order given, each with the context its top level suggests.
fn read_all(paths: &[PathBuf]) -> Vec<ReadResult> {
    use rayon::prelude::*;
    paths
        .par_iter()
        .map(|path| {
            SourceFile::read(path).map(|file| {
                let context = context_of(&file.tree);
                (file, context)
            })
        })
        .collect()
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
