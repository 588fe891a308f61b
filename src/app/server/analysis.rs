//! What the server analyses for an open file: the configuration it belongs
//! to, loaded with the editor's unsaved buffers laid over the disk, and
//! the check's findings on it when they are wanted.
//!
//! The configuration a file belongs to is the `nginx.conf` of the nearest
//! folder at or above the file's own whose includes reach the file
//! (followed as the command line follows them), else that of a workspace
//! folder that reaches it. A file nothing includes is checked alone, as
//! the command line checks a single file, with the assumptions of a
//! snippet stated.

use crate::app::check;
use crate::load::files::{Overlay, identity};
use crate::load::source::SourceFile;
use crate::load::{Input, Loaded, load_overlaid};
use crate::report::Outcome;
use crate::rules::RuleSettings;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Which `.wslint.toml` settings were read from, and when it was last
/// changed (and its size): a change, however it is made, is read at the
/// next analysis.
type SettingsSource = Option<(PathBuf, Option<(std::time::SystemTime, u64)>)>;

fn settings_source(root: &Path) -> SettingsSource {
    crate::app::config::discover(root).map(|path| {
        let changed = std::fs::metadata(&path)
            .and_then(|m| Ok((m.modified()?, m.len())))
            .ok();
        (path, changed)
    })
}

/// A loaded configuration, with what checking it needs.
pub(crate) struct Analysis {
    /// The file analysis started from (an `nginx.conf`, or the open file
    /// when it is checked alone).
    pub(crate) root: PathBuf,
    pub(crate) loaded: Loaded,
    pub(crate) settings: RuleSettings,
    /// The buffers it was loaded with.
    pub(crate) buffers: Arc<Overlay>,
}

impl Analysis {
    /// The check's findings. The rules run only when asked: hover,
    /// definitions and the outline need the files alone.
    pub(crate) fn findings(&self) -> Outcome {
        check::analyse(&self.loaded, &self.settings)
    }

    /// The file at `path` (its id and parsed text) and the byte offset of
    /// `position` in it.
    pub(crate) fn place(
        &self,
        path: &Path,
        position: lsp_types::Position,
    ) -> Option<(u32, &SourceFile, u32)> {
        let id = self.loaded.files.id_of(path)?;
        let file = self.loaded.files.get(id);
        let offset = super::positions::Lines::new(&file.tree.source).offset(position);
        Some((id, file, offset))
    }
}

/// The server's view of the files: open buffers, workspace folders, and
/// what it has worked out about them.
pub(crate) struct Workspace {
    pub(crate) folders: Vec<PathBuf>,
    /// Open buffers by path identity.
    pub(crate) buffers: Arc<Overlay>,
    /// The command line's settings (`wslint server --nginx-version …`).
    cli: crate::app::cli::Settings,
    /// The configuration each open file belongs to, by path identity.
    roots: HashMap<PathBuf, PathBuf>,
    /// Settings per root, with the `.wslint.toml` they were read from and
    /// its modification time (resolving them runs `nginx -v`).
    settings: HashMap<PathBuf, (SettingsSource, RuleSettings)>,
}

impl Workspace {
    pub(crate) fn new(cli: crate::app::cli::Settings, folders: Vec<PathBuf>) -> Self {
        Workspace {
            folders,
            buffers: Arc::default(),
            cli,
            roots: HashMap::new(),
            settings: HashMap::new(),
        }
    }

    /// Sets the text of an open buffer.
    pub(crate) fn set_buffer(&mut self, path: &Path, text: Vec<u8>) {
        Arc::make_mut(&mut self.buffers).insert(identity(path), text);
    }

    pub(crate) fn close_buffer(&mut self, path: &Path) {
        Arc::make_mut(&mut self.buffers).remove(&identity(path));
    }

    /// Forgets which configuration files belong to (after a save, includes
    /// may have changed).
    pub(crate) fn forget_roots(&mut self) {
        self.roots.clear();
    }

    /// The configuration `path` belongs to (see the module comment).
    pub(crate) fn root_of(&mut self, path: &Path) -> PathBuf {
        let key = identity(path);
        if let Some(root) = self.roots.get(&key) {
            return root.clone();
        }
        let root = self.find_root(path).unwrap_or_else(|| path.to_path_buf());
        self.roots.insert(key, root.clone());
        root
    }

    fn find_root(&self, path: &Path) -> Option<PathBuf> {
        let absolute = identity(path);
        // Nearest first: the folders above the file, then the workspace
        // folders (whose nginx.conf may include a file kept elsewhere).
        let candidates = absolute
            .ancestors()
            .skip(1)
            .chain(self.folders.iter().map(PathBuf::as_path))
            .map(|folder| identity(&folder.join("nginx.conf")));
        for main in candidates {
            if main == absolute {
                return Some(main);
            }
            if main.is_file() || self.buffers.contains_key(&main) {
                let loaded = load_overlaid(&[Input::Path(main.clone())], self.buffers.clone());
                if loaded.files.id_of(&absolute).is_some() {
                    return Some(main);
                }
            }
        }
        None
    }

    /// The check settings for a root: defaults, the nearest `.wslint.toml`
    /// above it, then the server's command line; an error for a broken
    /// `.wslint.toml`.
    pub(crate) fn settings_for(&mut self, root: &Path) -> Result<RuleSettings, String> {
        let source = settings_source(root);
        if let Some((read_from, settings)) = self.settings.get(root)
            && *read_from == source
        {
            return Ok(settings.clone());
        }
        let inputs = [Input::Path(root.to_path_buf())];
        let settings = crate::app::config::resolve(&self.cli, &inputs)
            .map(|(s, _)| s)
            .map_err(|e| e.to_string())?;
        self.settings
            .insert(root.to_path_buf(), (source, settings.clone()));
        Ok(settings)
    }

    /// Loads the configuration at `root` with the open buffers over the
    /// disk, with its settings.
    pub(crate) fn load(&mut self, root: &Path) -> Result<Analysis, String> {
        let settings = self.settings_for(root)?;
        let loaded = load_overlaid(&[Input::Path(root.to_path_buf())], self.buffers.clone());
        Ok(Analysis {
            root: root.to_path_buf(),
            loaded,
            settings,
            buffers: self.buffers.clone(),
        })
    }
}
