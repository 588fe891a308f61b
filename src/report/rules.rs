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
