//! `--format json`: one JSON document for the whole run, serialized by
//! serde_json from the types below. The schema and its versioning promise
//! are in docs/json-output.md.

use super::json_format::{render_at, write_pretty};
use super::located::{Finding, LocatedFix, RunError, errors, locate_finding};
use crate::diagnostic::{Diagnostic, Severity};
use crate::report::Outcome;
use serde::Serialize;

/// The schema version; see docs/json-output.md.
pub(crate) const VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    tool: Tool,
    nginx_version: String,
    diagnostics: Findings<'a>,
    errors: Vec<RunError>,
    summary: Summary,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

/// The findings, located and rendered a window at a time, the window's
/// findings side by side: a run with many findings never holds every
/// finding's place, nor its whole document, in memory.
struct Findings<'a> {
    outcome: &'a Outcome,
    findings: Vec<&'a Diagnostic>,
}

/// Findings rendered at a time.
const WINDOW: usize = 4096;

impl Serialize for Findings<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use rayon::prelude::*;
        use serde::ser::SerializeSeq;
        let mut list = serializer.serialize_seq(Some(self.findings.len()))?;
        for window in self.findings.chunks(WINDOW) {
            // At the depth of the list's items: document, list.
            let rendered: Vec<_> = window
                .par_iter()
                .map(|d| render_at(2, &FindingJson::from(locate_finding(self.outcome, d))))
                .collect();
            for finding in &rendered {
                list.serialize_element(finding)?;
            }
        }
        list.end()
    }
}

#[derive(Serialize)]
struct FindingJson<'a> {
    code: &'a str,
    name: &'a str,
    severity: &'a str,
    message: &'a str,
    file: std::sync::Arc<str>,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    signal: Option<&'a str>,
    assumption: Option<&'a str>,
    fix: Option<LocatedFix<'a>>,
}

impl<'a> From<Finding<'a>> for FindingJson<'a> {
    fn from(f: Finding<'a>) -> Self {
        let d = f.diagnostic;
        FindingJson {
            code: d.code,
            name: d.name,
            severity: d.severity.as_str(),
            message: &d.message,
            file: f.place.file,
            line: f.place.line,
            column: f.place.column,
            end_line: f.place.end_line,
            end_column: f.place.end_column,
            signal: d.signal.as_deref(),
            assumption: d.assumption.map(|a| a.as_str()),
            fix: f.fix,
        }
    }
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    findings: usize,
    errors: usize,
    error: usize,
    warning: usize,
    info: usize,
    fixed: usize,
    fixable: usize,
    /// The findings by severity: `error`, `warning` and `info` above say
    /// the same, but read too much like `errors` (what kept files from
    /// being checked).
    by_severity: BySeverity,
}

#[derive(Serialize)]
struct BySeverity {
    error: usize,
    warning: usize,
    info: usize,
}

/// Renders the run; `fixed` is how many findings `--fix` fixed.
pub(crate) fn render(outcome: &Outcome, fixed: usize) -> String {
    let mut out = Vec::new();
    write(outcome, fixed, &mut out).expect("writing to memory cannot fail");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// Writes the run to `out` as it is serialized.
pub fn write(
    outcome: &Outcome,
    fixed: usize,
    out: &mut impl std::io::Write,
) -> std::io::Result<()> {
    let findings: Vec<&Diagnostic> = outcome.findings().collect();
    let errors = errors(outcome);
    let count = |severity: Severity| findings.iter().filter(|d| d.severity == severity).count();
    let summary = Summary {
        files: outcome.files.files.len(),
        findings: findings.len(),
        errors: errors.len(),
        error: count(Severity::Error),
        warning: count(Severity::Warning),
        info: count(Severity::Info),
        fixed,
        fixable: findings.iter().filter(|d| d.fix.is_some()).count(),
        by_severity: BySeverity {
            error: count(Severity::Error),
            warning: count(Severity::Warning),
            info: count(Severity::Info),
        },
    };
    let document = Document {
        version: VERSION,
        tool: Tool {
            name: "wslint",
            version: env!("CARGO_PKG_VERSION"),
        },
        nginx_version: outcome.nginx_version.to_string(),
        diagnostics: Findings { outcome, findings },
        errors,
        summary,
    };
    write_pretty(&mut *out, &document)?;
    out.write_all(b"\n")
}
