//! WS007 websocket-scheme-in-proxy-pass: `proxy_pass ws://…`, which nginx
//! rejects.

use super::{Cx, FixAvailability, RuleMeta};
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::diagnostic::{Diagnostic, Severity};

pub(crate) static META: RuleMeta = RuleMeta {
    code: "WS007",
    name: "websocket-scheme-in-proxy-pass",
    severity: Severity::Error,
    fix: FixAvailability::Always,
    default_enabled: true,
    summary: "`proxy_pass ws://` (or an upstream `server ws://`), which nginx refuses",
    explanation: "\
## What it does
Reports every `proxy_pass` whose URL starts with `ws://` or `wss://`, and
every `server` of an `upstream` block written with such a scheme.

## Why is this bad
nginx only accepts `http://` and `https://` in `proxy_pass`; `ws://` stops it
at startup with `invalid URL prefix`. In an `upstream` block a server is
`host:port` (or `unix:`), and `server ws://…` stops it with `invalid host in
upstream`. WebSockets are proxied over HTTP: the
handshake is an HTTP request, and the `Upgrade`/`Connection` headers turn it
into a WebSocket.

## Example
```nginx
location /ws/ {
    proxy_pass ws://127.0.0.1:8080;
}
```

## Use instead
```nginx
location /ws/ {
    proxy_pass http://127.0.0.1:8080;
    proxy_http_version 1.1;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection $connection_upgrade;
}
```
(`wss://` becomes `https://`).

## Fix safety
Safe: the configuration did not load before, and `http://` is what the
author meant. For an upstream `server wss://…` the fix (dropping the scheme)
is unsafe: the TLS the author meant moves to `proxy_pass https://`.

## References
- docs/nginx-facts.md F14: `proxy_pass` accepts `http://` and `https://` only (`invalid URL prefix`)
- docs/nginx-facts.md F15: an upstream `server` is an address, not a URL (`invalid host in upstream`)
- tests/it/nginx_behaviour.rs `what_wslint_calls_fatal_fails_nginx_t`
- nginx docs: ngx_http_proxy_module `proxy_pass`
",
};

pub(crate) fn check(cx: &Cx, out: &mut Vec<Diagnostic>) {
    upstream_servers(cx, out);
    let Some(proxy_pass) = cx.model.name_id("proxy_pass") else {
        return;
    };
    for (id, scope) in cx.model.scopes.iter().enumerate() {
        if !scope.context.is_http_level() {
            continue;
        }
        for node in cx
            .model
            .named_by_id(id as crate::semantic::ScopeId, proxy_pass)
        {
            let Some(first) = node.view.args().next() else {
                continue;
            };
            let Some(scheme) = crate::semantic::effective::websocket_scheme(&first) else {
                continue;
            };
            let url = first.text();
            let replacement = if scheme == "ws://" {
                "http://"
            } else {
                "https://"
            };
            let mut d = Diagnostic::new(
                META.code,
                META.name,
                META.severity,
                format!(
                    "`proxy_pass {url}` ({}) uses {scheme}, which nginx rejects (invalid URL prefix); WebSockets are proxied over {replacement}",
                    cx.file_line(node)
                ),
                node.location(),
            );
            d.signal = Some(
                super::routes::Signal::WsScheme(super::routes::At::of(node))
                    .describe(cx.model)
                    .into(),
            );
            let fix = node.view.args().next().map(|arg| {
                let raw = String::from_utf8_lossy(arg.raw());
                // Where the scheme is written, in any case (ASCII, so
                // byte positions are character boundaries).
                let at = raw
                    .as_bytes()
                    .windows(scheme.len())
                    .position(|w| w.eq_ignore_ascii_case(scheme.as_bytes()))
                    .unwrap_or(0);
                let fixed = format!("{}{replacement}{}", &raw[..at], &raw[at + scheme.len()..]);
                let title = if scheme == "ws://" {
                    "proxy over http://"
                } else {
                    "proxy over https://"
                };
                Fix::new(
                    Applicability::Safe,
                    title,
                    vec![Edit {
                        file: node.file,
                        range: arg.span(),
                        text: fixed,
                    }],
                )
            });
            out.push(d.with_fix(fix));
        }
    }
}
/// `server ws://…;` in an `upstream` block: nginx -t fails ("invalid host
/// in upstream"), since upstream servers are `host[:port]` or `unix:`.
fn upstream_servers(cx: &Cx, out: &mut Vec<Diagnostic>) {
    for scope in cx.model.scopes_of(crate::syntax::Context::Upstream) {
        for node in cx.model.named(scope, "server") {
            let Some(first) = node.view.args().next() else {
                continue;
            };
            let Some(scheme) = crate::semantic::effective::websocket_scheme(&first) else {
                continue;
            };
            let raw = String::from_utf8_lossy(first.raw()).into_owned();
            let at = raw
                .as_bytes()
                .windows(scheme.len())
                .position(|w| w.eq_ignore_ascii_case(scheme.as_bytes()))
                .unwrap_or(0);
            let address = format!("{}{}", &raw[..at], &raw[at + scheme.len()..]);
            // Without the scheme the address is what nginx wants; for
            // wss:// the TLS moves to `proxy_pass https://`, which the fix
            // cannot write, so it needs a look.
            let applicability = if scheme == "ws://" {
                Applicability::Safe
            } else {
                Applicability::Unsafe
            };
            let fix = Fix::new(
                applicability,
                "write the upstream server as host:port",
                vec![Edit {
                    file: node.file,
                    range: first.span(),
                    text: address.clone(),
                }],
            );
            out.push(
                Diagnostic::new(
                    META.code,
                    META.name,
                    META.severity,
                    format!(
                        "`server {}` ({}) in an upstream block has a {scheme} scheme, which nginx rejects (invalid host in upstream); an upstream server is `host:port` ({address}), and the scheme belongs to `proxy_pass` (http:// or https://)",
                        first.text(),
                        cx.file_line(node)
                    ),
                    node.location(),
                )
                .with_fix(Some(fix)),
            );
        }
    }
}
