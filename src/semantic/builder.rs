//! Building the [`Model`]: each entry point's files walked into scopes,
//! includes spliced in where they are written (and reported where they
//! cannot be followed), levels kept in shared lists rather than lists of
//! their own. Each directive is checked as it is walked ([`super::checks`]).

use super::model::{
    AnalysedEntry, Lists, MAX_INCLUDE_DEPTH, Model, Node, Scope, ScopeId, build_index, slice,
};
use crate::diagnostic::{Diagnostic, FileId, FileSpan, Severity};
use crate::load::files::{EntryPoint, FileSet, IncludeTarget};
use crate::syntax::context::Context;
use crate::syntax::directives::table;
use crate::syntax::version::NginxVersion;
use crate::syntax::{Block, views::block_directives};
use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeSet;

impl<'a> Model<'a> {
    /// Builds the model: every primary entry point, then every other entry
    /// point that no analysed entry reached, checking directives against
    /// nginx's assumed version (see [`Model::build_for`]).
    pub fn build(files: &'a FileSet, entry_points: &[EntryPoint]) -> Self {
        Self::build_for(files, entry_points, NginxVersion::ASSUMED)
    }

    /// [`Model::build`] for a target nginx version: what a later nginx
    /// added (grammar/versions.tsv) is reported where the target rejects it.
    pub fn build_for(
        files: &'a FileSet,
        entry_points: &[EntryPoint],
        version: NginxVersion,
    ) -> Self {
        let mut builder = Builder {
            version,
            files,
            scopes: Vec::new(),
            closed: Lists::default(),
            open: Lists::default(),
            diagnostics: Vec::new(),
            reached: BTreeSet::new(),
            include_stack: Vec::new(),
            entry: 0,
            entry_context: Context::Unknown,
            names: HashMap::default(),
            specs: Vec::new(),
        };
        let mut entries = Vec::new();
        let order = entry_points
            .iter()
            .filter(|e| e.primary)
            .chain(entry_points.iter().filter(|e| !e.primary));
        for point in order {
            if !point.primary && builder.reached.contains(&point.file) {
                continue;
            }
            let context = point.context.unwrap_or_else(|| {
                crate::syntax::top_level::context_of(&files.get(point.file).tree)
            });
            builder.entry = entries.len();
            let scope = builder.build_entry(point, context);
            entries.push(AnalysedEntry {
                point: point.clone(),
                context,
                scope,
            });
        }
        let mut diagnostics = builder.diagnostics;
        diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        diagnostics.dedup_by(|a, b| a.sort_key() == b.sort_key() && a.message == b.message);
        let names = builder.names;
        let shared = builder.closed;
        let scopes: Vec<Scope<'a>> = builder
            .scopes
            .into_iter()
            .map(|level| Scope {
                context: level.context,
                opener: level.opener,
                parent: level.parent,
                by_name: build_index(slice(&shared.name_ids, &level.directives)),
                directives: level.directives,
                children: level.children,
                entry: level.entry,
                unresolved_include: level.unresolved_include,
            })
            .collect();
        let mut upstreams: Vec<HashMap<String, ScopeId>> = vec![HashMap::default(); entries.len()];
        for (id, scope) in scopes.iter().enumerate() {
            if scope.context == Context::Upstream
                && let Some(name) = scope.opener.and_then(|o| o.view.arg_value(0))
            {
                upstreams[scope.entry].entry(name).or_insert(id as ScopeId);
            }
        }
        let mut inherit_switches: Vec<String> = names
            .keys()
            .filter(|n| n.ends_with("_inherit"))
            .cloned()
            .collect();
        inherit_switches.sort();
        Model {
            files,
            entries,
            scopes,
            shared,
            diagnostics,
            upstreams,
            names,
            inherit_switches,
        }
    }
}

/// A level while the model is built. While its block is being walked it
/// is open: its lists are the top of the builder's stack of open lists
/// (levels open inside one another, and only the innermost grows). Once
/// the walk is over it is closed: its lists move to the end of the
/// builder's shared ones, and the level keeps where they are. A fleet's
/// configuration has hundreds of thousands of levels, most with a few
/// directives; lists of their own would cost three allocations each, more
/// than the directives themselves.
pub(super) struct Level<'a> {
    context: Context,
    opener: Option<Node<'a>>,
    parent: Option<ScopeId>,
    entry: usize,
    unresolved_include: Option<FileSpan>,
    /// While open: where its directives and children start in the stack.
    open_at: (u32, u32),
    directives: std::ops::Range<u32>,
    children: std::ops::Range<u32>,
}

