//! The configuration as nginx sees it: a tree of scopes (main, http, server,
//! location, `if`, upstream, …) with includes spliced in, built from each
//! entry point. Each scope lists its directives in order, each pointing back
//! into the file that holds its text. While building, the directive table
//! checks every directive's context, argument count and block, and include
//! problems (missing files, cycles) are reported at the `include`.
//!
//! A file included from several places is analysed in each place; the
//! diagnostics are deduplicated by place, so each is reported once.

use super::context::Context;
use super::directives::table;
use super::files::{EntryPoint, FileSet, IncludeTarget};
use crate::diagnostic::{Diagnostic, FileId, FileSpan, Severity};
use crate::syntax::{Block, DirectiveEnd, DirectiveView, views::block_directives};
use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeSet;

/// Index of a scope in [`Model::scopes`].
pub type ScopeId = u32;

/// How deep includes may nest before the model stops following them.
pub const MAX_INCLUDE_DEPTH: usize = 64;

/// A directive and the file it is written in.
#[derive(Clone, Copy)]
pub struct Node<'a> {
    pub file: FileId,
    pub view: DirectiveView<'a>,
}

impl<'a> Node<'a> {
    pub fn name(&self) -> std::borrow::Cow<'a, str> {
        self.view.name()
    }

    /// The place of the whole directive.
    pub fn location(&self) -> FileSpan {
        FileSpan {
            file: self.file,
            span: self.view.span(),
        }
    }

    /// The unquoted argument values.
    pub fn args(&self) -> Vec<String> {
        self.view.args().map(|a| a.value_string()).collect()
    }
}

impl std::fmt::Debug for Node<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {:?} @{}:{:?}",
            self.name(),
            self.args(),
            self.file,
            self.view.span()
        )
    }
}

/// One configuration level.
#[derive(Debug)]
pub struct Scope<'a> {
    pub context: Context,
    /// The block directive that opens it (none for an entry point's top).
    pub opener: Option<Node<'a>>,
    pub parent: Option<ScopeId>,
    /// The directives of this level in order, with included files spliced
    /// in (the `include` directives themselves are not listed).
    pub directives: Vec<Node<'a>>,
    /// The scopes opened by block directives of this level, in order.
    pub children: Vec<ScopeId>,
    /// The entry point this scope belongs to (index in [`Model::entries`]).
    pub entry: usize,
    /// An `include` here could not be followed (missing file, cycle), so
    /// the scope may hold directives the model does not see.
    pub unresolved_include: bool,
    /// The interned name of each directive (see [`Model::name_id`]), in
    /// the order of `directives`.
    pub(crate) name_ids: Vec<u32>,
    /// For scopes with many directives (an http block holding thousands of
    /// servers): positions in `directives` by name id, so lookups that walk
    /// up to this level stay cheap.
    by_name: Option<Box<HashMap<u32, Vec<u32>>>>,
}

/// The directives of one level with one name: read from the level's index,
/// or found by comparing interned ids. An enum rather than a boxed iterator:
/// lookups run millions of times, and each box would be an allocation.
pub enum Named<'s, 'a> {
    Indexed {
        positions: std::slice::Iter<'s, u32>,
        directives: &'s [Node<'a>],
    },
    Scan {
        pairs: std::iter::Zip<std::slice::Iter<'s, u32>, std::slice::Iter<'s, Node<'a>>>,
        id: u32,
    },
    Empty,
}

impl<'a> Iterator for Named<'_, 'a> {
    type Item = Node<'a>;

    fn next(&mut self) -> Option<Node<'a>> {
        match self {
            Named::Indexed {
                positions,
                directives,
            } => positions.next().map(|&i| directives[i as usize]),
            Named::Scan { pairs, id } => pairs.find(|(n, _)| **n == *id).map(|(_, node)| *node),
            Named::Empty => None,
        }
    }
}

impl DoubleEndedIterator for Named<'_, '_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        match self {
            Named::Indexed {
                positions,
                directives,
            } => positions.next_back().map(|&i| directives[i as usize]),
            Named::Scan { pairs, id } => pairs.rfind(|(n, _)| **n == *id).map(|(_, node)| *node),
            Named::Empty => None,
        }
    }
}

