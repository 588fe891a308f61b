//! `wslint rules` (the catalogue as a table) and `wslint rule CODE` (one
//! rule's explanation).

use crate::rules::{RuleMeta, all_metas};
use std::fmt::Write;

/// The catalogue: code, name, severity, fix availability, default.
pub(crate) fn table() -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<6} {:<32} {:<8} {:<9} default",
        "code", "name", "severity", "fix"
    );
    for m in all_metas() {
        let _ = writeln!(
            out,
            "{:<6} {:<32} {:<8} {:<9} {}",
            m.code,
            m.name,
            m.severity.as_str(),
            m.fix.as_str(),
            if m.default_enabled {
                "on"
            } else {
                "off (opt-in)"
            }
        );
    }
    out
}

/// One rule's explanation, headed by its code and name.
pub(crate) fn explain(meta: &RuleMeta) -> String {
    format!(
        "# {} {}\n\nSeverity: {}. Fix: {}. {}\n\n{}",
        meta.code,
        meta.name,
        meta.severity.as_str(),
        meta.fix.as_str(),
        if meta.default_enabled {
            "On by default."
        } else {
            "Off by default (opt-in)."
        },
        meta.explanation
    )
}

/// Every rule's explanation as one Markdown page (docs/rules.md, which the
/// editor server links each diagnostic to): a `##` heading per rule, so
/// its anchor is `#ws001-missing-http-version`.
#[cfg(test)]
pub(crate) fn page() -> String {
    let mut out = String::from(
        "# wslint rules\n\nEvery rule's explanation, as `wslint rule CODE` prints it. \
         `wslint rules` lists them in a table.\n",
    );
    for meta in all_metas() {
        out.push('\n');
        let mut in_code = false;
        for line in explain(meta).lines() {
            in_code ^= line.starts_with("```");
            if line.starts_with('#') && !in_code {
                out.push('#');
            }
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    /// docs/rules.md is the catalogue's page; `WSLINT_UPDATE_SNAPSHOTS=1`
    /// writes it again after a rule's text changes.
    #[test]
    fn docs_rules_md_is_the_catalogue() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules.md");
        let page = super::page();
        if std::env::var_os("WSLINT_UPDATE_SNAPSHOTS").is_some() {
            std::fs::write(&path, &page).unwrap();
        }
        let written = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            written == page,
            "docs/rules.md is out of date: run WSLINT_UPDATE_SNAPSHOTS=1 cargo test --lib docs_rules_md"
        );
        assert!(page.contains("\n## WS001 missing-http-version\n"));
        assert!(page.contains("\n### Why is this bad\n"));
        // Comments in examples stay comments.
        assert!(!page.contains("\n## wslint:") && !page.contains("\n##    "));
    }
}
