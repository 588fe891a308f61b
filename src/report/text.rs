//! Text output: each syntax error as a miette report with the file name, line
//! and column, a source snippet and labels; read errors as one line each; and
//! a summary line. The snippet is built from the file's bytes with every byte
//! that is not valid UTF-8 shown as `?`, so offsets stay exact.

use super::Color;
use crate::check::Outcome;
use crate::source::SourceFile;
use crate::syntax::SyntaxError;
use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource};
use std::fmt::Write;

#[derive(Debug, thiserror::Error)]
#[error("{message}")]
struct SyntaxReport {
    message: String,
    src: NamedSource<String>,
    labels: Vec<LabeledSpan>,
}

impl Diagnostic for SyntaxReport {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new("syntax-error"))
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.src)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }
}

/// The file's bytes as text of the same length: invalid UTF-8 bytes become `?`.
fn same_length_text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => {
            let mut out = String::with_capacity(bytes.len());
            for chunk in bytes.utf8_chunks() {
                out.push_str(chunk.valid());
                out.extend(std::iter::repeat_n('?', chunk.invalid().len()));
            }
            out
        }
    }
}

fn handler(color: Color) -> GraphicalReportHandler {
    let theme = match color {
        Color::Always => GraphicalTheme::unicode(),
        Color::Never => GraphicalTheme::unicode_nocolor(),
    };
    GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_context_lines(1)
}

/// Renders one syntax error of `file`.
pub fn render_syntax_error(file: &SourceFile, error: &SyntaxError, color: Color) -> String {
    let (line, col) = file.line_col(error.span.start);
    let name = file.display_name();
    let len = (error.span.end - error.span.start) as usize;
    let mut labels = vec![LabeledSpan::new_primary_with_span(
        Some("here".into()),
        (error.span.start as usize, len),
    )];
    if let Some((span, text)) = &error.related {
        labels.push(LabeledSpan::new_with_span(
            Some(text.clone()),
            (span.start as usize, (span.end - span.start) as usize),
        ));
    }
    let report = SyntaxReport {
        message: format!("{name}:{line}:{col}: {}", error.message),
        src: NamedSource::new(name, same_length_text(&file.tree.source)),
        labels,
    };
    let mut out = String::new();
    if handler(color).render_report(&mut out, &report).is_err() {
        out = format!("{}\n", report.message);
    }
    out
}

/// The whole text report of a run.
pub fn render(outcome: &Outcome, color: Color) -> String {
    let mut out = String::new();
    for file in &outcome.files {
        for error in &file.tree.errors {
            out.push_str(&render_syntax_error(file, error, color));
            out.push('\n');
        }
    }
    for error in &outcome.read_errors {
        let _ = writeln!(out, "error: {error}");
    }
    let syntax = outcome.syntax_error_count();
    let files = outcome.files.len();
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let _ = write!(out, "Checked {}", plural(files, "file"));
    if syntax + outcome.read_errors.len() == 0 {
        out.push_str(": no problems found.\n");
    } else {
        let _ = writeln!(
            out,
            ": {}, {}.",
            plural(syntax, "syntax error"),
            plural(outcome.read_errors.len(), "unreadable path")
        );
    }
    out
}
