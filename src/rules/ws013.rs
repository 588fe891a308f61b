//! WS013 cors-wildcard-with-credentials: `Access-Control-Allow-Origin *`
//! together with `Access-Control-Allow-Credentials true`.

use super::{Cx, FixAvailability, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};

pub(crate) static META: RuleMeta = RuleMeta {
    code: "WS013",
    name: "cors-wildcard-with-credentials",
    severity: Severity::Error,
    fix: FixAvailability::Never,
    default_enabled: true,
    summary: "`Access-Control-Allow-Origin *` with `Access-Control-Allow-Credentials true`",
    explanation: "\
## What it does
On a WebSocket route, fires when the `add_header` entries in effect send
`Access-Control-Allow-Origin *` and `Access-Control-Allow-Credentials true`.

## Why is this bad
Browsers reject that combination: a credentialed request (cookies, the
Socket.IO polling transport with `withCredentials`) fails with a CORS error,
whatever the backend answers.

## Example
```nginx
add_header Access-Control-Allow-Origin * always;
add_header Access-Control-Allow-Credentials true always;
```

## Use instead
Echo an allowed origin:
```nginx
map $http_origin $cors_origin {
    default \"\";
    https://app.example.com $http_origin;
}
add_header Access-Control-Allow-Origin $cors_origin always;
add_header Access-Control-Allow-Credentials true always;
add_header Vary Origin always;
```

## Fix safety
No fix: which origins to allow is a policy decision.

## References
- docs/nginx-facts.md F32: browsers reject `Access-Control-Allow-Origin *` on a credentialed request
- Fetch standard, CORS protocol: credentialed requests and `*`
",
};

pub(crate) fn check(cx: &Cx, out: &mut Vec<Diagnostic>) {
    for route in &cx.routes {
        let entries = cx.model.array(route.scope, "add_header").entries;
        let find = |name: &str, value: &str| {
            entries.iter().find(|s| {
                let args = s.node.args();
                args.first().is_some_and(|n| n.eq_ignore_ascii_case(name))
                    && args.get(1).is_some_and(|v| v.eq_ignore_ascii_case(value))
            })
        };
        let (Some(origin), Some(creds)) = (
            find("Access-Control-Allow-Origin", "*"),
            find("Access-Control-Allow-Credentials", "true"),
        ) else {
            continue;
        };
        out.push(
            cx.finding(
                &META,
                route,
                cx.anchor(route, Some(origin.node)),
                format!(
                    "{} sends `Access-Control-Allow-Origin *` ({}) with `Access-Control-Allow-Credentials true` ({}); browsers reject credentialed requests with that pair",
                    cx.place(route),
                    cx.file_line(origin.node),
                    cx.file_line(creds.node)
                ),
            )
            .with_related(creds.node.location(), "credentials allowed here"),
        );
    }
}
