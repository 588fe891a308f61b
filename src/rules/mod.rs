//! The rule engine. Each rule lives in its own file (`ws001.rs` …) with its
//! metadata, its explanation and its check. The engine finds the WebSocket
//! routes ([`routes`]), runs the selected rules over the model, applies
//! suppression comments ([`suppress`]) and reports suppressions that
//! suppressed nothing (WS000).
//!
//! Rules only read the model: they never touch bytes or files.

pub(crate) mod edits;
pub(crate) mod model_rules;
pub mod routes;
pub mod suppress;
pub mod values;

mod ws000;
mod ws001;
mod ws002;
mod ws003;
mod ws004;
mod ws005;
mod ws006;
mod ws007;
mod ws008;
mod ws009;
mod ws010;
mod ws011;
mod ws012;
mod ws013;
mod ws014;
mod ws015;
mod ws016;
mod ws017;
mod ws018;
mod ws019;
mod ws020;

use crate::diagnostic::{Diagnostic, FileSpan, Severity};
use crate::semantic::HeaderEntry;
use crate::semantic::{Model, Node, ScopeId};
use crate::syntax::NginxVersion;
use edits::Line;
use routes::Route;
use values::VariableIndex;

/// Whether a rule can offer a fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum FixAvailability {
    Always,
    Sometimes,
    Never,
}

impl FixAvailability {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            FixAvailability::Always => "always",
            FixAvailability::Sometimes => "sometimes",
            FixAvailability::Never => "never",
        }
    }
}

/// What every rule declares about itself.
#[derive(Debug)]
pub struct RuleMeta {
    pub code: &'static str,
    pub name: &'static str,
    pub(crate) severity: Severity,
    pub(crate) fix: FixAvailability,
    /// Opt-in rules run only when selected.
    pub(crate) default_enabled: bool,
    /// One line: what the rule finds.
    pub summary: &'static str,
    /// The explanation `wslint rule CODE` prints, with the headings What it
    /// does / Why is this bad / Example / Use instead / Fix safety / References.
    pub explanation: &'static str,
}

/// A rule: its catalogue entry and its check over the model.
pub struct Rule {
    pub meta: &'static RuleMeta,
    pub(crate) check: fn(&Cx, &mut Vec<Diagnostic>),
}

/// Every rule, by code.
static RULES: &[Rule] = &[
    Rule {
        meta: &ws000::META,
        check: ws000::check,
    },
    Rule {
        meta: &ws001::META,
        check: ws001::check,
    },
    Rule {
        meta: &ws002::META,
        check: ws002::check,
    },
    Rule {
        meta: &ws003::META,
        check: ws003::check,
    },
    Rule {
        meta: &ws004::META,
        check: ws004::check,
    },
    Rule {
        meta: &ws005::META,
        check: ws005::check,
    },
    Rule {
        meta: &ws006::META,
        check: ws006::check,
    },
    Rule {
        meta: &ws007::META,
        check: ws007::check,
    },
    Rule {
        meta: &ws008::META,
        check: ws008::check,
    },
    Rule {
        meta: &ws009::META,
        check: ws009::check,
    },
    Rule {
        meta: &ws010::META,
        check: ws010::check,
    },
    Rule {
        meta: &ws011::META,
        check: ws011::check,
    },
    Rule {
        meta: &ws012::META,
        check: ws012::check,
    },
    Rule {
        meta: &ws013::META,
        check: ws013::check,
    },
    Rule {
        meta: &ws014::META,
        check: ws014::check,
    },
    Rule {
        meta: &ws015::META,
        check: ws015::check,
    },
    Rule {
        meta: &ws016::META,
        check: ws016::check,
    },
    Rule {
        meta: &ws017::META,
        check: ws017::check,
    },
    Rule {
        meta: &ws018::META,
        check: ws018::check,
    },
    Rule {
        meta: &ws019::META,
        check: ws019::check,
    },
    Rule {
        meta: &ws020::META,
        check: ws020::check,
    },
];

/// Every rule, by code.
pub fn all_rules() -> &'static [Rule] {
    RULES
}

