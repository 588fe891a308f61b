//! The labeled real-world cases (../shared/labeled, beside the corpus named
//! by WSLINT_CORPUS): each buggy case reports the rules its tags map to, and
//! each confirmed-working case reports nothing beyond its acceptable extras.

use crate::support::corpus;
use std::collections::BTreeSet;
use wslint::app::check;
use wslint::load::Input;
use wslint::rules::RuleSettings;

/// The rule codes a label tag maps to (any one of them satisfies it);
/// `None` for tags no rule covers (path mismatches, other problems).
fn codes_for(tag: &str) -> Option<&'static [&'static str]> {
    Some(match tag {
        "missing-http-version" => &["WS001"],
        "missing-upgrade-header" | "other:wrong-upgrade-header-value" => &["WS002"],
        "missing-connection-header" => &["WS003"],
        t if t.starts_with("other:connection-header-") => &["WS003"],
        "hardcoded-connection-upgrade" => &["WS004"],
        "undefined-connection-upgrade-var" => &["WS005"],
        "short-read-timeout" => &["WS006"],
        "ws-scheme-in-proxy-pass" => &["WS007"],
        "header-inheritance-lost" => &["WS008"],
        "keepalive-connection-conflict" => &["WS009", "WS018"],
        "cors-misplaced" => &["WS010", "WS011", "WS012", "WS013"],
        "missing-host-header" => &["WS016"],
        "other:origin-header-cleared" => &["WS017"],
        _ => return None,
    })
}

/// Buggy cases whose label no static rule can meet, and why.
const UNREACHABLE: &[(&str, &str)] = &[
    (
        "011",
        "a bare `location /` with no Upgrade/Connection header, no WebSocket path and no ws:// URL: \
         nothing says it carries WebSockets, and treating every proxied location as one would flood \
         plain sites with false alarms",
    ),
    ("030", "same: no location says it carries WebSockets"),
];

/// Cases whose label disagrees with nginx itself: as posted they hold
/// `{domain-name}` placeholders inside bare words, which nginx reads as a
/// block (`nginx -t`: directive "ssl_certificate" is not terminated by ";",
/// reproduced with nginx 1.22.1), although the label says nginx accepted
/// them. wslint must report that syntax error (E005) at the placeholder.
const NGINX_REJECTS: &[(&str, usize)] = &[("016", 21), ("104", 21)];

fn strings(value: &serde_json::Value) -> Vec<String> {
    value
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn labeled_cases_get_the_findings_their_labels_name() {
    let Some(corpus) = corpus() else { return };
    let dir = corpus.parent().unwrap().join("labeled");
    let mut cases: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "conf"))
        .collect();
    cases.sort();
    assert!(cases.len() >= 25, "only {} labeled cases", cases.len());
    let mut problems = Vec::new();
    for conf in &cases {
        let id = conf.file_stem().unwrap().to_string_lossy().into_owned();
        let label: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(conf.with_extension("json")).unwrap())
                .unwrap();
        let outcome = check::run(&[Input::Path(conf.clone())], &RuleSettings::default());
        if let Some((_, line)) = NGINX_REJECTS.iter().find(|(n, _)| *n == id) {
            let e005 = outcome.diagnostics.iter().find(|d| d.code == "E005");
            let at = e005.map(|d| {
                outcome
                    .files
                    .get(d.location.file)
                    .line_col(d.location.span.start)
                    .0
            });
            assert_eq!(at, Some(*line), "{id}: E005 expected at line {line}");
            continue;
        }
        let reported: BTreeSet<&str> = outcome
            .diagnostics
            .iter()
            .filter(|d| d.code != "E001")
            .map(|d| d.code)
            .collect();
        if label["kind"] == "buggy" {
            if UNREACHABLE.iter().any(|(u, _)| *u == id) {
                continue;
            }
            for tag in strings(&label["expected_findings"]) {
                if let Some(codes) = codes_for(&tag)
                    && !codes.iter().any(|c| reported.contains(c))
                {
                    problems.push(format!(
                        "{id}: expected {tag} ({codes:?}), reported {reported:?}"
                    ));
                }
            }
        } else {
            let allowed: Vec<&str> = strings(&label["acceptable_extra_findings"])
                .iter()
                .filter_map(|t| codes_for(t))
                .flatten()
                .copied()
                .collect();
            for code in &reported {
                if !allowed.contains(code) {
                    problems.push(format!(
                        "{id}: confirmed working, but {code} reported (allowed {allowed:?})"
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}
