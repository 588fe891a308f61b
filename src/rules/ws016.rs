//! WS016 missing-host-header: a WebSocket route passes no `Host` header.

use super::{Cx, FixAvailability, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::Applicability;
use crate::fix::build::Line;

pub static META: RuleMeta = RuleMeta {
    code: "WS016",
    name: "missing-host-header",
    severity: Severity::Warning,
    fix: FixAvailability::Always,
    default_enabled: true,
    summary: "a WebSocket route passes no `Host` header",
    explanation: "\
## What it does
On a WebSocket route, fires when no `proxy_set_header Host …` is in effect
(set in the location or inherited).

## Why is this bad
Without it nginx sends `Host: $proxy_host`: the upstream's name or address
(`app_backend`, `127.0.0.1:3000`). Servers that compare the handshake's
`Origin` with `Host` (Socket.IO's `allowRequest` checks, Uptime Kuma, Drone,
Django Channels' `AllowedHostsOriginValidator`, …) then reject the handshake,
although plain pages load fine. Virtual-host routing and generated URLs on the
backend break the same way.

## Example
```nginx
location /socket.io/ {
    proxy_pass http://127.0.0.1:3001;
    proxy_http_version 1.1;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection $connection_upgrade;
}
```

## Use instead
```nginx
    proxy_set_header Host $host;
```

## Fix safety
Safe for WebSocket routes: `$host` is the name the client connected to.

## References
- NGINX_FACTS 1 (the proxy module's default `Host $proxy_host`)
- nginx docs: `proxy_set_header`
",
};

pub struct Rule;

impl super::Rule for Rule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Cx, out: &mut Vec<Diagnostic>) {
        for route in &cx.routes {
            if cx.headers(route, "host").any(|h| !h.value.is_empty()) {
                continue;
            }
            // What nginx sends instead: `$proxy_host`, the host and port as
            // the `proxy_pass` URL writes them. A URL with variables only
            // has one once they are set; a snippet has no `proxy_pass`.
            let sees = match &route.host_header {
                Some(host) => format!("`Host: {host}` (the host and port of `proxy_pass`)"),
                None if route.proxy_host.is_empty() => {
                    "`Host: $proxy_host` (the host and port of the `proxy_pass` that includes it)"
                        .to_string()
                }
                None => format!(
                    "the host and port of `proxy_pass` as its variables make them (`{}`), not the name the browser used",
                    route.proxy_host
                ),
            };
            let lines = cx.header_lines(route, &[Line::text("proxy_set_header Host $host;")]);
            let fix = cx.add_lines_fix(
                route,
                lines,
                Applicability::Safe,
                "add `proxy_set_header Host $host;`",
                Vec::new(),
            );
            out.push(cx.missing_finding(
                &META,
                route,
                cx.location_anchor(route.scope),
                format!(
                    "{} passes no `Host` header, so the backend sees {sees} and a backend that checks `Origin` against `Host` rejects the handshake; add `proxy_set_header Host $host;`",
                    cx.place(route)
                ),
                cx.unseen_headers(route),
                "the `Host` header",
            ).with_fix(fix));
        }
    }
}
