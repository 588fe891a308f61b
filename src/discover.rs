//! Turns the PATH arguments into the files of a run and the entry points
//! analysis starts from, reading and parsing each file once.
//!
//! - A file argument is an entry point (its includes resolve against its
//!   folder). An `nginx -T` dump, as a file or on stdin, becomes the virtual
//!   files it holds, with the first one as the entry point.
//! - `-` is standard input.
//! - A directory gives every `*.conf` file below it (sorted, symlinks
//!   followed, loops reported). Its `nginx.conf`, and any file whose top
//!   level is the main context, is a main entry point whose includes resolve
//!   against its own folder; the other files are analysed on their own, with
//!   includes taken from the directory, only when nothing reaches them.

use crate::semantic::Context;
use crate::semantic::dump;
use crate::semantic::files::{Backing, EntryPoint, FileSet, normalize};
use crate::semantic::model::context_of;
use crate::source::{ReadError, STDIN_NAME, SourceFile, io_message, read_regular_file};
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

/// The files of a run, where analysis starts, and what could not be read.
#[derive(Debug)]
pub struct Loaded {
    pub files: FileSet,
    pub entries: Vec<EntryPoint>,
    pub errors: Vec<ReadError>,
}

/// Finds, reads and parses every file the inputs name, then every file
/// their includes reach.
pub fn load(inputs: &[Input]) -> Loaded {
    let mut raw: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    let mut errors = Vec::new();
    let mut files = FileSet::new(Backing::Disk);
    let mut entries = Vec::new();

    for input in inputs {
        match input {
            Input::Stdin => {
                let mut bytes = Vec::new();
                match std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes) {
                    Ok(_) => raw.push((PathBuf::from(STDIN_NAME), bytes)),
                    Err(e) => errors.push(ReadError {
                        path: STDIN_NAME.into(),
                        message: io_message(&e),
                    }),
                }
            }
            Input::Path(path) => match std::fs::metadata(path) {
                Err(e) => errors.push(ReadError {
                    path: path.display().to_string(),
                    message: io_message(&e),
                }),
                Ok(meta) if meta.is_dir() => {
                    load_directory(path, &mut files, &mut entries, &mut errors)
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
            return load_dump(bytes);
        }
        let prefix = folder_of(&path);
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
    Loaded {
        files,
        entries,
        errors,
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

fn load_dump(bytes: Vec<u8>) -> Loaded {
    let mut files = FileSet::new(Backing::Virtual);
    let mut entries = Vec::new();
    for (i, (path, contents)) in dump::split(&bytes).into_iter().enumerate() {
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
    }
}

fn load_directory(
    dir: &Path,
    files: &mut FileSet,
    entries: &mut Vec<EntryPoint>,
    errors: &mut Vec<ReadError>,
) {
    let main = dir.join("nginx.conf");
    let mut found = Vec::new();
    for entry in walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
    {
        match entry {
            Ok(entry) => {
                let is_conf = entry.file_name().to_string_lossy().ends_with(".conf");
                if is_conf && !entry.file_type().is_dir() {
                    found.push(entry.into_path());
                }
            }
            Err(e) => errors.push(walk_error(dir, &e)),
        }
    }
    // nginx.conf first, so it is the main entry point.
    found.sort_by_key(|p| *p != main);
    let read = read_all(&found);
    for (path, result) in found.into_iter().zip(read) {
        match result {
            Ok((file, context)) => {
                let id = files.add(file);
                // A whole configuration (nginx.conf, or any file whose top
                // level is the main context) resolves its includes against
                // its own folder, as nginx does with `-c`; other files are
                // snippets whose includes are taken from the directory.
                let is_main = path == main || context == Context::Main;
                let prefix = if is_main {
                    folder_of(&path)
                } else {
                    dir.to_path_buf()
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
}

/// A file read and parsed, with the context its top level suggests.
type ReadResult = Result<(SourceFile, Context), ReadError>;

/// Reads and parses files on every core (files parse independently), in
/// the order given, each with the context its top level suggests.
fn read_all(paths: &[PathBuf]) -> Vec<ReadResult> {
    let read_one = |path: &PathBuf| {
        SourceFile::read(path).map(|file| {
            let context = context_of(&file.tree);
            (file, context)
        })
    };
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    if workers < 2 || paths.len() < 8 {
        return paths.iter().map(read_one).collect();
    }
    // Workers take the next unread file, so one large file does not leave
    // the other cores idle; results go back in the order of `paths`.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let work = || {
        let mut read = Vec::new();
        loop {
            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(path) = paths.get(i) else {
                return read;
            };
            read.push((i, read_one(path)));
        }
    };
    let mut read: Vec<(usize, ReadResult)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (1..workers).map(|_| scope.spawn(work)).collect();
        let mut read = work();
        for handle in handles {
            read.extend(
                handle
                    .join()
                    .unwrap_or_else(|e| std::panic::resume_unwind(e)),
            );
        }
        read
    });
    read.sort_unstable_by_key(|(i, _)| *i);
    read.into_iter().map(|(_, file)| file).collect()
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