/// Scopes with more directives than this get a name index.
const INDEX_THRESHOLD: usize = 32;

impl<'a> Scope<'a> {
    /// The directives of this level whose interned name is `id`, in order.
    fn named_id(&self, id: u32) -> Named<'_, 'a> {
        match &self.by_name {
            Some(index) => Named::Indexed {
                positions: index.get(&id).map_or(&[][..], Vec::as_slice).iter(),
                directives: &self.directives,
            },
            None => Named::Scan {
                pairs: self.name_ids.iter().zip(&self.directives),
                id,
            },
        }
    }

    fn build_index(&mut self) {
        if self.directives.len() <= INDEX_THRESHOLD {
            return;
        }
        let mut index: HashMap<u32, Vec<u32>> = HashMap::default();
        for (i, id) in self.name_ids.iter().enumerate() {
            index.entry(*id).or_default().push(i as u32);
        }
        self.by_name = Some(Box::new(index));
    }
}

/// The analysed configuration of a run.
pub struct Model<'a> {
    pub files: &'a FileSet,
    pub entries: Vec<AnalysedEntry>,
    pub scopes: Vec<Scope<'a>>,
    pub diagnostics: Vec<Diagnostic>,
    /// `upstream` blocks by name, one map per entry point (so a lookup
    /// borrows the name instead of building a key).
    upstreams: Vec<HashMap<String, ScopeId>>,
    /// Directive names, interned: comparing ids is what makes walking up
    /// the levels for every lookup cheap.
    names: HashMap<String, u32>,
}

/// An entry point that was analysed, with its top scope.
#[derive(Debug, Clone)]
pub struct AnalysedEntry {
    pub point: EntryPoint,
    pub context: Context,
    pub scope: ScopeId,
}

impl<'a> Model<'a> {
    /// Builds the model: every primary entry point, then every other entry
    /// point that no analysed entry reached.
    pub fn build(files: &'a FileSet, entry_points: &[EntryPoint]) -> Self {
        let mut builder = Builder {
            files,
            scopes: Vec::new(),
            diagnostics: Vec::new(),
            reached: BTreeSet::new(),
            include_stack: Vec::new(),
            entry: 0,
            entry_scope: 0,
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
            let context = point
                .context
                .unwrap_or_else(|| infer_context(files, point.file));
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
        let mut scopes = builder.scopes;
        let mut upstreams: Vec<HashMap<String, ScopeId>> = vec![HashMap::default(); entries.len()];
        for (id, scope) in scopes.iter_mut().enumerate() {
            scope.build_index();
            if scope.context == Context::Upstream
                && let Some(name) = scope.opener.and_then(|o| o.view.arg_value(0))
            {
                upstreams[scope.entry].entry(name).or_insert(id as ScopeId);
            }
        }
        Model {
            files,
            entries,
            scopes,
            diagnostics,
            upstreams,
            names,
        }
    }

    /// The directives named `name` written directly in `scope`.
    pub fn named(&self, scope: ScopeId, name: &str) -> Named<'_, 'a> {
        match self.names.get(name) {
            Some(&id) => self.scope(scope).named_id(id),
            None => Named::Empty,
        }
    }

    /// The interned id of a directive name; `None` when no directive of
    /// the model has that name.
    pub(crate) fn name_id(&self, name: &str) -> Option<u32> {
        self.names.get(name).copied()
    }

    /// [`Model::named`] by interned id: for lookups that visit several
    /// levels, so the name is hashed once.
    pub(crate) fn named_by_id(&self, scope: ScopeId, id: u32) -> Named<'_, 'a> {
        self.scope(scope).named_id(id)
    }

    /// The interned ids of the names that `wanted` accepts.
    pub(crate) fn name_ids_where(&self, wanted: impl Fn(&str) -> bool) -> Vec<u32> {
        self.names
            .iter()
            .filter(|(name, _)| wanted(name))
            .map(|(_, &id)| id)
            .collect()
    }

    /// Whether a directive named `name` is written anywhere in the model.
    pub fn has_directive(&self, name: &str) -> bool {
        self.names.contains_key(name)
    }

    /// The `upstream` block named `name` in an entry point.
    pub fn upstream_named(&self, entry: usize, name: &str) -> Option<ScopeId> {
        self.upstreams.get(entry)?.get(name).copied()
    }

    pub fn scope(&self, id: ScopeId) -> &Scope<'a> {
        &self.scopes[id as usize]
    }

