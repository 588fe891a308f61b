//! What `wslint inspect` shows: for each location, what nginx will actually
//! do there once inheritance is applied: the proxied target and its
//! upstream, the upstream HTTP version, the timeouts, and the
//! `proxy_set_header` and `add_header` lists, each value with the file and
//! line that supplied it and the level it comes from, plus the entries of
//! outer levels that a closer level hides.

use super::effective::Setting;
use super::model::{Model, ScopeId};
use crate::syntax::context::Context;
use crate::syntax::version::NginxVersion;
use serde::Serialize;

// The reports' fields are declared in alphabetical order: `inspect --format
// json` has always written each object's keys sorted, and serializing the
// structs directly keeps that order.

/// Where a value comes from.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Origin {
    pub(crate) file: String,
    /// The level it is written at: `this location`, `location /api/`,
    /// `server example.com`, `http`, `if (...)`.
    pub(crate) level: String,
    pub(crate) line: usize,
}

/// A scalar directive's effective value.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ScalarReport {
    pub(crate) directive: &'static str,
    /// `None` when nginx's default applies.
    pub(crate) origin: Option<Origin>,
    pub(crate) value: String,
}

/// One entry of an array directive.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct EntryReport {
    pub(crate) origin: Origin,
    pub(crate) value: String,
}

/// An array directive's effective entries and the hidden ones.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ArrayReport {
    /// Outer entries cancelled by `add_header_inherit off`.
    pub(crate) cancelled: Vec<EntryReport>,
    pub(crate) directive: &'static str,
    pub(crate) entries: Vec<EntryReport>,
    pub(crate) hidden: Vec<EntryReport>,
    /// What nginx sends on its own for `proxy_set_header` when no entry
    /// sets the header (`Host $proxy_host`, and `Connection close` before
    /// 1.29.7), for a location that proxies; empty otherwise.
    pub(crate) implicit: Vec<String>,
}

/// The upstream block a `proxy_pass` names.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct UpstreamReport {
    pub(crate) keepalive: Option<String>,
    pub(crate) name: String,
    pub(crate) origin: Origin,
}

/// Why a location is a WebSocket route, and the app behind it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct RouteReport {
    pub(crate) app: Option<AppReport>,
    /// Whether nginx proxies it (a route nginx serves files on is WS019).
    pub(crate) proxied: bool,
    /// The strongest signal, as findings state it.
    pub(crate) why: String,
}

/// What wslint knows of the app behind a route (grammar/websocket-apps.tsv).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct AppReport {
    /// `25s server`, `none` (silent while idle), or empty when not known.
    pub(crate) heartbeat: String,
    pub(crate) id: &'static str,
    pub(crate) name: &'static str,
    /// `host`, `allowlist`, `none`, or empty when not known.
    pub(crate) origin_check: &'static str,
    /// How it was recognised: its endpoint path, or (an inference) the
    /// host or port it proxies to.
    pub(crate) recognised: String,
    /// Whether its endpoint carries only WebSockets (`null`: not known).
    pub(crate) websocket_only: Option<bool>,
}

impl AppReport {
    pub(crate) fn new(recognised: &super::apps::Recognised) -> AppReport {
        use super::apps::{Heartbeat, OriginCheck};
        let app = recognised.app;
        AppReport {
            heartbeat: match app.heartbeat {
                Heartbeat::Unknown => String::new(),
                Heartbeat::Silent => "none".into(),
                Heartbeat::Every { seconds, side } => format!("{seconds}s {side}"),
            },
            id: app.id,
            name: app.name,
            origin_check: match app.origin_check {
                None => "",
                Some(OriginCheck::Host) => "host",
                Some(OriginCheck::Allowlist) => "allowlist",
                Some(OriginCheck::None) => "none",
            },
            recognised: recognised.describe(),
            websocket_only: app.websocket_only,
        }
    }
}

/// Everything shown for one location.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct LocationReport {
    pub(crate) arrays: Vec<ArrayReport>,
    pub(crate) column: usize,
    pub(crate) file: String,
    pub(crate) line: usize,
    /// `location ~* ^/ws` as written (unquoted).
    pub(crate) location: String,
    pub(crate) proxy_pass: Option<EntryReport>,
    /// Without a `proxy_pass`: the outer location's, which this nested
    /// location does not inherit (it serves files).
    pub(crate) proxy_pass_not_inherited: Option<EntryReport>,
    pub(crate) scalars: Vec<ScalarReport>,
    pub(crate) server: Option<String>,
    pub(crate) upstream: Option<UpstreamReport>,
    /// Set when wslint takes the location for a WebSocket route.
    pub(crate) websocket: Option<RouteReport>,
}

/// Scalars shown, with nginx's defaults.
const SCALARS: &[(&str, &str)] = &[
    ("proxy_http_version", ""),
    ("proxy_connect_timeout", "60s"),
    ("proxy_read_timeout", "60s"),
    ("proxy_send_timeout", "60s"),
    ("proxy_buffering", "on"),
];

const ARRAYS: &[&str] = &["proxy_set_header", "proxy_hide_header", "add_header"];

