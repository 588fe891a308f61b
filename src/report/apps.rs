//! `wslint apps` (the table of WebSocket software wslint knows) and
//! `wslint apps APP` (one row's facts with their sources).

use crate::semantic::apps::{App, Heartbeat, OriginCheck, apps, find};
use std::fmt::Write;

fn heartbeat(app: &App) -> String {
    match app.heartbeat {
        Heartbeat::Unknown => "?".into(),
        Heartbeat::Silent => "none".into(),
        Heartbeat::Every { seconds, side } => format!("{seconds}s {side}"),
    }
}

fn origin(app: &App) -> &'static str {
    match app.origin_check {
        None => "?",
        Some(OriginCheck::Host) => "host",
        Some(OriginCheck::Allowlist) => "allowlist",
        Some(OriginCheck::None) => "none",
    }
}

fn ports(app: &App) -> String {
    let list: Vec<String> = app.ports.iter().map(u16::to_string).collect();
    if list.is_empty() {
        "-".into()
    } else {
        list.join(",")
    }
}

/// Every app: id, heartbeat, Origin check, ports, endpoint paths.
pub(crate) fn table() -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<22} {:<11} {:<9} {:<10} paths",
        "app", "heartbeat", "origin", "ports"
    );
    for app in apps() {
        let paths = if app.paths.is_empty() {
            "-".into()
        } else {
            app.paths.join(" ")
        };
        let _ = writeln!(
            out,
            "{:<22} {:<11} {:<9} {:<10} {paths}",
            app.id,
            heartbeat(app),
            origin(app),
            ports(app),
        );
    }
    let _ = writeln!(
        out,
        "\n? = not known. heartbeat: what the protocol sends on an idle connection, and from which side; origin: \
host = refuses an Origin whose host is not the request's Host. `wslint apps APP` shows an app's sources; \
the table is grammar/websocket-apps.tsv in wslint's source (grammar/websocket-apps.md says how to add a row)."
    );
    out
}

/// One app's facts, each with its source; `None` when no app has this id.
pub(crate) fn explain(id: &str) -> Option<String> {
    let app = find(id)?;
    let mut out = String::new();
    let _ = writeln!(out, "# {} ({})\n", app.name, app.id);
    let kind = if app.framework {
        "framework or protocol"
    } else {
        "application"
    };
    let _ = writeln!(out, "Kind: {kind}");
    let only = match app.websocket_only {
        Some(true) => "WebSocket only",
        Some(false) => "WebSocket and plain HTTP",
        None => "?",
    };
    let fact = |out: &mut String, label: &str, value: &str, source: &str| {
        let source = if source.is_empty() {
            String::new()
        } else {
            format!("\n    source: {source}")
        };
        let _ = writeln!(out, "{label}: {value}{source}");
    };
    let paths = if app.paths.is_empty() {
        "-".into()
    } else {
        app.paths.join(" ")
    };
    fact(
        &mut out,
        "Endpoint paths",
        &format!("{paths} ({only})"),
        app.sources.paths,
    );
    fact(
        &mut out,
        "Heartbeat",
        &heartbeat(app),
        app.sources.heartbeat,
    );
    fact(&mut out, "Origin check", origin(app), app.sources.origin);
    let hosts = if app.hosts.is_empty() {
        "-".into()
    } else {
        app.hosts.join(" ")
    };
    fact(
        &mut out,
        "Default ports",
        &format!("{} (service names: {hosts})", ports(app)),
        app.sources.ports,
    );
    Some(out)
}
