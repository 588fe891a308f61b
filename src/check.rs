//! The check command: load the inputs and collect what is wrong with them.
//! For now that is syntax errors and unreadable paths; the semantic model and
//! rules plug in here.

use crate::discover::{Input, load};
use crate::source::{ReadError, SourceFile};

/// Everything one run found.
#[derive(Debug, Default)]
pub struct Outcome {
    pub files: Vec<SourceFile>,
    pub read_errors: Vec<ReadError>,
}

impl Outcome {
    pub fn syntax_error_count(&self) -> usize {
        self.files.iter().map(|f| f.tree.errors.len()).sum()
    }

    /// The process exit code: 2 when the run could not check everything
    /// (unreadable path or syntax error), else 0. Findings (1) come with rules.
    pub fn exit_code(&self) -> u8 {
        if !self.read_errors.is_empty() || self.syntax_error_count() > 0 {
            2
        } else {
            0
        }
    }
}

/// Loads and checks the inputs.
pub fn run(inputs: &[Input]) -> Outcome {
    let loaded = load(inputs);
    Outcome {
        files: loaded.files,
        read_errors: loaded.errors,
    }
}