/// The reports of every location whose pattern contains `filter` (all
/// locations without a filter), in file order; `routes` says which are
/// WebSocket routes (the rules layer finds them).
pub(crate) fn inspect(
    model: &Model,
    version: NginxVersion,
    filter: Option<&str>,
    routes: &std::collections::HashMap<ScopeId, RouteReport>,
) -> Vec<LocationReport> {
    let mut scopes: Vec<ScopeId> = model
        .locations()
        .filter(|&s| {
            let pattern = model.scope(s).opener.and_then(|o| o.view.location_match());
            match filter {
                None => true,
                Some(f) => pattern.is_some_and(|m| m.pattern.contains(f)),
            }
        })
        .collect();
    scopes.sort_by_key(|&s| {
        let o = model.scope(s).opener.expect("a location has an opener");
        (o.file, o.view.span().start)
    });
    // A location reached twice (a snippet included in two places) is shown
    // once per place it is analysed in; identical reports are merged.
    let mut reports: Vec<LocationReport> = scopes
        .into_iter()
        .map(|s| LocationReport {
            websocket: routes.get(&s).cloned(),
            ..location_report(model, version, s)
        })
        .collect();
    reports.dedup_by(|a, b| serde_json::to_string(a).ok() == serde_json::to_string(b).ok());
    reports
}

fn location_report(model: &Model, version: NginxVersion, scope: ScopeId) -> LocationReport {
    let opener = model.scope(scope).opener.expect("a location has an opener");
    let file = model.files.get(opener.file);
    let (line, column) = file.line_col(opener.view.span().start);
    let words: Vec<String> = std::iter::once(opener.name().into_owned())
        .chain(opener.args())
        .collect();
    let server = model
        .ancestors(scope)
        .find(|&s| model.scope(s).context == Context::Server)
        .map(|s| {
            model
                .scalar(s, "server_name")
                .map(|n| n.node.args().join(" "))
                .unwrap_or_else(|| "without server_name".into())
        });
    let proxy = model.proxy_pass(scope);
    let upstream = proxy.as_ref().and_then(|p| {
        let up = p.upstream?;
        let opener = model.scope(up).opener?;
        Some(UpstreamReport {
            name: p.host.to_string(),
            origin: origin(
                model,
                scope,
                Setting {
                    node: opener,
                    scope: up,
                },
            ),
            keepalive: model
                .own(up, "keepalive")
                .last()
                .map(|k| k.node.args().join(" ")),
        })
    });
    let scalars = SCALARS
        .iter()
        .map(|&(name, default)| match model.scalar(scope, name) {
            Some(s) => ScalarReport {
                directive: name,
                value: s.node.args().join(" "),
                origin: Some(origin(model, scope, s)),
            },
            None => ScalarReport {
                directive: name,
                value: if name == "proxy_http_version" {
                    if version.defaults_to_http11() {
                        "1.1"
                    } else {
                        "1.0"
                    }
                    .to_string()
                } else {
                    default.to_string()
                },
                origin: None,
            },
        })
        .collect();
    let arrays = ARRAYS
        .iter()
        .map(|&name| {
            let value = model.array(scope, name);
            let entry = |s: &Setting| EntryReport {
                value: s.node.args().join(" "),
                origin: origin(model, scope, *s),
            };
            let sets = |header: &str| {
                value.entries.iter().any(|s| {
                    s.node
                        .view
                        .args()
                        .next()
                        .is_some_and(|h| h.text_eq_ignore_ascii_case(header))
                })
            };
            let mut implicit = Vec::new();
            if name == "proxy_set_header" && proxy.is_some() {
                if !sets("host") {
                    implicit.push("Host $proxy_host".to_string());
                }
                if !sets("connection") && !version.defaults_to_http11() {
                    implicit.push("Connection close".to_string());
                }
            }
            ArrayReport {
                directive: name,
                entries: value.entries.iter().map(entry).collect(),
                hidden: value.hidden.iter().map(entry).collect(),
                cancelled: value.cancelled.iter().map(entry).collect(),
                implicit,
            }
        })
        .collect();
    LocationReport {
        file: file.display_name().to_string(),
        line,
        column,
        location: words.join(" "),
        server,
        proxy_pass_not_inherited: match &proxy {
            Some(_) => None,
            None => model.outer_proxy_pass(scope).map(|s| EntryReport {
                value: s.node.args().join(" "),
                origin: origin(model, scope, s),
            }),
        },
        proxy_pass: proxy.map(|p| EntryReport {
            value: p.url.to_string(),
            origin: origin(model, scope, p.setting),
        }),
        upstream,
        scalars,
        arrays,
        websocket: None,
    }
}

/// The origin of a setting, seen from `viewer`.
fn origin(model: &Model, viewer: ScopeId, setting: Setting) -> Origin {
    let file = model.files.get(setting.node.file);
    let line = file.line_of(setting.node.view.span().start);
    Origin {
        file: file.display_name().to_string(),
        line,
        level: level_name(model, viewer, setting.scope),
    }
}

fn level_name(model: &Model, viewer: ScopeId, scope: ScopeId) -> String {
    if scope == viewer {
        return "this location".into();
    }
    let s = model.scope(scope);
    match s.opener {
        Some(o) => std::iter::once(o.name().into_owned())
            .chain(o.args())
            .collect::<Vec<_>>()
            .join(" "),
        None => s.context.describe().to_string(),
    }
}
