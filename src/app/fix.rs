//! One `--fix` or `--diff` run: fix the loaded files, then either print the
//! diff or write the fixed files as one transaction, and report what is
//! true afterwards.
//!
//! - `--diff` prints the diff on stdout and what it would fix on stderr;
//!   nothing is written, so no report describes text that is not on disk.
//! - `--fix` writes every fixed file or none. When they are written, the
//!   report describes the fixed files; when none is (a refusal, a failed
//!   write, `--verify` rejecting the fix, an `nginx -T` dump), it describes
//!   the files as they are on disk.
//! - With `-` (standard input), stdout is always the configuration: fixed,
//!   or as it came when nothing could be fixed; everything else goes to
//!   stderr, so `wslint --fix - < a.conf > b.conf` never loses `a.conf`.

use crate::app::check::analyse;
use crate::app::cli::FixSettings;
use crate::diagnostic::Applicability;
use crate::fix::apply::{FixReport, fix};
use crate::fix::diff::unified;
use crate::fix::journal;
use crate::fix::write::{WriteOptions, commit, prepare};
use crate::load::files::Backing;
use crate::load::source::STDIN_NAME;
use crate::load::{Input, Loaded, load};
use crate::report::Outcome;
use crate::report::{Color, Format};
use crate::rules::RuleSettings;
use std::path::Path;

/// What the run prints and its exit code.
#[derive(Debug, Default)]
pub(crate) struct SessionOutput {
    pub(crate) stdout: Vec<u8>,
    pub(crate) stderr: String,
    pub(crate) exit_code: u8,
}

/// Fixes the inputs as `settings` says.
pub(crate) fn run(
    inputs: &[Input],
    rules: &RuleSettings,
    settings: &FixSettings,
    format: Format,
    color: Color,
) -> SessionOutput {
    let mut out = SessionOutput::default();
    let journal_dir = first_path(inputs).map(journal::folder_of);
    if let Some(dir) = &journal_dir
        && let Some(pending) = journal::pending(dir)
    {
        if settings.fix {
            match journal::finish(&pending) {
                Ok(done) => out.stderr.push_str(&format!(
                    "wslint: finished a fix an earlier run was interrupted in: {} file{} put in place\n",
                    done.len(),
                    if done.len() == 1 { "" } else { "s" }
                )),
                Err(e) => {
                    out.stderr.push_str(&format!("error: {e}\n"));
                    out.exit_code = 2;
                    return out;
                }
            }
        } else {
            out.stderr.push_str(&format!(
                "warning: {} holds a fix an earlier run was interrupted in; `wslint --fix` finishes it\n",
                pending.display()
            ));
        }
    }

    let mut loaded = load(inputs);
    let report = fix(&mut loaded, settings.unsafe_fixes, |loaded| {
        analyse(loaded, rules).diagnostics
    });
    for (code, file) in &report.failed {
        out.stderr.push_str(&format!(
            "error: the fix for {code} would leave {file} unparseable; that fix was not applied\n"
        ));
    }
    for file in &report.too_large {
        out.stderr.push_str(&format!(
            "error: fixing {file} further would make it larger than {} MiB, more than wslint reads back; its other fixes were not applied\n",
            (crate::load::source::MAX_FILE_LEN + 1) >> 20
        ));
    }
    let stdin_id = loaded.files.id_of(Path::new(STDIN_NAME));
    let to_stdin = stdin_id.is_some() || loaded.stdin_dump.is_some();

    if settings.diff {
        let cwd = std::env::current_dir().unwrap_or_default();
        for (id, before) in &report.originals {
            let file = loaded.files.get(*id);
            out.stdout
                .extend(unified(&file.path, before, &file.tree.source, &cwd).into_bytes());
        }
        let outcome = outcome_of(loaded, rules);
        out.stderr.push_str(&would_fix(&outcome, &report, settings));
        out.exit_code = if outcome.exit_code() == 2 {
            2
        } else {
            u8::from(!report.originals.is_empty())
        };
        return out;
    }

    // Nothing on disk changes unless every changed file can be written.
    let written = if report.originals.is_empty() {
        Ok(())
    } else {
        write_fixed(&loaded, &report, inputs, settings, journal_dir.as_deref())
    };
    let fixed = match written {
        Ok(()) => true,
        Err(message) => {
            out.stderr.push_str(&message);
            // The report describes the files as they are: unfixed.
            for (id, original) in &report.originals {
                loaded.files.replace(*id, original.clone());
            }
            false
        }
    };
    if let Some(dump) = &loaded.stdin_dump {
        out.stdout.extend_from_slice(dump);
    } else if let Some(id) = stdin_id {
        out.stdout
            .extend_from_slice(&loaded.files.get(id).tree.source);
    }
    let outcome = outcome_of(loaded, rules);
    let applied = if fixed { report.applied.len() } else { 0 };
    let report_text = crate::report::render(format, &outcome, color, applied);
    if to_stdin {
        out.stderr.push_str(&report_text);
    } else {
        out.stdout.extend(report_text.into_bytes());
    }
    if fixed {
        out.stderr
            .push_str(&fixed_line(&outcome, applied, settings));
    } else {
        out.stderr.push_str(&format!(
            "No file was written: {} finding{} could be fixed once the error above is resolved.\n",
            report.applied.len(),
            if report.applied.len() == 1 { "" } else { "s" }
        ));
    }
    out.exit_code = if !fixed { 2 } else { outcome.exit_code() };
    out
}