/// Every code of the catalogue: the model's checks (E001–E005), then the
/// rules, by code.
pub(crate) fn all_metas() -> Vec<&'static RuleMeta> {
    model_rules::ALL
        .iter()
        .copied()
        .chain(all_rules().iter().map(|r| r.meta))
        .collect()
}

/// The catalogue entry with this code or name (`WS016`,
/// `missing-host-header`), in any case.
pub(crate) fn find_rule(code_or_name: &str) -> Option<&'static RuleMeta> {
    all_metas().into_iter().find(|m| {
        m.code.eq_ignore_ascii_case(code_or_name) || m.name.eq_ignore_ascii_case(code_or_name)
    })
}

/// Checks a list of codes or prefixes (`--select`, `ignore = […]`): each
/// must be `ALL` or the start of some code. `what` names the list in the
/// error.
pub(crate) fn check_codes(list: &[String], what: &str) -> Result<(), String> {
    let metas = all_metas();
    for item in list {
        let upper = item.to_ascii_uppercase();
        if upper == "ALL" || (!upper.is_empty() && metas.iter().any(|m| m.code.starts_with(&upper)))
        {
            continue;
        }
        return Err(format!(
            "{what}: `{item}` is no rule code or prefix of one (`wslint rules` lists them)"
        ));
    }
    Ok(())
}

/// A location pattern the user declared a WebSocket route
/// (`--websocket-path /rt/*=socket.io`, `websocket-apps` in `.wslint.toml`).
#[derive(Debug, Clone)]
pub struct DeclaredPath {
    pub(crate) glob: glob::Pattern,
    /// The app behind it (a row of grammar/websocket-apps.tsv).
    pub(crate) app: Option<&'static crate::semantic::apps::App>,
}

impl DeclaredPath {
    /// A glob and an optional app id; the error says which part is wrong.
    pub(crate) fn new(glob: &str, app: Option<&str>) -> Result<DeclaredPath, String> {
        let pattern =
            glob::Pattern::new(glob).map_err(|e| format!("`{glob}` is not a glob: {e}"))?;
        let app = match app {
            None => None,
            Some(id) => Some(crate::semantic::apps::find(id).ok_or_else(|| {
                format!(
                    "`{id}` is not an app wslint knows (`wslint apps` lists them; grammar/websocket-apps.tsv holds the table)"
                )
            })?),
        };
        Ok(DeclaredPath { glob: pattern, app })
    }

    /// `GLOB` or `GLOB=APP`, as `--websocket-path` takes it.
    pub fn parse(text: &str) -> Result<DeclaredPath, String> {
        match text.rsplit_once('=') {
            Some((glob, id)) => DeclaredPath::new(glob, Some(id)),
            None => DeclaredPath::new(text, None),
        }
    }
}

/// Settings the rules read.
#[derive(Debug, Clone)]
pub struct RuleSettings {
    pub nginx_version: NginxVersion,
    /// WS006 fires below this many seconds.
    pub timeout_threshold_secs: u64,
    /// Extra location patterns (globs such as `/live/*`) that are WebSocket
    /// routes, each with the app behind it when the user named one.
    pub websocket_paths: Vec<DeclaredPath>,
    /// Codes or prefixes to run (empty: every default-enabled rule).
    pub select: Vec<String>,
    /// Codes or prefixes not to run.
    pub ignore: Vec<String>,
    /// Whether `nginx_version` came from a configuration file (so the
    /// installed nginx is not asked).
    pub nginx_version_from_config: bool,
    /// The lowest severity that makes the run fail.
    pub fail_on: Severity,
    /// Severity per rule code, replacing the rule's own.
    pub severity_overrides: Vec<(String, Severity)>,
    /// Rules ignored for some files.
    pub per_path_ignores: Vec<PathIgnore>,
}

/// `[per-path-ignores]`: codes (or prefixes) not reported for files whose
/// path, relative to `base`, matches `pattern`.
#[derive(Debug, Clone)]
pub struct PathIgnore {
    pub(crate) base: std::path::PathBuf,
    pub(crate) pattern: glob::Pattern,
    pub(crate) codes: Vec<String>,
}

