//! Applying fixes. Each pass analyses the current text, takes every fix of
//! the allowed applicability that does not overlap one already taken (the
//! others wait for the next pass), checks that each fix alone keeps every
//! file it touches parsing, and applies the survivors together. Passes
//! repeat until no fix is left (at most [`MAX_PASSES`]). A fix that would
//! break a file is dropped and reported; its file keeps its bytes. Files
//! that already have syntax errors are never fixed: what nginx would make
//! of them is unknown.

use crate::diagnostic::{Applicability, Edit, Fix};
use crate::diagnostic::{Diagnostic, FileId};
use crate::load::Loaded;
use std::collections::{BTreeMap, HashSet};

/// The most passes a run makes; real configurations need two or three.
pub(crate) const MAX_PASSES: usize = 10;

/// What fixing did.
#[derive(Debug, Default)]
pub struct FixReport {
    /// Codes of the fixes applied, one per fixed finding.
    pub applied: Vec<&'static str>,
    /// Fixes dropped because a file would no longer parse: (code, file).
    pub(crate) failed: Vec<(&'static str, String)>,
    /// Files whose fixes would make them larger than wslint reads: they
    /// keep the fixes of earlier passes, and get no more.
    pub(crate) too_large: Vec<String>,
    /// The bytes each changed file had before fixing.
    pub(crate) originals: BTreeMap<FileId, Vec<u8>>,
}

/// Applies the fixes of `loaded` allowed by `unsafe_fixes`, in place: its
/// files then hold the fixed bytes, and the report says what changed.
/// `analyse` finds the diagnostics (with their fixes) of the files as they
/// are at the start of each pass.
pub fn fix(
    loaded: &mut Loaded,
    unsafe_fixes: bool,
    analyse: impl Fn(&Loaded) -> Vec<Diagnostic>,
) -> FixReport {
    let allowed =
        |a: Applicability| a == Applicability::Safe || (unsafe_fixes && a == Applicability::Unsafe);
    let mut report = FixReport::default();
    let mut failed: HashSet<Fix> = HashSet::new();
    let mut too_large: HashSet<FileId> = HashSet::new();
    for _ in 0..MAX_PASSES {
        let diagnostics = analyse(loaded);
        let broken: Vec<FileId> = (0..loaded.files.files.len() as FileId)
            .filter(|&f| !loaded.files.get(f).tree.errors.is_empty())
            .collect();
        let mut chosen: Vec<(&'static str, Fix)> = choose(&diagnostics, &failed, &allowed)
            .into_iter()
            .filter(|(_, fix)| fix.edits.iter().all(|e| !broken.contains(&e.file)))
            .filter(|(_, fix)| fix.edits.iter().all(|e| !too_large.contains(&e.file)))
            .collect();
        // A file the fixes would grow past what wslint reads back is not
        // fixed further (parsing it fix by fix would never end).
        for file in growing_too_large(loaded, &chosen) {
            too_large.insert(file);
            report
                .too_large
                .push(loaded.files.get(file).display_name().to_string());
        }
        chosen.retain(|(_, fix)| fix.edits.iter().all(|e| !too_large.contains(&e.file)));
        if chosen.is_empty() {
            break;
        }
        let (survivors, breaking) = keep_parsing(loaded, chosen);
        for (code, fix, file) in breaking {
            let name = loaded.files.get(file).display_name().to_string();
            report.failed.push((code, name));
            failed.insert(fix);
        }
        if survivors.is_empty() {
            break;
        }
        let edits: Vec<&Edit> = survivors.iter().flat_map(|(_, f)| &f.edits).collect();
        for (file, bytes) in apply_edits(loaded, &edits) {
            report
                .originals
                .entry(file)
                .or_insert_with(|| loaded.files.get(file).tree.source.to_vec());
            loaded.files.replace(file, bytes);
        }
        report
            .applied
            .extend(survivors.iter().map(|(code, _)| *code));
    }
    report
}

/// The fixes to apply in this pass: allowed, not known to fail, and not
/// overlapping a fix taken before them (in diagnostic order). A fix that
/// repeats one already taken overlaps it, so it goes in once.
fn choose(
    diagnostics: &[Diagnostic],
    failed: &HashSet<Fix>,
    allowed: &dyn Fn(Applicability) -> bool,
) -> Vec<(&'static str, Fix)> {
    let mut chosen: Vec<(&'static str, Fix)> = Vec::new();
    let mut taken = TakenRanges::default();
    for d in diagnostics {
        let Some(fix) = &d.fix else { continue };
        if !allowed(fix.applicability) || fix.edits.is_empty() || failed.contains(fix) {
            continue;
        }
        if fix.edits.iter().any(|e| taken.overlaps(e)) {
            continue;
        }
        for e in &fix.edits {
            taken.take(e);
        }
        chosen.push((d.code, fix.clone()));
    }
    chosen
}

/// The byte ranges taken by the edits chosen so far, by file and start.
/// Taken edits never overlap (they share no byte, start at different
/// places, and none inserts inside another), so sorted by start their ends
/// only grow: a new edit can only collide with the last taken edit that
/// starts before it or with those that start inside it.
#[derive(Default)]
struct TakenRanges {
    by_start: BTreeMap<(FileId, u32), u32>,
}

impl TakenRanges {
    fn overlaps(&self, e: &Edit) -> bool {
        let start = (e.file, e.range.start);
        let before = self
            .by_start
            .range(..start)
            .next_back()
            .is_some_and(|(&(file, _), &end)| file == e.file && end > e.range.start);
        // Edits that start where `e` starts (an insertion included) or inside it.
        let inside_end = e.range.end.max(e.range.start + 1);
        let inside = self
            .by_start
            .range(start..(e.file, inside_end))
            .next()
            .is_some();
        before || inside
    }

    fn take(&mut self, e: &Edit) {
        self.by_start.insert((e.file, e.range.start), e.range.end);
    }
}

/// The files that `chosen` would make larger than a file wslint reads.
fn growing_too_large(loaded: &Loaded, chosen: &Chosen) -> Vec<FileId> {
    let mut growth: BTreeMap<FileId, i64> = BTreeMap::new();
    for e in chosen.iter().flat_map(|(_, f)| &f.edits) {
        *growth.entry(e.file).or_default() += e.text.len() as i64 - e.range.len() as i64;
    }
    growth
        .into_iter()
        .filter(|&(file, grows)| {
            loaded.files.get(file).tree.source.len() as i64 + grows
                > crate::load::source::MAX_FILE_LEN as i64
        })
        .map(|(file, _)| file)
        .collect()
}

/// The new bytes of every file the edits touch. Edits must not overlap.
fn apply_edits(loaded: &Loaded, edits: &[&Edit]) -> BTreeMap<FileId, Vec<u8>> {
    let mut by_file: BTreeMap<FileId, Vec<&Edit>> = BTreeMap::new();
    for e in edits {
        by_file.entry(e.file).or_default().push(e);
    }
    by_file
        .into_iter()
        .map(|(file, mut edits)| {
            let old = &loaded.files.get(file).tree.source;
            edits.sort_by_key(|e| (e.range.start, e.range.end));
            let added: usize = edits.iter().map(|e| e.text.len()).sum();
            let mut bytes = Vec::with_capacity(old.len() + added);
            let mut copied = 0;
            for e in edits {
                bytes.extend_from_slice(&old[copied..e.range.start as usize]);
                bytes.extend_from_slice(e.text.as_bytes());
                copied = e.range.end as usize;
            }
            bytes.extend_from_slice(&old[copied..]);
            (file, bytes)
        })
        .collect()
}

type Chosen = Vec<(&'static str, Fix)>;

/// Splits the chosen fixes into those that keep every file they touch
/// parsing and those that would break a file (with that file). When all of
/// them together keep the files parsing, that is one parse per file; when
/// not, the breaking ones are found by halving the list, so a pass costs a
/// number of parses that grows with the breaking fixes, not with all of
/// them.
fn keep_parsing(loaded: &Loaded, chosen: Chosen) -> (Chosen, Vec<(&'static str, Fix, FileId)>) {
    let mut keep = Vec::new();
    let mut breaking = Vec::new();
    sift(loaded, chosen, &mut keep, &mut breaking);
    (keep, breaking)
}

/// Moves the fixes of `candidates` that keep their files parsing together
/// with `keep` into it, the others into `breaking`.
fn sift(
    loaded: &Loaded,
    candidates: Chosen,
    keep: &mut Chosen,
    breaking: &mut Vec<(&'static str, Fix, FileId)>,
) {
    if candidates.is_empty() {
        return;
    }
    let touched: HashSet<FileId> = candidates
        .iter()
        .flat_map(|(_, f)| f.edits.iter().map(|e| e.file))
        .collect();
    let edits: Vec<&Edit> = keep
        .iter()
        .chain(&candidates)
        .flat_map(|(_, f)| &f.edits)
        .filter(|e| touched.contains(&e.file))
        .collect();
    let worse = files_made_worse(loaded, &edits);
    if worse.is_empty() {
        keep.extend(candidates);
        return;
    }
    if candidates.len() == 1 {
        let (code, fix) = candidates.into_iter().next().expect("one candidate");
        let file = worse.into_iter().min().expect("a file got worse");
        breaking.push((code, fix, file));
        return;
    }
    let mut first = candidates;
    let second = first.split_off(first.len() / 2);
    sift(loaded, first, keep, breaking);
    sift(loaded, second, keep, breaking);
}

/// The files the edits would leave with more syntax errors than they have.
fn files_made_worse(loaded: &Loaded, edits: &[&Edit]) -> HashSet<FileId> {
    apply_edits(loaded, edits)
        .into_iter()
        .filter(|(file, bytes)| {
            let before = loaded.files.get(*file).tree.errors.len();
            crate::syntax::parse(bytes.clone()).errors.len() > before
        })
        .map(|(file, _)| file)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{FileSpan, Severity};
    use crate::load::Input;

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
        let chosen: Vec<Fix> = choose(&diagnostics, &HashSet::new(), &|_| true)
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
        let loaded = crate::load::load(&[Input::Path(path)]);
        let opens = fix_at(9, 9, "location {");
        let line = fix_at(24, 24, "    server_name a;\n");
        let (kept, breaking) =
            keep_parsing(&loaded, vec![("A", opens.clone()), ("B", line.clone())]);
        assert_eq!(kept, vec![("B", line.clone())]);
        assert_eq!(breaking, vec![("A", opens.clone(), 0)]);
        // Each passes alone; together the comment hides the block's opening.
        let comment = fix_at(9, 9, "#");
        let block = Fix::new(
            Applicability::Safe,
            "test",
            vec![
                Edit {
                    file: 0,
                    range: 17..17,
                    text: "a {".into(),
                },
                Edit {
                    file: 0,
                    range: 24..24,
                    text: "}".into(),
                },
            ],
        );
        let (kept, breaking) = keep_parsing(&loaded, vec![("A", comment.clone())]);
        assert_eq!((kept.len(), breaking.len()), (1, 0));
        let (kept, breaking) = keep_parsing(&loaded, vec![("B", block.clone())]);
        assert_eq!((kept.len(), breaking.len()), (1, 0));
        // Together, the one taken second is dropped and the others stay.
        let (kept, breaking) = keep_parsing(
            &loaded,
            vec![
                ("A", comment.clone()),
                ("B", block.clone()),
                ("C", line.clone()),
            ],
        );
        assert_eq!(kept, vec![("A", comment), ("C", line)]);
        assert_eq!(breaking, vec![("B", block, 0)]);
    }

    #[test]
    fn edits_apply_front_to_back_around_untouched_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.conf");
        std::fs::write(&path, "0123456789").unwrap();
        let loaded = crate::load::load(&[Input::Path(path)]);
        let edits = [
            Edit {
                file: 0,
                range: 8..9,
                text: "X".into(),
            },
            Edit {
                file: 0,
                range: 0..0,
                text: "<".into(),
            },
            Edit {
                file: 0,
                range: 3..5,
                text: String::new(),
            },
        ];
        let out = apply_edits(&loaded, &edits.iter().collect::<Vec<_>>());
        assert_eq!(out[&0], b"<012567X9");
    }

    #[test]
    fn taken_ranges_agree_with_fix_overlaps() {
        // Every pair of small edits: the index says whether they overlap.
        let mut edits = Vec::new();
        for start in 0..6u32 {
            for end in start..7 {
                edits.push(Edit {
                    file: 0,
                    range: start..end,
                    text: "x".into(),
                });
            }
        }
        // Two edits overlap when they share bytes, start at the same
        // place, or one inserts inside the other.
        let overlap = |a: &Edit, b: &Edit| {
            a.range.start < b.range.end && b.range.start < a.range.end
                || a.range.start == b.range.start
                || a.range.is_empty() && b.range.contains(&a.range.start)
                || b.range.is_empty() && a.range.contains(&b.range.start)
        };
        for a in &edits {
            let mut taken = TakenRanges::default();
            taken.take(a);
            for b in &edits {
                assert_eq!(taken.overlaps(b), overlap(a, b), "{a:?} {b:?}");
            }
        }
    }
}
