//! The configuration as nginx sees it: a tree of scopes (main, http, server,
//! location, `if`, upstream, …) with includes spliced in, built from each
//! entry point. Each scope lists its directives in order, each pointing back
//! into the file that holds its text. While building, the directive table
//! checks every directive's context, argument count and block, and include
//! problems (missing files, cycles) are reported at the `include`.
//!
//! A file included from several places is analysed in each place; the
//! diagnostics are deduplicated by place, so each is reported once.

use crate::diagnostic::{Diagnostic, FileId, FileSpan, Severity};
use crate::load::files::{EntryPoint, FileSet, IncludeTarget};
use crate::syntax::context::Context;
use crate::syntax::directives::{Added, Form, additions, table};
use crate::syntax::version::NginxVersion;
use crate::syntax::{Block, DirectiveEnd, DirectiveView, views::block_directives};
use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeSet;

/// Index of a scope in [`Model::scopes`].
pub type ScopeId = u32;

/// How deep includes may nest before the model stops following them.
pub(crate) const MAX_INCLUDE_DEPTH: usize = 64;

/// A directive and the file it is written in.
#[derive(Clone, Copy)]
pub struct Node<'a> {
    pub file: FileId,
    pub view: DirectiveView<'a>,
}

impl<'a> Node<'a> {
    pub(crate) fn name(&self) -> std::borrow::Cow<'a, str> {
        self.view.name()
    }

    /// The place of the whole directive.
    pub(crate) fn location(&self) -> FileSpan {
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
    pub(crate) parent: Option<ScopeId>,
    /// Where this level's directives are in the model's shared lists (see
    /// [`Model::directives`]; their interned names are at the same place):
    /// every level points into three model-wide lists rather than holding
    /// three small allocations of its own.
    directives: std::ops::Range<u32>,
    /// Where the scopes opened by this level's block directives are (see
    /// [`Model::children`]).
    children: std::ops::Range<u32>,
    /// The entry point this scope belongs to (index in [`Model::entries`]).
    pub entry: usize,
    /// The first `include` here that could not be followed (missing file,
    /// cycle), so the scope may hold directives the model does not see.
    pub(crate) unresolved_include: Option<FileSpan>,
    /// For scopes with many directives (an http block holding thousands of
    /// servers): positions in `directives` by name id, so lookups that walk
    /// up to this level stay cheap.
    by_name: Option<Box<HashMap<u32, Vec<u32>>>>,
}

/// A level while the model is built. While its block is being walked it
/// is open: its lists are the top of the builder's stack of open lists
/// (levels open inside one another, and only the innermost grows). Once
/// the walk is over it is closed: its lists move to the end of the
/// builder's shared ones, and the level keeps where they are. A fleet's
/// configuration has hundreds of thousands of levels, most with a few
/// directives; lists of their own would cost three allocations each, more
/// than the directives themselves.
struct Level<'a> {
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

/// A level's directives, their interned names and its children; for the
/// builder, every closed level's, one after another.
#[derive(Default)]
struct Lists<'a> {
    directives: Vec<Node<'a>>,
    name_ids: Vec<u32>,
    children: Vec<ScopeId>,
}

impl<'a> Lists<'a> {
    /// Appends `other`'s directives from `directives_at` and children from
    /// `children_at` on.
    fn append_from(&mut self, other: &Lists<'a>, directives_at: u32, children_at: u32) {
        let (d, c) = (directives_at as usize, children_at as usize);
        self.directives.extend_from_slice(&other.directives[d..]);
        self.name_ids.extend_from_slice(&other.name_ids[d..]);
        self.children.extend_from_slice(&other.children[c..]);
    }

    /// Drops the directives from `directives_at` and the children from
    /// `children_at` on.
    fn truncate(&mut self, directives_at: u32, children_at: u32) {
        self.directives.truncate(directives_at as usize);
        self.name_ids.truncate(directives_at as usize);
        self.children.truncate(children_at as usize);
    }
}

