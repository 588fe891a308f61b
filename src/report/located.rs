//! Findings and errors with their places resolved to file names, lines and
//! columns: what every output format shows. Computed once per run.

use crate::diagnostic::Diagnostic;
use crate::diagnostic::Fix;
use crate::load::source::SourceFile;
use crate::report::Outcome;
use std::ops::Range;

/// A place in a file, 1-based, end exclusive (the column after the span).
/// Lines and columns are 32 bits, as offsets are: a run locates every
/// finding before it writes any, so the size counts.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub(crate) struct Place {
    pub(crate) file: std::sync::Arc<str>,
    pub(crate) line: u32,
    pub(crate) column: u32,
    pub(crate) end_line: u32,
    pub(crate) end_column: u32,
}

impl Place {
    pub(crate) fn of(file: &SourceFile, span: &Range<u32>) -> Place {
        let (line, column) = file.line_col(span.start);
        let (end_line, end_column) = file.line_col_after(span.start, (line, column), span.end);
        // A file is at most 256 MiB, so a line or column fits.
        Place {
            file: file.shared_display_name(),
            line: line as u32,
            column: column as u32,
            end_line: end_line as u32,
            end_column: end_column as u32,
        }
    }
}

/// An edit of a fix, located.
#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct LocatedEdit<'o> {
    #[serde(flatten)]
    pub(crate) place: Place,
    /// Byte range in the file.
    pub(crate) span: [u32; 2],
    pub(crate) content: &'o str,
}

/// A fix, located.
#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct LocatedFix<'o> {
    pub(crate) applicability: &'static str,
    pub(crate) title: &'o str,
    pub(crate) edits: Vec<LocatedEdit<'o>>,
}

/// One finding.
#[derive(Debug, Clone)]
pub(crate) struct Finding<'o> {
    pub(crate) diagnostic: &'o Diagnostic,
    pub(crate) place: Place,
    pub(crate) fix: Option<LocatedFix<'o>>,
}

/// Something that stopped a file from being checked: a syntax error (with
/// a place) or an unreadable path (without).
#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct RunError {
    /// `syntax-error` or `read-error`.
    pub(crate) kind: &'static str,
    pub(crate) message: String,
    pub(crate) file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) column: Option<usize>,
    #[serde(skip)]
    pub(crate) place: Option<Place>,
}

/// Everything a format shows.
#[derive(Debug)]
pub(crate) struct Located<'o> {
    pub(crate) findings: Vec<Finding<'o>>,
    pub(crate) errors: Vec<RunError>,
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

/// Locates the findings among `diagnostics` (syntax errors are located
/// by [`errors`]).
fn locate_findings(outcome: &Outcome) -> Vec<Finding<'_>> {
    use rayon::prelude::*;
    outcome
        .diagnostics
        .par_iter()
        .filter(|d| !d.is_syntax)
        .map(|d| locate_finding(outcome, d))
        .collect()
}

/// One finding (a diagnostic that is not a syntax error), located.
pub(crate) fn locate_finding<'o>(outcome: &'o Outcome, d: &'o Diagnostic) -> Finding<'o> {
    Finding {
        diagnostic: d,
        fix: d.fix.as_ref().map(|f| locate_fix(outcome, f)),
        place: Place::of(outcome.files.get(d.location.file), &d.location.span),
    }
}

/// The syntax errors the model found, as errors.
fn syntax_errors(outcome: &Outcome) -> impl Iterator<Item = RunError> + '_ {
    outcome.diagnostics.iter().filter(|d| d.is_syntax).map(|d| {
        let place = Place::of(outcome.files.get(d.location.file), &d.location.span);
        RunError {
            kind: "syntax-error",
            message: format!("{} {}", d.code, d.message),
            file: place.file.to_string(),
            line: Some(place.line as usize),
            column: Some(place.column as usize),
            place: Some(place),
        }
    })
}

/// Resolves every finding and error of a run, in file order.
pub(crate) fn locate(outcome: &Outcome) -> Located<'_> {
    Located {
        findings: locate_findings(outcome),
        errors: errors(outcome),
    }
}

/// What stopped files from being checked, in order: the parser's syntax
/// errors, the model's, then unreadable paths.
pub(crate) fn errors(outcome: &Outcome) -> Vec<RunError> {
    let mut errors = Vec::new();
    for file in &outcome.files.files {
        for e in &file.tree.errors {
            let place = Place::of(file, &e.span);
            errors.push(RunError {
                kind: "syntax-error",
                message: e.message.clone(),
                file: place.file.to_string(),
                line: Some(place.line as usize),
                column: Some(place.column as usize),
                place: Some(place),
            });
        }
    }
    errors.extend(syntax_errors(outcome));
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
    errors
}
