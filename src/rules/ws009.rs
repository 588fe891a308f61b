//! WS009 connection-header-cleared: `proxy_set_header Connection "";` (the
//! upstream keepalive recipe) reaches a WebSocket route.

use super::{Cx, FixAvailability, RuleMeta};
use crate::diagnostic::Applicability;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::edits::replace_arg_fix;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "WS009",
    name: "connection-header-cleared",
    severity: Severity::Error,
    fix: FixAvailability::Sometimes,
    default_enabled: true,
    summary: "`Connection \"\"` (keepalive recipe) reaches a WebSocket route",
    explanation: "\
## What it does
On a WebSocket route, fires when the only `Connection` entries in effect are
empty (`proxy_set_header Connection \"\";`), whether written in the location
or inherited from the server or http level.

## Why is this bad
The upstream keepalive recipe clears `Connection` so nginx can reuse upstream
connections. An empty value makes nginx send no `Connection` header at all,
so the handshake reaches the backend without `Connection: upgrade` and is not
upgraded. (When a non-empty `Connection` entry is also in effect, nginx sends
that one and drops the empty one; that case is not reported.)

## Example
```nginx
server {
    proxy_http_version 1.1;
    proxy_set_header Connection \"\";

    location /ws/ {
        proxy_pass http://app;
    }
}
```

## Use instead
```nginx
map $http_upgrade $connection_upgrade {
    default upgrade;
    ''      '';
}

    location /ws/ {
        proxy_pass http://app;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
    }
```
The map sends `upgrade` on handshakes and nothing otherwise, which keeps
upstream keepalive working.

## Fix safety
Unsafe when the empty value is inherited: the fix adds headers to the
location, which hides every other inherited `proxy_set_header` (WS008).

## References
- docs/nginx-facts.md F4: an empty value sends no header at all
- docs/nginx-facts.md F19: an empty `Connection` set at an outer level reaches locations without `proxy_set_header` of their own
- docs/nginx-facts.md F24: the upstream keepalive recipe
- tests/it/nginx_behaviour.rs `an_empty_connection_sends_none`
- nginx docs: ngx_http_upstream_module `keepalive`; \"WebSocket proxying\"
",
};

pub(crate) fn check(cx: &Cx, out: &mut Vec<Diagnostic>) {
    for route in &cx.routes {
        let entries = cx.headers(route, "connection");
        let Some(first) = entries.clone().next() else {
            continue;
        };
        if entries.clone().any(|h| !h.value.is_empty()) {
            continue;
        }
        let (value, edits) = cx.connection_value(route);
        let own = first.setting.scope == route.scope && entries.count() == 1;
        let fix = if own {
            replace_arg_fix(
                first.setting.node,
                1,
                &value,
                Applicability::Safe,
                "send `Connection: upgrade` on handshakes",
                edits,
            )
        } else {
            let lines = cx.header_lines(
                route,
                &[format!("proxy_set_header Connection {value};").into()],
            );
            cx.add_lines_fix(
                route,
                lines,
                Applicability::Unsafe,
                "set a Connection header naming upgrade in the location",
                edits,
            )
        };
        out.push(cx.finding(
            &META,
            route,
            cx.anchor(route, Some(first.setting.node)),
            format!(
                "{} gets `proxy_set_header Connection \"\"` ({}): nginx sends no Connection header, so the upgrade never reaches the backend",
                cx.place(route),
                cx.file_line(first.setting.node)
            ),
        ).with_fix(fix));
    }
}
