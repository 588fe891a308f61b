//! WS011 inherited-add-headers-hidden: a level's own `add_header` hides the
//! headers added at an outer level.

use super::{Cx, FixAvailability, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};

pub(crate) static META: RuleMeta = RuleMeta {
    code: "WS011",
    name: "inherited-add-headers-hidden",
    severity: Severity::Warning,
    fix: FixAvailability::Sometimes,
    default_enabled: true,
    summary: "a route's own `add_header` hides headers added at an outer level",
    explanation: "\
## What it does
On a WebSocket route that also serves plain HTTP (its path is not a dedicated
WebSocket path), lists the `add_header` entries of outer levels that do not
apply because a closer level has `add_header` lines of its own, and that the
route does not add again. `add_header_inherit merge` (nginx 1.29.3) is
respected.

## Why is this bad
Like `proxy_set_header`, `add_header` is inherited all or nothing. One
`add_header` in the location drops the server's CORS headers, HSTS or
`X-Frame-Options` for every plain response of that location, and nothing
says so.

## Example
```nginx
server {
    add_header Access-Control-Allow-Origin https://app.example.com always;
    location / {
        add_header Cache-Control no-store;
        proxy_pass http://app;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
    }
}
```

## Use instead
Repeat the outer headers in the location, or (nginx 1.29.3+) write
`add_header_inherit merge;` in it.

## Fix safety
Unsafe: copying headers into the location changes its responses.

## References
- docs/nginx-facts.md F19: `add_header` levels replace, they do not merge
- docs/nginx-facts.md F20: `add_header_inherit` (nginx 1.29.3)
- nginx docs: ngx_http_headers_module `add_header`, `add_header_inherit`
",
};

pub(crate) fn check(cx: &Cx, out: &mut Vec<Diagnostic>) {
    for route in cx.routes.iter().filter(|r| !r.dedicated_path) {
        let value = cx.model.array(route.scope, "add_header");
        let lost = super::lost_entries(&value);
        if !lost.is_empty() {
            out.push(
                cx.lost_entries_finding(
                    &META,
                    route,
                    &lost,
                    "has `add_header` lines of its own (or below it), so these headers added at an outer level are not sent from it",
                ),
            );
        }
    }
}
