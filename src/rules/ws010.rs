//! WS010 cors-headers-on-websocket: CORS headers on a dedicated WebSocket
//! route, where they do nothing.

use super::{Cx, FixAvailability, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::build::remove_directive;
use crate::fix::{Applicability, Fix};

pub static META: RuleMeta = RuleMeta {
    code: "WS010",
    name: "cors-headers-on-websocket",
    severity: Severity::Warning,
    fix: FixAvailability::Sometimes,
    default_enabled: true,
    summary: "`add_header Access-Control-*` on a WebSocket route has no effect",
    explanation: "\
## What it does
On a dedicated WebSocket route (its path is a WebSocket path such as `/ws/`
or `/socket.io/`), reports `add_header Access-Control-…` entries in effect.

## Why is this bad
`add_header` is only sent on 200, 201, 204, 206 and redirect responses (and
with `always` on errors); never on `101 Switching Protocols`. And browsers do
not apply CORS to WebSocket handshakes at all: they send `Origin` and leave
the decision to the server. The headers give a false sense of protection
while any site can open a WebSocket to the route.

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
- NGINX_FACTS 13: which responses `add_header` applies to; CORS and WebSockets
- RFC 6455 section 10.2 (Origin considerations)
",
};

pub struct Rule;

impl super::Rule for Rule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Cx, out: &mut Vec<Diagnostic>) {
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
            out.push(cx.finding(
                &META,
                route,
                cx.anchor(route, Some(first.node)),
                format!(
                    "{} adds CORS headers ({}, {}) that are never sent on a 101 response, and WebSocket handshakes are not subject to CORS; check `Origin` instead",
                    cx.place(route),
                    names.join(", "),
                    cx.file_line(first.node)
                ),
            ).with_fix(fix));
        }
    }
}

/// Whether a header name is a CORS response header.
pub fn is_cors(name: Option<&str>) -> bool {
    name.is_some_and(|n| n.to_ascii_lowercase().starts_with("access-control-"))
}
