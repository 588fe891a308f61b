//! `wslint inspect` output, as text for people or JSON for scripts.

use crate::semantic::inspect::{EntryReport, LocationReport, Origin};
use crate::syntax::NginxVersion;
use std::fmt::Write;

fn place(origin: &Origin) -> String {
    format!("{}:{} ({})", origin.file, origin.line, origin.level)
}

fn entry_line(out: &mut String, marker: &str, e: &EntryReport) {
    let _ = writeln!(out, "    {marker}{:<44} {}", e.value, place(&e.origin));
}

/// The text form: one section per location.
pub(crate) fn render_text(
    reports: &[LocationReport],
    version: NginxVersion,
    version_note: &str,
) -> String {
    let mut out = format!("target nginx {version}{version_note}\n");
    if reports.is_empty() {
        out.push_str("no matching location\n");
    }
    for r in reports {
        let _ = write!(out, "\n{}:{}:{}: {}", r.file, r.line, r.column, r.location);
        if let Some(server) = &r.server {
            let _ = write!(out, "  (server {server})");
        }
        out.push('\n');
        if let Some(route) = &r.websocket {
            let unproxied = if route.proxied {
                ""
            } else {
                " (but it proxies nothing: WS019)"
            };
            let _ = writeln!(out, "  {:<22} {}{unproxied}", "WebSocket route", route.why);
            if let Some(app) = &route.app {
                let or_unknown = |v: &str| if v.is_empty() { "not known" } else { v }.to_string();
                // How it was recognised, unless the line above said it.
                let what = if route.why.contains(&app.recognised) {
                    app.name.to_string()
                } else {
                    app.recognised.clone()
                };
                let _ = writeln!(
                    out,
                    "  {:<22} {what} (heartbeat: {}; Origin check: {}; `wslint apps {}` shows the sources)",
                    "app",
                    or_unknown(&app.heartbeat),
                    or_unknown(app.origin_check),
                    app.id
                );
            }
        }
        match &r.proxy_pass {
            Some(p) => {
                let _ = writeln!(
                    out,
                    "  {:<22} {:<24} {}",
                    "proxy_pass",
                    p.value,
                    place(&p.origin)
                );
            }
            None => match &r.proxy_pass_not_inherited {
                Some(outer) => {
                    let _ = writeln!(
                        out,
                        "  {:<22} (none: nginx serves files here; the `proxy_pass {}` of {} is not inherited by a nested location)",
                        "proxy_pass",
                        outer.value,
                        place(&outer.origin)
                    );
                }
                None => {
                    let _ = writeln!(out, "  {:<22} (none: not proxied)", "proxy_pass");
                }
            },
        }
        if let Some(u) = &r.upstream {
            let keepalive = u
                .keepalive
                .as_deref()
                .map_or("no keepalive".to_string(), |k| format!("keepalive {k}"));
            let _ = writeln!(
                out,
                "  {:<22} {:<24} {}",
                "upstream",
                format!("{} ({keepalive})", u.name),
                place(&u.origin)
            );
        }
        for s in &r.scalars {
            let from = s.origin.as_ref().map_or("(default)".to_string(), place);
            let _ = writeln!(out, "  {:<22} {:<24} {}", s.directive, s.value, from);
        }
        for a in &r.arrays {
            if a.entries.is_empty()
                && a.hidden.is_empty()
                && a.cancelled.is_empty()
                && a.implicit.is_empty()
            {
                let _ = writeln!(out, "  {}: none", a.directive);
                continue;
            }
            let _ = writeln!(out, "  {}:", a.directive);
            for e in &a.entries {
                entry_line(&mut out, "", e);
            }
            for value in &a.implicit {
                let _ = writeln!(out, "    {value:<44} (nginx's default: no entry sets it)");
            }
            for e in &a.hidden {
                entry_line(&mut out, "hidden: ", e);
            }
            for e in &a.cancelled {
                entry_line(&mut out, "cancelled (inherit off): ", e);
            }
            if !a.hidden.is_empty() {
                let _ = writeln!(
                    out,
                    "    (hidden entries are written at an outer level but do not apply here: a closer level sets its own {})",
                    a.directive
                );
            }
        }
    }
    out
}

/// The JSON form, `{ "locations": [ … ], "nginx_version": … }` with every
/// object's keys in alphabetical order, written to `out` as it is
/// serialized, one location at a time, so a large tree never holds its
/// whole document in memory.
pub(crate) fn write_json(
    reports: &[LocationReport],
    version: NginxVersion,
    out: &mut impl std::io::Write,
) -> std::io::Result<()> {
    #[derive(serde::Serialize)]
    struct Document<'a> {
        locations: &'a [LocationReport],
        nginx_version: String,
    }
    let doc = Document {
        locations: reports,
        nginx_version: version.to_string(),
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::write_json;
    use crate::semantic::{Model, inspect::inspect};
    use crate::syntax::NginxVersion;

    #[test]
    fn json_keys_are_sorted_in_every_object() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nginx.conf");
        std::fs::write(
            &path,
            "events {}\nhttp {\n  upstream app { server 127.0.0.1:3000; keepalive 8; }\n  \
             add_header X-A a;\n  server {\n    server_name example.com;\n    \
             proxy_set_header Host $host;\n    location /ws/ {\n      proxy_pass http://app;\n      \
             proxy_read_timeout 1h;\n      proxy_set_header Upgrade $http_upgrade;\n      \
             add_header X-B b;\n    }\n  }\n}\n",
        )
        .unwrap();
        let loaded = crate::load::load(&[crate::load::Input::Path(path)]);
        let model = Model::build(&loaded.files, &loaded.entries);
        let version = NginxVersion::ASSUMED;
        let reports = inspect(&model, version, None, &Default::default());
        assert!(
            reports
                .iter()
                .any(|r| r.upstream.is_some() && !r.arrays.is_empty())
        );
        let mut written = Vec::new();
        write_json(&reports, version, &mut written).unwrap();
        // serde_json's own values keep their keys sorted.
        let doc = serde_json::json!({
            "locations": serde_json::to_value(&reports).unwrap(),
            "nginx_version": version.to_string(),
        });
        let sorted = serde_json::to_string_pretty(&doc).unwrap() + "\n";
        assert_eq!(String::from_utf8(written).unwrap(), sorted);
    }
}
