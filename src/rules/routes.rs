//! Which locations are WebSocket routes, and why.
//!
//! A location is a route when it proxies (`proxy_pass` of its own or
//! inherited from an enclosing location) and one of these signals holds,
//! strongest first:
//!
//! 1. a `# wslint: websocket` comment marks it;
//! 2. its `proxy_pass` uses `ws://` or `wss://`;
//! 3. it (effectively) passes an `Upgrade` header;
//! 4. it (effectively) passes a literal `Connection` value naming upgrade
//!    (`"upgrade"`, `keep-alive, Upgrade`) or the client's own
//!    `$http_connection`; a map variable such as `$connection_upgrade` is
//!    not a signal by itself, since the map is built to be safe on every
//!    location and generic proxy snippets set it everywhere;
//! 5. an outer level passes an `Upgrade` header that the location's own
//!    `proxy_set_header` lines hide (the author set up WebSockets for every
//!    location below that level, and this one silently lost it);
//! 6. its pattern matches a `--websocket-path` glob;
//! 7. its pattern has a path segment that WebSocket endpoints use:
//!    [`WEBSOCKET_SEGMENTS`].
//!
//! A marked location is a route even without `proxy_pass`. A plain
//! `location / { proxy_pass …; }` is not a route: nothing says it carries
//! WebSockets.

use super::RuleSettings;
use super::suppress::Comments;
use super::values::VariableIndex;
use crate::diagnostic::{Assumption, FileSpan};
use crate::semantic::apps;
use crate::semantic::effective::websocket_scheme;
use crate::semantic::{ArrayValue, HeaderEntry, Model, Node, ScopeId};
use crate::syntax::Context;
use crate::syntax::LocationModifier;

/// Path segments (or words of a segment split at `-` and `_`) that name
/// WebSocket endpoints in common software:
/// generic (`ws`, `wss`, `websocket`, `websockets`, `socket`), Socket.IO
/// (`socket.io`), SockJS (`sockjs`, `sockjs-node`), Rails ActionCable
/// (`cable`), ASP.NET SignalR (`signalr`), GraphQL over WebSocket
/// (`graphql-ws`, `subscriptions`), dev-server hot reload (`hmr`,
/// `webpack-hmr`, `vite-hmr`, `ws-hmr`), noVNC (`websockify`) and MQTT over
/// WebSocket (`mqtt`). Broad words that also name plain HTTP endpoints
/// (`live`, `stream`, `events`, `hub`, `channels`) are left out on purpose:
/// a false alarm costs more than a miss, and `# wslint: websocket` or
/// `--websocket-path` covers them.
pub(crate) const WEBSOCKET_SEGMENTS: &[&str] = &[
    "ws",
    "wss",
    "websocket",
    "websockets",
    "socket",
    "socket.io",
    "sockjs",
    "sockjs-node",
    "cable",
    "signalr",
    "graphql-ws",
    "subscriptions",
    "hmr",
    "webpack-hmr",
    "vite-hmr",
    "ws-hmr",
    "websockify",
    "mqtt",
];

/// The bytes a [`WEBSOCKET_SEGMENTS`] entry starts with, in either case.
static SEGMENT_STARTS: [bool; 256] = {
    let mut table = [false; 256];
    let mut i = 0;
    while i < WEBSOCKET_SEGMENTS.len() {
        let first = WEBSOCKET_SEGMENTS[i].as_bytes()[0];
        table[first.to_ascii_lowercase() as usize] = true;
        table[first.to_ascii_uppercase() as usize] = true;
        i += 1;
    }
    table
};

/// Where a signal was found; formatted only when a finding shows it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct At {
    file: crate::diagnostic::FileId,
    offset: u32,
}

impl At {
    pub(crate) fn of(node: Node) -> At {
        At {
            file: node.file,
            offset: node.view.span().start,
        }
    }

    fn show<'m>(&self, model: &'m Model) -> super::FileLine<'m> {
        super::FileLine::new(model.files.get(self.file), self.offset)
    }
}