impl PathIgnore {
    /// Whether the finding `code` in the file at `path` is ignored.
    pub(crate) fn ignores(&self, path: &std::path::Path, code: &str) -> bool {
        if !self.codes.iter().any(|c| code.starts_with(c.as_str())) {
            return false;
        }
        let absolute = |p: &std::path::Path| {
            let joined = if p.is_absolute() {
                p.to_path_buf()
            } else {
                std::env::current_dir().unwrap_or_default().join(p)
            };
            crate::load::files::normalize(&joined)
        };
        let file = absolute(path);
        let base = absolute(&self.base);
        file.strip_prefix(&base)
            .is_ok_and(|rel| self.pattern.matches_path(rel))
    }
}

impl Default for RuleSettings {
    fn default() -> Self {
        RuleSettings {
            nginx_version: NginxVersion::ASSUMED,
            timeout_threshold_secs: 300,
            websocket_paths: Vec::new(),
            select: Vec::new(),
            ignore: Vec::new(),
            nginx_version_from_config: false,
            fail_on: Severity::Warning,
            severity_overrides: Vec::new(),
            per_path_ignores: Vec::new(),
        }
    }
}

impl RuleSettings {
    /// Whether a rule runs: selected (explicitly, or by default when nothing
    /// is selected and the rule is on by default) and not ignored. A longer
    /// matching prefix wins, so `--select WS0 --ignore WS006` drops WS006
    /// and `--ignore WS0 --select WS006` keeps it.
    pub(crate) fn is_enabled(&self, meta: &RuleMeta) -> bool {
        let best = |list: &[String]| {
            list.iter()
                .filter(|p| {
                    meta.code.starts_with(p.to_ascii_uppercase().as_str())
                        || p.eq_ignore_ascii_case("ALL")
                })
                .map(|p| {
                    if p.eq_ignore_ascii_case("ALL") {
                        0
                    } else {
                        p.len()
                    }
                })
                .max()
        };
        let selected = best(&self.select);
        let ignored = best(&self.ignore);
        let explicitly_selected = selected.is_some_and(|s| s >= meta.code.len());
        let on = match selected {
            Some(_) if !meta.default_enabled => explicitly_selected,
            Some(_) => true,
            None => self.select.is_empty() && meta.default_enabled,
        };
        match (on, selected, ignored) {
            (false, _, _) => false,
            (true, Some(s), Some(i)) => s > i,
            (true, None, Some(_)) => false,
            (true, _, None) => true,
        }
    }
}

/// The value in `cell`, made by `make` if it is empty, without waiting:
/// rules on both threads walk the same routes in the same order, and with
/// `get_or_init` one would wait each time the other was making a route's
/// text. Both may make it; the first one stored is kept.
fn once<T>(cell: &std::sync::OnceLock<T>, make: impl FnOnce() -> T) -> &T {
    if let Some(value) = cell.get() {
        return value;
    }
    let _ = cell.set(make());
    cell.get().expect("set by this thread or the other")
}

/// What a rule sees: the model, the WebSocket routes and the settings.
pub struct Cx<'m, 'a> {
    pub(crate) model: &'m Model<'a>,
    /// The WebSocket routes that proxy (or are snippets whose location
    /// proxies): what most rules check.
    pub(crate) routes: Vec<Route<'a>>,
    /// The WebSocket routes that proxy nothing (WS019).
    pub(crate) unproxied: Vec<Route<'a>>,
    pub(crate) settings: &'m RuleSettings,
    pub(crate) vars: VariableIndex<'a>,
    /// The edit adding the Connection map for (entry, variable), made once:
    /// every route of an entry that lacks it gets the same one.
    maps: std::sync::Mutex<rustc_hash::FxHashMap<(usize, String), Option<crate::diagnostic::Edit>>>,
}

