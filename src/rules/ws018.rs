//! WS018 upgrade-map-defeats-keepalive: the Connection map sends `close` to
//! plain requests of a route whose upstream keeps connections alive.

use super::{Cx, FixAvailability, RuleMeta};
use crate::diagnostic::Applicability;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::edits::replace_arg_fix;
use crate::semantic::Node;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "WS018",
    name: "upgrade-map-defeats-keepalive",
    severity: Severity::Info,
    fix: FixAvailability::Sometimes,
    default_enabled: true,
    summary: "the Connection map's `'' close` defeats the upstream's `keepalive`",
    explanation: "\
## What it does
On a WebSocket route whose `proxy_pass` names an `upstream` with `keepalive`,
fires when the route's `Connection` value comes from a map that sends `close`
to plain requests (the usual `'' close;`).

## Why is this bad
`Connection: close` on every plain request makes the backend close the
upstream connection after each response, so the keepalive pool never holds a
connection: every request pays a new TCP (and TLS) handshake. WebSockets
work; performance silently does not.

## Example
```nginx
upstream app { server 127.0.0.1:8080; keepalive 32; }
map $http_upgrade $connection_upgrade {
    default upgrade;
    ''      close;
}
```

## Use instead
```nginx
map $http_upgrade $connection_upgrade {
    default upgrade;
    ''      '';
}
```
An empty value sends no `Connection` header on plain requests, which keeps
them eligible for keepalive.

## Fix safety
Unsafe: routes that relied on `close` (upstreams without keepalive that
misbehave on reused connections) change behaviour.

## References
- docs/nginx-facts.md F9: the map recipe and its `''` value
- docs/nginx-facts.md F4: an empty value sends no header at all
- docs/nginx-facts.md F24: an upstream connection is reused only when nothing asked to close it
- nginx docs: ngx_http_upstream_module `keepalive`
",
};

pub(crate) fn check(cx: &Cx, out: &mut Vec<Diagnostic>) {
    // One map serves many routes: report each entry once, for the first
    // route (in configuration order) it affects.
    let mut reported = rustc_hash::FxHashSet::default();
    for route in &cx.routes {
        let Some(upstream) = route.upstream else {
            continue;
        };
        let Some(keepalive) = cx.model.own(upstream, "keepalive").last() else {
            continue;
        };
        for h in cx.headers(route, "connection") {
            let Some(var) = h.value.strip_prefix('$') else {
                continue;
            };
            for map in cx.vars.definitions(cx.entry(route), var) {
                if let Some(entry) = close_for_plain_requests(*map)
                    && reported.insert((entry.file, entry.view.span().start))
                {
                    out.push(
                        cx.finding(
                            &META,
                            route,
                            entry.location(),
                            format!(
                                "the map for `${var}` ({}) sends `Connection: close` to plain requests of {}, whose upstream keeps connections alive (`keepalive` at {}); map `''` to `''` instead",
                                cx.file_line(entry),
                                cx.place(route),
                                cx.file_line(keepalive.node)
                            ),
                        )
                        .with_related(keepalive.node.location(), "keepalive here")
                        .with_fix(replace_arg_fix(
                            entry,
                            0,
                            "''",
                            Applicability::Unsafe,
                            "map plain requests to an empty Connection",
                            Vec::new(),
                        )),
                    );
                }
            }
        }
    }
}
/// The map entry that sends `close` to requests without `Upgrade`: the
/// `''` entry, or `default` when there is no `''` entry.
fn close_for_plain_requests(map: Node) -> Option<Node> {
    if map.name() != "map" {
        return None;
    }
    let entries: Vec<_> = map.view.children().collect();
    let key = |d: &crate::syntax::DirectiveView| d.name().into_owned();
    let chosen = entries
        .iter()
        .find(|d| key(d).is_empty())
        .or_else(|| entries.iter().find(|d| key(d) == "default"))?;
    let value = chosen.arg_value(0)?;
    value.eq_ignore_ascii_case("close").then_some(Node {
        file: map.file,
        view: *chosen,
    })
}
