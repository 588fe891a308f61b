//! Effective configuration: what nginx actually uses at a given scope once
//! inheritance is applied (docs/nginx-facts.md F19–F21).
//!
//! - A scalar directive comes from the nearest level that sets it.
//! - An array directive (`proxy_set_header`, `add_header`,
//!   `proxy_hide_header`, …) comes whole from the nearest level that has at
//!   least one entry; entries of outer levels are then *hidden*, and the
//!   result says which ones.
//! - `add_header_inherit` / `add_trailer_inherit` (nginx 1.29.3) change that
//!   rule: `merge` appends the level's entries to the inherited ones, `off`
//!   inherits nothing.
//!
//! Every value points at the directive that supplied it and the scope it
//! was written in.

use super::model::{Model, Node, ScopeId};
use crate::syntax::context::Context;
use std::borrow::Cow;

/// A directive in effect at some scope.
#[derive(Debug, Clone, Copy)]
pub struct Setting<'a> {
    pub node: Node<'a>,
    /// The scope the directive is written in.
    pub(crate) scope: ScopeId,
}

/// The effective entries of an array directive at a scope.
#[derive(Debug, Clone, Default)]
pub struct ArrayValue<'a> {
    /// What nginx uses, in order.
    pub entries: Vec<Setting<'a>>,
    /// Entries of outer levels that do not reach this scope because a level
    /// in between defines its own.
    pub hidden: Vec<Setting<'a>>,
    /// Entries of outer levels that a closer `add_header_inherit off` (or
    /// its sibling for another array directive) cancels.
    pub(crate) cancelled: Vec<Setting<'a>>,
}

/// One `proxy_set_header` in effect.
#[derive(Debug, Clone)]
pub struct HeaderEntry<'a> {
    /// The header name as written.
    pub name: std::borrow::Cow<'a, str>,
    /// The value as nginx sees it (unquoted).
    pub(crate) value: std::borrow::Cow<'a, str>,
    pub(crate) setting: Setting<'a>,
}

impl<'a> HeaderEntry<'a> {
    /// Header entries from `proxy_set_header` settings.
    pub(crate) fn from_settings(settings: &[Setting<'a>]) -> Vec<Self> {
        settings
            .iter()
            .map(|&setting| HeaderEntry {
                name: setting.node.view.arg_text(0).unwrap_or_default(),
                value: setting.node.view.arg_text(1).unwrap_or_default(),
                setting,
            })
            .collect()
    }
}

/// Where a location proxies to.
#[derive(Debug, Clone)]
pub struct ProxyTarget<'a> {
    pub setting: Setting<'a>,
    /// The URL as written (unquoted).
    pub url: Cow<'a, str>,
    /// `http`, `https`, `ws`, … (lowercase); empty when there is none.
    pub(crate) scheme: Cow<'a, str>,
    /// The host part (an upstream name or an address).
    pub(crate) host: Cow<'a, str>,
    /// The `upstream` block the host names, if any.
    pub upstream: Option<ScopeId>,
}

impl ProxyTarget<'_> {
    /// What nginx sends as `Host` when no `proxy_set_header Host` is in
    /// effect: `$proxy_host`, the host and port as written in the URL, the
    /// port left out when it is the scheme's default, `localhost` for a
    /// unix socket (docs/nginx-facts.md F2). `None` when the URL has variables:
    /// then it is only known once they are set.
    pub(crate) fn host_header(&self) -> Option<String> {
        proxy_host(&self.url)
    }
}

/// `$proxy_host` for a `proxy_pass` URL; see [`ProxyTarget::host_header`].
pub(crate) fn proxy_host(url: &str) -> Option<String> {
    if url.contains('$') {
        return None;
    }
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    if rest.starts_with("unix:") {
        return Some("localhost".into());
    }
    let authority = &rest[..rest.find('/').unwrap_or(rest.len())];
    let default_port = match scheme.to_ascii_lowercase().as_str() {
        "https" | "wss" => ":443",
        _ => ":80",
    };
    Some(
        authority
            .strip_suffix(default_port)
            .unwrap_or(authority)
            .to_string(),
    )
}

/// The inheritance mode set by `add_header_inherit` and its siblings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum InheritMode {
    On,
    Off,
    Merge,
}

