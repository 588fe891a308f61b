//! The check command: load the inputs, build the model, run the rules, and
//! collect what is wrong: syntax errors, unreadable paths, the model's
//! diagnostics and the rules' findings.

use crate::diagnostic::{Diagnostic, FileId, Severity};
use crate::load::files::FileSet;
use crate::load::source::ReadError;
use crate::load::{Input, Loaded, load};
use crate::rules::{self, RuleSettings};
use crate::semantic::Model;
use crate::semantic::model::TopLevel;
use crate::syntax::{Context, NginxVersion};

/// Everything one run found.
#[derive(Debug)]
pub struct Outcome {
    pub files: FileSet,
    pub read_errors: Vec<ReadError>,
    pub diagnostics: Vec<Diagnostic>,
    /// The nginx version the checks targeted.
    pub nginx_version: NginxVersion,
    /// The lowest severity that makes the run fail.
    pub fail_on: Severity,
    /// Files checked alone (not a whole configuration), whose outer levels
    /// the run did not see, with what their top level holds.
    pub checked_alone: Vec<(FileId, TopLevel)>,
    /// `include`s that could not be followed.
    pub includes_not_followed: usize,
    /// Files found in a directory argument that were not checked, and why.
    pub skipped: Vec<(std::path::PathBuf, &'static str)>,
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
    /// (unreadable path or syntax error), 1 when a finding is at or above
    /// the `fail-on` severity, else 0.
    pub fn exit_code(&self) -> u8 {
        if !self.read_errors.is_empty() || self.syntax_error_count() > 0 {
            2
        } else if self.findings().any(|d| d.severity >= self.fail_on) {
            1
        } else {
            0
        }
    }
}

/// Loads the inputs, builds the model and runs the rules.
pub fn run(inputs: &[Input], settings: &RuleSettings) -> Outcome {
    let loaded = load(inputs);
    let outcome = analyse(&loaded, settings);
    Outcome {
        files: loaded.files,
        ..outcome
    }
}

/// Builds the model of loaded files and runs the rules. The outcome's file
/// set is empty: the caller keeps `loaded` (the fixer changes it between
/// passes) and puts the files in when it is done.
pub fn analyse(loaded: &Loaded, settings: &RuleSettings) -> Outcome {
    let model = Model::build_for(&loaded.files, &loaded.entries, settings.nginx_version);
    findings(&model, loaded, settings)
}

/// The model's and the rules' findings, with per-path ignores and severity
/// overrides applied, sorted.
fn findings(model: &Model, loaded: &Loaded, settings: &RuleSettings) -> Outcome {
    // The rules' findings are the bulk: add the model's few to them (the
    // list is sorted below) rather than copying the bulk. The model's
    // checks are selected like rules, but what nginx cannot even parse is
    // always reported.
    let mut diagnostics = rules::run(model, settings);
    diagnostics.extend(
        model
            .diagnostics
            .iter()
            .filter(|d| {
                d.is_syntax || rules::find_rule(d.code).is_none_or(|meta| settings.is_enabled(meta))
            })
            .cloned(),
    );
    diagnostics.retain(|d| {
        let path = &loaded.files.get(d.location.file).path;
        !settings
            .per_path_ignores
            .iter()
            .any(|i| i.ignores(path, d.code))
    });
    for d in &mut diagnostics {
        if let Some((_, severity)) = settings
            .severity_overrides
            .iter()
            .find(|(c, _)| c == d.code)
        {
            d.severity = *severity;
        }
    }
    diagnostics.sort_unstable_by(rules::in_report_order);
    let checked_alone = model
        .entries
        .iter()
        .filter(|e| e.context != Context::Main)
        .map(|e| (e.point.file, model.top_level(e.point.file, e.context)))
        .collect();
    let includes_not_followed = model
        .diagnostics
        .iter()
        .filter(|d| matches!(d.code, "E001" | "E002"))
        .count();
    Outcome {
        checked_alone,
        includes_not_followed,
        skipped: loaded.skipped.clone(),
        files: FileSet::new(loaded.files.backing),
        read_errors: loaded.errors.clone(),
        diagnostics,
        nginx_version: settings.nginx_version,
        fail_on: settings.fail_on,
    }
}