/// Why a location is a WebSocket route.
#[derive(Debug, Clone)]
pub(crate) enum Signal {
    Marker,
    WsScheme(At),
    UpgradeHeader(At),
    ConnectionHeader(At),
    HiddenUpgrade(At),
    UserPath(String),
    /// Its path is a known app's endpoint.
    AppEndpoint(apps::Recognised),
    /// It proxies to where a known app runs, and its path holds that
    /// app's endpoint (`location /` for Streamlit), the path given.
    AppTarget(apps::Recognised, &'static str),
    PathSegment(&'static str),
}

impl Signal {
    pub(crate) fn describe(&self, model: &Model) -> String {
        match self {
            Signal::Marker => "a `# wslint: websocket` comment".into(),
            Signal::WsScheme(at) => format!(
                "`proxy_pass` uses a ws:// or wss:// URL ({})",
                at.show(model)
            ),
            Signal::UpgradeHeader(at) => {
                format!("it passes an `Upgrade` header ({})", at.show(model))
            }
            Signal::ConnectionHeader(at) => {
                format!(
                    "it passes a `Connection` header naming upgrade ({})",
                    at.show(model)
                )
            }
            Signal::HiddenUpgrade(at) => format!(
                "an outer level passes an `Upgrade` header ({}) that this location's own `proxy_set_header` lines hide",
                at.show(model)
            ),
            Signal::UserPath(p) => format!("its path matches the configured WebSocket path `{p}`"),
            Signal::AppEndpoint(app) => format!("its path is {}", app.describe()),
            Signal::AppTarget(app, "/") => format!(
                "{} ({} opens its WebSockets anywhere under `/`)",
                app.describe(),
                app.app.name
            ),
            Signal::AppTarget(app, path) => format!(
                "{} ({} opens a WebSocket at `{path}`, which requests reach through this location)",
                app.describe(),
                app.app.name
            ),
            Signal::PathSegment(s) => format!("its path has the WebSocket segment `{s}`"),
        }
    }
}

/// A WebSocket route: a location and the signal that makes it one, with its
/// effective `proxy_set_header` list computed once for every rule.
#[derive(Debug, Clone)]
pub struct Route<'a> {
    pub(crate) scope: ScopeId,
    pub(crate) signal: Signal,
    /// [`Signal::describe`], written once for all the route's findings.
    pub(crate) signal_text: std::sync::OnceLock<std::sync::Arc<str>>,
    /// [`super::Cx::place`], written once for all the route's findings.
    /// It is written when the route is found, on the threads that search
    /// for routes: written on demand, by rules on two threads at once, it
    /// made the threads wait on each other's memory allocations.
    pub(crate) place_text: Box<str>,
    /// Whether the location's path is a dedicated WebSocket path (a path
    /// signal holds, whatever the strongest signal is).
    pub(crate) dedicated_path: bool,
    /// The software behind the route, when its path, a declaration or
    /// where it proxies tells (grammar/websocket-apps.tsv).
    pub(crate) app: Option<apps::Recognised>,
    /// Why some levels that apply to the route were not seen (none when
    /// the route belongs to a whole configuration with every include on
    /// its way followed). Rules that report something *missing* still
    /// fire, taking the unseen levels to set nothing, and say so.
    pub(crate) unseen: Option<Unseen>,
    /// What is unseen for the route's `proxy_set_header` list: none when
    /// nothing is unseen, or when the list comes from a location written
    /// whole in the checked files (see `headers_unseen`).
    pub(crate) headers_unseen: Option<Unseen>,
    /// The host its `proxy_pass` names (its own or, in an `if`, its
    /// location's; empty without one), read once for every rule.
    pub(crate) proxy_host: std::borrow::Cow<'a, str>,
    /// What nginx sends as `Host` when no `proxy_set_header Host` is in
    /// effect (`$proxy_host`); `None` without a `proxy_pass`, or when its
    /// URL has variables.
    pub(crate) host_header: Option<String>,
    /// Whether the route proxies: it has a `proxy_pass` (its own, or in an
    /// `if` its location's), or it is a snippet of location-level
    /// directives, whose `proxy_pass` is in the location that includes it.
    /// A route that does not serves files (WS019); the other rules look at
    /// proxied routes only.
    pub(crate) proxied: bool,
    /// The `upstream` block that host names, if any.
    pub(crate) upstream: Option<ScopeId>,
    /// The effective `proxy_set_header` entries and the hidden ones.
    pub(crate) proxy_set_header: ArrayValue<'a>,
    /// The same entries with their header names and values read once.
    pub(crate) headers: Vec<HeaderEntry<'a>>,
}

/// Why levels that apply to a route were not seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Unseen {
    /// The route's file was checked alone, as content of `context` (its top
    /// level): the blocks around it were not seen.
    CheckedAlone(Context),
    /// This `include` on the route's way could not be followed.
    Include(FileSpan),
    /// This directive (its name), which the directive table does not know, could set
    /// anything (a third-party module, or an elision such as `(...)` in a
    /// document).
    UnknownDirective(FileSpan),
}

