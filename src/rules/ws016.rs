//! WS016 missing-host-header: a WebSocket route passes no `Host` header.

use super::{Cx, FixAvailability, RuleMeta};
use crate::diagnostic::Applicability;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::edits::Line;
use crate::semantic::apps::OriginCheck;

pub(crate) static META: RuleMeta = RuleMeta {
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

## Severity
A warning, unless wslint knows the app behind the route
(grammar/websocket-apps.tsv, `wslint apps`) and that app does not compare
`Origin` with `Host`: then the handshake works and only what the app builds
from `Host` (links, redirects, its idea of its own name) is wrong, which is
worth knowing but breaks no WebSocket, so it is info. Where nothing says
how the backend checks `Origin`, it stays a warning: gorilla/websocket's
default, Rails, Jupyter, Cockpit and many others refuse the handshake.

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
- docs/nginx-facts.md F2: without `proxy_set_header Host`, the backend gets `$proxy_host`
- tests/it/nginx_behaviour.rs `a_bare_proxy_pass_sends_http10_its_own_host_and_no_upgrade`
- tests/it/nginx_behaviour.rs `host_of_an_upstream_name_is_the_name`
- nginx docs: `proxy_set_header`
",
};

pub(crate) fn check(cx: &Cx, out: &mut Vec<Diagnostic>) {
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
        // How much it matters depends on the app behind the route.
        let (severity, consequence) = match route.app.as_ref().map(|r| (r.app, r.app.origin_check))
        {
            Some((app, Some(OriginCheck::Host))) => (
                Severity::Warning,
                format!(
                    "{} compares the handshake's `Origin` with `Host` and rejects it",
                    app.name
                ),
            ),
            Some((app, Some(OriginCheck::Allowlist))) => (
                Severity::Info,
                format!(
                    "{} checks `Origin` against its own setting, not `Host`, so the handshake works; only what the backend derives from `Host` (links, redirects, virtual hosts) gets the wrong name",
                    app.name
                ),
            ),
            Some((app, Some(OriginCheck::None))) => (
                Severity::Info,
                format!(
                    "{} does not check `Origin`, so the handshake works; only what the backend derives from `Host` (links, redirects, virtual hosts) gets the wrong name",
                    app.name
                ),
            ),
            _ => (
                Severity::Warning,
                "a backend that checks `Origin` against `Host` rejects the handshake".to_string(),
            ),
        };
        let mut finding = cx.missing_finding(
            &META,
            route,
            cx.location_anchor(route.scope),
            format!(
                "{} passes no `Host` header, so the backend sees {sees} and {consequence}; add `proxy_set_header Host $host;`",
                cx.place(route)
            ),
            cx.unseen_headers(route),
            "the `Host` header",
        ).with_fix(fix);
        finding.severity = severity;
        out.push(finding);
    }
}
