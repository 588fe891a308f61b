//! The files of a run and how `include` finds them.
//!
//! A [`FileSet`] holds every file the run reads, each with a [`FileId`]. It is
//! either backed by the disk or *virtual* (the files of an `nginx -T` dump,
//! looked up by the paths the dump names). [`FileSet::resolve_includes`]
//! follows the `include` directives of the entry points the way nginx does:
//! relative paths against the prefix (the folder of the main configuration),
//! globs expanded in sorted order, a glob matching nothing is fine, a missing
//! plain file is not. Every resolution is remembered, so the model later sees
//! exactly the same files without touching the disk again.

use crate::diagnostic::FileId;
use crate::load::source::{ReadError, SourceFile};
use std::collections::{HashMap, VecDeque};
use std::path::{Component, Path, PathBuf};

/// Where the files come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backing {
    Disk,
    /// Only the files already in the set exist (an `nginx -T` dump).
    Virtual,
}

/// What one `include` argument resolved to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum IncludeTarget {
    Files(Vec<FileId>),
    /// A plain path that does not exist or cannot be read.
    Missing {
        path: PathBuf,
        reason: String,
    },
}

/// A place where analysis starts: a main configuration, a file given on the
/// command line, or a file nothing else includes.
#[derive(Debug, Clone)]
pub struct EntryPoint {
    pub file: FileId,
    /// The folder relative includes are resolved against.
    pub prefix: PathBuf,
    /// Analysed even when another entry point reaches it (nginx.conf, a file
    /// named on the command line); otherwise only when nothing reaches it.
    pub primary: bool,
    /// The context of its top level, when known; else it is inferred.
    pub context: Option<crate::syntax::Context>,
}

/// Unsaved editor buffers, by the identity of their path (see
/// [`identity`]): read instead of the files on disk.
pub type Overlay = HashMap<PathBuf, Vec<u8>>;

/// The identity of a path on disk: canonical (so symlinks and `./`
/// spellings meet), or lexically normalised when it does not exist.
pub fn identity(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| normalize(path))
}

/// All files of a run.
#[derive(Debug)]
pub struct FileSet {
    pub files: Vec<SourceFile>,
    pub(crate) backing: Backing,
    by_path: HashMap<PathBuf, FileId>,
    includes: HashMap<(PathBuf, String), IncludeTarget>,
    /// Files that could not be read while following includes.
    pub(crate) read_errors: Vec<ReadError>,
    /// Buffers read instead of the disk (an editor's unsaved files).
    overlay: std::sync::Arc<Overlay>,
}

impl FileSet {
    pub fn new(backing: Backing) -> Self {
        FileSet {
            files: Vec::new(),
            backing,
            by_path: HashMap::new(),
            includes: HashMap::new(),
            read_errors: Vec::new(),
            overlay: Default::default(),
        }
    }

    /// Reads `overlay`'s buffers instead of the files on disk at their paths.
    pub(crate) fn with_overlay(mut self, overlay: std::sync::Arc<Overlay>) -> Self {
        self.overlay = overlay;
        self
    }

    /// The buffer standing in for `path`, if any.
    pub(crate) fn overlaid(&self, path: &Path) -> Option<&[u8]> {
        if self.overlay.is_empty() {
            return None;
        }
        self.overlay.get(&identity(path)).map(Vec::as_slice)
    }

    /// Reads and parses `path`: its buffer when one stands in for it, else
    /// the file on disk.
    fn read(&self, path: &Path) -> Result<SourceFile, ReadError> {
        match self.overlaid(path) {
            Some(bytes) => Ok(SourceFile::from_bytes(path, bytes.to_vec())),
            None => SourceFile::read(path),
        }
    }

    /// Adds a parsed file (or returns the id it already has).
    pub fn add(&mut self, file: SourceFile) -> FileId {
        let key = self.key(&file.path);
        if let Some(&id) = self.by_path.get(&key) {
            return id;
        }
        let id = self.files.len() as FileId;
        self.by_path.insert(key, id);
        self.files.push(file);
        id
    }

    /// Replaces a file's bytes (after fixing) and parses them again.
    pub(crate) fn replace(&mut self, id: FileId, bytes: Vec<u8>) {
        let path = self.files[id as usize].path.clone();
        self.files[id as usize] = SourceFile::from_bytes(path, bytes);
    }

