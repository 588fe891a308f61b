//! WS017 origin-header-cleared: `proxy_set_header Origin "";` on a
//! WebSocket route.

use super::{Cx, FixAvailability, RuleMeta};
use crate::diagnostic::{Applicability, Fix};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::edits::remove_directive;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "WS017",
    name: "origin-header-cleared",
    severity: Severity::Warning,
    fix: FixAvailability::Always,
    default_enabled: true,
    summary: "`proxy_set_header Origin \"\"` strips the handshake's Origin",
    explanation: "\
## What it does
On a WebSocket route, fires when the `Origin` entry in effect is empty.

## Why is this bad
An empty value makes nginx drop the browser's `Origin` header. WebSocket
servers that check `Origin` (the only protection a WebSocket has against
cross-site use, since CORS does not apply) then reject every handshake, or
worse, skip the check because the header is missing.

## Example
```nginx
location /ws {
    proxy_set_header Origin \"\";
    ...
}
```

## Use instead
Remove the line and let the backend see the real `Origin`; configure the
backend's allowed origins instead.

## Fix safety
Unsafe when a backend was configured around the missing header.

## References
- docs/nginx-facts.md F4: an empty value sends no header, and hides the client's
- docs/nginx-facts.md F31: browsers do not apply CORS to WebSocket handshakes
- RFC 6455 sections 4.1 and 10.2: Origin in the handshake
- nginx docs: `proxy_set_header` (an empty value removes the header)
",
};

pub(crate) fn check(cx: &Cx, out: &mut Vec<Diagnostic>) {
    for route in &cx.routes {
        let origins = cx.headers(route, "origin");
        if let Some(cleared) = origins.clone().find(|h| h.value.is_empty())
            && origins.clone().all(|h| h.value.is_empty())
        {
            let own: Vec<_> = origins
                .clone()
                .filter(|h| h.setting.scope == route.scope)
                .map(|h| remove_directive(cx.model, h.setting.node))
                .collect();
            let fix = (own.len() == origins.count())
                .then(|| Fix::new(Applicability::Unsafe, "stop clearing `Origin`", own));
            out.push(cx.finding(
                &META,
                route,
                cx.anchor(route, Some(cleared.setting.node)),
                format!(
                    "{} strips the browser's `Origin` header (`proxy_set_header Origin \"\"` at {}), so the backend cannot check where the handshake comes from",
                    cx.place(route),
                    cx.file_line(cleared.setting.node)
                ),
            ).with_fix(fix));
        }
    }
}
