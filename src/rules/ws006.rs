//! WS006 short-proxy-timeout: nginx closes an idle WebSocket sooner than the
//! configured threshold.

use super::values::parse_time_ms;
use super::{Cx, FixAvailability, RuleMeta};
use crate::diagnostic::{Applicability, Fix};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::edits::replace_arg;
use crate::semantic::apps::Heartbeat;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "WS006",
    name: "short-proxy-timeout",
    severity: Severity::Warning,
    fix: FixAvailability::Always,
    default_enabled: true,
    summary: "nginx closes an idle WebSocket after a short `proxy_read_timeout`",
    explanation: "\
## What it does
On a WebSocket route, computes the effective `proxy_read_timeout` (nginx's
default is 60s) and fires when it is below the threshold (300 seconds unless
configured otherwise). `proxy_send_timeout` is not reported, whatever its
value: nginx arms that timer only while a write to the upstream is blocked,
so it does not close idle connections. Values that cannot be read
statically (template placeholders) are left alone.

## Why is this bad
The read timeout applies between two successive frames on the upgraded
connection, in either direction. A WebSocket that carries no message for 60 seconds (a dashboard
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
}
```
or have the backend send pings more often than the timeout.

## Apps that ping by themselves
Any frame, in either direction, restarts nginx's read timer. On the route
of an app whose protocol sends one more often than the timeout in effect,
the timeout is not reported: Socket.IO and SockJS (every 25s), SignalR
(15s), ActionCable (3s), Phoenix (30s, from the client), Home Assistant
(55s), … as listed in grammar/websocket-apps.tsv (`wslint apps`; a row is
added with the source of each fact, as grammar/websocket-apps.md says).
Where the app sends nothing while idle, or pings less often, the message
says so.
Tell wslint which app sits behind a path it cannot recognise with
`--websocket-path '/rt/*=socket.io'` or `websocket-apps` in `.wslint.toml`;
elsewhere, `# wslint: ignore WS006 backend pings every 25s`.

## Fix safety
Unsafe: a longer timeout keeps dead connections open longer and changes
resource use; only the author knows the right value.

## References
- docs/nginx-facts.md F16: `proxy_read_timeout` closes a WebSocket silent in both directions
- docs/nginx-facts.md F17: `proxy_send_timeout` does not close an idle WebSocket
- docs/nginx-facts.md F18: `keepalive_timeout` does not apply to an upgraded connection
- docs/nginx-facts.md F21: single-value directives come from the nearest level that sets them
- tests/it/nginx_behaviour.rs `frames_either_way_restart_the_read_timeout`
- nginx docs: `proxy_read_timeout`, `proxy_send_timeout`; \"WebSocket proxying\"
",
};

/// nginx's `proxy_read_timeout` when none is set.
const DEFAULT_MS: u64 = 60_000;

pub(crate) fn check(cx: &Cx, out: &mut Vec<Diagnostic>) {
    let threshold_ms = cx.settings.timeout_threshold_secs.saturating_mul(1000);
    for route in &cx.routes {
        // nginx arms the send timer only while a write to the upstream
        // is blocked, so an idle connection is closed by the read
        // timeout alone.
        let setting = cx.model.scalar(route.scope, "proxy_read_timeout");
        let ms = match &setting {
            None => Some(DEFAULT_MS),
            Some(s) => s.node.view.arg_text(0).as_deref().and_then(parse_time_ms),
        };
        let Some(ms) = ms else { continue };
        // Any frame in either direction restarts the read timer, so an
        // app that sends one more often than the timeout keeps its
        // connection open by itself.
        if ms >= threshold_ms || heartbeat_within(route, ms) {
            continue;
        }
        let title = "raise the timeout to 1h";
        let (how, fix) = match setting {
            Some(s) if s.scope == route.scope => (
                cx.file_line(s.node).to_string(),
                Some(Fix::new(
                    Applicability::Unsafe,
                    title,
                    replace_arg(s.node, 0, "1h").into_iter().collect(),
                )),
            ),
            written => (
                written.map_or("nginx's default".to_string(), |s| {
                    cx.file_line(s.node).to_string()
                }),
                cx.add_lines_fix(
                    route,
                    vec!["proxy_read_timeout 1h;".to_string().into()],
                    Applicability::Unsafe,
                    title,
                    Vec::new(),
                ),
            ),
        };
        out.push(cx.missing_finding(
            &META,
            route,
            cx.anchor(route, setting.map(|s| s.node)),
            format!(
                "{} closes a WebSocket that is idle for longer than its timeout: `proxy_read_timeout` is {} ({how}){}; raise it (e.g. `proxy_read_timeout 1h;`){}",
                cx.place(route),
                human(ms),
                app_idle(route),
                if route.app.is_some() { "" } else { " or make the backend ping more often" },
            ),
            // Only a default rests on the unseen levels: a value
            // written in the checked files is what it is.
            route.unseen.as_ref().filter(|_| setting.is_none()),
            "`proxy_read_timeout`",
        ).with_fix(fix));
    }
}
/// Whether the app behind the route sends something more often than a
/// read timeout of `ms` by default (Socket.IO every 25s, SignalR 15s).
fn heartbeat_within(route: &super::routes::Route, ms: u64) -> bool {
    route.app.as_ref().is_some_and(|r| match r.app.heartbeat {
        Heartbeat::Every { seconds, .. } => seconds.saturating_mul(1000) < ms,
        Heartbeat::Silent | Heartbeat::Unknown => false,
    })
}

/// What the app behind the route does while idle, for the message.
fn app_idle(route: &super::routes::Route) -> String {
    let Some(recognised) = &route.app else {
        return String::new();
    };
    let name = recognised.app.name;
    match recognised.app.heartbeat {
        Heartbeat::Silent => format!(", and {name} sends nothing while idle"),
        Heartbeat::Every { seconds, side } => {
            let from = match side {
                "client" => "its client pings",
                "server" => "its server pings",
                _ => "it pings",
            };
            format!(", and {from} only every {seconds}s")
        }
        Heartbeat::Unknown => {
            format!(", and nothing says {name} pings more often")
        }
    }
}

fn human(ms: u64) -> String {
    if ms.is_multiple_of(1000) {
        format!("{}s", ms / 1000)
    } else {
        format!("{ms}ms")
    }
}