pub(super) struct Builder<'a> {
    /// The target nginx version.
    pub(super) version: NginxVersion,
    pub(super) files: &'a FileSet,
    pub(super) scopes: Vec<Level<'a>>,
    /// The lists of every closed level, one after another.
    pub(super) closed: Lists<'a>,
    /// The lists of the open levels, the innermost last; see [`Level`].
    pub(super) open: Lists<'a>,
    pub(super) diagnostics: Vec<Diagnostic>,
    pub(super) reached: BTreeSet<FileId>,
    pub(super) include_stack: Vec<FileId>,
    pub(super) entry: usize,
    /// The context of the entry point's top level.
    pub(super) entry_context: Context,
    pub(super) names: HashMap<String, u32>,
    /// The directive table's declarations of each name, by name id: looked
    /// up once per name rather than once per directive.
    pub(super) specs: Vec<&'static [crate::syntax::directives::DirectiveSpec]>,
}

impl<'a> Builder<'a> {
    fn build_entry(&mut self, point: &EntryPoint, context: Context) -> ScopeId {
        let scope = self.new_scope(context, None, None);
        self.entry_context = context;
        self.reached.insert(point.file);
        self.include_stack.push(point.file);
        let tree = &self.files.get(point.file).tree;
        self.walk_block(point, point.file, &tree.root, scope);
        self.include_stack.pop();
        self.close(scope);
        scope
    }

    /// Moves a level whose walk is over, the innermost open one, from the
    /// top of the open stack to the closed lists.
    fn close(&mut self, scope: ScopeId) {
        let level = &mut self.scopes[scope as usize];
        let (directives_at, children_at) = level.open_at;
        let (start, first_child) = (
            self.closed.directives.len() as u32,
            self.closed.children.len() as u32,
        );
        self.closed
            .append_from(&self.open, directives_at, children_at);
        self.open.truncate(directives_at, children_at);
        level.directives = start..self.closed.directives.len() as u32;
        level.children = first_child..self.closed.children.len() as u32;
    }

    fn new_scope(
        &mut self,
        context: Context,
        opener: Option<Node<'a>>,
        parent: Option<ScopeId>,
    ) -> ScopeId {
        let id = self.scopes.len() as ScopeId;
        // The parent is the innermost open level: its children are on top,
        // and the new level's lists start above them.
        if parent.is_some() {
            self.open.children.push(id);
        }
        self.scopes.push(Level {
            context,
            opener,
            parent,
            entry: self.entry,
            unresolved_include: None,
            open_at: (
                self.open.directives.len() as u32,
                self.open.children.len() as u32,
            ),
            directives: 0..0,
            children: 0..0,
        });
        id
    }

    fn walk_block(&mut self, point: &EntryPoint, file: FileId, block: &'a Block, scope: ScopeId) {
        let tree = &self.files.get(file).tree;
        let context = self.scopes[scope as usize].context;
        for view in block_directives(tree, block) {
            let node = Node { file, view };
            let name = view.name();
            if name.is_empty() {
                continue;
            }
            let id = match self.names.get(name.as_ref()) {
                Some(&id) => id,
                None => {
                    let id = self.names.len() as u32;
                    self.names.insert(name.to_string(), id);
                    self.specs.push(table().lookup(&name));
                    id
                }
            };
            if context.is_checked() {
                self.check_directive(node, &name, self.specs[id as usize], Some(context));
            } else if context == Context::Unknown && self.scopes[scope as usize].parent.is_none() {
                // The top of a file whose context could not be inferred:
                // a known directive still takes the arguments and block
                // the table says, whatever its context.
                self.check_directive(node, &name, self.specs[id as usize], None);
            }
            if name == "include" {
                self.include(point, node, scope);
                continue;
            }
            self.open.directives.push(node);
            self.open.name_ids.push(id);
            if let Some(inner) = view.block() {
                let child_context = if context == Context::Unknown {
                    Context::Unknown
                } else {
                    context.child(&name)
                };
                let child = self.new_scope(child_context, Some(node), Some(scope));
                if child_context != Context::Data {
                    self.walk_block(point, file, inner, child);
                } else if context.is_checked() {
                    self.check_entries(&name, file, inner);
                }
                self.close(child);
            }
        }
    }