impl<'a> Model<'a> {
    /// The directives named `name` written directly in `scope`.
    pub fn own<'m>(
        &'m self,
        scope: ScopeId,
        name: &'m str,
    ) -> impl Iterator<Item = Setting<'a>> + 'm {
        self.named(scope, name)
            .map(move |node| Setting { node, scope })
    }

    /// Configuration levels from `scope` outwards, as far as the directive
    /// can be inherited: through HTTP levels (location, `if`, server, http).
    fn levels(&self, scope: ScopeId) -> impl Iterator<Item = ScopeId> + Clone + '_ {
        let start_context = self.scope(scope).context;
        self.ancestors(scope).take_while(move |&s| {
            let c = self.scope(s).context;
            s == scope || !start_context.is_http_level() || c.is_http_level()
        })
    }

    /// The effective value of a scalar directive: the last one written at
    /// the nearest level that has it.
    pub fn scalar(&self, scope: ScopeId, name: &str) -> Option<Setting<'a>> {
        let id = self.name_id(name)?;
        self.levels(scope)
            .find_map(|level| self.own_by_id(level, id).next_back())
    }

    /// [`Model::own`] by interned name id.
    fn own_by_id(
        &self,
        scope: ScopeId,
        id: u32,
    ) -> impl DoubleEndedIterator<Item = Setting<'a>> + '_ {
        self.named_by_id(scope, id)
            .map(move |node| Setting { node, scope })
    }

    /// The effective entries of an array directive.
    pub fn array(&self, scope: ScopeId, name: &str) -> ArrayValue<'a> {
        let Some(id) = self.name_id(name) else {
            return ArrayValue::default();
        };
        // Walked twice, not collected: this runs for every route and rule.
        let levels = self.levels(scope);
        // Most array directives have no `*_inherit` switch written anywhere:
        // then no level needs to look for one.
        let control = self.inherit_switch(name);
        let mut value = self.array_from(levels.clone(), id, control);
        // Everything written at some level but not in effect is hidden by
        // a closer level's own entries, or else cancelled by `off`.
        let mut closer_has_own = false;
        for level in levels {
            let mut has_own = false;
            for s in self.own_by_id(level, id) {
                has_own = true;
                let in_effect = value
                    .entries
                    .iter()
                    .any(|e| std::ptr::eq(e.node.view.node, s.node.view.node));
                if in_effect {
                    continue;
                }
                if closer_has_own {
                    value.hidden.push(s);
                } else {
                    value.cancelled.push(s);
                }
            }
            closer_has_own |= has_own;
        }
        value
    }

    fn array_from(
        &self,
        mut levels: impl Iterator<Item = ScopeId> + Clone,
        id: u32,
        control: Option<&str>,
    ) -> ArrayValue<'a> {
        let Some(level) = levels.next() else {
            return ArrayValue::default();
        };
        let outer = levels;
        let own: Vec<Setting<'a>> = self.own_by_id(level, id).collect();
        let mode = self.inherit_mode(level, control);
        if own.is_empty() {
            return match mode {
                InheritMode::Off => ArrayValue::default(),
                _ => self.array_from(outer, id, control),
            };
        }
        if mode == InheritMode::Merge {
            let mut merged = self.array_from(outer, id, control);
            merged.entries.extend(own);
            return merged;
        }
        ArrayValue {
            entries: own,
            ..ArrayValue::default()
        }
    }

    fn inherit_mode(&self, level: ScopeId, control: Option<&str>) -> InheritMode {
        let Some(control) = control else {
            return InheritMode::On;
        };
        match self
            .scalar(level, control)
            .and_then(|s| s.node.view.arg_value(0))
        {
            Some(v) if v == "off" => InheritMode::Off,
            Some(v) if v == "merge" => InheritMode::Merge,
            _ => InheritMode::On,
        }
    }

    /// The `proxy_set_header` entries nginx sends from `scope`: "what headers
    /// does this location send?". Entries hidden by inheritance are in
    /// [`Model::array`]`(scope, "proxy_set_header").hidden`.
    pub fn proxy_headers(&self, scope: ScopeId) -> Vec<HeaderEntry<'a>> {
        HeaderEntry::from_settings(&self.array(scope, "proxy_set_header").entries)
    }

    /// The content handler directive `name` (`proxy_pass`, `fastcgi_pass`,
    /// …) in effect at `scope`: its own, or, in an `if` or `limit_except`
    /// block, the location's around it. A nested location does not inherit
    /// it (docs/nginx-facts.md F22): without one of its own it serves files.
    pub(crate) fn handler(&self, scope: ScopeId, name: &str) -> Option<Setting<'a>> {
        let id = self.name_id(name)?;
        for level in self.ancestors(scope) {
            if let Some(setting) = self.own_by_id(level, id).next_back() {
                return Some(setting);
            }
            if !matches!(
                self.scope(level).context,
                Context::IfInLocation | Context::LimitExcept
            ) {
                return None;
            }
        }
        None
    }

    /// The `proxy_pass` of the nearest location around `scope`, which a
    /// nested location does not inherit: set there, and absent here, it is
    /// the one place a WebSocket location is left without one by mistake.
    pub fn outer_proxy_pass(&self, scope: ScopeId) -> Option<Setting<'a>> {
        let outer = self
            .ancestors(scope)
            .skip(1)
            .find(|&a| self.scope(a).context == Context::Location)?;
        self.handler(outer, "proxy_pass")
    }

    /// Whether something other than a file answers requests at `scope`: a
    /// content handler (`proxy_pass` and its kin, a Lua or njs content
    /// handler) or a directive that answers or redirects before content
    /// (`return`, `rewrite`, `try_files`), or `internal`.
    pub(crate) fn answers_otherwise(&self, scope: ScopeId) -> bool {
        const OTHERS: &[&str] = &[
            "fastcgi_pass",
            "uwsgi_pass",
            "scgi_pass",
            "grpc_pass",
            "memcached_pass",
            "return",
            "rewrite",
            "try_files",
            "internal",
            "content_by_lua_block",
            "content_by_lua_file",
            "content_by_lua",
            "js_content",
            "perl",
            "empty_gif",
            "stub_status",
        ];
        OTHERS
            .iter()
            .any(|name| self.handler(scope, name).is_some())
    }

    /// The `proxy_pass` of a location (its own, or, in an `if`, the
    /// location's around it) and the upstream it names.
    pub fn proxy_pass(&self, scope: ScopeId) -> Option<ProxyTarget<'a>> {
        self.proxy_target(self.handler(scope, "proxy_pass")?)
    }

    /// What a `proxy_pass` setting names: its URL's scheme and host, and the
    /// upstream block the host names.
    pub(crate) fn proxy_target(&self, setting: Setting<'a>) -> Option<ProxyTarget<'a>> {
        let scope = setting.scope;
        let url = setting.node.view.arg_text(0)?;
        // Every location asks this: borrow the parts from the file when the
        // URL is written plainly (lowercase scheme, no escapes).
        let (scheme, host) = match &url {
            Cow::Borrowed(url) => {
                let (scheme, host) = url_parts(url);
                let scheme = if scheme.bytes().any(|b| b.is_ascii_uppercase()) {
                    Cow::Owned(scheme.to_ascii_lowercase())
                } else {
                    Cow::Borrowed(scheme)
                };
                (scheme, Cow::Borrowed(host))
            }
            Cow::Owned(url) => {
                let (scheme, host) = url_parts(url);
                (
                    Cow::Owned(scheme.to_ascii_lowercase()),
                    Cow::Owned(host.to_string()),
                )
            }
        };
        let entry = self.scope(scope).entry;
        let upstream = self.upstream_named(entry, &host);
        Some(ProxyTarget {
            setting,
            url,
            scheme,
            host,
            upstream,
        })
    }

    /// Variables that `map`, `geo`, `split_clients`, `set`, `js_set`,
    /// `perl_set` and `set_by_lua*` define anywhere in an entry point (nginx
    /// variables are global to the http context), with their definitions.
    pub fn defined_variables(&self, entry: usize) -> Vec<(String, Node<'a>)> {
        self.variable_definitions()
            .into_iter()
            .filter(|(e, _, _)| *e == entry)
            .map(|(_, name, node)| (name, node))
            .collect()
    }

    /// Every variable definition of every entry point, in one pass:
    /// (entry, variable name, defining directive).
    pub(crate) fn variable_definitions(&self) -> Vec<(usize, String, Node<'a>)> {
        let defining = self.name_ids_where(|name| {
            matches!(
                name,
                "map" | "split_clients" | "geo" | "set" | "js_set" | "perl_set"
            ) || name.starts_with("set_by_lua")
        });
        let mut out = Vec::new();
        for (level, scope) in self.scopes.iter().enumerate() {
            let level = level as ScopeId;
            for (id, node) in self.name_ids(level).iter().zip(self.directives(level)) {
                if !defining.contains(id) {
                    continue;
                }
                let name = node.name();
                let args: Vec<String> = node.args();
                let defined = match (name.as_ref(), args.as_slice()) {
                    ("map" | "split_clients", [_, var, ..]) => Some(var),
                    ("geo", [var]) => Some(var),
                    ("geo", [_, var]) => Some(var),
                    ("set" | "js_set" | "perl_set", [var, ..]) => Some(var),
                    (n, [var, ..]) if n.starts_with("set_by_lua") => Some(var),
                    _ => None,
                };
                if let Some(var) = defined.and_then(|v| v.strip_prefix('$')) {
                    out.push((scope.entry, var.to_string(), *node));
                }
            }
        }
        out
    }
}

