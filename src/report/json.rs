//! `--format json`: one JSON document for the whole run. The schema and its
//! versioning promise are in docs/json-output.md.

use super::json_text::{push_indent, push_key, push_str, push_uint};
use super::located::{Place, RunError, errors};
use crate::check::Outcome;
use crate::diagnostic::Diagnostic;
use crate::fix::Fix;

/// The schema version; see docs/json-output.md.
pub const VERSION: u32 = 1;

/// Renders the run; `fixed` is how many findings `--fix` fixed.
pub fn render(outcome: &Outcome, fixed: usize) -> String {
    let mut out = Vec::new();
    write(outcome, fixed, &mut out).expect("writing to memory cannot fail");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// Writes the run to `out` as it is produced, a block of findings at a
/// time, each finding located just before it is written: a run with many
/// findings never holds its whole document, nor every finding's place, in
/// memory.
/// The layout is serde_json's pretty printing of the schema in
/// docs/json-output.md, written directly (a test checks it against
/// serde_json).
pub fn write(
    outcome: &Outcome,
    fixed: usize,
    out: &mut impl std::io::Write,
) -> std::io::Result<()> {
    let mut escaped = super::json_text::EscapeC1::new(out);
    write_document(outcome, fixed, &mut escaped)?;
    escaped.finish().map(|_| ())
}

/// The document, written as [`write`] says.
fn write_document(
    outcome: &Outcome,
    fixed: usize,
    out: &mut impl std::io::Write,
) -> std::io::Result<()> {
    use crate::diagnostic::Severity::*;
    let findings: Vec<&Diagnostic> = outcome.findings().collect();
    let errors = errors(outcome);
    let mut b = Vec::with_capacity(BLOCK);
    b.extend_from_slice(b"{");
    push_key(&mut b, 2, "version");
    push_uint(&mut b, VERSION.into());
    b.push(b',');
    push_key(&mut b, 2, "tool");
    b.push(b'{');
    push_key(&mut b, 4, "name");
    push_str(&mut b, "wslint");
    b.push(b',');
    push_key(&mut b, 4, "version");
    push_str(&mut b, env!("CARGO_PKG_VERSION"));
    push_indent(&mut b, 2);
    b.extend_from_slice(b"},");
    push_key(&mut b, 2, "nginx_version");
    push_str(&mut b, &outcome.nginx_version.to_string());
    b.push(b',');
    push_key(&mut b, 2, "diagnostics");
    write_findings(&mut b, out, outcome, &findings)?;
    b.push(b',');
    push_key(&mut b, 2, "errors");
    write_list(&mut b, out, &errors, write_error)?;
    b.push(b',');
    push_key(&mut b, 2, "summary");
    b.push(b'{');
    let count = |severity| findings.iter().filter(|d| d.severity == severity).count();
    let counts = [
        ("files", outcome.files.files.len()),
        ("findings", findings.len()),
        ("errors", errors.len()),
        ("error", count(Error)),
        ("warning", count(Warning)),
        ("info", count(Info)),
        ("fixed", fixed),
        (
            "fixable",
            findings.iter().filter(|d| d.fix.is_some()).count(),
        ),
    ];
    for (i, (key, n)) in counts.into_iter().enumerate() {
        if i > 0 {
            b.push(b',');
        }
        push_key(&mut b, 4, key);
        push_uint(&mut b, n as u64);
    }
    push_indent(&mut b, 2);
    b.extend_from_slice(b"}\n}\n");
    out.write_all(&b)
}

/// How many bytes are gathered before they are handed to the writer.
const BLOCK: usize = 1 << 16;

/// Writes `[` the items `]` at the second level of the document, passing
/// the gathered bytes on to `out` whenever a block is full.
fn write_list<T>(
    b: &mut Vec<u8>,
    out: &mut impl std::io::Write,
    items: &[T],
    write_item: fn(&mut Vec<u8>, &T),
) -> std::io::Result<()> {
    if items.is_empty() {
        b.extend_from_slice(b"[]");
        return Ok(());
    }
    b.push(b'[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            b.push(b',');
        }
        push_indent(b, 4);
        write_item(b, item);
        if b.len() >= BLOCK {
            out.write_all(b)?;
            b.clear();
        }
    }
    push_indent(b, 2);
    b.push(b']');
    Ok(())
}

/// How many findings one thread renders at a time.
const CHUNK: usize = 256;

