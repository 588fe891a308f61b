//! WS004 hardcoded-connection-upgrade: `Connection "upgrade"` written as a
//! literal on a location that also serves plain HTTP.

use super::{Cx, FixAvailability, RuleMeta};
use crate::diagnostic::Applicability;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::edits::replace_arg_fix;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "WS004",
    name: "hardcoded-connection-upgrade",
    severity: Severity::Info,
    fix: FixAvailability::Sometimes,
    default_enabled: true,
    summary: "`Connection \"upgrade\"` is sent on every request of a location that also serves plain HTTP",
    explanation: "\
## What it does
On a WebSocket route whose path is not a dedicated WebSocket path, it
reports a literal `proxy_set_header Connection \"upgrade\";`. Dedicated
paths are those with a `/ws/`, `/socket.io/`, … segment, those declared
with `--websocket-path`, and the endpoints of known apps that carry only
WebSockets there (`/api/websocket` of Home Assistant, `/cable` of Action
Cable; grammar/websocket-apps.tsv, `wslint apps`).

## Why is this bad
The literal is sent on every request through the location, not just on
handshakes. Plain requests then reach the backend with `Connection: upgrade`;
some servers treat them as upgrade attempts or reject requests with a body
(Kestrel answers 400, httpuv mistook page loads for WebSockets), and the
upstream connection can never be kept alive. On a dedicated WebSocket path
the literal is harmless, so it is not reported there.

## Example
```nginx
location / {
    proxy_pass http://app;
    proxy_http_version 1.1;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection \"upgrade\";
}
```

## Use instead
```nginx
map $http_upgrade $connection_upgrade {
    default upgrade;
    ''      close;
}

location / {
    proxy_pass http://app;
    proxy_http_version 1.1;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection $connection_upgrade;
}
```

## Fix safety
Unsafe: replacing the literal by the map changes what plain requests send
(`close` instead of `upgrade`), which a backend may rely on.

## References
- docs/nginx-facts.md F5: a literal Connection is sent on every request
- docs/nginx-facts.md F9: the map recipe
- nginx docs: \"WebSocket proxying\" (the map example)
",
};

pub(crate) fn check(cx: &Cx, out: &mut Vec<Diagnostic>) {
    // A snippet of location-level directives checked alone has no
    // path: whether the locations that include it serve plain HTTP too
    // cannot be known.
    let has_path = |r: &&super::routes::Route| cx.model.scope(r.scope).opener.is_some();
    for route in cx
        .routes
        .iter()
        .filter(|r| !r.dedicated_path)
        .filter(has_path)
    {
        let place = cx.place(route);
        for h in cx.headers(route, "connection") {
            // Quote characters make it no upgrade at all (WS003).
            let literal = !h.value.contains('$') && !super::routes::has_quote_characters(&h.value);
            if literal && h.value.to_ascii_lowercase().contains("upgrade") {
                // Without an http context there is no map to use.
                let (value, map) = cx.connection_value(route);
                let fix = value
                    .starts_with('$')
                    .then(|| {
                        replace_arg_fix(
                            h.setting.node,
                            1,
                            &value,
                            Applicability::Unsafe,
                            "use the `$connection_upgrade` map",
                            map,
                        )
                    })
                    .flatten();
                out.push(cx.finding(
                    &META,
                    route,
                    cx.anchor(route, Some(h.setting.node)),
                    format!(
                        "{place} sends the literal `Connection: {}` ({}) on every request, plain HTTP included; use a map on $http_upgrade",
                        h.value,
                        cx.file_line(h.setting.node)
                    ),
                ).with_fix(fix));
            }
        }
    }
}
