//! WS005 undefined-upgrade-variable: a variable used for the Upgrade or
//! Connection header is defined nowhere, or the map that defines the
//! Connection variable gives the wrong values.

use super::routes::{Route, Unseen};
use super::{Cx, FixAvailability, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::semantic::Node;
use crate::syntax::Context;
use rustc_hash::FxHashMap as HashMap;

pub(crate) static META: RuleMeta = RuleMeta {
    code: "WS005",
    name: "undefined-upgrade-variable",
    severity: Severity::Error,
    fix: FixAvailability::Sometimes,
    default_enabled: true,
    summary: "the variable used for Upgrade/Connection is undefined, or its map is wrong",
    explanation: "\
## What it does
On a WebSocket route, checks every variable in the `Upgrade` and `Connection`
header values. It fires when a variable is neither built into nginx nor
defined by `map`, `geo`, `set` or a similar directive in the configuration,
and when the `map` that defines the Connection variable sends something other
than `upgrade` to WebSocket requests, or `upgrade` to plain requests (no `''`
entry, or values swapped). An undefined variable is an error in a whole
configuration; in a file checked alone, or behind an include that could not
be followed, it is a warning that says so: the files not seen may define it.

## Why is this bad
`$connection_upgrade` is not built in. Copying a location without the `map`
that defines it makes nginx refuse to start with `unknown
\"connection_upgrade\" variable`, and that message names no file or line. A
map with its values swapped sends `Connection: close` to every handshake.

## Example
```nginx
location /ws/ {
    proxy_pass http://app;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection $connection_upgrade;   # no map anywhere
}
```

## Use instead
```nginx
map $http_upgrade $connection_upgrade {
    default upgrade;
    ''      close;
}
```
in the http context (for example in conf.d/).

## Fix safety
Adding the standard map to the http context of the main configuration is safe
when nothing defines the variable. A wrong map is not rewritten: which value
the author meant is a judgement.

## References
- docs/nginx-facts.md F9: the map recipe
- docs/nginx-facts.md F10: `map` compares string keys without regard to case
- docs/nginx-facts.md F11: a variable nothing defines stops nginx at startup
- tests/it/nginx_behaviour.rs `what_wslint_calls_fatal_fails_nginx_t`
- nginx docs: ngx_http_map_module; \"WebSocket proxying\"
",
};

pub(crate) fn check(cx: &Cx, out: &mut Vec<Diagnostic>) {
    let knowledge_of: Vec<Knowledge> = (0..cx.model.entries.len())
        .map(|entry| definitions_visible(cx, entry))
        .collect();
    // Many routes share one map: judge each map once.
    let mut map_problems: Vec<HashMap<String, Vec<(Node, String)>>> =
        vec![HashMap::default(); cx.model.entries.len()];
    for route in &cx.routes {
        let entry = cx.entry(route);
        let knowledge = &knowledge_of[entry];
        for header in ["upgrade", "connection"] {
            for h in cx.headers(route, header) {
                for arg in h.setting.node.view.args().skip(1) {
                    for var in arg.variables() {
                        if cx.vars.is_defined(entry, var.name) {
                            if header == "connection" {
                                let known = &mut map_problems[entry];
                                if !known.contains_key(var.name) {
                                    let judged = judge_maps(cx, entry, var.name);
                                    known.insert(var.name.to_string(), judged);
                                }
                                let problems = &known[var.name];
                                for (map, problem) in problems.iter() {
                                    out.push(map_finding(cx, route, *map, var.name, problem));
                                }
                            }
                            continue;
                        }
                        // Defined nowhere: nginx refuses to start,
                        // unless the definition is in what was not seen.
                        let (severity, verdict) = match &knowledge {
                            Knowledge::Whole => (
                                Severity::Error,
                                "is defined nowhere in the checked configuration (no `map` sets it), so nginx refuses to start".to_string(),
                            ),
                            Knowledge::Partial(unseen) => (
                                Severity::Warning,
                                format!(
                                    "is not defined in the checked files ({}), and unless it is, nginx refuses to start",
                                    unseen.could(cx.model, "define it")
                                ),
                            ),
                        };
                        let fix = (header == "connection")
                            .then(|| cx.connection_map(entry, var.name))
                            .flatten()
                            .map(|e| {
                                crate::diagnostic::Fix::new(
                                    crate::diagnostic::Applicability::Safe,
                                    format!("define `${}` with the standard map", var.name),
                                    vec![e],
                                )
                            });
                        let mut d = cx.finding(
                            &META,
                            route,
                            h.setting.node.location(),
                            format!(
                                "`${}` in `proxy_set_header {}` ({}) {verdict}: unknown \"{}\" variable; used by {}",
                                var.name,
                                h.name,
                                cx.file_line(h.setting.node),
                                var.name,
                                cx.place(route)
                            ),
                        );
                        if let Knowledge::Partial(unseen) = &knowledge {
                            d.assumption = Some(unseen.assumption());
                        }
                        d.severity = severity;
                        out.push(d.with_fix(fix));
                    }
                }
            }
        }
    }
}
/// How much of the http context the checks see.
enum Knowledge {
    /// A whole configuration with every include followed.
    Whole,
    /// A file checked alone (other files of the http context, nginx.conf
    /// or conf.d/, may define variables), or an include that could not be
    /// followed.
    Partial(Unseen),
}

fn definitions_visible(cx: &Cx, entry: usize) -> Knowledge {
    let model = cx.model;
    let unresolved = model.scopes.iter().find_map(|s| {
        (s.entry == entry && matches!(s.context, Context::Main | Context::Http))
            .then(|| s.unresolved_include.clone())
            .flatten()
    });
    match (unresolved, model.entries[entry].context) {
        (Some(at), _) => Knowledge::Partial(Unseen::Include(at)),
        (None, Context::Main) => Knowledge::Whole,
        (None, context) => Knowledge::Partial(Unseen::CheckedAlone(context)),
    }
}

/// The Connection variable's map must send `upgrade` to handshakes and not
/// to plain requests: each map defining `var` in the entry point, with
/// what is wrong with it.
fn judge_maps<'a>(cx: &Cx<'_, 'a>, entry: usize, var: &str) -> Vec<(Node<'a>, String)> {
    let mut problems = Vec::new();
    for map in cx.vars.definitions(entry, var) {
        let Some(entries) = map.view.map_entries() else {
            continue;
        };
        if map
            .view
            .arg_value(0)
            .is_some_and(|s| !s.eq_ignore_ascii_case("$http_upgrade"))
        {
            continue; // keyed on something else: nothing to say about its values
        }
        let value_for = |key: &str| {
            entries
                .iter()
                .find(|e| !e.is_regex && e.key.eq_ignore_ascii_case(key))
                .and_then(|e| e.value.clone())
        };
        let default = value_for("default").unwrap_or_default();
        let websocket = value_for("websocket").unwrap_or_else(|| default.clone());
        let plain = value_for("").unwrap_or_else(|| default.clone());
        let is_upgrade = |v: &str| v.eq_ignore_ascii_case("upgrade");
        let problem = if !is_upgrade(&websocket) && is_upgrade(&plain) {
            Some(format!(
                "sends `{websocket}` to WebSocket handshakes and `upgrade` to plain requests: its values are swapped"
            ))
        } else if !is_upgrade(&websocket) {
            Some(format!(
                "sends `Connection: {websocket}` to WebSocket handshakes instead of `upgrade`"
            ))
        } else if is_upgrade(&plain) {
            Some("has no `''` entry, so plain requests also get `Connection: upgrade` (add `'' close;`)".to_string())
        } else {
            None
        };
        if let Some(problem) = problem {
            problems.push((*map, problem));
        }
    }
    problems
}

fn map_finding(cx: &Cx, route: &Route, map: Node, var: &str, problem: &str) -> Diagnostic {
    cx.finding(
        &META,
        route,
        map.location(),
        format!(
            "the map defining `${var}` ({}) {problem}; used for `Connection` by {}",
            cx.file_line(map),
            cx.place(route)
        ),
    )
    .with_related(cx.location_anchor(route.scope), "the location that uses it")
}
