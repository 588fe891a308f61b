//! Findings and errors with their places resolved to file names, lines and
//! columns: what every output format shows. Computed once per run.

use crate::check::Outcome;
use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::Fix;
use crate::source::SourceFile;
use std::ops::Range;

/// A place in a file, 1-based, end exclusive (the column after the span).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Place {
    pub file: std::sync::Arc<str>,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

impl Place {
    pub fn of(file: &SourceFile, span: &Range<u32>) -> Place {
        let (line, column) = file.line_col(span.start);
        let (end_line, end_column) = file.line_col(span.end);
        Place {
            file: file.shared_display_name(),
            line,
            column,
            end_line,
            end_column,
        }
    }
}

/// An edit of a fix, located.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LocatedEdit<'o> {
    #[serde(flatten)]
    pub place: Place,
    /// Byte range in the file.
    pub span: [u32; 2],
    pub content: &'o str,
}

/// A fix, located.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LocatedFix<'o> {
    pub applicability: &'static str,
    pub title: &'o str,
    pub edits: Vec<LocatedEdit<'o>>,
}

/// One finding.
#[derive(Debug, Clone)]
pub struct Finding<'o> {
    pub diagnostic: &'o Diagnostic,
    pub place: Place,
    pub fix: Option<LocatedFix<'o>>,
}

/// Something that stopped a file from being checked: a syntax error (with
/// a place) or an unreadable path (without).
#[derive(Debug, Clone, serde::Serialize)]
pub struct RunError {
    /// `syntax-error` or `read-error`.
    pub kind: &'static str,
    pub message: String,
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    #[serde(skip)]
    pub place: Option<Place>,
}

/// Everything a format shows.
#[derive(Debug)]
pub struct Located<'o> {
    pub findings: Vec<Finding<'o>>,
    pub errors: Vec<RunError>,
    pub files_checked: usize,
}

impl Located<'_> {
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.diagnostic.severity == severity)
            .count()
    }
}

fn locate_fix<'o>(outcome: &'o Outcome, fix: &'o Fix) -> LocatedFix<'o> {
    LocatedFix {
        applicability: fix.applicability.as_str(),
        title: &fix.title,
        edits: fix
            .edits
            .iter()
            .map(|e| LocatedEdit {
                place: Place::of(outcome.files.get(e.file), &e.range),
                span: [e.range.start, e.range.end],
                content: &e.text,
            })
            .collect(),
    }
}

/// Locates diagnostics: the findings, and the syntax errors the model
/// found (as errors).
fn locate_diagnostics<'o>(
    outcome: &'o Outcome,
    diagnostics: &'o [Diagnostic],
) -> (Vec<Finding<'o>>, Vec<RunError>) {
    let mut findings = Vec::with_capacity(diagnostics.len());
    let mut errors = Vec::new();
    for d in diagnostics {
        let file = outcome.files.get(d.location.file);
        let place = Place::of(file, &d.location.span);
        if d.is_syntax {
            errors.push(RunError {
                kind: "syntax-error",
                message: format!("{} {}", d.code, d.message),
                file: place.file.to_string(),
                line: Some(place.line),
                column: Some(place.column),
                place: Some(place),
            });
            continue;
        }
        findings.push(Finding {
            diagnostic: d,
            fix: d.fix.as_ref().map(|f| locate_fix(outcome, f)),
            place,
        });
    }
    (findings, errors)
}

/// Resolves every finding and error of a run, in file order.
pub fn locate(outcome: &Outcome) -> Located<'_> {
    let mut errors = Vec::new();
    for file in &outcome.files.files {
        for e in &file.tree.errors {
            let place = Place::of(file, &e.span);
            errors.push(RunError {
                kind: "syntax-error",
                message: e.message.clone(),
                file: place.file.to_string(),
                line: Some(place.line),
                column: Some(place.column),
                place: Some(place),
            });
        }
    }
    // Findings are located on two threads, a chunk at a time.
    let chunks = crate::both_ends::map_chunks(&outcome.diagnostics, 1024, |_, diagnostics| {
        vec![locate_diagnostics(outcome, diagnostics)]
    });
    let mut findings = Vec::with_capacity(outcome.diagnostics.len());
    for (located, syntax) in chunks {
        findings.extend(located);
        errors.extend(syntax);
    }
    for e in &outcome.read_errors {
        errors.push(RunError {
            kind: "read-error",
            message: e.message.clone(),
            file: e.path.clone(),
            line: None,
            column: None,
            place: None,
        });
    }
    Located {
        findings,
        errors,
        files_checked: outcome.files.files.len(),
    }
}