/// The `ws://` or `wss://` that starts a URL, in any case: nginx rejects
/// both in `proxy_pass`, and either makes a location a WebSocket route.
/// Compared where the URL is written: every `proxy_pass` of a fleet asks.
pub(crate) fn websocket_scheme(url: &crate::syntax::Arg) -> Option<&'static str> {
    ["ws://", "wss://"]
        .into_iter()
        .find(|scheme| url.text_starts_with_ignore_ascii_case(scheme))
}

/// The scheme (as written, empty when there is none) and the host part of
/// a `proxy_pass` URL: an upstream name, an address, or `[v6]:port`'s
/// bracketed address.
fn url_parts(url: &str) -> (&str, &str) {
    // Byte searches: this runs for every location, and a substring
    // searcher costs more to set up than these short URLs take to scan.
    let bytes = url.as_bytes();
    let (scheme, rest) = match bytes.windows(3).position(|w| w == b"://") {
        Some(at) => (&url[..at], &url[at + 3..]),
        None => ("", url),
    };
    let host_port = &rest[..rest.bytes().position(|b| b == b'/').unwrap_or(rest.len())];
    let host = if host_port.starts_with('[') {
        host_port
    } else {
        &host_port[..host_port
            .bytes()
            .position(|b| b == b':')
            .unwrap_or(host_port.len())]
    };
    (scheme, host)
}

