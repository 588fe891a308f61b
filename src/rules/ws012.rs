//! WS012 cors-header-without-always: a CORS header that disappears from
//! error responses.

use super::ws010::is_cors;
use super::{Cx, FixAvailability, RuleMeta};
use crate::diagnostic::{Applicability, Fix};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::edits::append_after_arg;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "WS012",
    name: "cors-header-without-always",
    severity: Severity::Warning,
    fix: FixAvailability::Always,
    default_enabled: true,
    summary: "a CORS `add_header` without `always` is missing on 4xx/5xx responses",
    explanation: "\
## What it does
On a WebSocket route that also serves plain HTTP, reports `add_header
Access-Control-…` entries in effect that lack the `always` parameter.

## Why is this bad
Without `always`, `add_header` applies only to 200, 201, 204, 206, 301, 302,
303, 304, 307 and 308 responses. When the backend answers 401, 404 or 502,
the CORS headers are missing and the browser reports a CORS error instead of
the real status, which sends debugging in the wrong direction.

## Example
```nginx
location / {
    add_header Access-Control-Allow-Origin https://app.example.com;
    ...
}
```

## Use instead
```nginx
    add_header Access-Control-Allow-Origin https://app.example.com always;
```

## Fix safety
Adding `always` is safe for CORS headers: it only adds them to error
responses.

## References
- docs/nginx-facts.md F23: the status codes `add_header` applies to
- nginx docs: ngx_http_headers_module `add_header`
",
};

pub(crate) fn check(cx: &Cx, out: &mut Vec<Diagnostic>) {
    for route in cx.routes.iter().filter(|r| !r.dedicated_path) {
        for s in cx.model.array(route.scope, "add_header").entries {
            let args = s.node.args();
            let always = args.get(2).is_some_and(|a| a == "always");
            if always || !is_cors(args.first().map(String::as_str)) {
                continue;
            }
            let fix = append_after_arg(s.node, 1, "always")
                .map(|e| Fix::new(Applicability::Safe, "add `always`", vec![e]));
            out.push(cx.finding(
                &META,
                route,
                cx.anchor(route, Some(s.node)),
                format!(
                    "`add_header {}` ({}) in effect on {} has no `always`, so it is missing on 4xx/5xx responses and browsers report a CORS error instead of the real status",
                    args[0],
                    cx.file_line(s.node),
                    cx.place(route)
                ),
            ).with_fix(fix));
        }
    }
}