impl Unseen {
    /// The kind of assumption a finding resting on this states.
    pub(crate) fn assumption(&self) -> Assumption {
        match self {
            Unseen::CheckedAlone(_) => Assumption::CheckedAlone,
            Unseen::Include(_) => Assumption::IncludeNotFollowed,
            Unseen::UnknownDirective(_) => Assumption::UnknownDirective,
        }
    }

    /// What was not seen and what could `act` there: "this file was
    /// checked alone: an enclosing server or http block could set
    /// `proxy_http_version`" for `act` "set `proxy_http_version`".
    pub(crate) fn could(&self, model: &Model, act: &str) -> String {
        let at =
            |span: &FileSpan| super::FileLine::new(model.files.get(span.file), span.span.start);
        match self {
            Unseen::CheckedAlone(context) => {
                let around = match context {
                    Context::Location => {
                        "these directives were checked alone: the location that includes them, or its server or http block, could"
                    }
                    Context::Server => {
                        "this file was checked alone: an enclosing server or http block could"
                    }
                    Context::Http => {
                        "this file was checked alone: the http block that includes it could"
                    }
                    _ => "this file was checked alone: a block around it could",
                };
                format!("{around} {act}")
            }
            Unseen::Include(span) => format!(
                "the include at {} could not be followed, and the file it names could {act}",
                at(span)
            ),
            Unseen::UnknownDirective(span) => {
                let file = model.files.get(span.file);
                let text = String::from_utf8_lossy(
                    &file.tree.source[span.span.start as usize..span.span.end as usize],
                );
                let shown: String = text.chars().take(40).collect::<String>();
                format!(
                    "`{shown}` ({}) is a directive wslint does not know, and it could {act}",
                    at(span)
                )
            }
        }
    }
}

/// Every WebSocket route of the model, in scope order.
pub fn find<'a>(model: &Model<'a>, settings: &RuleSettings, comments: &Comments) -> Vec<Route<'a>> {
    use rayon::prelude::*;
    // Location blocks, and files of location-level directives checked
    // alone.
    let locations: Vec<ScopeId> = model.scopes_of(Context::Location).collect();
    let around = upgrade_headers_around(model);
    locations
        .par_iter()
        .filter_map(|&scope| route(model, settings, comments, &around, scope))
        .collect()
}

/// What `wslint inspect` shows of each WebSocket route: why it is one and
/// the app behind it, by location.
pub(crate) fn reports(
    model: &Model,
    settings: &RuleSettings,
) -> std::collections::HashMap<ScopeId, crate::semantic::inspect::RouteReport> {
    use crate::semantic::inspect::{AppReport, RouteReport};
    let comments = Comments::collect(model);
    find(model, settings, &comments)
        .into_iter()
        .map(|route| {
            let report = RouteReport {
                app: route.app.as_ref().map(AppReport::new),
                proxied: route.proxied,
                why: route.signal.describe(model),
            };
            (route.scope, report)
        })
        .collect()
}

/// For every scope: whether it or a level around it writes a
/// `proxy_set_header` for `Upgrade` or `Connection`. Where none does, no
/// header signal can hold, and the search need not build the header list.
fn upgrade_headers_around(model: &Model) -> Vec<bool> {
    let Some(proxy_set_header) = model.name_id("proxy_set_header") else {
        return vec![false; model.scopes.len()];
    };
    let writes_one = |id: usize| {
        model.named_by_id(id as ScopeId, proxy_set_header).any(|n| {
            n.view.args().next().is_some_and(|h| {
                h.text_eq_ignore_ascii_case("upgrade") || h.text_eq_ignore_ascii_case("connection")
            })
        })
    };
    let mut around: Vec<bool> = {
        use rayon::prelude::*;
        (0..model.scopes.len())
            .into_par_iter()
            .map(writes_one)
            .collect()
    };
    for (id, scope) in model.scopes.iter().enumerate() {
        // A level is created before the levels inside it, so its flag is
        // already final.
        if let Some(p) = scope.parent {
            debug_assert!((p as usize) < id, "parents come first");
            around[id] |= around[p as usize];
        }
    }
    around
}

