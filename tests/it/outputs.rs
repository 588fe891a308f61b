//! Every output stays byte for byte what it is: each format of a check,
//! `--diff`, `inspect` and `parse`, on a generated benchmark tree and on
//! every entry of the real-world corpus (when ../shared/corpus is there),
//! compared by SHA-1 with tests/golden/outputs.tsv. A restructuring of the
//! core must not change a byte; a change meant to alter output updates the
//! goldens (`WSLINT_UPDATE_SNAPSHOTS=1`) and the diff of that file shows
//! which outputs moved.

use crate::support::{corpus, repo_root};
use sha1::{Digest, Sha1};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

// The benchmarks' generator; only part of it is used here.
#[allow(dead_code)]
#[path = "../../benches/support/generator.rs"]
mod generator;

const GOLDEN: &str = "tests/golden/outputs.tsv";

/// What is run on each input (the input's path is appended).
const COMMANDS: &[(&str, &[&str])] = &[
    ("text", &["--color", "never"]),
    ("concise", &["--format", "concise"]),
    ("json", &["--format", "json"]),
    ("sarif", &["--format", "sarif"]),
    ("github", &["--format", "github"]),
    ("diff", &["--diff", "--unsafe-fixes"]),
    ("inspect", &["inspect"]),
    ("inspect-json", &["inspect", "--format", "json"]),
    ("parse", &["parse"]),
];

/// SHA-1 and length of everything a command printed, with its exit code.
fn fingerprint(cwd: &Path, args: &[&str], input: &str) -> String {
    // The version after the command's own words: before a subcommand, an
    // option makes the subcommand's name read as a path to check.
    let out = Command::new(env!("CARGO_BIN_EXE_wslint"))
        .current_dir(cwd)
        .args(args)
        .args(["--nginx-version", "1.28.0"])
        .arg(input)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .output()
        .unwrap();
    let mut hash = Sha1::new();
    hash.update(&out.stdout);
    hash.update(b"\0stderr\0");
    hash.update(&out.stderr);
    let digest: String = hash.finalize().iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{digest}\t{}\t{}",
        out.stdout.len() + out.stderr.len(),
        out.status.code().unwrap_or(-1)
    )
}

/// (input, command) → fingerprint for every input under `cwd`, on a few
/// threads.
fn fingerprints(cwd: &Path, inputs: &[String], label: &str) -> BTreeMap<String, String> {
    let jobs: Vec<(String, &str, &[&str])> = inputs
        .iter()
        .flat_map(|input| {
            COMMANDS
                .iter()
                .map(move |(name, args)| (input.clone(), *name, *args))
        })
        .collect();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results = std::sync::Mutex::new(BTreeMap::new());
    std::thread::scope(|threads| {
        for _ in 0..4 {
            threads.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some((input, name, args)) = jobs.get(i) else {
                        break;
                    };
                    let print = fingerprint(cwd, args, input);
                    results
                        .lock()
                        .unwrap()
                        .insert(format!("{label}{input}\t{name}"), print);
                }
            });
        }
    });
    results.into_inner().unwrap()
}

fn golden() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(repo_root().join(GOLDEN)).unwrap_or_default();
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let mut cells = l.splitn(3, '\t');
            let (input, command, rest) = (cells.next()?, cells.next()?, cells.next()?);
            Some((format!("{input}\t{command}"), rest.to_string()))
        })
        .collect()
}

/// Compares `now` with the goldens whose keys start with `label`; with
/// `WSLINT_UPDATE_SNAPSHOTS` set, rewrites those lines instead.
fn compare(label: &str, now: BTreeMap<String, String>) {
    let mut all = golden();
    if std::env::var_os("WSLINT_UPDATE_SNAPSHOTS").is_some() {
        all.retain(|k, _| !k.starts_with(label));
        all.extend(now);
        let mut text = String::from(
            "# input\tcommand\tsha1 of stdout, NUL, stderr\tbytes\texit code (tests/it/outputs.rs)\n",
        );
        for (k, v) in &all {
            text.push_str(&format!("{k}\t{v}\n"));
        }
        std::fs::write(repo_root().join(GOLDEN), text).unwrap();
        return;
    }
    let expected: BTreeMap<&String, &String> =
        all.iter().filter(|(k, _)| k.starts_with(label)).collect();
    let changed: Vec<String> = now
        .iter()
        .filter(|(k, v)| expected.get(k) != Some(v))
        .map(|(k, v)| {
            format!(
                "{k}: {} -> {v}",
                expected.get(k).map_or("(none)", |e| e.as_str())
            )
        })
        .collect();
    assert!(
        changed.is_empty() && expected.len() == now.len(),
        "{} of {} outputs changed ({} expected):\n{}",
        changed.len(),
        now.len(),
        expected.len(),
        changed.join("\n")
    );
}

#[test]
fn outputs_on_a_generated_tree_are_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    generator::generate(2_000, 20).write_to(dir.path()).unwrap();
    compare(
        "generated:",
        fingerprints(dir.path(), &[".".to_string()], "generated:"),
    );
}

#[test]
fn outputs_on_the_corpus_are_unchanged() {
    let Some(dir) = corpus() else { return };
    let manifest = std::fs::read_to_string(dir.join("manifest.tsv")).unwrap();
    let inputs: Vec<String> = manifest
        .lines()
        .skip(1)
        .filter_map(|l| l.split('\t').next())
        .map(String::from)
        .collect();
    compare("corpus:", fingerprints(&dir, &inputs, "corpus:"));
}
