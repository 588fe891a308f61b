//! WS003 missing-connection-header: a WebSocket route passes no
//! `Connection` header that asks for the upgrade.

use super::routes::{has_quote_characters, names_upgrade, single_variable};
use super::{Cx, FixAvailability, RuleMeta};
use crate::diagnostic::Applicability;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::edits::replace_arg_fix;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "WS003",
    name: "missing-connection-header",
    severity: Severity::Error,
    fix: FixAvailability::Always,
    default_enabled: true,
    summary: "a WebSocket route passes no `Connection` header naming upgrade",
    explanation: "\
## What it does
On a WebSocket route, looks at the effective `proxy_set_header Connection`
entries. It fires when there is none, or when every value sent is something
other than an upgrade (`close`, `keep-alive`, a variable whose map never
says `upgrade`, `$http_upgrade`, which is the client's `Upgrade` value
`websocket`, or `\\\"upgrade\\\"` written in an unquoted word, which sends
the quote characters too). An empty `Connection \"\"` is WS009's business,
and an undefined variable is WS005's.

## Why is this bad
`Connection` is hop-by-hop: nginx sends its own (`close`, or nothing from
1.29.7 on) unless the configuration sets one. A handshake needs
`Connection: upgrade` next to `Upgrade: websocket`; without it the backend
does not switch protocols.

## Example
```nginx
location /ws/ {
    proxy_pass http://app;
    proxy_http_version 1.1;
    proxy_set_header Upgrade $http_upgrade;
}
```

## Use instead
```nginx
# http context
map $http_upgrade $connection_upgrade {
    default upgrade;
    ''      close;
}

location /ws/ {
    proxy_pass http://app;
    proxy_http_version 1.1;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection $connection_upgrade;
}
```

## Fix safety
Adding `proxy_set_header Connection $connection_upgrade;` with its map is
safe: plain requests keep `Connection: close`. Where no http context is
reachable (a snippet checked alone) the fix uses `Connection \"upgrade\"`.

## References
- docs/nginx-facts.md F1: `Connection` reaches the backend only when the configuration sets it
- docs/nginx-facts.md F3: before nginx 1.29.7, nginx sends `Connection: close` unless told otherwise
- docs/nginx-facts.md F6: `$http_upgrade` is the client's `Upgrade` value
- docs/nginx-facts.md F7: `\\\"` in an unquoted word is a quote character kept in the value
- docs/nginx-facts.md F9: the recommended map
- tests/it/nginx_behaviour.rs `upgrade_without_connection_sends_close`
- tests/it/nginx_behaviour.rs `connection_from_http_upgrade_sends_websocket`
- tests/it/nginx_behaviour.rs `escaped_quotes_are_sent_with_the_value`
- nginx docs: \"WebSocket proxying\"
",
};

pub(crate) fn check(cx: &Cx, out: &mut Vec<Diagnostic>) {
    for route in &cx.routes {
        let place = cx.place(route);
        let entries = cx.headers(route, "connection");
        if entries.clone().next().is_none() {
            let (value, map) = cx.connection_value(route);
            let lines = cx.header_lines(
                route,
                &[format!("proxy_set_header Connection {value};").into()],
            );
            let fix = cx.add_lines_fix(
                route,
                lines,
                Applicability::Safe,
                "add `proxy_set_header Connection $connection_upgrade;` (and its map)",
                map,
            );
            out.push(cx.missing_finding(
                &META,
                route,
                cx.location_anchor(route.scope),
                format!("{place} proxies WebSocket upgrades without a `Connection` header naming upgrade (add `proxy_set_header Connection {value};`)"),
                cx.unseen_headers(route),
                "the `Connection` header",
            ).with_fix(fix));
            continue;
        }
        let mut sent = entries.filter(|h| !h.value.is_empty());
        // Only empty values: nothing is sent, which WS009 reports.
        let Some(last) = sent.clone().last() else {
            continue;
        };
        let entry = cx.entry(route);
        let undefined_variable = |v: &str| {
            v.strip_prefix('$')
                .is_some_and(|var| !cx.vars.is_defined(entry, var))
        };
        if sent.any(|h| names_upgrade(&cx.vars, entry, &h.value) || undefined_variable(&h.value)) {
            continue;
        }
        // A token written with its quote characters sent along: the
        // fix writes it quoted instead.
        let unquoted = last.value.replace(['"', '\''], "");
        let (value, map) =
            if has_quote_characters(&last.value) && names_upgrade(&cx.vars, entry, &unquoted) {
                (format!("\"{unquoted}\""), Vec::new())
            } else {
                cx.connection_value(route)
            };
        let why = if has_quote_characters(&last.value) {
            ", with the quote characters (an escaped `\\\"` in an unquoted word is sent as it is), which is not the token `upgrade`"
        } else if single_variable(&last.value)
            .is_some_and(|v| v.eq_ignore_ascii_case("http_upgrade"))
        {
            ": `$http_upgrade` is the client's `Upgrade` value (`websocket`), which does not ask for an upgrade"
        } else {
            ", which never asks for an upgrade"
        };
        let fix = replace_arg_fix(
            last.setting.node,
            1,
            &value,
            Applicability::Safe,
            "send `Connection: upgrade` on handshakes",
            map,
        );
        out.push(
            cx.finding(
                &META,
                route,
                cx.anchor(route, Some(last.setting.node)),
                format!(
                    "{place} sends `Connection: {}` ({}){why}",
                    last.value,
                    cx.file_line(last.setting.node)
                ),
            )
            .with_fix(fix),
        );
    }
}