    /// The scope and its ancestors, innermost first.
    pub fn ancestors(&self, id: ScopeId) -> impl Iterator<Item = ScopeId> + '_ {
        std::iter::successors(Some(id), move |&s| self.scope(s).parent)
    }

    /// Every scope of a context, in file order.
    pub fn scopes_of(&self, context: Context) -> impl Iterator<Item = ScopeId> + '_ {
        (0..self.scopes.len() as ScopeId).filter(move |&s| self.scope(s).context == context)
    }

    /// Every location scope (nested ones included), in file order.
    pub fn locations(&self) -> impl Iterator<Item = ScopeId> + '_ {
        self.scopes_of(Context::Location)
    }
}

struct Builder<'a> {
    files: &'a FileSet,
    scopes: Vec<Scope<'a>>,
    diagnostics: Vec<Diagnostic>,
    reached: BTreeSet<FileId>,
    include_stack: Vec<FileId>,
    entry: usize,
    entry_scope: ScopeId,
    names: HashMap<String, u32>,
    /// The directive table's declarations of each name, by name id: looked
    /// up once per name rather than once per directive.
    specs: Vec<&'static [crate::semantic::directives::DirectiveSpec]>,
}

impl<'a> Builder<'a> {
    fn build_entry(&mut self, point: &EntryPoint, context: Context) -> ScopeId {
        let scope = self.new_scope(context, None, None);
        self.entry_scope = scope;
        self.reached.insert(point.file);
        self.include_stack.push(point.file);
        let tree = &self.files.get(point.file).tree;
        self.walk_block(point, point.file, &tree.root, scope);
        self.include_stack.pop();
        scope
    }

