//! `--format sarif`: SARIF 2.1.0 for code scanning. One run with the rule
//! catalogue (descriptions from the explanations), a result per finding
//! and per syntax error, fixes as artifact changes, and unreadable paths as
//! tool execution notifications.

use super::located::{Located, Place};
use crate::diagnostic::Severity;
use crate::rules::all_metas;
use serde::Serialize;
use serde_json::{Value, json};
use std::borrow::Cow;

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

// The document is built from borrowed, typed parts and streamed, so a run
// with many findings costs little memory. Fields are declared in
// alphabetical order: the order the output has always had.

#[derive(Serialize)]
struct Text<'a> {
    text: Cow<'a, str>,
}

fn text<'a>(t: impl Into<Cow<'a, str>>) -> Text<'a> {
    Text { text: t.into() }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    end_column: u32,
    end_line: u32,
    start_column: u32,
    start_line: u32,
}

fn region(p: &Place) -> Region {
    Region {
        end_column: p.end_column,
        end_line: p.end_line,
        start_column: p.column,
        start_line: p.line,
    }
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

fn location(p: &Place) -> Location {
    Location {
        physical_location: PhysicalLocation {
            artifact_location: ArtifactLocation { uri: uri(&p.file) },
            region: region(p),
        },
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement<'a> {
    deleted_region: Region,
    inserted_content: Text<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactChange<'a> {
    artifact_location: ArtifactLocation,
    replacements: [Replacement<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifFix<'a> {
    artifact_changes: Vec<ArtifactChange<'a>>,
    description: Text<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Properties<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    websocket_signal: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    assumption: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    fixes: Option<[SarifFix<'a>; 1]>,
    level: &'static str,
    locations: [Location; 1],
    message: Text<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<Properties<'a>>,
    rule_id: &'a str,
    rule_index: usize,
}

#[derive(Serialize)]
struct Notification<'a> {
    level: &'static str,
    message: Text<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation<'a> {
    execution_successful: bool,
    tool_execution_notifications: Vec<Notification<'a>>,
}

#[derive(Serialize)]
struct Driver {
    name: &'static str,
    rules: Vec<Value>,
    version: &'static str,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

/// Results are serialized as they are built, one finding at a time.
struct Results<'a> {
    located: &'a Located<'a>,
    metas: &'a [&'static crate::rules::RuleMeta],
}

impl Serialize for Results<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let rule_index = |code: &str| {
            self.metas
                .iter()
                .position(|m| m.code == code)
                .unwrap_or(self.metas.len())
        };
        let findings = self.located.findings.iter().map(|f| {
            let d = f.diagnostic;
            SarifResult {
                fixes: f.fix.as_ref().map(|fix| {
                    [SarifFix {
                        artifact_changes: fix
                            .edits
                            .iter()
                            .map(|e| ArtifactChange {
                                artifact_location: ArtifactLocation {
                                    uri: uri(&e.place.file),
                                },
                                replacements: [Replacement {
                                    deleted_region: region(&e.place),
                                    inserted_content: text(e.content),
                                }],
                            })
                            .collect(),
                        description: text(format!("{} ({})", fix.title, fix.applicability)),
                    }]
                }),
                level: level(d.severity),
                locations: [location(&f.place)],
                message: text(d.message.as_str()),
                properties: (d.signal.is_some() || d.assumption.is_some()).then(|| Properties {
                    websocket_signal: d.signal.as_deref(),
                    assumption: d.assumption.map(|a| a.as_str()),
                }),
                rule_id: d.code,
                rule_index: rule_index(d.code),
            }
        });
        let syntax_errors = self.located.errors.iter().filter_map(|e| {
            e.place.as_ref().map(|p| SarifResult {
                fixes: None,
                level: "error",
                locations: [location(p)],
                message: text(e.message.as_str()),
                properties: None,
                rule_id: SYNTAX_RULE,
                rule_index: self.metas.len(),
            })
        });
        serializer.collect_seq(findings.chain(syntax_errors))
    }
}

#[derive(Serialize)]
struct Run<'a> {
    invocations: [Invocation<'a>; 1],
    results: Results<'a>,
    tool: Tool,
}

#[derive(Serialize)]
struct Document<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    runs: [Run<'a>; 1],
    version: &'static str,
}

fn rule_catalogue(metas: &[&crate::rules::RuleMeta]) -> Vec<Value> {
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
    rules
}

/// Writes the SARIF document to `out` as it is serialized.
pub(crate) fn write(located: &Located, out: &mut impl std::io::Write) -> std::io::Result<()> {
    let metas = all_metas();
    let notifications: Vec<Notification> = located
        .errors
        .iter()
        .filter(|e| e.place.is_none())
        .map(|e| Notification {
            level: "error",
            message: text(format!("{}: {}", e.file, e.message)),
        })
        .collect();
    let doc = Document {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        runs: [Run {
            invocations: [Invocation {
                execution_successful: notifications.is_empty(),
                tool_execution_notifications: notifications,
            }],
            results: Results {
                located,
                metas: &metas,
            },
            tool: Tool {
                driver: Driver {
                    name: "wslint",
                    rules: rule_catalogue(&metas),
                    version: env!("CARGO_PKG_VERSION"),
                },
            },
        }],
        version: "2.1.0",
    };
    super::json_format::write_pretty(&mut *out, &doc)?;
    out.write_all(b"\n")
}

pub(crate) fn render(located: &Located) -> String {
    let mut out = Vec::new();
    write(located, &mut out).expect("writing to memory cannot fail");
    String::from_utf8(out).expect("serde_json writes UTF-8")
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
