//! WS001 missing-http-version: the upstream connection of a WebSocket route
//! does not use HTTP/1.1.

use super::{Cx, FixAvailability, RuleMeta};
use crate::diagnostic::Applicability;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::edits::Line;
use crate::rules::edits::replace_arg_fix;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "WS001",
    name: "missing-http-version",
    severity: Severity::Error,
    fix: FixAvailability::Always,
    default_enabled: true,
    summary: "a WebSocket route talks HTTP/1.0 (or HTTP/2) to its upstream",
    explanation: "\
## What it does
On a WebSocket route, checks the effective `proxy_http_version`: it fires when
the directive is not set anywhere above the location and the targeted nginx is
older than 1.29.7, or when it is set to `1.0` or `2`.

## Why is this bad
The WebSocket handshake is an HTTP/1.1 `Upgrade`. Before nginx 1.29.7 the
default `proxy_http_version` is 1.0, and an HTTP/1.0 request cannot be
upgraded: the backend answers the handshake with 400 or a plain 200 and the
browser reports the WebSocket as failed. `proxy_http_version 2` (nginx
1.29.4+) cannot carry an upgrade either. nginx 1.29.7 changed the default to
1.1, so an unset value is only a problem for older targets (set the target
with `--nginx-version`).

## Example
```nginx
location /ws/ {
    proxy_pass http://app;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection $connection_upgrade;
}
```

## Use instead
```nginx
location /ws/ {
    proxy_pass http://app;
    proxy_http_version 1.1;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection $connection_upgrade;
}
```

## Fix safety
Adding `proxy_http_version 1.1;` (or changing `1.0` to `1.1`) is safe: every
upstream that speaks HTTP/1.0 also accepts HTTP/1.1 requests, and it is the
default from nginx 1.29.7 on.

## References
- docs/nginx-facts.md F12: `proxy_http_version` defaults to 1.0 before nginx 1.29.7
- docs/nginx-facts.md F21: single-value directives come from the nearest level that sets them
- tests/it/nginx_behaviour.rs `a_bare_proxy_pass_sends_http10_its_own_host_and_no_upgrade`
- nginx docs: ngx_http_proxy_module `proxy_http_version`; \"WebSocket proxying\"
",
};

pub(crate) fn check(cx: &Cx, out: &mut Vec<Diagnostic>) {
    let version = cx.settings.nginx_version;
    for route in &cx.routes {
        let place = cx.place(route);
        match cx.model.scalar(route.scope, "proxy_http_version") {
            None if !version.defaults_to_http11() => {
                let fix = cx.add_lines_fix(
                    route,
                    vec![Line::text("proxy_http_version 1.1;")],
                    Applicability::Safe,
                    "add `proxy_http_version 1.1;`",
                    Vec::new(),
                );
                out.push(
                    cx.missing_finding(
                        &META,
                        route,
                        cx.location_anchor(route.scope),
                        format!(
                            "{place} proxies WebSocket upgrades over HTTP/1.0: `proxy_http_version` is not set and nginx {version} defaults to 1.0"
                        ),
                        route.unseen.as_ref(),
                        "`proxy_http_version`",
                    )
                    .with_fix(fix),
                )
            }
            None => {}
            Some(setting) => {
                let value = setting.node.args().join(" ");
                if value != "1.1" {
                    let fix = replace_arg_fix(
                        setting.node,
                        0,
                        "1.1",
                        Applicability::Safe,
                        "set `proxy_http_version 1.1`",
                        Vec::new(),
                    );
                    out.push(
                        cx.finding(
                            &META,
                            route,
                            cx.anchor(route, Some(setting.node)),
                            format!(
                                "{place} uses `proxy_http_version {value}` ({}); a WebSocket upgrade needs HTTP/1.1",
                                cx.file_line(setting.node)
                            ),
                        )
                        .with_fix(fix),
                    );
                }
            }
        }
    }
}