fn route<'a>(
    model: &Model<'a>,
    settings: &RuleSettings,
    comments: &Comments,
    upgrade_headers_around: &[bool],
    scope: ScopeId,
) -> Option<Route<'a>> {
    let s = model.scope(scope);
    debug_assert_eq!(s.context, Context::Location);
    // A location block, or a file of location-level directives checked
    // alone (a snippet such as snippets/websocket.conf): its `proxy_pass`
    // is usually in the location that includes it, and it has no path.
    let snippet_file = match s.opener {
        Some(_) => None,
        None if s.parent.is_none() => Some(model.entries[s.entry].point.file),
        None => return None,
    };
    let location = s.opener.and_then(|o| o.view.location_match());
    let regex = location.as_ref().is_some_and(|m| {
        matches!(
            m.modifier,
            Some(LocationModifier::Regex | LocationModifier::RegexCaseless)
        )
    });
    let pattern = location.map(|m| m.pattern).unwrap_or_default();
    let segment = path_segment(&pattern);
    // The app a path declares (`--websocket-path GLOB=APP`) or is the known
    // endpoint of; a file name is nobody's endpoint.
    let declared = user_path(settings, &pattern);
    let by_path = match &declared {
        Some((glob, Some(app))) => Some(apps::Recognised {
            app,
            evidence: apps::Evidence::Declared(glob.clone()),
        }),
        _ if segment.is_none() && pattern_names_a_file(&pattern) => None,
        _ => apps::by_path(&pattern, regex).or_else(|| framework_of(segment)),
    };
    let path_signal = declared
        .map(|(glob, _)| Signal::UserPath(glob))
        .or_else(|| {
            by_path
                .clone()
                .filter(|r| r.by_path())
                .map(Signal::AppEndpoint)
        })
        .or_else(|| segment.map(Signal::PathSegment));
    // A path is the WebSocket endpoint's own unless the app serves plain
    // HTTP there too (Mastodon's streaming API, Collabora's `/cool/`).
    let mut dedicated_path = match &path_signal {
        Some(Signal::AppEndpoint(r)) => segment.is_some() || r.app.websocket_only != Some(false),
        other => other.is_some(),
    };
    let marked = match (s.opener, snippet_file) {
        (Some(o), _) => comments.marks_websocket(o.file, o.view.span().start),
        (None, Some(file)) => comments.marks_file(file),
        (None, None) => false,
    };
    // Most locations are not routes: decide on the `proxy_pass` setting and
    // its scheme, and read its host and upstream only for a route.
    let proxy_setting = model.handler(scope, "proxy_pass");
    let has_proxy = proxy_setting.is_some_and(|s| s.node.view.args().next().is_some());
    // A location that proxies nothing is still meant as a WebSocket route
    // when it is marked, sets an `Upgrade` header itself, or sits in a
    // location that proxies (its author expected `proxy_pass` to carry
    // over, which it does not): those serve files, and WS019 says so.
    let unproxied_route = || {
        let own_upgrade = model.own(scope, "proxy_set_header").any(|h| {
            h.node
                .view
                .args()
                .next()
                .is_some_and(|n| n.text_eq_ignore_ascii_case("upgrade"))
        });
        (marked || own_upgrade || model.outer_proxy_pass(scope).is_some())
            && !model.answers_otherwise(scope)
    };
    if !has_proxy && snippet_file.is_none() && !unproxied_route() {
        return None;
    }
    let ws_scheme = proxy_setting.is_some_and(|s| {
        s.node
            .view
            .args()
            .next()
            .is_some_and(|url| websocket_scheme(&url).is_some())
    });
    // Where it proxies can name the app behind it: a service name, or the
    // app's own default port (a weaker signal, stated as an inference).
    let proxy = proxy_setting.and_then(|s| model.proxy_target(s));
    let by_target = proxy.as_ref().and_then(|p| target_app(model, p));
    // The first of its endpoints that requests reach through this
    // location (no other location takes them).
    let held_endpoint = by_target.as_ref().and_then(|r| {
        if regex || s.opener.is_none() {
            return None;
        }
        apps::endpoints_held(r.app, &pattern)
            .find(|path| !taken_elsewhere(model, scope, &pattern, path))
    });
    let target_holds_endpoint = held_endpoint.is_some();
    if !marked
        && !ws_scheme
        && path_signal.is_none()
        && !target_holds_endpoint
        && !upgrade_headers_around[scope as usize]
    {
        return None;
    }
    // A path that is too common to name an app by itself (`/socket`) is
    // that app's endpoint when the location proxies to where it runs.
    let by_path = by_path.or_else(|| {
        let target = by_target.as_ref()?;
        apps::endpoint_of(target.app, &pattern, regex).map(|path| apps::Recognised {
            app: target.app,
            evidence: apps::Evidence::Path(path),
        })
    });
    let target_signal = by_target.clone().zip(held_endpoint);
    let app = match (by_path, by_target) {
        // A specific app behind a framework's path (Uptime Kuma behind
        // `/socket.io/`) is the one to name.
        (Some(path), Some(target))
            if path.app.framework
                && matches!(path.evidence, apps::Evidence::Path(p) if target.app.paths.contains(&p)) =>
        {
            Some(apps::Recognised {
                app: target.app,
                evidence: path.evidence,
            })
        }
        (Some(path), _) => Some(path),
        (None, target) => target,
    };
    // `/socket` proxied to Jellyfin is Jellyfin's WebSocket-only endpoint.
    dedicated_path |= app.as_ref().is_some_and(|r| {
        matches!(r.evidence, apps::Evidence::Path(_)) && r.app.websocket_only == Some(true)
    });
    let proxy_set_header = model.array(scope, "proxy_set_header");
    let headers = HeaderEntry::from_settings(&proxy_set_header.entries);
    let signal = if marked {
        Signal::Marker
    } else if let Some(p) = proxy
        .as_ref()
        .filter(|p| p.scheme == "ws" || p.scheme == "wss")
    {
        Signal::WsScheme(At::of(p.setting.node))
    } else if let Some(h) = headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case("upgrade") && !h.value.is_empty())
    {
        Signal::UpgradeHeader(At::of(h.setting.node))
    } else if let Some(h) = headers.iter().find(|h| {
        h.name.eq_ignore_ascii_case("connection")
            && ((!h.value.as_bytes().contains(&b'$') && mentions_upgrade(&h.value))
                || h.value.eq_ignore_ascii_case("$http_connection"))
    }) {
        Signal::ConnectionHeader(At::of(h.setting.node))
    } else if let Some(hidden) = hidden_upgrade(&proxy_set_header, &headers) {
        Signal::HiddenUpgrade(At::of(hidden))
    } else if let Some(path) = path_signal {
        path
    } else if let Some((target, path)) = target_signal {
        Signal::AppTarget(target, path)
    } else {
        return None;
    };
    let entry_context = model.entries[s.entry].context;
    let unseen = model
        .ancestors(scope)
        .find_map(|a| model.scope(a).unresolved_include.clone())
        .map(Unseen::Include)
        .or_else(|| {
            (entry_context != Context::Main).then_some(Unseen::CheckedAlone(entry_context))
        });
    let headers_unseen = headers_unseen(model, scope, &proxy_set_header, &unseen);
    Some(Route {
        proxied: has_proxy || snippet_file.is_some(),
        scope,
        signal,
        signal_text: std::sync::OnceLock::new(),
        place_text: place_text(model, scope, app.as_ref()),
        app,
        dedicated_path,
        upstream: proxy.as_ref().and_then(|p| p.upstream),
        host_header: proxy.as_ref().and_then(|p| p.host_header()),
        proxy_host: proxy.map(|p| p.host).unwrap_or_default(),
        unseen,
        headers_unseen,
        proxy_set_header,
        headers,
    })
}

