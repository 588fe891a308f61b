//! One `--fix` or `--diff` run: fix the loaded files, then either print the
//! diff or write the fixed files (stdin's fixed text goes to stdout), and
//! report what was fixed and what remains.

use super::apply::fix;
use super::diff::unified;
use super::write::{WriteOptions, prepare};
use crate::check::Outcome;
use crate::cli::FixSettings;
use crate::discover::{Input, load};
use crate::fix::Applicability;
use crate::report::{Color, Format};
use crate::rules::RuleSettings;
use crate::semantic::files::Backing;
use crate::source::STDIN_NAME;
use std::path::Path;

/// What the run prints and its exit code.
#[derive(Debug, Default)]
pub struct SessionOutput {
    pub stdout: Vec<u8>,
    pub stderr: String,
    pub exit_code: u8,
}

/// Fixes the inputs as `settings` says.
pub fn run(
    inputs: &[Input],
    rules: &RuleSettings,
    settings: &FixSettings,
    format: Format,
    color: Color,
) -> SessionOutput {
    let loaded = load(inputs);
    let (outcome, report) = fix(loaded, rules, settings.unsafe_fixes);
    let mut out = SessionOutput::default();
    let cwd = std::env::current_dir().unwrap_or_default();
    let changed: Vec<(u32, &Vec<u8>)> = report
        .originals
        .iter()
        .map(|(id, bytes)| (*id, bytes))
        .collect();
    let mut write_failed = false;

    if settings.diff {
        for (id, before) in &changed {
            let file = outcome.files.get(*id);
            out.stdout
                .extend(unified(&file.path, before, &file.tree.source, &cwd).into_bytes());
        }
    } else if outcome.files.backing == Backing::Virtual && !changed.is_empty() {
        out.stderr.push_str(
            "error: an nginx -T dump cannot be fixed in place; use --diff to see the fixes\n",
        );
        write_failed = true;
    } else if settings.verify && !changed.is_empty() {
        match super::verify::verify(&outcome, inputs) {
            Ok(()) => write_failed |= write_all(&outcome, &changed, settings, &mut out),
            Err(message) => {
                out.stderr.push_str(&format!(
                    "error: nginx -t rejects the fixed configuration; nothing was written:\n{message}\n"
                ));
                write_failed = true;
            }
        }
    } else {
        write_failed |= write_all(&outcome, &changed, settings, &mut out);
    }

    for (code, file) in &report.failed {
        out.stderr.push_str(&format!(
            "error: the fix for {code} would leave {file} unparseable; that fix was not applied\n"
        ));
    }
    let report_text = crate::report::render(format, &outcome, color, report.applied.len());
    let to_stdout = !settings.diff && !changed.iter().any(|(id, _)| is_stdin(&outcome, *id));
    if to_stdout {
        out.stdout.extend(report_text.into_bytes());
    } else {
        out.stderr.push_str(&report_text);
    }
    out.stderr
        .push_str(&summary(&outcome, report.applied.len(), settings));
    out.exit_code = if write_failed || outcome.exit_code() == 2 {
        2
    } else if settings.diff {
        u8::from(!changed.is_empty())
    } else {
        outcome.exit_code()
    };
    out
}

fn is_stdin(outcome: &Outcome, id: u32) -> bool {
    outcome.files.get(id).path == Path::new(STDIN_NAME)
}

/// Writes every changed file; true when a write failed.
fn write_all(
    outcome: &Outcome,
    changed: &[(u32, &Vec<u8>)],
    settings: &FixSettings,
    out: &mut SessionOutput,
) -> bool {
    let options = WriteOptions::with_backup(settings.backup.clone());
    // Every file is written beside its original before any original is
    // replaced: one fix can span files (a map in nginx.conf and the header
    // in a site that uses it), and replacing only some of them could leave
    // a configuration nginx rejects. The renames come last, all together.
    let mut refused = Vec::new();
    let mut prepared = Vec::new();
    for (id, _) in changed {
        let file = outcome.files.get(*id);
        if is_stdin(outcome, *id) {
            continue;
        }
        if !file.tree.errors.is_empty() {
            refused.push(format!(
                "{} still has syntax errors after fixing",
                file.display_name()
            ));
            continue;
        }
        match prepare(&file.path, &file.tree.source, &options) {
            Ok(p) => prepared.push(p),
            Err(e) => refused.push(e.to_string()),
        }
    }
    if !refused.is_empty() {
        // Dropping the prepared files removes them; no original changed.
        drop(prepared);
        for reason in refused {
            out.stderr.push_str(&format!("error: {reason}\n"));
        }
        out.stderr
            .push_str("error: no file was written, so no fix is applied halfway\n");
        return true;
    }
    let mut failed = false;
    for p in prepared {
        if let Err(e) = p.commit() {
            out.stderr.push_str(&format!("error: {e}\n"));
            failed = true;
        }
    }
    for (id, _) in changed {
        if is_stdin(outcome, *id) {
            out.stdout
                .extend_from_slice(&outcome.files.get(*id).tree.source);
        }
    }
    failed
}

fn summary(outcome: &Outcome, applied: usize, settings: &FixSettings) -> String {
    let verb = if settings.diff { "Would fix" } else { "Fixed" };
    let mut line = format!(
        "{verb} {applied} finding{}",
        if applied == 1 { "" } else { "s" }
    );
    if !settings.unsafe_fixes {
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
            line.push_str(&format!("; {more} more fixable with --unsafe-fixes"));
        }
    }
    line.push_str(".\n");
    line
}
