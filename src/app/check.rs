//! The check command: load the inputs, build the model, run the rules, and
//! collect what is wrong: syntax errors, unreadable paths, the model's
//! diagnostics and the rules' findings.

use crate::load::files::FileSet;
use crate::load::{Input, Loaded, load};
use crate::report::Outcome;
use crate::rules::{self, RuleSettings};
use crate::semantic::Model;
use crate::syntax::Context;

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
    say_each_place_once(&mut diagnostics, &loaded.files);
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

/// Takes a finding's own place (`(file:line)`) out of its message: the
/// report shows it in the finding's header, and a message names only the
/// other places it is about (the hidden outer header, the map, the
/// included file).
fn say_each_place_once(diagnostics: &mut [crate::diagnostic::Diagnostic], files: &FileSet) {
    use rayon::prelude::*;
    use std::fmt::Write;
    // Each thread writes the place into one buffer, and a message loses it
    // in place: no allocation per finding.
    diagnostics
        .par_iter_mut()
        .for_each_init(String::new, |here, d| {
            let file = files.get(d.location.file);
            here.clear();
            let _ = write!(
                here,
                " ({}:{})",
                file.display_name(),
                file.line_of(d.location.span.start)
            );
            while let Some(at) = d.message.find(here.as_str()) {
                d.message.replace_range(at..at + here.len(), "");
            }
            if d.message.contains("the snippet ") {
                let snippet = format!("the snippet {} ", file.display_name());
                while let Some(at) = d.message.find(&snippet) {
                    d.message
                        .replace_range(at..at + snippet.len(), "this snippet ");
                }
            }
        });
}