/// [`super::Place`] as a string, written into room for a typical one
/// (growing the string from nothing took several allocations per route).
fn place_text(model: &Model, scope: ScopeId, app: Option<&apps::Recognised>) -> Box<str> {
    use std::fmt::Write;
    let mut text = String::with_capacity(96);
    let _ = write!(text, "{}", super::Place { model, scope });
    // Every finding on the route names the app behind it.
    if let Some(app) = app {
        let _ = write!(text, " ({})", app.label());
    }
    text.into_boxed_str()
}

/// Whether a request for the endpoint `path` goes to another location
/// than `scope` (whose prefix is `pattern`): one beside it or inside it
/// (`location /socket` next to `location /`).
fn taken_elsewhere(model: &Model, scope: ScopeId, pattern: &str, path: &str) -> bool {
    let beside = model
        .scope(scope)
        .parent
        .map_or(&[][..], |p| model.children(p));
    beside
        .iter()
        .chain(model.children(scope))
        .filter(|&&other| other != scope)
        .filter_map(|&other| model.scope(other).opener?.view.location_match())
        .any(|m| apps::location_takes(m.modifier, &m.pattern, pattern, path))
}

/// The app a `proxy_pass` points at, by host name or default port: an
/// upstream's name, else its servers; a host written as a variable
/// (`http://$jellyfin:8096`) leaves only the port.
fn target_app(model: &Model, target: &crate::semantic::ProxyTarget) -> Option<apps::Recognised> {
    let url = target.setting.node.view.arg_text(0)?;
    if let Some(upstream) = target.upstream {
        // Its servers must all point at the same app: one server on
        // 8006 beside one on 9006 says nothing.
        return apps::by_target(&target.host, None).or_else(|| {
            let mut servers = model.own(upstream, "server").map(|server| {
                let address = server.node.view.arg_text(0)?;
                let (host, port) = host_and_port(&address);
                apps::by_target(host, port)
            });
            let first = servers.next()??;
            servers
                .all(|other| other.is_some_and(|o| std::ptr::eq(o.app, first.app)))
                .then_some(first)
        });
    }
    let rest = url.split_once("://").map_or(url.as_ref(), |(_, r)| r);
    let authority = &rest[..rest.find('/').unwrap_or(rest.len())];
    let (host, port) = host_and_port(authority);
    let host = if host.contains('$') { "" } else { host };
    if port.is_none() && authority.contains('$') {
        return None;
    }
    apps::by_target(host, port)
}

