//! WS015 unrestricted-upgrade (opt-in): any protocol the client names is
//! passed to the backend as an upgrade.

use super::{Cx, FixAvailability, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};

pub(crate) static META: RuleMeta = RuleMeta {
    code: "WS015",
    name: "unrestricted-upgrade",
    severity: Severity::Warning,
    fix: FixAvailability::Sometimes,
    default_enabled: false,
    summary: "`Upgrade $http_upgrade` lets clients upgrade to any protocol (opt-in)",
    explanation: "\
## What it does
Opt-in (select it with `--select WS015`). On a WebSocket route, reports
`proxy_set_header Upgrade $http_upgrade;`, which forwards whatever protocol
the client asks for.

## Why is this bad
A client can send `Upgrade: h2c` instead of `websocket`. Backends that
support cleartext HTTP/2 switch protocols, and the client then talks to the
backend over a tunnel that nginx no longer inspects: requests for paths that
nginx's `location` rules deny (admin pages, internal APIs) reach the backend
anyway (h2c smuggling).

## Example
```nginx
proxy_set_header Upgrade $http_upgrade;
```

## Use instead
```nginx
map $http_upgrade $websocket_upgrade {
    default   \"\";
    websocket websocket;
}
...
proxy_set_header Upgrade $websocket_upgrade;
```

## Fix safety
Unsafe: an application that really uses another upgrade protocol stops
working.

## References
- docs/nginx-facts.md F13: any 101 answer turns the connection into a tunnel nginx no longer inspects
- Bishop Fox, \"h2c Smuggling: Request Smuggling Via HTTP/2 Cleartext\" (2020)
",
};

pub(crate) fn check(cx: &Cx, out: &mut Vec<Diagnostic>) {
    for route in &cx.routes {
        for h in cx.headers(route, "upgrade") {
            if h.value.eq_ignore_ascii_case("$http_upgrade") {
                out.push(cx.finding(
                    &META,
                    route,
                    cx.anchor(route, Some(h.setting.node)),
                    format!(
                        "{} passes any `Upgrade` protocol the client names ({}), h2c included; let a map pass only `websocket`",
                        cx.place(route),
                        cx.file_line(h.setting.node)
                    ),
                ));
            }
        }
    }
}
