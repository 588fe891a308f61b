//! Code actions: each finding's own fix (labelled safe or unsafe), "fix all
//! safe problems in this file" (the `--fix` passes, run in memory over the
//! buffers) and a `# wslint: ignore CODE` comment for a finding. A fix that
//! touches another file (the `map` in nginx.conf) is one workspace edit
//! over both.

use super::analysis::Analysis;
use super::convert;
use super::positions::Lines;
use crate::diagnostic::{Applicability, Diagnostic, Edit};
use crate::load::{Input, load_overlaid};
use crate::syntax::SyntaxTree;
use lsp_types as lsp;
use std::path::Path;
use std::sync::LazyLock;

/// The kind of "fix all safe problems in this file".
pub(crate) static FIX_ALL: LazyLock<lsp::CodeActionKind> =
    LazyLock::new(|| lsp::CodeActionKind::new("source.fixAll.wslint"));

/// The actions for `params`' range; with `lazy`, "fix all" comes without
/// its edit, for the client to resolve.
pub(crate) fn actions(
    analysis: &Analysis,
    path: &Path,
    params: &lsp::CodeActionParams,
    lazy: bool,
) -> Vec<lsp::CodeActionOrCommand> {
    let files = &analysis.loaded.files;
    let Some(id) = files.id_of(path) else {
        return Vec::new();
    };
    let text: &[u8] = &files.get(id).tree.source;
    let lines = Lines::new(text);
    let wanted = lines.offset(params.range.start)..lines.offset(params.range.end);
    let only = params.context.only.as_ref();
    let wants = |kind: &lsp::CodeActionKind| {
        only.is_none_or(|kinds| kinds.iter().any(|k| kind.as_str().starts_with(k.as_str())))
    };
    let outcome = analysis.findings();
    let here: Vec<&Diagnostic> = outcome
        .diagnostics
        .iter()
        .filter(|d| d.location.file == id)
        .collect();
    let mut out = Vec::new();
    for d in here.iter().filter(|d| touches(&d.location.span, &wanted)) {
        let shown = convert::diagnostic(files, &lines, d);
        if let Some(fix) = d
            .fix
            .as_ref()
            .filter(|_| wants(&lsp::CodeActionKind::QUICKFIX))
        {
            let safe = fix.applicability == Applicability::Safe;
            let edits: Vec<&Edit> = fix.edits.iter().collect();
            out.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                title: format!(
                    "{}: {}{}",
                    d.code,
                    fix.title,
                    if safe { "" } else { " (unsafe fix)" }
                ),
                kind: Some(lsp::CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![shown.clone()]),
                edit: Some(convert::workspace_edit(files, &edits)),
                is_preferred: Some(safe),
                ..Default::default()
            }));
        }
        if wants(&lsp::CodeActionKind::QUICKFIX)
            && let Some(edit) = ignore_comment(&files.get(id).tree, text, d)
        {
            let edit = convert::workspace_edit(files, &[&edit]);
            out.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                title: format!("{}: add `# wslint: ignore {}` here", d.code, d.code),
                kind: Some(lsp::CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![shown]),
                edit: Some(edit),
                ..Default::default()
            }));
        }
    }
    let fixable = here.iter().any(|d| {
        d.fix
            .as_ref()
            .is_some_and(|f| f.applicability == Applicability::Safe)
    });
    if fixable && wants(&FIX_ALL) {
        // Fixing the whole file runs the `--fix` passes: a client that can
        // resolve an action later gets the edit only when it picks this one
        // (editors ask for actions at every cursor move).
        let mut action = lsp::CodeAction {
            title: FIX_ALL_TITLE.into(),
            kind: Some(FIX_ALL.clone()),
            ..Default::default()
        };
        if lazy {
            action.data = lsp::Url::from_file_path(path)
                .ok()
                .map(|uri| serde_json::json!({ "uri": uri }));
            out.push(lsp::CodeActionOrCommand::CodeAction(action));
        } else if let Some(edit) = fix_all(analysis, path) {
            action.edit = Some(edit);
            out.push(lsp::CodeActionOrCommand::CodeAction(action));
        }
    }
    out
}

const FIX_ALL_TITLE: &str = "wslint: fix all safe problems in this file";

/// The file a "fix all" action offered without its edit is for.
pub(crate) fn fix_all_target(action: &lsp::CodeAction) -> Option<std::path::PathBuf> {
    let uri: lsp::Url = serde_json::from_value(action.data.as_ref()?.get("uri")?.clone()).ok()?;
    uri.to_file_path().ok()
}

/// A "fix all" action offered without its edit, with the edit.
pub(crate) fn resolve_fix_all(
    analysis: &Analysis,
    path: &Path,
    mut action: lsp::CodeAction,
) -> lsp::CodeAction {
    action.edit = fix_all(analysis, path);
    action
}

/// Whether a finding's place meets the requested range (a cursor is an
/// empty range).
fn touches(span: &std::ops::Range<u32>, wanted: &std::ops::Range<u32>) -> bool {
    span.start <= wanted.end && wanted.start <= span.end
}

/// The safe fixes of the findings in `path`, applied in memory the way
/// `--fix` applies them (passes until nothing is left), as one edit per
/// changed file.
fn fix_all(analysis: &Analysis, path: &Path) -> Option<lsp::WorkspaceEdit> {
    let mut loaded = load_overlaid(
        &[Input::Path(analysis.root.clone())],
        analysis.buffers.clone(),
    );
    let id = loaded.files.id_of(path)?;
    let settings = &analysis.settings;
    let report = crate::fix::apply::fix(&mut loaded, false, |l| {
        let mut found = crate::app::check::analyse(l, settings).diagnostics;
        found.retain(|d| d.location.file == id);
        found
    });
    let mut changes = std::collections::HashMap::new();
    for (&file, before) in &report.originals {
        let after: &[u8] = &loaded.files.get(file).tree.source;
        let uri = convert::uri_of(&loaded.files, file)?;
        changes.insert(uri, vec![convert::replacement(before, after)]);
    }
    (!changes.is_empty()).then(|| lsp::WorkspaceEdit {
        changes: Some(changes),
        ..Default::default()
    })
}

/// A `# wslint: ignore CODE` line above the directive the finding is on,
/// indented as that line is.
fn ignore_comment(tree: &SyntaxTree, text: &[u8], d: &Diagnostic) -> Option<Edit> {
    let directive = tree.directive_at(d.location.span.start)?.span();
    let start = Lines::new(text).line_start(directive.start);
    let indent: String = text[start as usize..directive.start as usize]
        .iter()
        .take_while(|b| matches!(b, b' ' | b'\t'))
        .map(|&b| b as char)
        .collect();
    Some(Edit {
        file: d.location.file,
        range: start..start,
        text: format!("{indent}# wslint: ignore {}\n", d.code),
    })
}