/// `host:port` split, the port parsed when there is one.
fn host_and_port(authority: &str) -> (&str, Option<u16>) {
    match authority.rsplit_once(':') {
        Some((host, port)) if !host.ends_with(']') || authority.starts_with('[') => {
            (host, port.parse().ok())
        }
        _ => (authority, None),
    }
}

/// The framework a generic path segment names when no table path does:
/// SockJS's `sockjs-node` and SignalR's `signalr` (both ping often).
fn framework_of(segment: Option<&str>) -> Option<apps::Recognised> {
    let id = match segment? {
        "sockjs" | "sockjs-node" => "sockjs",
        "signalr" => "signalr",
        _ => return None,
    };
    Some(apps::Recognised {
        app: apps::find(id)?,
        evidence: apps::Evidence::Segment(segment?.to_string()),
    })
}

/// What is unseen for the route's `proxy_set_header` list, given what is
/// unseen for the route. Nothing when the list comes from a location (or
/// `if`) written whole in the checked files, since a level with entries of
/// its own hides every outer one: unseen outer levels do not matter.
/// Between the route and that level, and in it, an include not followed
/// or a directive the table does not know (a third-party module that may
/// set headers, or an elision like `(...)` in a document) is what is
/// unseen then.
fn headers_unseen(
    model: &Model,
    scope: ScopeId,
    value: &ArrayValue,
    unseen: &Option<Unseen>,
) -> Option<Unseen> {
    unseen.as_ref()?;
    let Some(supplier) = value.entries.first().map(|s| s.scope) else {
        return unseen.clone();
    };
    let supplier_is_block = matches!(
        model.scope(supplier).context,
        Context::Location | Context::IfInLocation | Context::IfInServer
    ) && model.scope(supplier).opener.is_some();
    if !supplier_is_block {
        return unseen.clone();
    }
    let levels = model.ancestors(scope).take_while(|&s| s != supplier);
    levels
        .chain([supplier])
        .find_map(|s| unseen_in_level(model, s))
}

