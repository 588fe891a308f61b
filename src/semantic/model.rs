//! The configuration as nginx sees it: a tree of scopes (main, http, server,
//! location, `if`, upstream, …) with includes spliced in, one per entry
//! point ([`super::builder`] builds it). Each scope lists its directives in
//! order, each pointing back into the file that holds its text; this module
//! holds the model and its lookups (by name, by scope, upward).
//!
//! A file included from several places is analysed in each place; the
//! diagnostics are deduplicated by place, so each is reported once.

use crate::diagnostic::{Diagnostic, FileId, FileSpan};
use crate::load::files::{EntryPoint, FileSet};
use crate::syntax::DirectiveView;
use crate::syntax::context::Context;
use rustc_hash::FxHashMap as HashMap;

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
    pub(super) directives: std::ops::Range<u32>,
    /// Where the scopes opened by this level's block directives are (see
    /// [`Model::children`]).
    pub(super) children: std::ops::Range<u32>,
    /// The entry point this scope belongs to (index in [`Model::entries`]).
    pub entry: usize,
    /// The first `include` here that could not be followed (missing file,
    /// cycle), so the scope may hold directives the model does not see.
    pub(crate) unresolved_include: Option<FileSpan>,
    /// For scopes with many directives (an http block holding thousands of
    /// servers): positions in `directives` by name id, so lookups that walk
    /// up to this level stay cheap.
    pub(super) by_name: Option<Box<HashMap<u32, Vec<u32>>>>,
}

/// A level's directives, their interned names and its children; for the
/// builder, every closed level's, one after another.
#[derive(Default)]
pub(super) struct Lists<'a> {
    pub(super) directives: Vec<Node<'a>>,
    pub(super) name_ids: Vec<u32>,
    pub(super) children: Vec<ScopeId>,
}

impl<'a> Lists<'a> {
    /// Appends `other`'s directives from `directives_at` and children from
    /// `children_at` on.
    pub(super) fn append_from(&mut self, other: &Lists<'a>, directives_at: u32, children_at: u32) {
        let (d, c) = (directives_at as usize, children_at as usize);
        self.directives.extend_from_slice(&other.directives[d..]);
        self.name_ids.extend_from_slice(&other.name_ids[d..]);
        self.children.extend_from_slice(&other.children[c..]);
    }

    /// Drops the directives from `directives_at` and the children from
    /// `children_at` on.
    pub(super) fn truncate(&mut self, directives_at: u32, children_at: u32) {
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
pub(super) fn build_index(name_ids: &[u32]) -> Option<Box<HashMap<u32, Vec<u32>>>> {
    if name_ids.len() <= INDEX_THRESHOLD {
        return None;
    }
    let mut index: HashMap<u32, Vec<u32>> = HashMap::default();
    for (i, id) in name_ids.iter().enumerate() {
        index.entry(*id).or_default().push(i as u32);
    }
    Some(Box::new(index))
}

pub(super) fn slice<'l, T>(list: &'l [T], range: &std::ops::Range<u32>) -> &'l [T] {
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
    pub(super) shared: Lists<'a>,
    pub diagnostics: Vec<Diagnostic>,
    /// `upstream` blocks by name, one map per entry point (so a lookup
    /// borrows the name instead of building a key).
    pub(super) upstreams: Vec<HashMap<String, ScopeId>>,
    /// Directive names, interned: comparing ids is what makes walking up
    /// the levels for every lookup cheap.
    pub(super) names: HashMap<String, u32>,
    /// The `*_inherit` switches written anywhere (`add_header_inherit`,
    /// nginx 1.29.3+): usually none, and then no array lookup builds the
    /// name of one.
    pub(super) inherit_switches: Vec<String>,
}

/// An entry point that was analysed, with its top scope.
#[derive(Debug, Clone)]
pub struct AnalysedEntry {
    pub point: EntryPoint,
    pub context: Context,
    pub(crate) scope: ScopeId,
}

impl<'a> Model<'a> {
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
