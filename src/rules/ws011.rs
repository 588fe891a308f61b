//! WS011 inherited-add-headers-hidden: a level's own `add_header` hides the
//! headers added at an outer level.

use super::{Cx, FixAvailability, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};

pub static META: RuleMeta = RuleMeta {
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
- NGINX_FACTS 12, 13: array inheritance; `add_header_inherit`
- nginx docs: ngx_http_headers_module `add_header`, `add_header_inherit`
",
};

pub struct Rule;

impl super::Rule for Rule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Cx, out: &mut Vec<Diagnostic>) {
        for route in cx.routes.iter().filter(|r| !r.dedicated_path) {
            let value = cx.model.array(route.scope, "add_header");
            let present: Vec<String> = value
                .entries
                .iter()
                .filter_map(|s| s.node.view.arg_value(0))
                .map(|n| n.to_ascii_lowercase())
                .collect();
            let lost: Vec<_> = value
                .hidden
                .iter()
                .filter(|s| {
                    s.node
                        .view
                        .arg_value(0)
                        .is_some_and(|n| !present.contains(&n.to_ascii_lowercase()))
                })
                .collect();
            if lost.is_empty() {
                continue;
            }
            let names: Vec<String> = lost
                .iter()
                .map(|s| {
                    format!(
                        "`{}` ({})",
                        s.node.view.arg_value(0).unwrap_or_default(),
                        cx.file_line(s.node)
                    )
                })
                .collect();
            let mut d = cx.finding(
                &META,
                route,
                cx.location_anchor(route.scope),
                format!(
                    "{} has `add_header` lines of its own (or below it), so these headers added at an outer level are not sent from it: {}",
                    cx.place(route.scope),
                    names.join(", ")
                ),
            );
            for s in lost {
                d = d.with_related(s.node.location(), "hidden here");
            }
            out.push(d);
        }
    }
}