/// What a level itself may hold unseen: an include there that could not
/// be followed, or a directive the table does not know (a third-party
/// module's), either of which could set anything.
pub(crate) fn unseen_in_level(model: &Model, scope: ScopeId) -> Option<Unseen> {
    if let Some(include) = &model.scope(scope).unresolved_include {
        return Some(Unseen::Include(include.clone()));
    }
    model
        .directives(scope)
        .iter()
        .find(|n| {
            crate::syntax::directives::table()
                .lookup(&n.name())
                .is_empty()
        })
        .map(|n| {
            Unseen::UnknownDirective(FileSpan {
                file: n.file,
                span: n.view.name_span(),
            })
        })
}

/// An `Upgrade` entry of an outer level that does not reach the location,
/// when the location sets no `Upgrade` of its own (not even an empty one,
/// which would mean it clears the header on purpose).
fn hidden_upgrade<'a>(value: &ArrayValue<'a>, headers: &[HeaderEntry<'a>]) -> Option<Node<'a>> {
    if headers
        .iter()
        .any(|h| h.name.eq_ignore_ascii_case("upgrade"))
    {
        return None;
    }
    value
        .hidden
        .iter()
        .find(|s| {
            let mut args = s.node.view.args();
            args.next()
                .is_some_and(|n| n.text_eq_ignore_ascii_case("upgrade"))
                && args.next().is_some_and(|v| !v.text().is_empty())
        })
        .map(|s| s.node)
}

/// Whether `value` contains the word `upgrade` in any case: compared where
/// it is written, without a lowercase copy per route.
fn mentions_upgrade(value: &str) -> bool {
    value
        .as_bytes()
        .windows(b"upgrade".len())
        .any(|w| w.eq_ignore_ascii_case(b"upgrade"))
}

/// Whether a Connection header value asks for an upgrade. A literal must
/// hold the word (in any case) and no quote characters: `\"upgrade\"` in an
/// unquoted word sends the quotes too, and `"upgrade"` with them is not the
/// token (docs/nginx-facts.md F7). A variable alone asks for one when it is the
/// client's own `$http_connection`, or a map that gives `upgrade`; not
/// `$http_upgrade`, which sends the client's `Upgrade` value (`websocket`).
/// Other variables (set elsewhere, or undefined, which WS005 reports) are
/// given the benefit of the doubt.
pub(crate) fn names_upgrade(vars: &VariableIndex, entry: usize, value: &str) -> bool {
    if has_quote_characters(value) {
        return false;
    }
    let Some(var) = single_variable(value) else {
        return mentions_upgrade(value);
    };
    if var.eq_ignore_ascii_case("http_connection") {
        return true;
    }
    if var.eq_ignore_ascii_case("http_upgrade") {
        return false;
    }
    let definitions = vars.definitions(entry, var);
    let maps: Vec<_> = definitions
        .iter()
        .filter_map(|node| node.view.map_entries())
        .collect();
    if maps.is_empty() {
        return true;
    }
    maps.iter().any(|entries| {
        entries.iter().any(|e| {
            e.value
                .as_deref()
                .is_some_and(|v| v.eq_ignore_ascii_case("upgrade"))
        })
    })
}

/// The name of the variable that is the whole of `value` (`$name` or
/// `${name}`), if it is one.
pub(crate) fn single_variable(value: &str) -> Option<&str> {
    let name = value.strip_prefix('$')?;
    let name = name
        .strip_prefix('{')
        .and_then(|n| n.strip_suffix('}'))
        .unwrap_or(name);
    (!name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
        .then_some(name)
}

/// Whether a header value holds quote characters, which nginx sends as
/// they are (written as `\"` in an unquoted word, or inside the other kind
/// of quotes): a token such as `upgrade` or `websocket` never has them.
pub(crate) fn has_quote_characters(value: &str) -> bool {
    value.contains(['"', '\''])
}

/// The `--websocket-path` (or `websocket-paths`, `websocket-apps`) glob
/// the pattern matches, with the app it declares, if any.
fn user_path(
    settings: &RuleSettings,
    pattern: &str,
) -> Option<(String, Option<&'static apps::App>)> {
    settings.websocket_paths.iter().find_map(|declared| {
        declared
            .glob
            .matches(pattern)
            .then(|| (declared.glob.as_str().to_string(), declared.app))
    })
}

/// Whether a location pattern ends in a file name with an extension
/// (`/pad/socket.io/socket.io.js`, `/ws/app.css`): such a location serves
/// that file, whatever its folders are called.
fn pattern_names_a_file(pattern: &str) -> bool {
    const FILE_EXTENSIONS: &[&str] = &[
        "js", "mjs", "cjs", "map", "css", "html", "htm", "json", "txt", "xml", "png", "jpg",
        "jpeg", "gif", "svg", "ico", "webp", "woff", "woff2", "ttf", "otf", "eot", "wasm", "gz",
        "br", "zip", "pdf", "php",
    ];
    let trimmed = pattern.trim_end_matches(['$', ')']);
    let last = trimmed.rsplit(['/', '\\']).next().unwrap_or("");
    last.rsplit_once('.')
        .is_some_and(|(_, ext)| FILE_EXTENSIONS.iter().any(|e| ext.eq_ignore_ascii_case(e)))
}

/// The first WebSocket path segment in a location pattern (prefix or
/// regex): the pattern is cut at `/` and at regex punctuation. A pattern
/// that names a file has none.
pub(crate) fn path_segment(pattern: &str) -> Option<&'static str> {
    if pattern_names_a_file(pattern) {
        return None;
    }
    let cleaned = if pattern.as_bytes().windows(2).any(|w| w == b"\\.") {
        std::borrow::Cow::Owned(pattern.replace("\\.", "."))
    } else {
        std::borrow::Cow::Borrowed(pattern)
    };
    // Every location asks: words no known segment starts like are
    // turned away before the list is searched.
    let known = |word: &[u8]| {
        if !SEGMENT_STARTS[*word.first()? as usize] {
            return None;
        }
        WEBSOCKET_SEGMENTS
            .iter()
            .find(|s| s.as_bytes().eq_ignore_ascii_case(word))
            .copied()
    };
    // Bytes rather than chars: every byte that ends a segment is ASCII.
    let is_segment_byte = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_');
    cleaned
        .as_bytes()
        .split(|b| !is_segment_byte(b))
        .map(trim_dots)
        .find_map(|segment| {
            // A whole segment (`socket.io`, `graphql-ws`), or one of its
            // words (`xmpp-websocket`, `colibri-ws`, `api_websocket`).
            known(segment).or_else(|| segment.split(|b| matches!(b, b'-' | b'_')).find_map(known))
        })
}

/// The bytes without leading and trailing dots.
fn trim_dots(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| b != b'.').unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|&b| b != b'.')
        .map_or(start, |e| e + 1);
    &bytes[start..end]
}

