//! WS010 cors-headers-on-websocket: CORS headers on a dedicated WebSocket
//! route, where they do nothing.

use super::{Cx, FixAvailability, RuleMeta};
use crate::diagnostic::{Applicability, Fix};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::edits::remove_directive;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "WS010",
    name: "cors-headers-on-websocket",
    severity: Severity::Warning,
    fix: FixAvailability::Sometimes,
    default_enabled: true,
    summary: "CORS headers on a WebSocket route (`add_header` or `proxy_set_header Access-Control-*`) have no effect",
    explanation: "\
## What it does
On a dedicated WebSocket route (its path is a WebSocket path such as `/ws/`
or `/socket.io/`), reports `add_header Access-Control-…` entries in effect.
On any WebSocket route, reports `proxy_set_header Access-Control-…`: a CORS
response header written as a request header to the backend.

## Why is this bad
Without `always`, `add_header` is only sent on 200, 201, 204, 206 and
redirect responses, never on `101 Switching Protocols`; with `always` it is
sent on the 101 too. Either way browsers do not apply CORS to WebSocket
handshakes: they send `Origin` and leave the decision to the server. The
headers give a false sense of protection while any site can open a WebSocket
to the route. `proxy_set_header` sets a header of the request to the backend,
so an `Access-Control-*` header there never reaches the browser at all.

## Example
```nginx
location /ws/ {
    add_header Access-Control-Allow-Origin https://app.example.com;
    proxy_pass http://app;
    ...
}
```

## Use instead
Check the `Origin` header in the backend, or in nginx:
```nginx
map $http_origin $ws_origin_ok {
    default 0;
    https://app.example.com 1;
}
location /ws/ {
    if ($ws_origin_ok = 0) { return 403; }
    ...
}
```

## Fix safety
Unsafe: removing the lines changes responses of any plain request that also
reaches the location.

## References
- docs/nginx-facts.md F23: without `always`, `add_header` applies to success and redirect statuses only
- docs/nginx-facts.md F31: browsers do not apply CORS to WebSocket handshakes
- tests/it/nginx_behaviour.rs `add_header_reaches_a_101_only_with_always`
- RFC 6455 section 10.2 (Origin considerations)
",
};

pub(crate) fn check(cx: &Cx, out: &mut Vec<Diagnostic>) {
    for route in cx.routes.iter().filter(|r| r.dedicated_path) {
        let cors: Vec<_> = cx
            .model
            .array(route.scope, "add_header")
            .entries
            .into_iter()
            .filter(|s| is_cors(s.node.view.arg_value(0).as_deref()))
            .collect();
        let Some(first) = cors.first() else { continue };
        let names: Vec<String> = cors
            .iter()
            .filter_map(|s| s.node.view.arg_value(0))
            .collect();
        let always =
            |s: &crate::semantic::Setting| s.node.view.arg_value(2).as_deref() == Some("always");
        // Without `always`, add_header skips a 101; with it, the 101
        // carries the headers, and browsers ignore them there.
        let sent = if cors.iter().all(always) {
            "that nginx sends on the 101 response too (`always`), but browsers do not apply CORS to a WebSocket handshake"
        } else if cors.iter().any(always) {
            "some of which nginx never sends on a 101 response (they have no `always`), and browsers do not apply CORS to a WebSocket handshake anyway"
        } else {
            "that nginx never sends on a 101 response (without `always`, `add_header` applies to 200, 201, 204, 206 and 301-308 only), and browsers do not apply CORS to a WebSocket handshake anyway"
        };
        let own: Vec<_> = cors
            .iter()
            .filter(|s| s.scope == route.scope)
            .map(|s| remove_directive(cx.model, s.node))
            .collect();
        let fix = (!own.is_empty()).then(|| {
            Fix::new(
                Applicability::Unsafe,
                "remove the CORS headers from the WebSocket location",
                own,
            )
        });
        out.push(
            cx.finding(
                &META,
                route,
                cx.anchor(route, Some(first.node)),
                format!(
                    "{} adds CORS headers ({}, {}) {sent}; check `Origin` instead",
                    cx.place(route),
                    names.join(", "),
                    cx.file_line(first.node)
                ),
            )
            .with_fix(fix),
        );
    }
    // CORS response headers written as request headers: they go to the
    // backend, never to the browser.
    for route in &cx.routes {
        for h in route.headers.iter().filter(|h| is_cors(Some(&h.name))) {
            let fix = (h.setting.scope == route.scope).then(|| {
                Fix::new(
                    Applicability::Unsafe,
                    "remove the CORS request header",
                    vec![remove_directive(cx.model, h.setting.node)],
                )
            });
            out.push(cx.finding(
                &META,
                route,
                cx.anchor(route, Some(h.setting.node)),
                format!(
                    "{} sends `{}` to the backend as a request header ({}): `proxy_set_header` sets what the backend receives, so the browser never sees it (a response header is `add_header`, and WebSocket handshakes are not subject to CORS)",
                    cx.place(route),
                    h.name,
                    cx.file_line(h.setting.node)
                ),
            ).with_fix(fix));
        }
    }
}
/// Whether a header name is a CORS response header.
pub(crate) fn is_cors(name: Option<&str>) -> bool {
    name.is_some_and(|n| n.to_ascii_lowercase().starts_with("access-control-"))
}
