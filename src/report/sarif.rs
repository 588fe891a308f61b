//! `--format sarif`: SARIF 2.1.0 for code scanning. One run with the rule
//! catalogue (descriptions from the explanations), a result per finding
//! and per syntax error, fixes as artifact changes, and unreadable paths as
//! tool execution notifications.

use super::located::{Located, Place};
use crate::diagnostic::Severity;
use crate::rules::all_rules;
use serde_json::{Value, json};

const SYNTAX_RULE: &str = "syntax-error";

/// A relative URI reference for a path: `/` separators, and the characters
/// a URI cannot hold percent-encoded.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn region(p: &Place) -> Value {
    json!({
        "startLine": p.line,
        "startColumn": p.column,
        "endLine": p.end_line,
        "endColumn": p.end_column,
    })
}

fn location(p: &Place) -> Value {
    json!({
        "physicalLocation": {
            "artifactLocation": { "uri": uri(&p.file) },
            "region": region(p),
        }
    })
}

pub fn render(located: &Located) -> String {
    let metas: Vec<_> = all_rules().into_iter().map(|r| r.meta()).collect();
    let mut rules: Vec<Value> = metas
        .iter()
        .map(|m| {
            json!({
                "id": m.code,
                "name": m.name,
                "shortDescription": { "text": m.summary },
                "fullDescription": { "text": m.summary },
                "help": { "text": m.explanation, "markdown": m.explanation },
                "defaultConfiguration": { "level": level(m.severity), "enabled": m.default_enabled },
                "properties": { "fix": m.fix.as_str() },
            })
        })
        .collect();
    rules.push(json!({
        "id": SYNTAX_RULE,
        "name": SYNTAX_RULE,
        "shortDescription": { "text": "nginx cannot parse this configuration" },
        "defaultConfiguration": { "level": "error" },
    }));
    let rule_index = |code: &str| {
        metas
            .iter()
            .position(|m| m.code == code)
            .unwrap_or(metas.len())
    };
    let mut results: Vec<Value> = located
        .findings
        .iter()
        .map(|f| {
            let d = f.diagnostic;
            let mut result = json!({
                "ruleId": d.code,
                "ruleIndex": rule_index(d.code),
                "level": level(d.severity),
                "message": { "text": d.message },
                "locations": [location(&f.place)],
            });
            if let Some(signal) = &d.signal {
                result["properties"] = json!({ "websocketSignal": signal });
            }
            if let Some(fix) = &f.fix {
                let changes: Vec<Value> = fix
                    .edits
                    .iter()
                    .map(|e| {
                        json!({
                            "artifactLocation": { "uri": uri(&e.place.file) },
                            "replacements": [{
                                "deletedRegion": region(&e.place),
                                "insertedContent": { "text": e.content },
                            }],
                        })
                    })
                    .collect();
                result["fixes"] = json!([{
                    "description": { "text": format!("{} ({})", fix.title, fix.applicability) },
                    "artifactChanges": changes,
                }]);
            }
            result
        })
        .collect();
    let mut notifications = Vec::new();
    for e in &located.errors {
        match &e.place {
            Some(p) => results.push(json!({
                "ruleId": SYNTAX_RULE,
                "ruleIndex": metas.len(),
                "level": "error",
                "message": { "text": e.message },
                "locations": [location(p)],
            })),
            None => notifications.push(json!({
                "level": "error",
                "message": { "text": format!("{}: {}", e.file, e.message) },
            })),
        }
    }
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "wslint",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                }
            },
            "results": results,
            "invocations": [{
                "executionSuccessful": notifications.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
        }],
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

#[cfg(test)]
mod tests {
    #[test]
    fn uris_are_encoded() {
        assert_eq!(
            super::uri("sites enabled/a+b.conf"),
            "sites%20enabled/a%2Bb.conf"
        );
    }
}
