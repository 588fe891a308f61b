//! Applying fixes. Each pass analyses the current text, takes every fix of
//! the allowed applicability that does not overlap one already taken (the
//! others wait for the next pass), checks that each fix alone keeps every
//! file it touches parsing, and applies the survivors together. Passes
//! repeat until no fix is left (at most [`MAX_PASSES`]). A fix that would
//! break a file is dropped and reported; its file keeps its bytes. Files
//! that already have syntax errors are never fixed: what nginx would make
//! of them is unknown.

use super::{Applicability, Edit, Fix};
use crate::check::{Outcome, analyse};
use crate::diagnostic::{Diagnostic, FileId};
use crate::discover::Loaded;
use crate::rules::RuleSettings;
use std::collections::BTreeMap;

/// The most passes a run makes; real configurations need two or three.
pub const MAX_PASSES: usize = 10;

/// What fixing did.
#[derive(Debug, Default)]
pub struct FixReport {
    /// Codes of the fixes applied, one per fixed finding.
    pub applied: Vec<&'static str>,
    /// Fixes dropped because a file would no longer parse: (code, file).
    pub failed: Vec<(&'static str, String)>,
    /// The bytes each changed file had before fixing.
    pub originals: BTreeMap<FileId, Vec<u8>>,
}

/// Applies the fixes of `loaded` allowed by `unsafe_fixes` and returns the
/// analysis of the fixed text (files hold the fixed bytes) and the report.
pub fn fix(
    mut loaded: Loaded,
    settings: &RuleSettings,
    unsafe_fixes: bool,
) -> (Outcome, FixReport) {
    let allowed =
        |a: Applicability| a == Applicability::Safe || (unsafe_fixes && a == Applicability::Unsafe);
    let mut report = FixReport::default();
    let mut failed: Vec<Fix> = Vec::new();
    for _ in 0..MAX_PASSES {
        let outcome = analyse(&loaded, settings);
        let broken: Vec<FileId> = (0..loaded.files.files.len() as FileId)
            .filter(|&f| !loaded.files.get(f).tree.errors.is_empty())
            .collect();
        let chosen: Vec<(&'static str, Fix)> = choose(&outcome.diagnostics, &failed, &allowed)
            .into_iter()
            .filter(|(_, fix)| fix.edits.iter().all(|e| !broken.contains(&e.file)))
            .collect();
        if chosen.is_empty() {
            break;
        }
        let mut survivors = Vec::new();
        for (code, fix) in chosen {
            match breaks_a_file(&loaded, &fix) {
                Some(file) => {
                    report.failed.push((code, file));
                    failed.push(fix);
                }
                None => survivors.push((code, fix)),
            }
        }
        if survivors.is_empty() {
            break;
        }
        let edits: Vec<Edit> = survivors
            .iter()
            .flat_map(|(_, f)| f.edits.clone())
            .collect();
        for (file, bytes) in apply_edits(&loaded, &edits) {
            report
                .originals
                .entry(file)
                .or_insert_with(|| loaded.files.get(file).tree.source.clone());
            loaded.files.replace(file, bytes);
        }
        report
            .applied
            .extend(survivors.iter().map(|(code, _)| *code));
    }
    let outcome = analyse(&loaded, settings);
    (
        Outcome {
            files: loaded.files,
            ..outcome
        },
        report,
    )
}

/// The fixes to apply in this pass: allowed, not known to fail, and not
/// overlapping a fix taken before them (in diagnostic order).
fn choose(
    diagnostics: &[Diagnostic],
    failed: &[Fix],
    allowed: &dyn Fn(Applicability) -> bool,
) -> Vec<(&'static str, Fix)> {
    let mut chosen: Vec<(&'static str, Fix)> = Vec::new();
    for d in diagnostics {
        let Some(fix) = &d.fix else { continue };
        if !allowed(fix.applicability) || fix.edits.is_empty() || failed.contains(fix) {
            continue;
        }
        if chosen.iter().any(|(_, c)| c == fix || c.overlaps(fix)) {
            continue;
        }
        chosen.push((d.code, fix.clone()));
    }
    chosen
}

/// The new bytes of every file the edits touch. Edits must not overlap.
fn apply_edits(loaded: &Loaded, edits: &[Edit]) -> BTreeMap<FileId, Vec<u8>> {
    let mut by_file: BTreeMap<FileId, Vec<&Edit>> = BTreeMap::new();
    for e in edits {
        by_file.entry(e.file).or_default().push(e);
    }
    by_file
        .into_iter()
        .map(|(file, mut edits)| {
            let mut bytes = loaded.files.get(file).tree.source.clone();
            // Back to front, so earlier offsets stay valid.
            edits.sort_by_key(|e| std::cmp::Reverse((e.range.start, e.range.end)));
            for e in edits {
                bytes.splice(e.range.start as usize..e.range.end as usize, e.text.bytes());
            }
            (file, bytes)
        })
        .collect()
}

/// The name of a file the fix alone would leave with more syntax errors.
fn breaks_a_file(loaded: &Loaded, fix: &Fix) -> Option<String> {
    apply_edits(loaded, &fix.edits)
        .into_iter()
        .find(|(file, bytes)| {
            let before = loaded.files.get(*file).tree.errors.len();
            crate::syntax::parse(bytes.clone()).errors.len() > before
        })
        .map(|(file, _)| loaded.files.get(file).display_name().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{FileSpan, Severity};
    use crate::discover::Input;

    fn fix_at(start: u32, end: u32, text: &str) -> Fix {
        Fix::new(
            Applicability::Safe,
            "test",
            vec![Edit {
                file: 0,
                range: start..end,
                text: text.into(),
            }],
        )
    }

    fn finding(fix: Fix) -> Diagnostic {
        Diagnostic::new(
            "WS999",
            "test",
            Severity::Error,
            "m",
            FileSpan {
                file: 0,
                span: 0..0,
            },
        )
        .with_fix(Some(fix))
    }

    #[test]
    fn overlapping_fixes_wait_and_identical_ones_apply_once() {
        let a = fix_at(10, 10, "x");
        let same_place = fix_at(10, 10, "y");
        let elsewhere = fix_at(20, 25, "");
        let inside = fix_at(22, 22, "z");
        let diagnostics: Vec<Diagnostic> =
            [a.clone(), a.clone(), same_place, elsewhere.clone(), inside]
                .into_iter()
                .map(finding)
                .collect();
        let chosen: Vec<Fix> = choose(&diagnostics, &[], &|_| true)
            .into_iter()
            .map(|(_, f)| f)
            .collect();
        assert_eq!(chosen, vec![a, elsewhere]);
    }

    #[test]
    fn a_fix_that_breaks_parsing_is_detected() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.conf");
        std::fs::write(&path, "server {\n    listen 80;\n}\n").unwrap();
        let loaded = crate::discover::load(&[Input::Path(path)]);
        assert!(breaks_a_file(&loaded, &fix_at(9, 9, "location {")).is_some());
        assert!(breaks_a_file(&loaded, &fix_at(9, 9, "    server_name a;\n")).is_none());
    }
}