/// Writes the findings list, rendered on two threads (rendering is most of
/// the work); see [`super::chunks`].
fn write_findings(
    b: &mut Vec<u8>,
    out: &mut impl std::io::Write,
    outcome: &Outcome,
    findings: &[&Diagnostic],
) -> std::io::Result<()> {
    if findings.is_empty() {
        b.extend_from_slice(b"[]");
        return Ok(());
    }
    b.push(b'[');
    out.write_all(b)?;
    b.clear();
    let render = |first: usize, chunk: &[&Diagnostic], into: &mut Vec<u8>| {
        for (i, d) in chunk.iter().enumerate() {
            if first + i > 0 {
                into.push(b',');
            }
            push_indent(into, 4);
            write_finding(into, outcome, d);
        }
    };
    super::chunks::write_in_order(findings, CHUNK, render, out)?;
    push_indent(b, 2);
    b.push(b']');
    Ok(())
}

fn push_str_field(b: &mut Vec<u8>, indent: usize, key: &str, value: &str) {
    push_key(b, indent, key);
    push_str(b, value);
    b.push(b',');
}

/// The place fields: file, line, column, end line and column (no comma
/// after the last).
fn push_place(b: &mut Vec<u8>, indent: usize, place: &Place) {
    push_str_field(b, indent, "file", &place.file);
    for (key, n, comma) in [
        ("line", place.line, true),
        ("column", place.column, true),
        ("end_line", place.end_line, true),
        ("end_column", place.end_column, false),
    ] {
        push_key(b, indent, key);
        push_uint(b, n as u64);
        if comma {
            b.push(b',');
        }
    }
}

/// One finding, located as it is written (no list of places is kept).
fn write_finding(b: &mut Vec<u8>, outcome: &Outcome, d: &Diagnostic) {
    b.push(b'{');
    push_str_field(b, 6, "code", d.code);
    push_str_field(b, 6, "name", d.name);
    push_str_field(b, 6, "severity", d.severity.as_str());
    push_str_field(b, 6, "message", &d.message);
    push_place(
        b,
        6,
        &Place::of(outcome.files.get(d.location.file), &d.location.span),
    );
    b.push(b',');
    push_key(b, 6, "signal");
    match d.signal.as_deref() {
        Some(signal) => push_str(b, signal),
        None => b.extend_from_slice(b"null"),
    }
    b.push(b',');
    push_key(b, 6, "assumption");
    match d.assumption {
        Some(assumption) => push_str(b, assumption.as_str()),
        None => b.extend_from_slice(b"null"),
    }
    b.push(b',');
    push_key(b, 6, "fix");
    match &d.fix {
        Some(fix) => write_fix(b, outcome, fix),
        None => b.extend_from_slice(b"null"),
    }
    push_indent(b, 4);
    b.push(b'}');
}

fn write_fix(b: &mut Vec<u8>, outcome: &Outcome, fix: &Fix) {
    b.push(b'{');
    push_str_field(b, 8, "applicability", fix.applicability.as_str());
    push_str_field(b, 8, "title", &fix.title);
    push_key(b, 8, "edits");
    if fix.edits.is_empty() {
        b.extend_from_slice(b"[]");
    } else {
        b.push(b'[');
        for (i, e) in fix.edits.iter().enumerate() {
            if i > 0 {
                b.push(b',');
            }
            push_indent(b, 10);
            b.push(b'{');
            push_place(b, 12, &Place::of(outcome.files.get(e.file), &e.range));
            b.push(b',');
            push_key(b, 12, "span");
            b.push(b'[');
            push_indent(b, 14);
            push_uint(b, e.range.start.into());
            b.push(b',');
            push_indent(b, 14);
            push_uint(b, e.range.end.into());
            push_indent(b, 12);
            b.extend_from_slice(b"],");
            push_key(b, 12, "content");
            push_str(b, &e.text);
            push_indent(b, 10);
            b.push(b'}');
        }
        push_indent(b, 8);
        b.push(b']');
    }
    push_indent(b, 6);
    b.push(b'}');
}