impl<'m, 'a> Cx<'m, 'a> {
    /// "`location /ws/` (sites-enabled/app:12)": the route's location as
    /// its findings name it, written when the route was found.
    pub(crate) fn place<'r>(&self, route: &'r Route) -> &'r str {
        &route.place_text
    }

    /// "sites-enabled/app:12", formatted only where it is shown.
    pub(crate) fn file_line(&self, node: Node) -> FileLine<'_> {
        FileLine::new(self.model.files.get(node.file), node.view.span().start)
    }

    /// Where a finding about a route goes: at `node` when it is written in
    /// the route's own location block, else at the location line.
    pub(crate) fn anchor(&self, route: &Route, node: Option<Node>) -> FileSpan {
        if let Some(n) = node
            && self
                .model
                .own(route.scope, &n.name())
                .any(|s| std::ptr::eq(s.node.view.node, n.view.node))
        {
            return n.location();
        }
        self.location_anchor(route.scope)
    }

    /// The location line (the `location` name and its arguments); for a
    /// file of location-level directives checked alone, its first
    /// directive.
    pub(crate) fn location_anchor(&self, scope: ScopeId) -> FileSpan {
        let Some(opener) = self.model.scope(scope).opener else {
            let file = self.model.entries[self.model.scope(scope).entry].point.file;
            let span = self
                .model
                .files
                .get(file)
                .tree
                .directives()
                .next()
                .map_or(0..0, |d| d.span());
            return FileSpan { file, span };
        };
        let start = opener.view.name_span().start;
        let end = opener
            .view
            .args()
            .last()
            .map_or(opener.view.name_span().end, |a| a.span().end);
        FileSpan {
            file: opener.file,
            span: start..end,
        }
    }

    /// A finding of `meta` on `route`.
    pub(crate) fn finding(
        &self,
        meta: &'static RuleMeta,
        route: &Route,
        at: FileSpan,
        message: String,
    ) -> Diagnostic {
        let mut d = Diagnostic::new(meta.code, meta.name, meta.severity, message, at);
        d.signal = Some(
            once(&route.signal_text, || {
                route.signal.describe(self.model).into()
            })
            .clone(),
        );
        d
    }
}

impl<'a> Cx<'_, 'a> {
    /// [`Cx::finding`] for something the route does not set (`what`, as
    /// the message names it). When levels that apply to the route were not
    /// seen (`unseen`), they are taken to set nothing, and the message
    /// says so: "(this file was checked alone: an enclosing server or http
    /// block could set `proxy_http_version`; check the whole configuration
    /// to be sure)".
    pub(crate) fn missing_finding(
        &self,
        meta: &'static RuleMeta,
        route: &Route,
        at: FileSpan,
        mut message: String,
        unseen: Option<&routes::Unseen>,
        what: &str,
    ) -> Diagnostic {
        let Some(unseen) = unseen else {
            return self.finding(meta, route, at, message);
        };
        message.push_str(" (");
        message.push_str(&unseen.could(self.model, &format!("set {what}")));
        message.push_str("; check the whole configuration to be sure)");
        let mut d = self.finding(meta, route, at, message);
        d.assumption = Some(unseen.assumption());
        d
    }

    /// What is unseen for the route's `proxy_set_header` list: nothing
    /// when the list is known whatever the unseen levels hold.
    pub(crate) fn unseen_headers<'r>(&self, route: &'r Route) -> Option<&'r routes::Unseen> {
        route.headers_unseen.as_ref()
    }

    /// The route's effective `proxy_set_header` entries named `name`
    /// (case-insensitive), empty values included.
    /// Not collected: several rules ask this of every route.
    pub(crate) fn headers<'r>(
        &self,
        route: &'r Route<'a>,
        name: &'static str,
    ) -> impl Iterator<Item = &'r HeaderEntry<'a>> + Clone + use<'r, 'a> {
        route
            .headers
            .iter()
            .filter(move |h| h.name.eq_ignore_ascii_case(name))
    }

    /// The entry point a route belongs to.
    pub(crate) fn entry(&self, route: &Route) -> usize {
        self.model.scope(route.scope).entry
    }
}

