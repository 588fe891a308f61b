//! `--format json`: one JSON document for the whole run. The schema and its
//! versioning promise are in docs/json-output.md.

use super::located::{Located, LocatedFix, RunError};
use crate::check::Outcome;
use serde::Serialize;

/// The schema version; see docs/json-output.md.
pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    tool: Tool,
    nginx_version: String,
    diagnostics: Vec<DiagnosticJson<'a>>,
    errors: &'a [RunError],
    summary: Summary,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct DiagnosticJson<'a> {
    code: &'a str,
    name: &'a str,
    severity: &'a str,
    message: &'a str,
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    signal: Option<&'a str>,
    fix: Option<&'a LocatedFix<'a>>,
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
}

/// Renders the run; `fixed` is how many findings `--fix` fixed.
pub fn render(outcome: &Outcome, located: &Located, fixed: usize) -> String {
    let mut out = Vec::new();
    write(outcome, located, fixed, &mut out).expect("writing to memory cannot fail");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// Writes the run to `out` as it is serialized: a run with many findings
/// never holds its whole document in memory.
pub fn write(
    outcome: &Outcome,
    located: &Located,
    fixed: usize,
    out: &mut impl std::io::Write,
) -> std::io::Result<()> {
    use crate::diagnostic::Severity::*;
    let diagnostics = located
        .findings
        .iter()
        .map(|f| DiagnosticJson {
            code: f.diagnostic.code,
            name: f.diagnostic.name,
            severity: f.diagnostic.severity.as_str(),
            message: &f.diagnostic.message,
            file: &f.place.file,
            line: f.place.line,
            column: f.place.column,
            end_line: f.place.end_line,
            end_column: f.place.end_column,
            signal: f.diagnostic.signal.as_deref(),
            fix: f.fix.as_ref(),
        })
        .collect();
    let doc = Document {
        version: VERSION,
        tool: Tool {
            name: "wslint",
            version: env!("CARGO_PKG_VERSION"),
        },
        nginx_version: outcome.nginx_version.to_string(),
        diagnostics,
        errors: &located.errors,
        summary: Summary {
            files: located.files_checked,
            findings: located.findings.len(),
            errors: located.errors.len(),
            error: located.count(Error),
            warning: located.count(Warning),
            info: located.count(Info),
            fixed,
            fixable: located.findings.iter().filter(|f| f.fix.is_some()).count(),
        },
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    out.write_all(b"\n")
}
