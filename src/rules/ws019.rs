//! WS019 websocket-route-not-proxied: a location meant as a WebSocket route
//! proxies nothing, so nginx serves files there and every handshake fails.

use super::routes::Unseen;
use super::{Cx, FixAvailability, RuleMeta};
use crate::diagnostic::Applicability;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::edits::Line;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "WS019",
    name: "websocket-route-not-proxied",
    severity: Severity::Error,
    fix: FixAvailability::Sometimes,
    default_enabled: true,
    summary: "a WebSocket location proxies nothing (nested locations do not inherit `proxy_pass`)",
    explanation: "\
## What it does
Reports a location meant as a WebSocket route (it sets an `Upgrade` header
itself, carries a `# wslint: websocket` comment, or sits inside a location
that proxies) that has no `proxy_pass` in effect and nothing else that answers
(`return`, `try_files`, another `*_pass`, a Lua or njs handler).

## Why is this bad
`proxy_pass` sets a location's content handler, and a nested location does not
inherit it: only an `if` or `limit_except` block inside the location does. A
location nested in one that proxies, with its own headers but no `proxy_pass`,
serves files from the root: every WebSocket handshake gets a 404 (or 403),
while the parent location keeps working, so the mistake hides well.

## Example
```nginx
location /app/ {
    proxy_pass http://127.0.0.1:8080;
    location /app/ws/ {
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection \"upgrade\";
    }
}
```

## Use instead
```nginx
location /app/ {
    proxy_pass http://127.0.0.1:8080;
    location /app/ws/ {
        proxy_pass http://127.0.0.1:8080;
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection \"upgrade\";
    }
}
```

## Fix safety
Unsafe: for a location nested in one that proxies, the fix copies the outer
`proxy_pass`. When that URL has a path (`proxy_pass http://app/;`) nginx maps
the nested location's URIs onto it differently, so check where requests go.
A location that is not nested gets no fix: only its author knows the backend.

## References
- nginx docs: ngx_http_core_module `location`; ngx_http_proxy_module `proxy_pass`
- docs/nginx-facts.md F22: a nested location does not inherit `proxy_pass`
- tests/it/nginx_behaviour.rs `a_nested_location_does_not_inherit_proxy_pass`
- tests/it/nginx_behaviour.rs `an_if_block_inherits_proxy_pass`
",
};

pub(crate) fn check(cx: &Cx, out: &mut Vec<Diagnostic>) {
    for route in &cx.unproxied {
        let outer = cx.model.outer_proxy_pass(route.scope);
        let (why, fix) = match outer {
            Some(outer) => (
                format!(
                    "a nested location does not inherit the `proxy_pass` of the location around it ({}); only `if` and `limit_except` blocks do",
                    cx.file_line(outer.node)
                ),
                cx.add_lines_fix(
                    route,
                    vec![Line::Copy(outer.node)],
                    Applicability::Unsafe,
                    "copy the outer location's `proxy_pass`",
                    Vec::new(),
                ),
            ),
            None => ("it has no `proxy_pass`".to_string(), None),
        };
        out.push(
            cx.missing_finding(
                &META,
                route,
                cx.location_anchor(route.scope),
                format!(
                    "{} is meant for WebSockets but proxies nothing: {why}, so nginx serves files there and every handshake gets 404",
                    cx.place(route)
                ),
                unseen_in_location(cx, route).as_ref(),
                "a content handler (`proxy_pass` or another)",
            )
            .with_fix(fix),
        );
    }
}
/// What the location itself may hold unseen: a handler is never inherited
/// from outer levels, so only an include here that could not be followed,
/// or a directive the table does not know (a third-party content handler
/// such as `passenger_enabled`), could supply one.
fn unseen_in_location(cx: &Cx, route: &super::routes::Route) -> Option<Unseen> {
    super::routes::unseen_in_level(cx.model, route.scope)
}
