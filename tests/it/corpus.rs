//! The real-world corpus (../shared/corpus, named by WSLINT_CORPUS): every
//! file round-trips; files nginx accepted have no syntax error; files nginx
//! rejected for syntax get an error near the line nginx named.

use crate::support::{corpus, files_below};
use wslint::source::SourceFile;

/// Files whose break nginx finds only with directive knowledge (a directive
/// that takes no block swallowing the next line's `{`, or `server "x";` in
/// http). The syntax layer accepts them by design; the directive table of the
/// semantic model reports them.
const NEEDS_DIRECTIVE_KNOWLEDGE: &[&str] = &[
    "files/jupyterhub__jupyterhub/docs__source__howto__configuration__config-proxy.md.block3.conf",
    "files/mattermost__docs/source__deployment-guide__server__setup-nginx-proxy.rst.block2.conf",
    "files/mattermost__docs/source__deployment-guide__server__setup-nginx-proxy.rst.block3.conf",
    "files/mattermost__docs/source__deployment-guide__server__setup-nginx-proxy.rst.block4.conf",
    "files/yandex__gixy/tests__plugins__simply__add_header_redefinition__non_block_fp.conf",
];

struct Row {
    path: String,
    kind: String,
    nginx_t: String,
    nginx_syntax: String,
}

fn manifest(dir: &std::path::Path) -> Vec<Row> {
    let text = std::fs::read_to_string(dir.join("manifest.tsv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (path, kind, nginx_t, syntax) = (
        col("path"),
        col("type"),
        col("nginx_t"),
        col("nginx_syntax"),
    );
    lines
        .map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            Row {
                path: f[path].to_string(),
                kind: f[kind].to_string(),
                nginx_t: f[nginx_t].to_string(),
                nginx_syntax: f[syntax].to_string(),
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
        let file = SourceFile::read(&dir.join(&row.path)).unwrap();
        let lines: Vec<usize> = file
            .tree
            .errors
            .iter()
            .map(|e| file.line_col(e.span.start).0)
            .collect();
        match row.nginx_syntax.as_str() {
            "ok" => {
                assert!(
                    lines.is_empty(),
                    "{}: nginx accepts it, wslint reports {:?}",
                    row.path,
                    file.tree.errors
                );
                ok += 1;
            }
            "error" if NEEDS_DIRECTIVE_KNOWLEDGE.contains(&row.path.as_str()) => {
                eprintln!("deferred to the directive table: {}", row.path);
            }
            "error" => {
                let want = nginx_line(&row.nginx_t).expect("nginx names a line");
                assert!(
                    lines.iter().any(|&l| l.abs_diff(want) <= 1),
                    "{}: nginx reports line {want}, wslint reports lines {lines:?}",
                    row.path
                );
                err += 1;
            }
            _ => {}
        }
    }
    assert!(
        ok >= 80 && err >= 8,
        "checked {ok} accepted and {err} rejected files"
    );
}
