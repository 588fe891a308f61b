//! WS006 short-proxy-timeout: nginx closes an idle WebSocket sooner than the
//! configured threshold.

use super::values::parse_time_ms;
use super::{Cx, FixAvailability, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::build::replace_arg;
use crate::fix::{Applicability, Fix};

pub static META: RuleMeta = RuleMeta {
    code: "WS006",
    name: "short-proxy-timeout",
    severity: Severity::Warning,
    fix: FixAvailability::Always,
    default_enabled: true,
    summary: "nginx closes an idle WebSocket after a short `proxy_read_timeout`/`proxy_send_timeout`",
    explanation: "\
## What it does
On a WebSocket route, computes the effective `proxy_read_timeout` (nginx's
default is 60s) and fires when it is below the threshold (300 seconds unless
configured otherwise); a `proxy_send_timeout` written below the threshold is
reported too. The send timeout's default is not: nginx arms that timer only
while a write to the upstream is blocked, so it does not close idle
connections. Values that cannot be read statically (template placeholders)
are left alone.

## Why is this bad
The timeouts apply between two successive reads or writes on the upgraded
connection. A WebSocket that carries no message for 60 seconds (a dashboard
waiting for an event, a chat nobody types in) is closed by nginx, and the
client sees an unexplained disconnect every minute. `keepalive_timeout` does
not affect upgraded connections, so raising it does not help.

## Example
```nginx
location /ws/ {
    proxy_pass http://app;
    proxy_http_version 1.1;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection $connection_upgrade;
}
```

## Use instead
```nginx
location /ws/ {
    ...
    proxy_read_timeout 1h;
    proxy_send_timeout 1h;
}
```
or have the backend send pings more often than the timeout. Socket.IO and
SockJS (25s heartbeats), SignalR (15s) and ActionCable (3s) do by default, so
on their well-known paths (`/socket.io/`, `/sockjs`, `/signalr`, `/cable`)
nginx's 60s default is not reported; elsewhere, say so with
`# wslint: ignore WS006 backend pings every 25s`.

## Fix safety
Unsafe: a longer timeout keeps dead connections open longer and changes
resource use; only the author knows the right value.

## References
- NGINX_FACTS 4: timeouts between successive reads/writes; keepalive_timeout
- nginx docs: `proxy_read_timeout`, `proxy_send_timeout`; \"WebSocket proxying\"
",
};

pub struct Rule;

const DEFAULT_MS: u64 = 60_000;

impl super::Rule for Rule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Cx, out: &mut Vec<Diagnostic>) {
        let threshold_ms = cx.settings.timeout_threshold_secs.saturating_mul(1000);
        for route in &cx.routes {
            let mut short = Vec::new();
            // The finding goes to the read timeout (written here, or the
            // location line when inherited or defaulted); to the send
            // timeout only when that is the one too short.
            let mut anchor_node = None;
            // Whether a short value is nginx's default rather than one
            // written in the checked files.
            let mut defaulted = false;
            let mut to_add = Vec::new();
            let mut replacements = Vec::new();
            for name in ["proxy_read_timeout", "proxy_send_timeout"] {
                let setting = cx.model.scalar(route.scope, name);
                // nginx arms the send timer only while a write to the
                // upstream is blocked, so an idle connection is closed by
                // the read timeout alone: the send timeout's default is
                // not a finding, only a short value someone wrote.
                if name == "proxy_send_timeout" && setting.is_none() {
                    continue;
                }
                // The default is harmless for protocols that ping more
                // often than every 60 seconds by default.
                if setting.is_none() && pings_often(route) {
                    continue;
                }
                let ms = match &setting {
                    None => Some(DEFAULT_MS),
                    Some(s) => s.node.view.arg_text(0).as_deref().and_then(parse_time_ms),
                };
                let Some(ms) = ms else { continue };
                if ms < threshold_ms {
                    if short.is_empty() {
                        anchor_node = setting.map(|s| s.node);
                    }
                    defaulted |= setting.is_none();
                    let how = match &setting {
                        None => "nginx's default".to_string(),
                        Some(s) => cx.file_line(s.node).to_string(),
                    };
                    short.push(format!("`{name}` is {} ({how})", human(ms)));
                    match setting {
                        Some(s) if s.scope == route.scope => {
                            replacements.extend(replace_arg(s.node, 0, "1h"))
                        }
                        _ => to_add.push(format!("{name} 1h;").into()),
                    }
                }
            }
            if short.is_empty() {
                continue;
            }
            let title = "raise the timeout to 1h";
            let fix = if to_add.is_empty() {
                Some(Fix::new(Applicability::Unsafe, title, replacements))
            } else {
                cx.add_lines_fix(route, to_add, Applicability::Unsafe, title, replacements)
            };
            out.push(cx.missing_finding(
                &META,
                route,
                cx.anchor(route, anchor_node),
                format!(
                    "{} closes a WebSocket that is idle for longer than its timeout: {}; raise it (e.g. `proxy_read_timeout 1h;`) or make the backend ping more often",
                    cx.place(route),
                    short.join(", ")
                ),
                // Only a default rests on the unseen levels: a value
                // written in the checked files is what it is.
                route.unseen.as_ref().filter(|_| defaulted),
                "`proxy_read_timeout`",
            ).with_fix(fix));
        }
    }
}

/// Socket.IO and SockJS (25s heartbeats), SignalR (15s keep-alive) and
/// ActionCable (3s pings) keep their connections busy by default.
fn pings_often(route: &super::routes::Route) -> bool {
    route.path_segment.is_some_and(|s| {
        matches!(
            s,
            "socket.io" | "sockjs" | "sockjs-node" | "signalr" | "cable"
        )
    })
}

fn human(ms: u64) -> String {
    if ms.is_multiple_of(1000) {
        format!("{}s", ms / 1000)
    } else {
        format!("{ms}ms")
    }
}
