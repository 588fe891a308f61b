//! The check command: load the inputs, build the model, and collect what is
//! wrong: syntax errors, unreadable paths and the model's diagnostics. The
//! rules plug in here.

use crate::diagnostic::Diagnostic;
use crate::discover::{Input, load};
use crate::semantic::files::FileSet;
use crate::semantic::{Model, NginxVersion};
use crate::source::ReadError;

/// Everything one run found.
#[derive(Debug)]
pub struct Outcome {
    pub files: FileSet,
    pub read_errors: Vec<ReadError>,
    pub diagnostics: Vec<Diagnostic>,
    /// The nginx version the checks targeted.
    pub nginx_version: NginxVersion,
}

impl Outcome {
    pub fn syntax_error_count(&self) -> usize {
        let parse: usize = self.files.files.iter().map(|f| f.tree.errors.len()).sum();
        parse + self.diagnostics.iter().filter(|d| d.is_syntax).count()
    }

    /// Findings that are not syntax errors.
    pub fn findings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| !d.is_syntax)
    }

    /// The process exit code: 2 when the run could not check everything
    /// (unreadable path or syntax error), 1 when there are findings, else 0.
    pub fn exit_code(&self) -> u8 {
        if !self.read_errors.is_empty() || self.syntax_error_count() > 0 {
            2
        } else if self.findings().next().is_some() {
            1
        } else {
            0
        }
    }
}

/// Loads and checks the inputs for the given nginx version.
pub fn run(inputs: &[Input], nginx_version: NginxVersion) -> Outcome {
    let loaded = load(inputs);
    let diagnostics = Model::build(&loaded.files, &loaded.entries).diagnostics;
    Outcome {
        files: loaded.files,
        read_errors: loaded.errors,
        diagnostics,
        nginx_version,
    }
}