#[cfg(test)]
mod tests {
    use super::{url_parts, websocket_scheme};

    #[test]
    fn websocket_schemes_in_any_case() {
        let scheme = |url: &str| {
            let tree = crate::syntax::parse(format!("proxy_pass {url};").into_bytes());
            let d = tree.directives().next().unwrap();
            websocket_scheme(&d.args().next().unwrap())
        };
        assert_eq!(scheme("ws://a"), Some("ws://"));
        assert_eq!(scheme("WSS://a/x"), Some("wss://"));
        assert_eq!(scheme("'Ws://a'"), Some("ws://"));
        assert_eq!(scheme(r#""\ws://a""#), None, "a backslash kept");
        assert_eq!(scheme("http://ws://"), None);
        assert_eq!(scheme("ws:/a"), None);
        assert_eq!(scheme("ws"), None);
    }

    #[test]
    fn url_parts_of_proxy_pass_urls() {
        assert_eq!(url_parts("http://backend"), ("http", "backend"));
        assert_eq!(url_parts("ws://127.0.0.1:3000/ws/"), ("ws", "127.0.0.1"));
        assert_eq!(url_parts("https://[::1]:8443/x"), ("https", "[::1]:8443"));
        assert_eq!(url_parts("unix:/tmp/s.sock"), ("", "unix"));
        assert_eq!(url_parts("$backend"), ("", "$backend"));
        assert_eq!(url_parts("http://"), ("http", ""));
        assert_eq!(url_parts(""), ("", ""));
    }

    #[test]
    fn proxy_host_keeps_the_port_as_written() {
        use super::proxy_host;
        assert_eq!(
            proxy_host("http://127.0.0.1:19001/ws/").as_deref(),
            Some("127.0.0.1:19001")
        );
        assert_eq!(proxy_host("http://backend").as_deref(), Some("backend"));
        assert_eq!(proxy_host("http://app:80/").as_deref(), Some("app"));
        assert_eq!(proxy_host("https://app:443").as_deref(), Some("app"));
        assert_eq!(proxy_host("https://app:80").as_deref(), Some("app:80"));
        assert_eq!(
            proxy_host("http://[::1]:8080").as_deref(),
            Some("[::1]:8080")
        );
        assert_eq!(
            proxy_host("http://unix:/run/app.sock:/ws").as_deref(),
            Some("localhost")
        );
        assert_eq!(proxy_host("http://$upstream_app:$port"), None);
    }
}
