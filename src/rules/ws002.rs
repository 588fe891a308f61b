//! WS002 missing-upgrade-header: a WebSocket route does not pass the
//! client's `Upgrade` header to the backend.

use super::{Cx, FixAvailability, RuleMeta};
use crate::diagnostic::Applicability;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::edits::Line;
use crate::rules::edits::replace_arg_fix;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "WS002",
    name: "missing-upgrade-header",
    severity: Severity::Error,
    fix: FixAvailability::Always,
    default_enabled: true,
    summary: "a WebSocket route passes no `Upgrade` header, or a wrong one",
    explanation: "\
## What it does
On a WebSocket route, looks at the effective `proxy_set_header Upgrade`
entries (inherited ones included). It fires when there is none, when the
value is empty, or when the value is not the protocol the client asked for:
a literal `upgrade`, the Connection variable `$connection_upgrade`, or a
value with quote characters (`\\\"websocket\\\"` in an unquoted word sends the
quotes too).

## Why is this bad
`Upgrade` is a hop-by-hop header: nginx never forwards it unless the
configuration sets it, and its default header list even clears it. Without
`Upgrade: websocket` the backend sees a plain GET and answers 200, 400 or 426
instead of 101. `proxy_set_header Upgrade $connection_upgrade;` sends the
Connection map's output (`upgrade`), which is not a protocol name; an empty
value makes nginx send no header at all.

## Example
```nginx
location /socket.io/ {
    proxy_pass http://app;
    proxy_http_version 1.1;
    proxy_set_header Connection \"upgrade\";
}
```

## Use instead
```nginx
location /socket.io/ {
    proxy_pass http://app;
    proxy_http_version 1.1;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection $connection_upgrade;
}
```

## Fix safety
Adding `proxy_set_header Upgrade $http_upgrade;` is safe: a request without an
`Upgrade` header makes `$http_upgrade` empty and nginx then sends nothing. When
the location had no `proxy_set_header` of its own, adding one hides the
inherited ones (see WS008), so the fix copies them into the location.

## References
- docs/nginx-facts.md F1: `Upgrade` reaches the backend only when the configuration sets it
- docs/nginx-facts.md F4: an empty value sends no header at all
- docs/nginx-facts.md F6: `$http_upgrade` is the client's `Upgrade` value, empty on plain requests
- docs/nginx-facts.md F7: `\\\"` in an unquoted word is a quote character kept in the value
- tests/it/nginx_behaviour.rs `a_bare_proxy_pass_sends_http10_its_own_host_and_no_upgrade`
- nginx docs: \"WebSocket proxying\"; RFC 6455 section 4.1
",
};

pub(crate) fn check(cx: &Cx, out: &mut Vec<Diagnostic>) {
    for route in &cx.routes {
        let place = cx.place(route);
        let entries = cx.headers(route, "upgrade");
        let Some(last) = entries.clone().last() else {
            let lines = cx.header_lines(
                route,
                &[Line::text("proxy_set_header Upgrade $http_upgrade;")],
            );
            let fix = cx.add_lines_fix(
                route,
                lines,
                Applicability::Safe,
                "add `proxy_set_header Upgrade $http_upgrade;`",
                Vec::new(),
            );
            out.push(cx.missing_finding(
                &META,
                route,
                cx.location_anchor(route.scope),
                format!("{place} proxies WebSocket upgrades without `proxy_set_header Upgrade $http_upgrade`"),
                cx.unseen_headers(route),
                "the `Upgrade` header",
            ).with_fix(fix));
            continue;
        };
        let mut sent = entries.filter(|h| !h.value.is_empty());
        let nothing_sent = sent.clone().next().is_none();
        // An empty value sends nothing; a wrong one sends the wrong
        // protocol. Either way the value becomes `$http_upgrade`.
        let (bad, problem) = if nothing_sent {
            (last, "sets `Upgrade` to an empty value".to_string())
        } else if let Some(bad) = sent.find(|h| is_wrong_upgrade_value(cx, route, &h.value)) {
            (bad, format!("sends `Upgrade: {}`", bad.value))
        } else {
            continue;
        };
        let consequence = if nothing_sent {
            ", so nginx sends no Upgrade header and the handshake fails"
        } else if super::routes::has_quote_characters(&bad.value) {
            ", with the quote characters (an escaped `\\\"` in an unquoted word is sent as it is), which is not a protocol name; use `$http_upgrade`"
        } else {
            " instead of the client's protocol; use `$http_upgrade`"
        };
        let fix = replace_arg_fix(
            bad.setting.node,
            1,
            "$http_upgrade",
            Applicability::Safe,
            "pass `$http_upgrade` as Upgrade",
            Vec::new(),
        );
        out.push(
            cx.finding(
                &META,
                route,
                cx.anchor(route, Some(bad.setting.node)),
                format!(
                    "{place} {problem} ({}){consequence}",
                    cx.file_line(bad.setting.node)
                ),
            )
            .with_fix(fix),
        );
    }
}
/// A literal that is not a protocol name, or a variable that carries the
/// Connection value (a map whose outputs are `upgrade`/`close`).
fn is_wrong_upgrade_value(cx: &Cx, route: &super::routes::Route, value: &str) -> bool {
    let is = |word: &str| value.eq_ignore_ascii_case(word);
    if is("upgrade")
        || is("keep-alive")
        || is("close")
        || super::routes::has_quote_characters(value)
    {
        return true;
    }
    let Some(var) = value.strip_prefix('$') else {
        return false;
    };
    let var_is = |name: &str| var.eq_ignore_ascii_case(name);
    if var_is("http_upgrade") {
        return false;
    }
    if var_is("connection_upgrade") || var_is("http_connection") {
        return true;
    }
    cx.vars
        .definitions(cx.entry(route), var)
        .iter()
        .filter_map(|n| n.view.map_entries())
        .any(|entries| {
            entries.iter().any(|e| {
                e.value
                    .as_deref()
                    .is_some_and(|v| v.eq_ignore_ascii_case("upgrade"))
            })
        })
}