/// The analysis of the files as they are now, with the files in it.
fn outcome_of(loaded: Loaded, rules: &RuleSettings) -> Outcome {
    let outcome = analyse(&loaded, rules);
    Outcome {
        files: loaded.files,
        ..outcome
    }
}

fn first_path(inputs: &[Input]) -> Option<&Path> {
    inputs.iter().find_map(|i| match i {
        Input::Path(p) => Some(p.as_path()),
        Input::Stdin => None,
    })
}

/// Writes every changed file on disk (standard input's is printed, not
/// written), all or none; the error text when none was written.
fn write_fixed(
    loaded: &Loaded,
    report: &FixReport,
    inputs: &[Input],
    settings: &FixSettings,
    journal_dir: Option<&Path>,
) -> Result<(), String> {
    let on_disk: Vec<(u32, &Vec<u8>)> = report
        .originals
        .iter()
        .filter(|(id, _)| loaded.files.get(**id).path != Path::new(STDIN_NAME))
        .map(|(id, bytes)| (*id, bytes))
        .collect();
    if on_disk.is_empty() {
        return Ok(());
    }
    if loaded.files.backing == Backing::Virtual {
        return Err(
            "error: an nginx -T dump cannot be fixed in place; use --diff to see the fixes\n"
                .into(),
        );
    }
    if settings.verify {
        super::verify::verify(loaded, report, inputs).map_err(|message| {
            format!("error: --verify: {message}\nerror: nothing was written\n")
        })?;
    }
    let options = WriteOptions::with_backup(settings.backup.clone());
    // Every file is written beside its original before any original is
    // replaced: one fix can span files (a map in nginx.conf and the header
    // in a site that uses it), and replacing only some of them could leave
    // a configuration nginx rejects.
    let mut refused = Vec::new();
    let mut prepared = Vec::new();
    for (id, original) in &on_disk {
        let file = loaded.files.get(*id);
        if !file.tree.errors.is_empty() {
            refused.push(format!(
                "{} still has syntax errors after fixing",
                file.display_name()
            ));
            continue;
        }
        match prepare(&file.path, &file.tree.source, original, &options) {
            Ok(p) => prepared.push(p),
            Err(e) => refused.push(e.to_string()),
        }
    }
    if !refused.is_empty() {
        // Dropping the prepared files removes them; no original changed.
        drop(prepared);
        let mut text: String = refused.iter().map(|r| format!("error: {r}\n")).collect();
        text.push_str("error: no file was written, so no fix is applied halfway\n");
        return Err(text);
    }
    let journal_dir = journal_dir.map_or_else(|| Path::new(".").to_path_buf(), Path::to_path_buf);
    match commit(prepared, &journal_dir) {
        Ok(_) => Ok(()),
        Err(e) => Err(format!("error: {e}\n")),
    }
}

/// "Fixed 3 findings; 1 more fixable with --unsafe-fixes."
fn fixed_line(outcome: &Outcome, applied: usize, settings: &FixSettings) -> String {
    let mut line = format!(
        "Fixed {applied} finding{}",
        if applied == 1 { "" } else { "s" }
    );
    line.push_str(&more_unsafe(outcome, settings));
    line.push_str(".\n");
    line
}

/// "Would fix 3 findings; 2 would remain." for `--diff`.
fn would_fix(outcome: &Outcome, report: &FixReport, settings: &FixSettings) -> String {
    let n = report.applied.len();
    let remain = outcome.findings().count();
    let mut line = format!("Would fix {n} finding{}", if n == 1 { "" } else { "s" });
    if remain > 0 {
        line.push_str(&format!(
            "; {remain} would remain (run without --diff to see them)"
        ));
    }
    line.push_str(&more_unsafe(outcome, settings));
    line.push_str(".\n");
    line
}

fn more_unsafe(outcome: &Outcome, settings: &FixSettings) -> String {
    if settings.unsafe_fixes {
        return String::new();
    }
    let more = outcome
        .diagnostics
        .iter()
        .filter(|d| {
            d.fix
                .as_ref()
                .is_some_and(|f| f.applicability == Applicability::Unsafe)
        })
        .count();
    if more > 0 {
        format!("; {more} more fixable with --unsafe-fixes")
    } else {
        String::new()
    }
}