/// The directives of one level with one name: read from the level's index,
/// or found by comparing interned ids. An enum rather than a boxed iterator:
/// lookups run millions of times, and each box would be an allocation.
pub(crate) enum Named<'s, 'a> {
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

/// For a level with many directives: their positions by interned name.
#[allow(clippy::box_collection)]
fn build_index(name_ids: &[u32]) -> Option<Box<HashMap<u32, Vec<u32>>>> {
    if name_ids.len() <= INDEX_THRESHOLD {
        return None;
    }
    let mut index: HashMap<u32, Vec<u32>> = HashMap::default();
    for (i, id) in name_ids.iter().enumerate() {
        index.entry(*id).or_default().push(i as u32);
    }
    Some(Box::new(index))
}

fn slice<'l, T>(list: &'l [T], range: &std::ops::Range<u32>) -> &'l [T] {
    &list[range.start as usize..range.end as usize]
}

/// What the top level of a file checked alone holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TopLevel {
    /// `location` blocks only: a location pasted from a forum answer.
    LocationBlocks,
    /// Server-level content (`listen`, `server_name`, locations, …).
    ServerLevel,
    /// Directives of a location's body (a `snippets/websocket.conf`).
    LocationLevel,
    /// http-level content (`server` and `upstream` blocks, `map`s, …).
    HttpLevel,
    /// A context wslint could not infer.
    Unknown,
}

impl TopLevel {
    /// "a location block", as the summary line says it.
    pub(crate) fn describe(self) -> &'static str {
        match self {
            TopLevel::LocationBlocks => "a location snippet",
            TopLevel::ServerLevel => "a server-level file",
            TopLevel::LocationLevel => "a snippet of location-level directives",
            TopLevel::HttpLevel => "an http-level file",
            TopLevel::Unknown => "a file of unknown context",
        }
    }
}

/// The analysed configuration of a run.
pub struct Model<'a> {
    pub files: &'a FileSet,
    pub entries: Vec<AnalysedEntry>,
    pub(crate) scopes: Vec<Scope<'a>>,
    /// Every level's directives, names and children, level after level.
    shared: Lists<'a>,
    pub diagnostics: Vec<Diagnostic>,
    /// `upstream` blocks by name, one map per entry point (so a lookup
    /// borrows the name instead of building a key).
    upstreams: Vec<HashMap<String, ScopeId>>,
    /// Directive names, interned: comparing ids is what makes walking up
    /// the levels for every lookup cheap.
    names: HashMap<String, u32>,
    /// The `*_inherit` switches written anywhere (`add_header_inherit`,
    /// nginx 1.29.3+): usually none, and then no array lookup builds the
    /// name of one.
    inherit_switches: Vec<String>,
}

