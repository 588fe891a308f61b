//! WS008 inherited-proxy-headers-hidden: a WebSocket route defines its own
//! `proxy_set_header` lines and so loses the ones set at an outer level.

use super::{Cx, FixAvailability, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};

pub(crate) static META: RuleMeta = RuleMeta {
    code: "WS008",
    name: "inherited-proxy-headers-hidden",
    severity: Severity::Warning,
    fix: FixAvailability::Sometimes,
    default_enabled: true,
    summary: "a route's own `proxy_set_header` hides headers set at an outer level",
    explanation: "\
## What it does
On a WebSocket route, lists the `proxy_set_header` entries written at an
outer level (http, server, an enclosing location) that do not reach the route
because a closer level defines `proxy_set_header` lines of its own, and that
the route does not set again itself. It names each hidden header and where
it was set.

## Why is this bad
`proxy_set_header` is inherited all or nothing: a level inherits its parent's
list only if it defines none. Adding the WebSocket headers to a location
silently drops `Host`, `X-Forwarded-For`, `X-Forwarded-Proto`, … set at server
level. The backend then sees the upstream's name as Host, Origin checks fail
and the handshake is refused, or it builds wrong redirect URLs.

## Example
```nginx
server {
    proxy_set_header Host $host;
    proxy_set_header X-Forwarded-Proto $scheme;

    location /socket.io/ {
        proxy_pass http://app;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
    }
}
```

## Use instead
Repeat the outer headers in the location (or keep them all in a snippet that
every location includes):
```nginx
    location /socket.io/ {
        proxy_pass http://app;
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
    }
```

## Fix safety
Unsafe: copying the hidden headers into the location changes what the backend
receives; the author may have meant to drop them.

## References
- docs/nginx-facts.md F19: `proxy_set_header` levels replace, they do not merge
- docs/nginx-facts.md F2: without `proxy_set_header Host`, the backend gets `$proxy_host`
- nginx docs: `proxy_set_header` (\"inherited from the previous configuration
  level if and only if there are no proxy_set_header directives defined on the
  current level\")
",
};

pub(crate) fn check(cx: &Cx, out: &mut Vec<Diagnostic>) {
    for route in &cx.routes {
        let lost = super::lost_entries(&route.proxy_set_header);
        if !lost.is_empty() {
            out.push(
                cx.lost_entries_finding(
                    &META,
                    route,
                    &lost,
                    "defines its own `proxy_set_header` lines, so these headers set at an outer level do not reach it",
                ),
            );
        }
    }
}