fn write_error(b: &mut Vec<u8>, e: &RunError) {
    b.push(b'{');
    push_str_field(b, 6, "kind", e.kind);
    push_str_field(b, 6, "message", &e.message);
    push_key(b, 6, "file");
    push_str(b, &e.file);
    for (key, n) in [("line", e.line), ("column", e.column)] {
        if let Some(n) = n {
            b.push(b',');
            push_key(b, 6, key);
            push_uint(b, n as u64);
        }
    }
    push_indent(b, 4);
    b.push(b'}');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::located::{Located, LocatedFix};
    use serde::Serialize;

    // The schema as serde types: what the hand-written output must equal,
    // byte for byte, when serde_json pretty-prints it.
    #[derive(Serialize)]
    struct Document<'a> {
        version: u32,
        tool: Tool,
        nginx_version: String,
        diagnostics: Vec<DiagnosticJson<'a>>,
        errors: &'a [RunError],
        summary: Summary,
    }

    #[derive(Serialize)]
    struct Tool {
        name: &'static str,
        version: &'static str,
    }

    #[derive(Serialize)]
    struct DiagnosticJson<'a> {
        code: &'a str,
        name: &'a str,
        severity: &'a str,
        message: &'a str,
        file: &'a str,
        line: u32,
        column: u32,
        end_line: u32,
        end_column: u32,
        signal: Option<&'a str>,
        assumption: Option<&'a str>,
        fix: Option<&'a LocatedFix<'a>>,
    }

    #[derive(Serialize)]
    struct Summary {
        files: usize,
        findings: usize,
        errors: usize,
        error: usize,
        warning: usize,
        info: usize,
        fixed: usize,
        fixable: usize,
    }

    fn with_serde(outcome: &Outcome, located: &Located, fixed: usize) -> String {
        use crate::diagnostic::Severity::*;
        let doc = Document {
            version: VERSION,
            tool: Tool {
                name: "wslint",
                version: env!("CARGO_PKG_VERSION"),
            },
            nginx_version: outcome.nginx_version.to_string(),
            diagnostics: located
                .findings
                .iter()
                .map(|f| DiagnosticJson {
                    code: f.diagnostic.code,
                    name: f.diagnostic.name,
                    severity: f.diagnostic.severity.as_str(),
                    message: &f.diagnostic.message,
                    file: &f.place.file,
                    line: f.place.line,
                    column: f.place.column,
                    end_line: f.place.end_line,
                    end_column: f.place.end_column,
                    signal: f.diagnostic.signal.as_deref(),
                    assumption: f.diagnostic.assumption.map(|a| a.as_str()),
                    fix: f.fix.as_ref(),
                })
                .collect(),
            errors: &located.errors,
            summary: Summary {
                files: located.files_checked,
                findings: located.findings.len(),
                errors: located.errors.len(),
                error: located.count(Error),
                warning: located.count(Warning),
                info: located.count(Info),
                fixed,
                fixable: located.findings.iter().filter(|f| f.fix.is_some()).count(),
            },
        };
        serde_json::to_string_pretty(&doc).unwrap() + "\n"
    }

    fn outcome_of(files: &[(&str, &str)], missing: bool) -> Outcome {
        let dir = tempfile::tempdir().unwrap();
        let mut inputs = Vec::new();
        for (name, text) in files {
            let path = dir.path().join(name);
            std::fs::write(&path, text).unwrap();
            inputs.push(crate::discover::Input::Path(path));
        }
        if missing {
            inputs.push(crate::discover::Input::Path(
                dir.path().join("missing.conf"),
            ));
        }
        crate::check::run(&inputs, &crate::rules::RuleSettings::default())
    }

    #[test]
    fn the_written_document_is_serde_jsons_pretty_print() {
        let site = "map $http_upgrade $connection_upgrade {\n    default upgrade;\n    '' close;\n}\n\
                    server {\n    proxy_set_header Host $host;\n    location /ws/ {\n        \
                    proxy_pass ws://127.0.0.1:3000;\n        proxy_set_header Upgrade \"a\\\"b\";\n    }\n}\n";
        // Enough findings for several chunks, rendered on two threads.
        let many: String = (0..1500)
            .map(|i| format!("server {{ location /ws{i}/ {{ proxy_pass ws://b; }} }}\n"))
            .collect();
        let cases = [
            outcome_of(&[("site.conf", site), ("broken.conf", "server {\n")], true),
            outcome_of(&[("clean.conf", "events {}\n")], false),
            outcome_of(&[("many.conf", &many)], false),
        ];
        assert!(cases[2].diagnostics.len() > 2 * CHUNK + 1);
        for outcome in &cases {
            let located = super::super::located::locate(outcome);
            assert!(outcome.exit_code() != 0 || located.findings.is_empty());
            for fixed in [0, 3] {
                assert_eq!(render(outcome, fixed), with_serde(outcome, &located, fixed));
            }
        }
        let located = super::super::located::locate(&cases[0]);
        assert!(located.findings.iter().any(|f| f.fix.is_some()));
        assert!(
            located
                .findings
                .iter()
                .any(|f| f.diagnostic.signal.is_some())
        );
        assert!(located.errors.iter().any(|e| e.line.is_none()));
        assert!(located.errors.iter().any(|e| e.line.is_some()));
    }
}