#[cfg(test)]
mod tests {
    use super::path_segment;

    #[test]
    fn path_segments() {
        assert_eq!(path_segment("/ws/"), Some("ws"));
        assert_eq!(path_segment("/socket.io"), Some("socket.io"));
        assert_eq!(path_segment("~ ^/(socket\\.io|api)/"), Some("socket.io"));
        assert_eq!(
            path_segment("/api/v[0-9]+/(users/)?websocket$"),
            Some("websocket")
        );
        assert_eq!(path_segment("/xmpp-websocket"), Some("websocket"));
        assert_eq!(path_segment("@api_websocket"), Some("websocket"));
        assert_eq!(path_segment("~ ^/colibri-ws/default-id/(.*)"), Some("ws"));
        assert_eq!(path_segment("/wsapi/"), None);
        assert_eq!(path_segment("/aws-s3/"), None);
        assert_eq!(path_segment("/news/"), None);
        assert_eq!(path_segment("/"), None);
        // A file, not an endpoint.
        assert_eq!(path_segment("/pad/socket.io/socket.io.js"), None);
        assert_eq!(path_segment("~ ^/socket.io/socket.io.js$"), None);
        assert_eq!(path_segment("= /ws/client.min.js"), None);
        assert_eq!(path_segment("/socket.io"), Some("socket.io"));
    }
}
