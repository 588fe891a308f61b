//! Output: how diagnostics and trees are shown. Reporters only format what the
//! earlier stages computed.
//!
//! - [`text`]: miette-style reports with a source snippet (the default);
//! - [`concise`], [`json`], [`sarif`], [`github`]: the other `--format`s,
//!   all fed by [`located`];
//! - [`parse_json`]: the tree as JSON for `wslint parse`;
//! - [`inspect`]: effective configuration per location for `wslint inspect`;
//! - [`rules`]: `wslint rules` and `wslint rule CODE`;
//! - [`apps`]: `wslint apps` and `wslint apps APP`;
//! - `chunks` (rendering long report lists on two threads, in order) and
//!   `json_text` (JSON strings and numbers), shared by the formats.

pub(crate) mod apps;
mod chunks;
pub(crate) mod concise;
pub(crate) mod github;
pub(crate) mod inspect;
pub mod json;
mod json_format;
pub(crate) mod located;
pub(crate) mod parse_json;
pub(crate) mod rules;
pub(crate) mod sarif;
pub(crate) mod text;

use crate::diagnostic::{Diagnostic, FileId, Severity};
use crate::load::files::FileSet;
use crate::load::source::ReadError;
use crate::semantic::model::TopLevel;
use crate::syntax::NginxVersion;
use std::fmt::Write;

/// Everything one run found.
#[derive(Debug)]
pub struct Outcome {
    pub files: FileSet,
    pub read_errors: Vec<ReadError>,
    pub diagnostics: Vec<Diagnostic>,
    /// The nginx version the checks targeted.
    pub(crate) nginx_version: NginxVersion,
    /// The lowest severity that makes the run fail.
    pub(crate) fail_on: Severity,
    /// Files checked alone (not a whole configuration), whose outer levels
    /// the run did not see, with what their top level holds.
    pub(crate) checked_alone: Vec<(FileId, TopLevel)>,
    /// `include`s that could not be followed.
    pub(crate) includes_not_followed: usize,
    /// Files found in a directory argument that were not checked, and why.
    pub(crate) skipped: Vec<(std::path::PathBuf, &'static str)>,
}

impl Outcome {
    pub fn syntax_error_count(&self) -> usize {
        let parse: usize = self.files.files.iter().map(|f| f.tree.errors.len()).sum();
        parse + self.diagnostics.iter().filter(|d| d.is_syntax).count()
    }

    /// Findings that are not syntax errors.
    pub(crate) fn findings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| !d.is_syntax)
    }

    /// The process exit code: 2 when the run could not check everything
    /// (unreadable path or syntax error), 1 when a finding is at or above
    /// the `fail-on` severity, else 0.
    pub(crate) fn exit_code(&self) -> u8 {
        if !self.read_errors.is_empty() || self.syntax_error_count() > 0 {
            2
        } else if self.findings().any(|d| d.severity >= self.fail_on) {
            1
        } else {
            0
        }
    }
}

/// Whether to use colour in text output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Color {
    Always,
    Never,
}

/// An output format of the check command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Format {
    /// Reports with source snippets.
    #[default]
    Text,
    /// One line per finding.
    Concise,
    /// One JSON document (docs/json-output.md).
    Json,
    /// SARIF 2.1.0.
    Sarif,
    /// GitHub Actions workflow commands.
    Github,
}

/// Renders a check (or fix) run in `format`; `fixed` is how many findings
/// `--fix` fixed.
pub(crate) fn render(format: Format, outcome: &Outcome, color: Color, fixed: usize) -> String {
    match format {
        Format::Text => text::render(outcome, color),
        Format::Concise => concise::render(&located::locate(outcome), &summary_line(outcome)),
        Format::Json => json::render(outcome, fixed),
        Format::Sarif => sarif::render(&located::locate(outcome)),
        Format::Github => github::render(&located::locate(outcome)),
    }
}

/// Writes a check (or fix) run in `format` to `out` as it is rendered.
pub(crate) fn write(
    format: Format,
    outcome: &Outcome,
    color: Color,
    fixed: usize,
    out: &mut impl std::io::Write,
) -> std::io::Result<()> {
    match format {
        Format::Json => json::write(outcome, fixed, out),
        Format::Sarif => sarif::write(&located::locate(outcome), out),
        Format::Text => text::write(outcome, color, out),
        Format::Concise => concise::write(&located::locate(outcome), &summary_line(outcome), out),
        Format::Github => github::write(&located::locate(outcome), out),
    }
}

/// `text` safe to print on a terminal: control characters (C0 but tab and
/// line feed, DEL, C1) from a configuration or a file name are shown as
/// `\x1b` or `\u{9b}` instead of being printed, so a configuration from an
/// untrusted repository cannot rewrite the reader's terminal.
pub(crate) fn terminal_safe(text: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char =
        |c: char| (c.is_control() && c != '\n' && c != '\t') || ('\u{80}'..='\u{9f}').contains(&c);
    if !text.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            if (c as u32) < 0x80 {
                let _ = write!(out, "\\x{:02x}", c as u32);
            } else {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// What the run could not see: " (a location snippet: outer levels not
/// seen)", " (3 files checked alone, 1 include not followed: outer levels
/// not seen)", or nothing.
fn assumed(outcome: &Outcome) -> String {
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut parts = Vec::new();
    match outcome.checked_alone.as_slice() {
        [] => {}
        [(_, top)] if outcome.files.files.len() == 1 => parts.push(top.describe().to_string()),
        alone => parts.push(format!(
            "{} checked alone",
            plural(alone.len(), "file", "files")
        )),
    }
    if outcome.includes_not_followed > 0 {
        parts.push(format!(
            "{} not followed",
            plural(outcome.includes_not_followed, "include", "includes")
        ));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({}: outer levels not seen)", parts.join(", "))
    }
}

/// "Checked 5 files: 2 findings, 1 syntax error."
pub(crate) fn summary_line(outcome: &Outcome) -> String {
    let syntax = outcome.syntax_error_count();
    let findings = outcome.findings().count();
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let mut out = format!("Checked {}", plural(outcome.files.files.len(), "file"));
    out.push_str(&assumed(outcome));
    if syntax + findings + outcome.read_errors.len() == 0 {
        out.push_str(": no problems found.\n");
    } else {
        let mut parts = Vec::new();
        if findings > 0 {
            parts.push(plural(findings, "finding"));
        }
        if syntax > 0 {
            parts.push(plural(syntax, "syntax error"));
        }
        if !outcome.read_errors.is_empty() {
            parts.push(plural(outcome.read_errors.len(), "unreadable path"));
        }
        let _ = writeln!(out, ": {}.", parts.join(", "));
    }
    out
}