/// An entry point that was analysed, with its top scope.
#[derive(Debug, Clone)]
pub struct AnalysedEntry {
    pub point: EntryPoint,
    pub context: Context,
    pub(crate) scope: ScopeId,
}

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

    /// The directives named `name` written directly in `scope`.
    pub(crate) fn named(&self, scope: ScopeId, name: &str) -> Named<'_, 'a> {
        match self.names.get(name) {
            Some(&id) => self.named_by_id(scope, id),
            None => Named::Empty,
        }
    }

    /// The directives of a level in order, with included files spliced in
    /// (the `include` directives themselves are not listed).
    pub(crate) fn directives(&self, scope: ScopeId) -> &[Node<'a>] {
        slice(&self.shared.directives, &self.scope(scope).directives)
    }

    /// The interned name of each of a level's directives (see
    /// [`Model::name_id`]), in the order of [`Model::directives`].
    pub(crate) fn name_ids(&self, scope: ScopeId) -> &[u32] {
        slice(&self.shared.name_ids, &self.scope(scope).directives)
    }

    /// The scopes opened by a level's block directives, in order.
    pub fn children(&self, scope: ScopeId) -> &[ScopeId] {
        slice(&self.shared.children, &self.scope(scope).children)
    }

    /// The interned id of a directive name; `None` when no directive of
    /// the model has that name.
    pub(crate) fn name_id(&self, name: &str) -> Option<u32> {
        self.names.get(name).copied()
    }

    /// [`Model::named`] by interned id: for lookups that visit several
    /// levels, so the name is hashed once.
    pub(crate) fn named_by_id(&self, scope: ScopeId, id: u32) -> Named<'_, 'a> {
        let directives = self.directives(scope);
        match &self.scope(scope).by_name {
            Some(index) => Named::Indexed {
                positions: index.get(&id).map_or(&[][..], Vec::as_slice).iter(),
                directives,
            },
            None => Named::Scan {
                pairs: self.name_ids(scope).iter().zip(directives),
                id,
            },
        }
    }

    /// The interned ids of the names that `wanted` accepts.
    pub(crate) fn name_ids_where(&self, wanted: impl Fn(&str) -> bool) -> Vec<u32> {
        self.names
            .iter()
            .filter(|(name, _)| wanted(name))
            .map(|(_, &id)| id)
            .collect()
    }

    /// The name of the `*_inherit` switch of array directive `name`, when
    /// one is written somewhere in the run.
    pub(crate) fn inherit_switch(&self, name: &str) -> Option<&str> {
        self.inherit_switches
            .iter()
            .map(String::as_str)
            .find(|s| s.strip_suffix("_inherit") == Some(name))
    }

    /// The `upstream` block named `name` in an entry point.
    pub(crate) fn upstream_named(&self, entry: usize, name: &str) -> Option<ScopeId> {
        self.upstreams.get(entry)?.get(name).copied()
    }

    pub fn scope(&self, id: ScopeId) -> &Scope<'a> {
        &self.scopes[id as usize]
    }

    /// The scope and its ancestors, innermost first.
    pub(crate) fn ancestors(&self, id: ScopeId) -> impl Iterator<Item = ScopeId> + Clone + '_ {
        std::iter::successors(Some(id), move |&s| self.scope(s).parent)
    }

    /// What the top level of a file checked alone as `context` holds.
    pub(crate) fn top_level(&self, file: FileId, context: Context) -> TopLevel {
        match context {
            Context::Http => TopLevel::HttpLevel,
            Context::Location => TopLevel::LocationLevel,
            Context::Server => {
                let tree = &self.files.get(file).tree;
                if tree.directives().all(|d| d.name_is("location")) {
                    TopLevel::LocationBlocks
                } else {
                    TopLevel::ServerLevel
                }
            }
            _ => TopLevel::Unknown,
        }
    }

    /// Every scope of a context, in file order.
    pub fn scopes_of(&self, context: Context) -> impl Iterator<Item = ScopeId> + '_ {
        (0..self.scopes.len() as ScopeId).filter(move |&s| self.scope(s).context == context)
    }

    /// Every location block (nested ones included), in file order; not
    /// the top level of a file of location-level directives checked alone.
    pub fn locations(&self) -> impl Iterator<Item = ScopeId> + '_ {
        self.scopes_of(Context::Location)
            .filter(|&s| self.scope(s).opener.is_some())
    }
}