/// Hidden entries of an array directive whose name (first argument) the
/// route does not set again: what it really loses. Entries with an empty
/// value only clear a header, and losing a clearing is not losing a
/// header, so they are left out (copying `Origin ""` back would also fight
/// WS017).
pub(crate) fn lost_entries<'v, 'a>(
    value: &'v crate::semantic::ArrayValue<'a>,
) -> Vec<&'v crate::semantic::Setting<'a>> {
    // A few entries on each side: comparing each pair where it is written
    // costs less than collecting the route's names first.
    let set_again = |name: &str| {
        value.entries.iter().any(|e| {
            e.node
                .view
                .args()
                .next()
                .is_some_and(|n| n.text_eq_ignore_ascii_case(name))
        })
    };
    value
        .hidden
        .iter()
        .filter(|s| {
            let mut args = s.node.view.args();
            match (args.next(), args.next()) {
                (Some(name), Some(value)) => !value.text().is_empty() && !set_again(&name.text()),
                _ => false,
            }
        })
        .collect()
}

impl<'a> Cx<'_, 'a> {
    /// A finding that lists lost entries ("`Host` (file:line), …") in its
    /// message, points at each of them, and offers the unsafe fix of copying
    /// them into the location.
    pub(crate) fn lost_entries_finding(
        &self,
        meta: &'static RuleMeta,
        route: &Route<'a>,
        lost: &[&crate::semantic::Setting<'a>],
        what: &str,
    ) -> Diagnostic {
        // Appended piece by piece: one of these for most routes of a large
        // configuration, and `write!` costs several times as much.
        let mut message = String::with_capacity(160 + 64 * lost.len());
        for piece in [self.place(route), " ", what, ": "] {
            message.push_str(piece);
        }
        for (i, s) in lost.iter().enumerate() {
            if i > 0 {
                message.push_str(", ");
            }
            message.push('`');
            message.push_str(&s.node.view.arg_text(0).unwrap_or_default());
            message.push_str("` (");
            self.file_line(s.node).push_to(&mut message);
            message.push(')');
        }
        // An include on the way that could not be followed may set them
        // again; levels around a file checked alone cannot.
        let unseen = route
            .unseen
            .as_ref()
            .filter(|u| matches!(u, routes::Unseen::Include(_)));
        let mut d = self.missing_finding(
            meta,
            route,
            self.location_anchor(route.scope),
            message,
            unseen,
            "them again",
        );
        d.related.reserve_exact(lost.len());
        for s in lost {
            d = d.with_related(s.node.location(), "hidden here");
        }
        let lines = lost
            .iter()
            .map(|s| crate::rules::edits::Line::Copy(s.node))
            .collect();
        d.with_fix(self.add_lines_fix(
            route,
            lines,
            crate::diagnostic::Applicability::Unsafe,
            "copy the hidden headers into the location",
            Vec::new(),
        ))
    }
}

/// "file:line" of a directive, formatted only when shown; see
/// [`Cx::file_line`].
pub(crate) struct FileLine<'m> {
    file: &'m crate::load::source::SourceFile,
    offset: u32,
}

impl<'m> FileLine<'m> {
    pub(crate) fn new(file: &'m crate::load::source::SourceFile, offset: u32) -> Self {
        FileLine { file, offset }
    }
}

impl FileLine<'_> {
    /// Appends "file:line" to `out`.
    pub(crate) fn push_to(&self, out: &mut String) {
        use std::fmt::Write;
        let _ = write!(out, "{self}");
    }
}

impl std::fmt::Display for FileLine<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}",
            self.file.display_name(),
            self.file.line_of(self.offset)
        )
    }
}

/// A location as messages name it; see [`Cx::place`].
pub(crate) struct Place<'m, 'a> {
    pub(crate) model: &'m Model<'a>,
    pub(crate) scope: ScopeId,
}

impl std::fmt::Display for Place<'_, '_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.model.scope(self.scope).opener {
            Some(o) => {
                let file = self.model.files.get(o.file);
                f.write_str("`")?;
                write_words(f, o)?;
                write!(
                    f,
                    "` ({}:{})",
                    file.display_name(),
                    file.line_of(o.view.span().start)
                )
            }
            None => write!(
                f,
                "the snippet {} (location-level directives)",
                self.model
                    .files
                    .get(
                        self.model.entries[self.model.scope(self.scope).entry]
                            .point
                            .file
                    )
                    .display_name()
            ),
        }
    }
}

