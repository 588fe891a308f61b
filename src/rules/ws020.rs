//! WS020 duplicate-proxy-header: one request header set twice at one level,
//! so nginx sends it twice.

use super::{Cx, FixAvailability, RuleMeta};
use crate::diagnostic::{Applicability, Fix};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::edits::remove_directive;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "WS020",
    name: "duplicate-proxy-header",
    severity: Severity::Warning,
    fix: FixAvailability::Sometimes,
    default_enabled: true,
    summary: "a WebSocket route sets the same request header twice, so nginx sends it twice",
    explanation: "\
## What it does
On a WebSocket route, reports a header that the `proxy_set_header` lines in
effect set twice with a value (in any case of its name), typically once in the
location and once more through an included `proxy_params` or snippet.

## Why is this bad
nginx does not merge them: the backend receives the header twice. A doubled
`Host` is answered with 400 by many servers (it is invalid HTTP), and a doubled
`Upgrade` or `Connection` confuses the handshake; with two different values
which one wins depends on the backend.

## Example
```nginx
location /ws/ {
    include proxy_params;              # sets Host $http_host
    proxy_set_header Host $host;
    ...
}
```

## Use instead
Set each header once: drop the line, or stop including the snippet here.

## Fix safety
Unsafe: the fix removes the second line when it is written in the location
itself (a shared snippet is never edited), and the value that remains may not
be the one the author wanted.

## References
- docs/nginx-facts.md F8: a header set twice at one level is sent twice
- tests/it/nginx_behaviour.rs `a_header_set_twice_is_sent_twice`
- nginx docs: ngx_http_proxy_module `proxy_set_header`
",
};

pub(crate) fn check(cx: &Cx, out: &mut Vec<Diagnostic>) {
    for route in &cx.routes {
        let sent: Vec<_> = route
            .headers
            .iter()
            .filter(|h| !h.value.is_empty())
            .collect();
        for (i, second) in sent.iter().enumerate() {
            // Reported once, at the second of the first pair.
            let Some(first) = sent[..i]
                .iter()
                .find(|h| h.name.eq_ignore_ascii_case(&second.name))
            else {
                continue;
            };
            if sent[..i]
                .iter()
                .filter(|h| h.name.eq_ignore_ascii_case(&second.name))
                .count()
                > 1
            {
                continue;
            }
            let location_file = cx.location_anchor(route.scope).file;
            let removable = [*second, *first]
                .into_iter()
                .find(|h| h.setting.scope == route.scope && h.setting.node.file == location_file);
            let fix = removable.map(|h| {
                Fix::new(
                    Applicability::Unsafe,
                    "set the header once",
                    vec![remove_directive(cx.model, h.setting.node)],
                )
            });
            let consequence = if second.name.eq_ignore_ascii_case("host") {
                "many backends answer a doubled `Host` with 400"
            } else {
                "which value the backend uses is up to it"
            };
            out.push(
                cx.finding(
                    &META,
                    route,
                    cx.anchor(route, Some(second.setting.node)),
                    format!(
                        "{} sets `{}` twice ({} and {}): nginx sends both to the backend, and {consequence}",
                        cx.place(route),
                        second.name,
                        cx.file_line(first.setting.node),
                        cx.file_line(second.setting.node)
                    ),
                )
                .with_fix(fix),
            );
        }
    }
}