    /// The id of the file at `path`, if the set holds it.
    pub(crate) fn id_of(&self, path: &Path) -> Option<FileId> {
        self.by_path.get(&self.key(path)).copied()
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id as usize]
    }

    /// The identity of a path: canonical on disk (so symlinks and `./`
    /// spellings meet), lexically normalised in a virtual set.
    fn key(&self, path: &Path) -> PathBuf {
        match self.backing {
            Backing::Disk => identity(path),
            Backing::Virtual => normalize(path),
        }
    }

    /// The remembered resolution of an include argument.
    pub(crate) fn include_target(&self, prefix: &Path, pattern: &str) -> Option<&IncludeTarget> {
        self.includes
            .get(&(prefix.to_path_buf(), pattern.to_string()))
    }

    /// Follows includes from the entry points, reading every file they reach.
    pub(crate) fn resolve_includes(&mut self, entries: &[EntryPoint]) {
        for entry in entries {
            let mut queue = VecDeque::from([entry.file]);
            let mut visited = std::collections::HashSet::new();
            while let Some(file) = queue.pop_front() {
                if !visited.insert(file) {
                    continue;
                }
                for pattern in self.get(file).includes.clone() {
                    let target = self.resolve(&entry.prefix, &pattern);
                    if let IncludeTarget::Files(ids) = &target {
                        queue.extend(ids.iter().copied());
                    }
                    self.includes
                        .insert((entry.prefix.clone(), pattern), target);
                }
            }
        }
    }

    fn resolve(&mut self, prefix: &Path, pattern: &str) -> IncludeTarget {
        let key = (prefix.to_path_buf(), pattern.to_string());
        if let Some(done) = self.includes.get(&key) {
            return done.clone();
        }
        let is_glob = pattern.contains(['*', '?', '[']);
        if self.backing == Backing::Virtual {
            return self.resolve_virtual(&self.locate_virtual(prefix, Path::new(pattern)), is_glob);
        }
        let live = is_live(prefix);
        let path = match locate(prefix, Path::new(pattern), live) {
            Ok(path) => path,
            Err(reason) => {
                return IncludeTarget::Missing {
                    path: PathBuf::from(pattern),
                    reason,
                };
            }
        };
        // A relative path is shown resolved, an absolute one as written.
        let shown = if Path::new(pattern).is_relative() {
            path.clone()
        } else {
            PathBuf::from(pattern)
        };
        let mapped = |reason: String| {
            if path == Path::new(pattern) || Path::new(pattern).is_relative() {
                reason
            } else {
                format!(
                    "{reason} (looked for it in the checked tree as {})",
                    path.display()
                )
            }
        };
        if is_glob {
            // A glob that matches nothing is fine for nginx; one whose
            // folder is not in a checked tree cannot be followed.
            if !live && !glob_folder(&path).is_dir() {
                return IncludeTarget::Missing {
                    path: shown,
                    reason: mapped("no such directory".into()),
                };
            }
            let mut ids = Vec::new();
            for found in expand_glob(&path) {
                if found.is_dir() {
                    continue;
                }
                if let Some(id) = self.load(&found) {
                    ids.push(id);
                }
            }
            return IncludeTarget::Files(ids);
        }
        match self.read(&path) {
            Ok(file) => IncludeTarget::Files(vec![self.add(file)]),
            Err(e) => IncludeTarget::Missing {
                path: shown,
                reason: mapped(e.message),
            },
        }
    }

    fn load(&mut self, path: &Path) -> Option<FileId> {
        if let Some(&id) = self.by_path.get(&self.key(path)) {
            return Some(id);
        }
        match self.read(path) {
            Ok(file) => Some(self.add(file)),
            Err(e) => {
                self.read_errors.push(e);
                None
            }
        }
    }

    fn resolve_virtual(&self, path: &Path, is_glob: bool) -> IncludeTarget {
        let wanted = normalize(path);
        if is_glob {
            let Ok(pattern) = glob::Pattern::new(&wanted.to_string_lossy()) else {
                return IncludeTarget::Files(Vec::new());
            };
            let mut found: Vec<(&PathBuf, FileId)> = self
                .by_path
                .iter()
                .filter(|(p, _)| pattern.matches_path_with(p, NGINX_GLOB))
                .map(|(p, id)| (p, *id))
                .collect();
            found.sort();
            return IncludeTarget::Files(found.into_iter().map(|(_, id)| id).collect());
        }
        match self.by_path.get(&wanted) {
            Some(&id) => IncludeTarget::Files(vec![id]),
            None => IncludeTarget::Missing {
                path: path.to_path_buf(),
                reason: "not in the configuration dump".into(),
            },
        }
    }

    /// Where an include argument points in an `nginx -T` dump: relative
    /// paths from the prefix, absolute ones as they are.
    fn locate_virtual(&self, prefix: &Path, pattern: &Path) -> PathBuf {
        if pattern.is_relative() {
            prefix.join(pattern)
        } else {
            pattern.to_path_buf()
        }
    }
}

