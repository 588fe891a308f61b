//! Text output: each syntax error and finding as a miette report with the
//! file name, line and column, a source snippet and labels; read errors as
//! one line each; and a summary line. The snippet is built from the file's
//! bytes with every byte that is not valid UTF-8 shown as `?`, so offsets
//! stay exact.

use super::Color;
use crate::check::Outcome;
use crate::diagnostic::{Diagnostic, FileId};
use crate::semantic::files::FileSet;
use crate::source::SourceFile;
use crate::syntax::SyntaxError;
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource};
use std::fmt::Write;
use std::ops::Range;

/// One report as miette renders it.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
struct Report {
    code: String,
    message: String,
    help: Option<String>,
    src: NamedSource<String>,
    labels: Vec<LabeledSpan>,
}

impl miette::Diagnostic for Report {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(&self.code))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn std::fmt::Display>)
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

fn label(text: &str, span: &Range<u32>, primary: bool) -> LabeledSpan {
    let offset_len = (span.start as usize, (span.end - span.start) as usize);
    if primary {
        LabeledSpan::new_primary_with_span(Some(text.to_string()), offset_len)
    } else {
        LabeledSpan::new_with_span(Some(text.to_string()), offset_len)
    }
}

fn render_report(
    file: &SourceFile,
    code: String,
    message: &str,
    labels: Vec<LabeledSpan>,
    help: Option<String>,
    at: u32,
    color: Color,
) -> String {
    let (line, col) = file.line_col(at);
    let name = file.display_name();
    let report = Report {
        code,
        message: format!("{name}:{line}:{col}: {message}"),
        help,
        src: NamedSource::new(name, same_length_text(&file.tree.source)),
        labels,
    };
    let mut out = String::new();
    if handler(color).render_report(&mut out, &report).is_err() {
        out = format!("{}\n", report.message);
    }
    out
}

/// Renders one syntax error of `file`.
pub fn render_syntax_error(file: &SourceFile, error: &SyntaxError, color: Color) -> String {
    let mut labels = vec![label("here", &error.span, true)];
    if let Some((span, text)) = &error.related {
        labels.push(label(text, span, false));
    }
    render_report(
        file,
        "syntax-error".into(),
        &error.message,
        labels,
        None,
        error.span.start,
        color,
    )
}

/// Renders one diagnostic. Related places in the same file become labels;
/// places in other files are listed in the help text.
pub fn render_diagnostic(files: &FileSet, d: &Diagnostic, color: Color) -> String {
    let file = files.get(d.location.file);
    let mut labels = vec![label("here", &d.location.span, true)];
    let mut elsewhere = Vec::new();
    for (place, text) in &d.related {
        if place.file == d.location.file {
            labels.push(label(text, &place.span, false));
        } else {
            let other = files.get(place.file);
            let (l, c) = other.line_col(place.span.start);
            elsewhere.push(format!("{text}: {}:{l}:{c}", other.display_name()));
        }
    }
    if let Some(signal) = &d.signal {
        elsewhere.push(format!("WebSocket route because {signal}"));
    }
    if let Some(fix) = &d.fix {
        let how = match fix.applicability {
            crate::fix::Applicability::Safe => "--fix",
            crate::fix::Applicability::Unsafe => "--fix --unsafe-fixes",
            crate::fix::Applicability::DisplayOnly => "suggestion",
        };
        elsewhere.push(format!("fix ({how}): {}", fix.title));
    }
    let help = (!elsewhere.is_empty()).then(|| elsewhere.join("\n"));
    let code = format!("{} {} [{}]", d.code, d.name, d.severity.as_str());
    render_report(
        file,
        code,
        &d.message,
        labels,
        help,
        d.location.span.start,
        color,
    )
}

/// The whole text report of a run, file by file in the order files were read.
pub fn render(outcome: &Outcome, color: Color) -> String {
    let mut out = String::new();
    let files = &outcome.files;
    for (id, file) in files.files.iter().enumerate() {
        for error in &file.tree.errors {
            out.push_str(&render_syntax_error(file, error, color));
            out.push('\n');
        }
        for d in outcome
            .diagnostics
            .iter()
            .filter(|d| d.location.file == id as FileId)
        {
            out.push_str(&render_diagnostic(files, d, color));
            out.push('\n');
        }
    }
    for error in &outcome.read_errors {
        let _ = writeln!(out, "error: {error}");
    }
    out.push_str(&super::summary_line(outcome));
    out
}
