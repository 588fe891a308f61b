//! What the checks report: a diagnostic with a code, a severity, a message
//! and a place (file id and byte range). Lines and columns are computed only
//! when a reporter shows it.

use std::ops::Range;

/// Index of a file in the run's file set.
pub type FileId = u32;

/// A byte range in one file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FileSpan {
    pub file: FileId,
    pub span: Range<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub message: String,
    pub location: FileSpan,
    /// Other places that explain the finding.
    pub related: Vec<(FileSpan, &'static str)>,
    /// nginx would refuse to parse the configuration (exit code 2, like a
    /// syntax error), as opposed to a finding about a parsed configuration.
    pub is_syntax: bool,
    /// For WebSocket rules: what made the location a WebSocket route.
    pub signal: Option<std::sync::Arc<str>>,
    /// How to fix it, when the rule knows.
    pub fix: Option<crate::fix::Fix>,
}

impl Diagnostic {
    pub fn new(
        code: &'static str,
        name: &'static str,
        severity: Severity,
        message: impl Into<String>,
        location: FileSpan,
    ) -> Self {
        Diagnostic {
            code,
            name,
            severity,
            message: message.into(),
            location,
            related: Vec::new(),
            is_syntax: false,
            signal: None,
            fix: None,
        }
    }

    pub fn with_related(mut self, location: FileSpan, text: &'static str) -> Self {
        self.related.push((location, text));
        self
    }

    pub fn with_fix(mut self, fix: Option<crate::fix::Fix>) -> Self {
        self.fix = fix;
        self
    }

    /// Sort key: file, offset, code.
    pub fn sort_key(&self) -> (FileId, u32, &'static str) {
        (self.location.file, self.location.span.start, self.code)
    }
}
