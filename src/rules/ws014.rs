//! WS014 websocket-connection-capacity: WebSocket routes exist while the
//! worker limits allow few long-lived connections.

use super::{Cx, FixAvailability, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::syntax::Context;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "WS014",
    name: "websocket-connection-capacity",
    severity: Severity::Info,
    fix: FixAvailability::Never,
    default_enabled: true,
    summary: "`worker_connections`/`worker_rlimit_nofile` are low for long-lived WebSockets",
    explanation: "\
## What it does
For a whole configuration (one with a main context) that has WebSocket
routes, fires when `worker_connections` is below 1024 (nginx's compiled-in
default is 512), or when `worker_rlimit_nofile` is set below twice
`worker_connections`.

## Why is this bad
A proxied WebSocket holds two connections in a worker for its whole life: the
client's and the upstream's. With 768 worker connections (a common distro
default) a worker serves at most 384 open WebSockets; after that new clients
get errors, and `worker_connections are not enough` appears in the error log.
Each connection is also a file descriptor, so the descriptor limit must be at
least twice the connection count.

## Example
```nginx
events {
    worker_connections 768;
}
```

## Use instead
```nginx
worker_rlimit_nofile 65535;
events {
    worker_connections 16384;
}
```

## Fix safety
No fix: the right numbers depend on the machine and the expected load.

## References
- docs/nginx-facts.md F25: each proxied WebSocket holds two worker connections
- nginx docs: `worker_connections`, `worker_rlimit_nofile`
",
};

const LOW: u64 = 1024;
const DEFAULT: u64 = 512;

pub(crate) fn check(cx: &Cx, out: &mut Vec<Diagnostic>) {
    for (index, entry) in cx.model.entries.iter().enumerate() {
        if entry.context != Context::Main {
            continue;
        }
        let Some(route) = cx
            .routes
            .iter()
            .find(|r| cx.model.scope(r.scope).entry == index)
        else {
            continue;
        };
        let events = cx
            .model
            .scopes_of(Context::Events)
            .find(|&s| cx.model.scope(s).entry == index);
        let connections = events.and_then(|e| cx.model.own(e, "worker_connections").last());
        let count = connections
            .and_then(|s| s.node.view.arg_value(0))
            .map_or(Some(DEFAULT), |v| v.parse().ok());
        let Some(count) = count else { continue };
        let rlimit = cx.model.own(entry.scope, "worker_rlimit_nofile").last();
        let rlimit_value = rlimit
            .and_then(|s| s.node.view.arg_value(0))
            .and_then(|v| v.parse::<u64>().ok());
        let routes = cx
            .routes
            .iter()
            .filter(|r| cx.model.scope(r.scope).entry == index)
            .count();
        let at = connections
            .map(|s| s.node.location())
            .or_else(|| {
                events
                    .and_then(|e| cx.model.scope(e).opener)
                    .map(|o| o.location())
            })
            .unwrap_or_else(|| cx.location_anchor(route.scope));
        if count < LOW {
            let how = match connections {
                Some(s) => format!("`worker_connections {count}` ({})", cx.file_line(s.node)),
                None => format!("nginx's default `worker_connections {DEFAULT}` (not set)"),
            };
            out.push(cx.finding(
                &META,
                route,
                at,
                format!(
                    "{how} allows at most {} open WebSockets per worker (each holds a client and an upstream connection), for {routes} WebSocket route(s) such as {}",
                    count / 2,
                    cx.place(route)
                ),
            ));
        } else if let (Some(limit), Some(node)) = (rlimit_value, rlimit)
            && limit < 2 * count
        {
            out.push(cx.finding(
                &META,
                route,
                node.node.location(),
                format!(
                    "`worker_rlimit_nofile {limit}` ({}) is below twice `worker_connections {count}`: WebSockets need two descriptors each, so workers run out of files first",
                    cx.file_line(node.node)
                ),
            ));
        }
    }
}
