//! What the checks report: a diagnostic with a code, a severity, a message
//! and a place (file id and byte range). Lines and columns are computed only
//! when a reporter shows it.

use std::ops::Range;

/// Index of a file in the run's file set.
pub(crate) type FileId = u32;

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
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// `text` in a string of about its size. `format!` reserves about twice
/// its fixed text, and a large run keeps 50,000 messages: the slack was a
/// few MB of its peak memory. Shrinking gives the tail back where the
/// string is (the allocator splits the block), without a copy.
fn exact(mut text: String) -> String {
    if text.capacity() - text.len() >= 32 {
        text.shrink_to_fit();
    }
    text
}

/// Why a finding could not see every level that applies to its place,
/// and took the unseen ones to set nothing (nginx's defaults).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Assumption {
    /// The file was checked alone: the blocks around it (a server, an http
    /// block, the location that includes a snippet) were not seen.
    CheckedAlone,
    /// An `include` on the way could not be followed.
    IncludeNotFollowed,
    /// A directive wslint does not know (a third-party module, an elision
    /// such as `(...)` in a document) could change what the finding says.
    UnknownDirective,
}

impl Assumption {
    /// The name used in JSON and SARIF.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Assumption::CheckedAlone => "checked-alone",
            Assumption::IncludeNotFollowed => "include-not-followed",
            Assumption::UnknownDirective => "unknown-directive",
        }
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: &'static str,
    pub(crate) name: &'static str,
    pub severity: Severity,
    pub message: String,
    pub location: FileSpan,
    /// Other places that explain the finding.
    pub(crate) related: Vec<(FileSpan, &'static str)>,
    /// nginx would refuse to parse the configuration (exit code 2, like a
    /// syntax error), as opposed to a finding about a parsed configuration.
    pub is_syntax: bool,
    /// For WebSocket rules: what made the location a WebSocket route.
    pub(crate) signal: Option<std::sync::Arc<str>>,
    /// The finding rests on levels the run could not see (the message says
    /// which and why).
    pub(crate) assumption: Option<Assumption>,
    /// How to fix it, when the rule knows.
    pub(crate) fix: Option<Fix>,
}

impl Diagnostic {
    pub(crate) fn new(
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
            message: exact(message.into()),
            location,
            related: Vec::new(),
            is_syntax: false,
            signal: None,
            assumption: None,
            fix: None,
        }
    }

    pub(crate) fn with_related(mut self, location: FileSpan, text: &'static str) -> Self {
        self.related.push((location, text));
        self
    }

    pub(crate) fn with_fix(mut self, fix: Option<Fix>) -> Self {
        self.fix = fix;
        self
    }

    /// Sort key: file, offset, code.
    pub(crate) fn sort_key(&self) -> (FileId, u32, &'static str) {
        (self.location.file, self.location.span.start, self.code)
    }
}

/// Whether a fix may be applied, and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Applicability {
    /// Cannot break a working route: applied by `--fix`.
    Safe,
    /// Changes behaviour a user may rely on: applied with `--unsafe-fixes`.
    Unsafe,
}

impl Applicability {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        }
    }
}

/// Replace `range` of `file` with `text` (an insertion when the range is
/// empty, a deletion when the text is).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Edit {
    pub(crate) file: FileId,
    pub(crate) range: std::ops::Range<u32>,
    pub(crate) text: String,
}

/// Edits that apply together or not at all.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Fix {
    pub(crate) applicability: Applicability,
    /// What the fix does, in a few words ("add `proxy_http_version 1.1;`").
    /// Most titles are fixed text: borrowed, not copied into every fix.
    pub(crate) title: std::borrow::Cow<'static, str>,
    pub(crate) edits: Vec<Edit>,
}

impl Fix {
    pub(crate) fn new(
        applicability: Applicability,
        title: impl Into<std::borrow::Cow<'static, str>>,
        edits: Vec<Edit>,
    ) -> Self {
        Fix {
            applicability,
            title: title.into(),
            edits,
        }
    }
}