    fn include(&mut self, point: &EntryPoint, node: Node<'a>, scope: ScopeId) {
        let Some(pattern) = node.view.arg_value(0) else {
            return;
        };
        let target = self.files.include_target(&point.prefix, &pattern);
        let ids = match target {
            Some(IncludeTarget::Files(ids)) => ids.clone(),
            Some(IncludeTarget::Missing { path, reason }) => {
                if !cannot_hold_proxy_settings(path) {
                    self.mark_unresolved(scope, node);
                }
                // Files nginx ships beside nginx.conf are on every machine
                // that runs it, though a repository seldom holds a copy.
                if ships_with_nginx(path) {
                    return;
                }
                self.diagnostics.push(Diagnostic::new(
                    "E001",
                    "missing-include",
                    Severity::Warning,
                    format!("included file {} cannot be read: {reason}", path.display()),
                    arg_location(node),
                ));
                return;
            }
            None => return,
        };
        self.reserve_for(&ids);
        for id in ids {
            if self.include_stack.contains(&id) || self.include_stack.len() >= MAX_INCLUDE_DEPTH {
                self.mark_unresolved(scope, node);
            }
            if self.include_stack.contains(&id) {
                self.diagnostics.push(Diagnostic::new(
                    "E002",
                    "include-cycle",
                    Severity::Error,
                    format!(
                        "include cycle: {} includes itself again through this include",
                        self.files.get(id).display_name()
                    ),
                    arg_location(node),
                ));
                continue;
            }
            if self.include_stack.len() >= MAX_INCLUDE_DEPTH {
                self.diagnostics.push(Diagnostic::new(
                    "E002",
                    "include-cycle",
                    Severity::Error,
                    format!(
                        "includes nest more than {MAX_INCLUDE_DEPTH} levels deep; not followed"
                    ),
                    arg_location(node),
                ));
                return;
            }
            self.walk_files(point, &[id], scope);
        }
    }

    /// Remembers the first include of `scope` that could not be followed.
    fn mark_unresolved(&mut self, scope: ScopeId, include: Node<'a>) {
        let level = &mut self.scopes[scope as usize];
        if level.unresolved_include.is_none() {
            level.unresolved_include = Some(include.location());
        }
    }

    /// Walks included files into `scope`, in order.
    fn walk_files(&mut self, point: &EntryPoint, ids: &[FileId], scope: ScopeId) {
        for &id in ids {
            self.reached.insert(id);
            self.include_stack.push(id);
            let tree = &self.files.get(id).tree;
            self.walk_block(point, id, &tree.root, scope);
            self.include_stack.pop();
        }
    }

    /// Room for the levels and directives of `ids`, counted from their
    /// trees (an upper bound: comments are items too). A fleet's glob
    /// include holds most of the model, and growing its lists by doubling
    /// copied them several times into fresh memory.
    fn reserve_for(&mut self, ids: &[FileId]) {
        let (mut items, mut blocks) = (0, 0);
        for &id in ids {
            let tree = &self.files.get(id).tree;
            items += tree.items.len();
            blocks += tree.blocks.len();
        }
        self.scopes.reserve(blocks);
        self.closed.directives.reserve(items);
        self.closed.name_ids.reserve(items);
        self.closed.children.reserve(blocks);
    }
}

/// Whether a missing include is one that only holds MIME types, FastCGI
/// parameters or TLS settings (nginx's own files, certbot's
/// `/etc/letsencrypt/options-ssl-nginx.conf`, `ssl-params.conf`), so it
/// cannot hide proxy settings; any other missing file might.
fn cannot_hold_proxy_settings(path: &std::path::Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    (ships_with_nginx(path) && name != "proxy_params")
        || name.contains("ssl")
        || name.contains("tls")
        || path.to_string_lossy().contains("letsencrypt")
}

/// Files that nginx packages install beside nginx.conf; a configuration
/// kept in a repository often includes them without carrying a copy.
fn ships_with_nginx(path: &std::path::Path) -> bool {
    const SHIPPED: &[&str] = &[
        "mime.types",
        "fastcgi_params",
        "fastcgi.conf",
        "scgi_params",
        "uwsgi_params",
        "proxy_params",
        "koi-utf",
        "koi-win",
        "win-utf",
        "fastcgi-php.conf",
        "snakeoil.conf",
    ];
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| SHIPPED.contains(&n))
}

fn arg_location(node: Node) -> FileSpan {
    let span = node
        .view
        .args()
        .next()
        .map_or_else(|| node.view.span(), |a| a.span());
    FileSpan {
        file: node.file,
        span,
    }
}