/// Writes a directive's name and arguments (`location ~ ^/ws`).
fn write_words(f: &mut std::fmt::Formatter<'_>, node: Node) -> std::fmt::Result {
    f.write_str(&node.name())?;
    for arg in node.view.args() {
        f.write_str(" ")?;
        f.write_str(&arg.text())?;
    }
    Ok(())
}

/// The rules that take longest on a large configuration (they build a
/// finding with a fix for most routes, or read every `proxy_pass`),
/// longest first; the others follow in code order. Only the order of work
/// changes: findings are sorted afterwards.
const LONGEST_FIRST: &[&str] = &[
    "WS008", "WS016", "WS007", "WS001", "WS002", "WS003", "WS015", "WS018", "WS005", "WS006",
];

/// The order findings are reported in: file, offset, code, then message.
pub(crate) fn in_report_order(a: &Diagnostic, b: &Diagnostic) -> std::cmp::Ordering {
    a.sort_key()
        .cmp(&b.sort_key())
        .then_with(|| a.message.cmp(&b.message))
}

/// Runs the enabled rules over the model, applies suppressions and reports
/// unused ones. Diagnostics come back sorted by file, offset and code, each
/// reported once even when a file is analysed in several places.
pub fn run(model: &Model, settings: &RuleSettings) -> Vec<Diagnostic> {
    use rayon::prelude::*;
    // Both read the whole model; neither needs the other.
    let (markers, vars) = rayon::join(
        || suppress::Comments::collect(model),
        || VariableIndex::build(model),
    );
    let (routes, unproxied) = routes::find(model, settings, &markers)
        .into_iter()
        .partition(|r| r.proxied);
    let cx = Cx {
        model,
        routes,
        unproxied,
        settings,
        vars,
        maps: Default::default(),
    };
    let mut enabled: Vec<&'static Rule> = all_rules()
        .iter()
        .filter(|r| r.meta.code != "WS000" && settings.is_enabled(r.meta))
        .collect();
    enabled.sort_by_key(|r| {
        LONGEST_FIRST
            .iter()
            .position(|c| *c == r.meta.code)
            .unwrap_or(LONGEST_FIRST.len())
    });
    // Rules only read the model: they run side by side, one task each,
    // the longest started first so that the last to finish are short.
    let found: Vec<Vec<Diagnostic>> = enabled
        .par_iter()
        .with_max_len(1)
        .map(|rule| {
            let mut out = Vec::new();
            (rule.check)(&cx, &mut out);
            out
        })
        .collect();
    let mut found: Vec<Diagnostic> = found.into_iter().flatten().collect();
    // Freeing every route's lists takes a while on a large configuration:
    // beside the sorting rather than after it.
    rayon::join(
        move || drop(cx),
        || {
            found.par_sort_unstable_by(in_report_order);
            found.dedup_by(|a, b| a.sort_key() == b.sort_key());
        },
    );
    let enabled_codes: Vec<&str> = enabled.iter().map(|r| r.meta.code).collect();
    let mut kept = markers.apply(model, found, &enabled_codes);
    if settings.is_enabled(&ws000::META) {
        kept.extend(markers.unused(model, &enabled_codes));
    }
    kept.par_sort_unstable_by(in_report_order);
    kept
}