    fn new_scope(
        &mut self,
        context: Context,
        opener: Option<Node<'a>>,
        parent: Option<ScopeId>,
    ) -> ScopeId {
        let id = self.scopes.len() as ScopeId;
        self.scopes.push(Scope {
            context,
            opener,
            parent,
            directives: Vec::new(),
            children: Vec::new(),
            entry: self.entry,
            unresolved_include: false,
            name_ids: Vec::new(),
            by_name: None,
        });
        if let Some(p) = parent {
            self.scopes[p as usize].children.push(id);
        }
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
                self.check_directive(node, &name, self.specs[id as usize], context);
            }
            if name == "include" {
                self.include(point, node, scope);
                continue;
            }
            let level = &mut self.scopes[scope as usize];
            level.directives.push(node);
            level.name_ids.push(id);
            if let DirectiveEnd::Block(inner) = &view.node.end {
                let child_context = if context == Context::Unknown {
                    Context::Unknown
                } else {
                    context.child(&name)
                };
                let child = self.new_scope(child_context, Some(node), Some(scope));
                if child_context != Context::Data {
                    self.walk_block(point, file, inner, child);
                }
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
                    self.scopes[scope as usize].unresolved_include = true;
                }
                // Only a whole configuration knows its prefix; a snippet
                // checked alone cannot tell where nginx would look.
                let entry_context = self.scopes[self.entry_scope as usize].context;
                if entry_context != Context::Main || ships_with_nginx(path) {
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
        for id in ids {
            if self.include_stack.contains(&id) || self.include_stack.len() >= MAX_INCLUDE_DEPTH {
                self.scopes[scope as usize].unresolved_include = true;
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
            self.reached.insert(id);
            self.include_stack.push(id);
            let tree = &self.files.get(id).tree;
            self.walk_block(point, id, &tree.root, scope);
            self.include_stack.pop();
        }
    }

    /// Context, block and argument count against the directive table.
    fn check_directive(
        &mut self,
        node: Node<'a>,
        name: &str,
        specs: &'static [crate::semantic::directives::DirectiveSpec],
        context: Context,
    ) {
        if specs.is_empty() {
            return; // a third-party module: accepted silently
        }
        // The declarations that allow this context; an iterator, not a
        // list, since this runs for every directive of a run.
        let here = || specs.iter().filter(|s| s.allowed_in(context));
        let name_loc = FileSpan {
            file: node.file,
            span: node.view.name_span(),
        };
        if here().next().is_none() {
            self.diagnostics.push(Diagnostic::new(
                "E003",
                "directive-not-allowed-here",
                Severity::Error,
                format!(
                    "\"{name}\" is not allowed in {}; nginx -t rejects it",
                    context.describe()
                ),
                name_loc,
            ));
            return;
        }
        let has_block = matches!(node.view.node.end, DirectiveEnd::Block(_));
        let ends_missing = matches!(node.view.node.end, DirectiveEnd::Missing);
        if !ends_missing && here().all(|s| s.block != has_block) {
            // nginx notices the mismatch at the `{` or `;`, so that is where
            // the error points; the directive is labelled as the cause.
            let (message, at) = match &node.view.node.end {
                DirectiveEnd::Block(block) => (
                    format!(
                        "directive \"{name}\" is not terminated by \";\": it takes no block, so this \"{{\" means a \";\" is missing before it"
                    ),
                    block.open,
                ),
                DirectiveEnd::Semicolon(t) => (
                    format!("directive \"{name}\" has no opening \"{{\""),
                    Some(*t),
                ),
                DirectiveEnd::Missing => return,
            };
            let tree = &self.files.get(node.file).tree;
            let location = FileSpan {
                file: node.file,
                span: at.map_or(name_loc.span.clone(), |t| tree.token_span(t)),
            };
            let mut d =
                Diagnostic::new("E005", "block-mismatch", Severity::Error, message, location)
                    .with_related(name_loc, "this directive");
            d.is_syntax = true;
            self.diagnostics.push(d);
            return;
        }
        let count = node.view.args().len();
        if !here().any(|s| s.args.accepts(count)) {
            self.diagnostics.push(Diagnostic::new(
                "E004",
                "wrong-argument-count",
                Severity::Error,
                format!("invalid number of arguments in \"{name}\" directive ({count} given)"),
                node.location(),
            ));
        }
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

/// The context of a file analysed on its own: a `# wslint: context=NAME`
/// comment before its first directive, else what its top level suggests
/// (`http`/`events` → main, `server`/`upstream`/`map` → http, `location`/
/// `listen`/`server_name` → server), else unknown (nothing is checked; also
/// when the top level mixes http-level and server-level directives).
pub fn infer_context(files: &FileSet, file: FileId) -> Context {
    let tree = &files.get(file).tree;
    for item in &tree.root.items {
        match item {
            crate::syntax::Item::Comment(t) => {
                let text = String::from_utf8_lossy(tree.token_text(*t));
                if let Some(ctx) = context_comment(&text) {
                    return ctx;
                }
            }
            _ => break,
        }
    }
    let names: HashMap<String, ()> = tree
        .directives()
        .map(|d| (d.name().into_owned(), ()))
        .collect();
    let has = |n: &str| names.contains_key(n);
    let main = [
        "http",
        "events",
        "stream",
        "mail",
        "worker_processes",
        "user",
        "pid",
        "load_module",
    ];
    let http = [
        "server",
        "upstream",
        "map",
        "geo",
        "log_format",
        "limit_req_zone",
        "proxy_cache_path",
    ];
    let server = ["location", "listen", "server_name"];
    let any_of = |list: &[&str]| list.iter().any(|n| has(n));
    match (any_of(&main), any_of(&http), any_of(&server)) {
        (true, _, _) => Context::Main,
        // Both http-level and server-level directives at the top: no
        // context accepts that file whole, so nothing is assumed.
        (false, true, true) => Context::Unknown,
        (false, true, false) => Context::Http,
        (false, false, true) => Context::Server,
        (false, false, false) => Context::Unknown,
    }
}

/// Parses `# wslint: context=server`.
fn context_comment(text: &str) -> Option<Context> {
    let rest = text.trim_start_matches('#').trim();
    let rest = rest.strip_prefix("wslint:")?.trim();
    let value = rest.strip_prefix("context=")?;
    Context::from_user_name(value.split_whitespace().next()?)
}
