//! Fixes: byte-range edits in one or more files, grouped into a fix with an
//! applicability. Rules build them ([`build`] has the shared pieces: where to
//! insert a directive, the Connection map); [`apply`] applies them pass after
//! pass without ever touching bytes an edit does not name; [`mod@write`] puts the
//! result on disk safely; [`diff`] shows it as a unified diff.

pub mod apply;
pub mod build;
pub mod cleanup;
pub mod diff;
pub mod journal;
pub mod session;
pub mod verify;
pub mod write;

use crate::diagnostic::FileId;
use std::ops::Range;

/// Whether a fix may be applied, and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Applicability {
    /// Cannot break a working route: applied by `--fix`.
    Safe,
    /// Changes behaviour a user may rely on: applied with `--unsafe-fixes`.
    Unsafe,
    /// Shown as a suggestion, never applied.
    DisplayOnly,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
            Applicability::DisplayOnly => "display-only",
        }
    }
}

/// Replace `range` of `file` with `text` (an insertion when the range is
/// empty, a deletion when the text is).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Edit {
    pub file: FileId,
    pub range: Range<u32>,
    pub text: String,
}

/// Edits that apply together or not at all.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Fix {
    pub applicability: Applicability,
    /// What the fix does, in a few words ("add `proxy_http_version 1.1;`").
    /// Most titles are fixed text: borrowed, not copied into every fix.
    pub title: std::borrow::Cow<'static, str>,
    pub edits: Vec<Edit>,
}

impl Fix {
    pub fn new(
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

    /// Whether two fixes touch the same bytes (or insert at the same place),
    /// so only one of them can go in a pass.
    pub fn overlaps(&self, other: &Fix) -> bool {
        self.edits.iter().any(|a| {
            other.edits.iter().any(|b| {
                a.file == b.file
                    && (a.range.start < b.range.end && b.range.start < a.range.end
                        || a.range.start == b.range.start
                        || a.range.is_empty() && b.range.contains(&a.range.start)
                        || b.range.is_empty() && a.range.contains(&b.range.start))
            })
        })
    }
}