/// Pieces the rules use to build their fixes.
impl<'a> Cx<'_, 'a> {
    /// The lines to add to a route's location so it sends `new` headers
    /// (`proxy_set_header …;` lines). When the location has no
    /// `proxy_set_header` of its own, adding one would hide every inherited
    /// entry, so those are copied first, except ones for a header `new`
    /// sets.
    pub(crate) fn header_lines(&self, route: &Route<'a>, new: &[Line<'a>]) -> Vec<Line<'a>> {
        // Header names compare without case, and without copying them.
        let is_new = |name: Option<&str>| {
            new.iter().any(|l| match (l.first_arg(), name) {
                (Some(n), Some(name)) => n.eq_ignore_ascii_case(name),
                (None, None) => true,
                _ => false,
            })
        };
        let has_own = route
            .proxy_set_header
            .entries
            .iter()
            .any(|s| s.scope == route.scope);
        let mut lines = Vec::new();
        if !has_own {
            for s in &route.proxy_set_header.entries {
                if !is_new(s.node.view.arg_text(0).as_deref()) {
                    lines.push(Line::Copy(s.node));
                }
            }
        }
        lines.extend(new.iter().cloned());
        lines
    }

    /// A fix adding `lines` to the route's location.
    pub(crate) fn add_lines_fix(
        &self,
        route: &Route<'a>,
        lines: Vec<Line<'a>>,
        applicability: crate::diagnostic::Applicability,
        title: impl Into<std::borrow::Cow<'static, str>>,
        mut extra: Vec<crate::diagnostic::Edit>,
    ) -> Option<crate::diagnostic::Fix> {
        let edit = crate::rules::edits::add_to_location(self.model, route.scope, &lines)?;
        extra.insert(0, edit);
        Some(crate::diagnostic::Fix::new(applicability, title, extra))
    }

    /// The edit that defines `$var` with the standard Connection map in
    /// the http context of `entry` (see
    /// [`crate::rules::edits::add_connection_map`]), made once per entry.
    pub(crate) fn connection_map(
        &self,
        entry: usize,
        var: &str,
    ) -> Option<crate::diagnostic::Edit> {
        let mut maps = self.maps.lock().unwrap_or_else(|e| e.into_inner());
        maps.entry((entry, var.to_string()))
            .or_insert_with(|| crate::rules::edits::add_connection_map(self.model, entry, var))
            .clone()
    }

    /// The value to use for a Connection header on the route, and the edit
    /// that defines it: `$connection_upgrade` when a map defines it or one
    /// can be added to the http context, else the literal `"upgrade"` (a
    /// snippet checked alone).
    pub(crate) fn connection_value(
        &self,
        route: &Route<'a>,
    ) -> (String, Vec<crate::diagnostic::Edit>) {
        let entry = self.entry(route);
        if !self
            .vars
            .definitions(entry, "connection_upgrade")
            .is_empty()
        {
            return ("$connection_upgrade".into(), Vec::new());
        }
        match self.connection_map(entry, "connection_upgrade") {
            Some(edit) => ("$connection_upgrade".into(), vec![edit]),
            None => ("\"upgrade\"".into(), Vec::new()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enabled(select: &[&str], ignore: &[&str]) -> Vec<&'static str> {
        let settings = RuleSettings {
            select: select.iter().map(|s| s.to_string()).collect(),
            ignore: ignore.iter().map(|s| s.to_string()).collect(),
            ..RuleSettings::default()
        };
        all_rules()
            .iter()
            .map(|r| r.meta)
            .filter(|m| settings.is_enabled(m))
            .map(|m| m.code)
            .collect()
    }

    #[test]
    fn selection_by_code_and_prefix() {
        let default = enabled(&[], &[]);
        assert!(
            default.contains(&"WS006") && !default.contains(&"WS015"),
            "opt-in rules are off"
        );
        assert_eq!(enabled(&["WS006"], &[]), ["WS006"]);
        assert_eq!(
            enabled(
                &["WS01"],
                &[
                    "WS011", "WS012", "WS013", "WS014", "WS016", "WS017", "WS018", "WS019"
                ]
            ),
            ["WS010"]
        );
        assert!(!enabled(&["WS0"], &["WS006"]).contains(&"WS006"));
        assert_eq!(
            enabled(&["WS006"], &["WS0"]),
            ["WS006"],
            "the longer match wins"
        );
        assert!(enabled(&["ALL", "WS015"], &[]).contains(&"WS015"));
        assert!(
            !enabled(&["ALL"], &[]).contains(&"WS015"),
            "ALL does not switch opt-in rules on"
        );
        assert!(
            enabled(&["ws001"], &[]).contains(&"WS001"),
            "codes are case-insensitive"
        );
    }
}
