//! The real-world corpus (../shared/corpus, named by WSLINT_CORPUS): every
//! file round-trips; files nginx accepted have no syntax error and no
//! context or argument-count diagnostic; files nginx rejected for syntax get
//! an error near the line nginx named. Each file is analysed in the context
//! the manifest says nginx tested it in.

use crate::support::{corpus, files_below};
use std::path::Path;
use wslint::diagnostic::Diagnostic;
use wslint::load::files::{Backing, EntryPoint, FileSet};
use wslint::load::source::SourceFile;
use wslint::load::{Input, load};
use wslint::semantic::Model;
use wslint::syntax::Context;

struct Row {
    path: String,
    kind: String,
    nginx_t: String,
    nginx_syntax: String,
    notes: String,
}

impl Row {
    /// The context nginx tested the file in: the first word of `notes`.
    fn context(&self) -> Context {
        let level = self.notes.trim_start_matches('"');
        match level.split(']').next().unwrap_or("") {
            "[main-level" => Context::Main,
            "[http-level" => Context::Http,
            "[server-level" => Context::Server,
            "[location-level" => Context::Location,
            "[stream-level" => Context::Stream,
            other => panic!("{}: unknown level {other}", self.path),
        }
    }
}

/// The file's parse errors and model diagnostics, as (line, message,
/// is syntax) triples, analysed in the file's manifest context.
fn analyse(dir: &Path, row: &Row) -> (Vec<(usize, String, bool)>, Vec<Diagnostic>) {
    let mut files = FileSet::new(Backing::Disk);
    let id = files.add(SourceFile::read(&dir.join(&row.path)).unwrap());
    let entry = EntryPoint {
        file: id,
        prefix: dir.join(&row.path).parent().unwrap().to_path_buf(),
        primary: true,
        context: Some(row.context()),
    };
    let model = Model::build(&files, std::slice::from_ref(&entry));
    let file = files.get(id);
    let mut problems: Vec<(usize, String, bool)> = file
        .tree
        .errors
        .iter()
        .map(|e| (file.line_col(e.span.start).0, e.message.clone(), true))
        .collect();
    for d in &model.diagnostics {
        problems.push((
            file.line_col(d.location.span.start).0,
            d.message.clone(),
            d.is_syntax,
        ));
    }
    (problems, model.diagnostics.clone())
}

fn manifest(dir: &std::path::Path) -> Vec<Row> {
    let text = std::fs::read_to_string(dir.join("manifest.tsv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (path, kind, nginx_t, syntax, notes) = (
        col("path"),
        col("type"),
        col("nginx_t"),
        col("nginx_syntax"),
        col("notes"),
    );
    lines
        .map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            Row {
                path: f[path].to_string(),
                kind: f[kind].to_string(),
                nginx_t: f[nginx_t].to_string(),
                nginx_syntax: f[syntax].to_string(),
                notes: f[notes].to_string(),
            }
        })
        .collect()
}

/// The line in nginx's message `... in subject.conf:17`.
fn nginx_line(message: &str) -> Option<usize> {
    let at = message.rfind(".conf:")? + ".conf:".len();
    let digits: String = message[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

#[test]
fn every_corpus_file_round_trips() {
    let Some(dir) = corpus() else { return };
    let files = files_below(&dir.join("files"))
        .into_iter()
        .chain(files_below(&dir.join("trees")));
    let mut count = 0;
    for path in files {
        let bytes = std::fs::read(&path).unwrap();
        let tree = wslint::syntax::parse(bytes.clone());
        assert!(
            tree.print() == bytes,
            "{} does not round-trip",
            path.display()
        );
        count += 1;
    }
    assert!(count >= 250, "only {count} corpus files");
}

#[test]
fn corpus_syntax_verdicts_match_nginx() {
    let Some(dir) = corpus() else { return };
    let rows: Vec<Row> = manifest(&dir)
        .into_iter()
        .filter(|r| r.kind == "file")
        .collect();
    let (mut ok, mut err) = (0, 0);
    for row in &rows {
        let (problems, _) = analyse(&dir, row);
        let syntax_lines: Vec<usize> = problems.iter().filter(|p| p.2).map(|p| p.0).collect();
        match row.nginx_syntax.as_str() {
            "ok" => {
                assert!(
                    syntax_lines.is_empty(),
                    "{}: nginx accepts it, wslint reports {problems:?}",
                    row.path
                );
                ok += 1;
            }
            "error" => {
                let want = nginx_line(&row.nginx_t).expect("nginx names a line");
                assert!(
                    syntax_lines.iter().any(|&l| l.abs_diff(want) <= 1),
                    "{}: nginx reports line {want}, wslint reports {problems:?}",
                    row.path
                );
                err += 1;
            }
            _ => {}
        }
    }
    assert!(
        ok >= 80 && err >= 13,
        "checked {ok} accepted and {err} rejected files"
    );
}

/// Context, argument-count and block diagnostics (E003, E004, E005).
fn is_directive_diagnostic(d: &Diagnostic) -> bool {
    matches!(d.code, "E003" | "E004" | "E005")
}

#[test]
fn no_directive_diagnostics_where_nginx_t_passes() {
    let Some(dir) = corpus() else { return };
    let rows = manifest(&dir);
    let (mut files, mut trees) = (0, 0);
    for row in rows.iter().filter(|r| r.nginx_t == "ok") {
        let diagnostics: Vec<Diagnostic> = if row.kind == "file" {
            files += 1;
            analyse(&dir, row).1
        } else {
            trees += 1;
            let loaded = load(&[Input::Path(dir.join(&row.path))]);
            Model::build(&loaded.files, &loaded.entries).diagnostics
        };
        let wrong: Vec<&Diagnostic> = diagnostics
            .iter()
            .filter(|d| is_directive_diagnostic(d))
            .collect();
        assert!(
            wrong.is_empty(),
            "{}: nginx -t accepts it, wslint reports {wrong:?}",
            row.path
        );
    }
    assert!(
        files >= 60 && trees >= 3,
        "checked {files} files and {trees} trees"
    );
}

/// Findings per code over the whole corpus (files alone, trees as
/// directories), against tests/it/corpus_findings.snap. Every finding
/// behind these numbers was read and judged when the snapshot was taken; a
/// change must be read again. `WSLINT_UPDATE_SNAPSHOTS=1` rewrites it.
#[test]
fn corpus_findings_per_rule_match_the_snapshot() {
    let Some(dir) = corpus() else { return };
    let mut counts = std::collections::BTreeMap::<&str, usize>::new();
    for row in manifest(&dir) {
        let outcome = wslint::app::check::run(
            &[Input::Path(dir.join(&row.path))],
            &wslint::rules::RuleSettings::default(),
        );
        for d in &outcome.diagnostics {
            *counts.entry(d.code).or_default() += 1;
        }
    }
    let actual: String = counts
        .iter()
        .map(|(code, n)| format!("{code} {n}\n"))
        .collect();
    let snap =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/corpus_findings.snap");
    if std::env::var_os("WSLINT_UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&snap, &actual).unwrap();
    }
    let expected = std::fs::read_to_string(&snap).unwrap_or_default();
    assert_eq!(
        actual, expected,
        "corpus findings per rule changed; read the new findings, then update the snapshot"
    );
}