/// Folders nginx is commonly installed with as its prefix (`--conf-path`'s
/// folder): an absolute include below one of them, in a checked tree,
/// means the same place in the tree.
const LIVE_PREFIXES: &[&str] = &[
    "/etc/nginx",
    "/usr/local/nginx/conf",
    "/usr/local/etc/nginx",
    "/opt/homebrew/etc/nginx",
    "/etc/openresty",
    "/usr/local/openresty/nginx/conf",
    "/opt/nginx/conf",
];

/// Whether the prefix is a live configuration (the machine's `/etc/nginx`
/// or another installed prefix): its absolute includes are read as they
/// are. Any other tree is a copy (a repository, a checkout), checked as
/// itself on every machine.
fn is_live(prefix: &Path) -> bool {
    let Ok(real) = std::fs::canonicalize(prefix) else {
        return false;
    };
    LIVE_PREFIXES.iter().any(|p| real.starts_with(p))
}

/// Where an include argument points. Relative paths are taken from the
/// prefix. In a live configuration absolute paths are what they say; in a
/// checked tree they never leave it: a path below an installed prefix
/// (`/etc/nginx/sites-enabled/*`) is taken from the tree's prefix, as is
/// one whose tail the tree holds (a tree that keeps `sites-enabled/` at its
/// top, included as `/srv/conf/sites-enabled/*`); any other absolute path
/// is outside the tree, and not read.
fn locate(prefix: &Path, pattern: &Path, live: bool) -> Result<PathBuf, String> {
    if pattern.is_relative() {
        return Ok(prefix.join(pattern));
    }
    if live || pattern.starts_with(prefix) {
        return Ok(pattern.to_path_buf());
    }
    for installed in LIVE_PREFIXES {
        if let Ok(rest) = pattern.strip_prefix(installed) {
            return Ok(prefix.join(rest));
        }
    }
    let parts: Vec<Component> = pattern.components().skip(1).collect();
    for skip in 0..parts.len().saturating_sub(1) {
        let tail: PathBuf = parts[skip..].iter().collect();
        if prefix.join(parts[skip]).exists() && !tail.as_os_str().is_empty() {
            return Ok(prefix.join(tail));
        }
    }
    // The tree as the user named it, so the message does not depend on
    // where the checkout happens to live.
    let tree = if prefix.as_os_str().is_empty() || prefix == Path::new(".") {
        "the current folder".to_string()
    } else {
        prefix.display().to_string()
    };
    Err(format!(
        "it is outside the checked tree ({}), which is checked as itself: nothing outside it is read",
        tree
    ))
}

/// The folder a glob's matches are in: its path up to the first part with
/// a wildcard.
fn glob_folder(path: &Path) -> PathBuf {
    path.components()
        .take_while(|c| !c.as_os_str().to_string_lossy().contains(['*', '?', '[']))
        .collect()
}

/// Where an include argument points when the configuration is a copy
/// checked as itself (see `locate`), whatever the machine has; `None` for
/// an absolute path outside it.
pub(crate) fn in_tree(prefix: &Path, pattern: &str) -> Option<PathBuf> {
    locate(prefix, Path::new(pattern), false).ok()
}

/// How nginx's `include` matches (the C library's glob with no flags): a
/// wildcard does not match a name's leading dot, so `sites-enabled/*` does
/// not read `.app.orig`; case matters.
const NGINX_GLOB: glob::MatchOptions = glob::MatchOptions {
    case_sensitive: true,
    require_literal_separator: true,
    require_literal_leading_dot: true,
};

fn expand_glob(path: &Path) -> Vec<PathBuf> {
    let Some(text) = path.to_str() else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = match glob::glob_with(text, NGINX_GLOB) {
        Ok(paths) => paths.filter_map(Result::ok).collect(),
        Err(_) => Vec::new(),
    };
    found.sort();
    found
}

/// Removes `.` and resolves `..` lexically.
pub(crate) fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}
