//! wslint's findings and edits in the protocol's terms: file ids and byte
//! ranges become URIs and line/character ranges.

use super::positions::Lines;
use crate::diagnostic::{Diagnostic, Edit, FileSpan, Severity};
use crate::load::files::FileSet;
use lsp_types as lsp;
use std::collections::HashMap;

/// The URI of a file of the set (its path made absolute).
pub(crate) fn uri_of(files: &FileSet, file: u32) -> Option<lsp::Url> {
    let path = &files.get(file).path;
    let absolute = if path.is_absolute() {
        path.clone()
    } else {
        std::env::current_dir().ok()?.join(path)
    };
    lsp::Url::from_file_path(crate::load::files::normalize(&absolute)).ok()
}

/// The protocol location of a place.
pub(crate) fn location(files: &FileSet, place: &FileSpan) -> Option<lsp::Location> {
    let text: &[u8] = &files.get(place.file).tree.source;
    Some(lsp::Location::new(
        uri_of(files, place.file)?,
        Lines::new(text).range(&place.span),
    ))
}

/// Where the explanation of each rule is: docs/rules.md of the source tree
/// the binary was built from, when it is there (`cargo install --path .`).
fn rule_page(code: &str, name: &str) -> Option<lsp::Url> {
    static PAGE: std::sync::OnceLock<Option<lsp::Url>> = std::sync::OnceLock::new();
    let page = PAGE.get_or_init(|| {
        let page = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules.md");
        page.is_file()
            .then(|| lsp::Url::from_file_path(page).ok())
            .flatten()
    });
    let mut url = page.clone()?;
    url.set_fragment(Some(&format!("{}-{name}", code.to_ascii_lowercase())));
    Some(url)
}

/// A finding as the protocol shows it, on the lines of `lines`.
pub(crate) fn diagnostic(files: &FileSet, lines: &Lines, d: &Diagnostic) -> lsp::Diagnostic {
    let severity = match d.severity {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Info => lsp::DiagnosticSeverity::INFORMATION,
    };
    let related: Vec<lsp::DiagnosticRelatedInformation> = d
        .related
        .iter()
        .filter_map(|(place, label)| {
            // A place in the same file is found on its lines, already
            // indexed (a large file has thousands of findings).
            let location = if place.file == d.location.file {
                lsp::Location::new(uri_of(files, place.file)?, lines.range(&place.span))
            } else {
                location(files, place)?
            };
            Some(lsp::DiagnosticRelatedInformation {
                location,
                message: label.to_string(),
            })
        })
        .collect();
    let mut message = d.message.clone();
    if let Some(signal) = &d.signal {
        message.push_str("\n(WebSocket route because ");
        message.push_str(signal);
        message.push(')');
    }
    if let Some(fix) = &d.fix {
        let how = match fix.applicability {
            crate::diagnostic::Applicability::Safe => "quick fix",
            crate::diagnostic::Applicability::Unsafe => "quick fix, unsafe",
        };
        message.push_str(&format!("\n{how}: {}", fix.title));
    }
    lsp::Diagnostic {
        range: lines.range(&d.location.span),
        severity: Some(severity),
        code: Some(lsp::NumberOrString::String(d.code.to_string())),
        code_description: rule_page(d.code, d.name).map(|href| lsp::CodeDescription { href }),
        source: Some("wslint".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}

/// Edits as a workspace edit: text edits by file.
pub(crate) fn workspace_edit(files: &FileSet, edits: &[&Edit]) -> lsp::WorkspaceEdit {
    let mut changes: HashMap<lsp::Url, Vec<lsp::TextEdit>> = HashMap::new();
    let mut lines: HashMap<u32, Lines> = HashMap::new();
    for edit in edits {
        let Some(uri) = uri_of(files, edit.file) else {
            continue;
        };
        let lines = lines
            .entry(edit.file)
            .or_insert_with(|| Lines::new(&files.get(edit.file).tree.source));
        changes.entry(uri).or_default().push(lsp::TextEdit {
            range: lines.range(&edit.range),
            new_text: edit.text.clone(),
        });
    }
    lsp::WorkspaceEdit {
        changes: Some(changes),
        ..Default::default()
    }
}

/// One edit that turns `before` into `after`: the part between their
/// common start and common end.
pub(crate) fn replacement(before: &[u8], after: &[u8]) -> lsp::TextEdit {
    let start = before.iter().zip(after).take_while(|(a, b)| a == b).count();
    let start = floor_char(before, start);
    let max_end = before.len().min(after.len()) - start;
    let mut end = before
        .iter()
        .rev()
        .zip(after.iter().rev())
        .take(max_end)
        .take_while(|(a, b)| a == b)
        .count();
    // Keep the cut on character boundaries in both texts.
    while end > 0
        && (!is_boundary(before, before.len() - end) || !is_boundary(after, after.len() - end))
    {
        end -= 1;
    }
    let lines = Lines::new(before);
    lsp::TextEdit {
        range: lines.range(&(start as u32..(before.len() - end) as u32)),
        new_text: String::from_utf8_lossy(&after[start..after.len() - end]).into_owned(),
    }
}

fn is_boundary(text: &[u8], at: usize) -> bool {
    at == text.len() || (text[at] & 0xC0) != 0x80
}

fn floor_char(text: &[u8], mut at: usize) -> usize {
    while at > 0 && !is_boundary(text, at) {
        at -= 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `before` with one edit applied (ASCII and two-byte characters).
    fn applied(before: &str, edit: &lsp::TextEdit) -> String {
        let lines = Lines::new(before.as_bytes());
        let start = lines.offset(edit.range.start) as usize;
        let end = lines.offset(edit.range.end) as usize;
        format!("{}{}{}", &before[..start], edit.new_text, &before[end..])
    }

    #[test]
    fn a_replacement_covers_only_what_changed() {
        let before = "server {\n    location /ws/ {\n    }\n}\n";
        let after = "server {\n    location /ws/ {\n        proxy_http_version 1.1;\n    }\n}\n";
        let edit = replacement(before.as_bytes(), after.as_bytes());
        assert_eq!(applied(before, &edit), after);
        assert_eq!(edit.range.start, edit.range.end);
        assert_eq!(edit.new_text.trim(), "proxy_http_version 1.1;");
        let (before, after) = ("a\u{e9}b", "a\u{e8}b");
        let edit = replacement(before.as_bytes(), after.as_bytes());
        assert_eq!(edit.new_text, "\u{e8}");
        assert_eq!(applied(before, &edit), after);
        let edit = replacement(b"same", b"same");
        assert!(edit.new_text.is_empty() && edit.range.start == edit.range.end);
    }
}