struct Builder<'a> {
    /// The target nginx version.
    version: NginxVersion,
    files: &'a FileSet,
    scopes: Vec<Level<'a>>,
    /// The lists of every closed level, one after another.
    closed: Lists<'a>,
    /// The lists of the open levels, the innermost last; see [`Level`].
    open: Lists<'a>,
    diagnostics: Vec<Diagnostic>,
    reached: BTreeSet<FileId>,
    include_stack: Vec<FileId>,
    entry: usize,
    /// The context of the entry point's top level.
    entry_context: Context,
    names: HashMap<String, u32>,
    /// The directive table's declarations of each name, by name id: looked
    /// up once per name rather than once per directive.
    specs: Vec<&'static [crate::syntax::directives::DirectiveSpec]>,
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

    /// The entries of a `map` or `geo` block: nginx reads each as a key and
    /// a value, and takes only a few one-word parameters (`hostnames;`,
    /// `ranges;`); any other count, or a block, fails `nginx -t`. A lone
    /// word such as `close;` is an easy slip in a Connection map.
    fn check_entries(&mut self, block_name: &str, file: FileId, block: &'a Block) {
        let (one_word, example): (&[&str], &str) = match block_name {
            "map" => (&["hostnames", "volatile"], "'' close;"),
            "geo" => (
                &["ranges", "proxy_recursive", "volatile"],
                "10.0.0.0/8 inside;",
            ),
            _ => return,
        };
        let tree = &self.files.get(file).tree;
        for view in block_directives(tree, block) {
            let node = Node { file, view };
            match &view.node.end {
                DirectiveEnd::Block(inner) => {
                    let at = tree
                        .block(*inner)
                        .open
                        .map_or_else(|| view.span(), |t| tree.token_span(t));
                    self.diagnostics.push(block_mismatch(
                        format!(
                            "unexpected \"{{\" in a {block_name} block: its entries take no block"
                        ),
                        FileSpan { file, span: at },
                        (node.location(), "this entry"),
                    ));
                }
                DirectiveEnd::Semicolon(_) => {
                    let words = view.args().len() + 1;
                    let allowed =
                        words == 2 || (words == 1 && one_word.iter().any(|w| view.name() == *w));
                    let name = view.name();
                    let too_new = additions(block_name).find(|a| {
                        words == 1 && matches!(a.form, Form::Entry(word) if word == name)
                    });
                    if let Some(added) = too_new
                        && self.too_new(node, added)
                    {
                        continue;
                    }
                    if !allowed {
                        self.diagnostics.push(wrong_argument_count(
                            format!(
                                "invalid number of the {block_name} parameters: an entry is a key and a value (`{example}`), this one has {words} word{}; nginx -t rejects it",
                                if words == 1 { "" } else { "s" }
                            ),
                            node.location(),
                        ));
                    }
                }
                DirectiveEnd::Missing => {} // a syntax error, reported as one
            }
        }
    }

    /// Context, block and argument count against the directive table; with
    /// no context (not known), block and argument count against every
    /// declaration of the name.
    fn check_directive(
        &mut self,
        node: Node<'a>,
        name: &str,
        specs: &'static [crate::syntax::directives::DirectiveSpec],
        context: Option<Context>,
    ) {
        if specs.is_empty() {
            return; // a third-party module: accepted silently
        }
        // The declarations that allow this context; an iterator, not a
        // list, since this runs for every directive of a run.
        let here = || {
            specs
                .iter()
                .filter(move |s| context.is_none_or(|c| s.allowed_in(c)))
        };
        let name_loc = FileSpan {
            file: node.file,
            span: node.view.name_span(),
        };
        if let Some(context) = context
            && here().next().is_none()
        {
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
                    node.view.tree.block(*block).open,
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
            self.diagnostics.push(block_mismatch(
                message,
                location,
                (name_loc, "this directive"),
            ));
            return;
        }
        let too_new = additions(name).find(|a| match a.form {
            Form::Directive => true,
            Form::Argument(word) => node.view.args().any(|arg| arg.value_string() == word),
            Form::Entry(_) => false,
        });
        if let Some(added) = too_new
            && self.too_new(node, added)
        {
            return;
        }
        let count = node.view.args().len();
        if !here().any(|s| s.args.accepts(count)) {
            self.diagnostics.push(wrong_argument_count(
                format!("invalid number of arguments in \"{name}\" directive ({count} given)"),
                node.location(),
            ));
        }
    }
}

impl Builder<'_> {
    /// Reports what `added` describes at `node` when the target nginx is
    /// older than the release that added it (E003 for a directive, E004
    /// for an argument or entry); whether it did.
    fn too_new(&mut self, node: Node, added: &Added) -> bool {
        if self.version >= added.since {
            return false;
        }
        let (target, since, directive) = (self.version, added.since, added.directive);
        let (code, name, what) = match added.form {
            Form::Directive => (
                "E003",
                "directive-not-allowed-here",
                format!("the \"{directive}\" directive"),
            ),
            Form::Argument(word) => (
                "E004",
                "wrong-argument-count",
                format!("the \"{word}\" parameter of \"{directive}\""),
            ),
            Form::Entry(word) => (
                "E004",
                "wrong-argument-count",
                format!("the \"{word}\" entry of a {directive} block"),
            ),
        };
        self.diagnostics.push(Diagnostic::new(
            code,
            name,
            Severity::Error,
            format!(
                "{what} appeared in nginx {since}; the target nginx {target} rejects it (nginx -t fails; set the target with --nginx-version)"
            ),
            node.location(),
        ));
        true
    }
}

/// E005: a block where nginx wants a `;`, or the other way round. nginx
/// refuses to parse the file, so it is reported as a syntax error, at the
/// `{` or `;`, with the directive it belongs to as the cause.
fn block_mismatch(message: String, at: FileSpan, cause: (FileSpan, &'static str)) -> Diagnostic {
    let mut d = Diagnostic::new("E005", "block-mismatch", Severity::Error, message, at)
        .with_related(cause.0, cause.1);
    d.is_syntax = true;
    d
}

/// E004: a directive (or a `map`/`geo` entry) with a number of words
/// nginx does not accept.
fn wrong_argument_count(message: String, at: FileSpan) -> Diagnostic {
    Diagnostic::new("E004", "wrong-argument-count", Severity::Error, message, at)
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
