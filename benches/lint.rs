//! Whole-run throughput: writes a generated tree (default 20,000 server
//! blocks over 200 files) to a temporary folder, then loads, models and
//! lints it the way `wslint DIR` does, and prints the time of each run.
//! `cargo bench --bench lint -- --servers N --files M --keep DIR` changes
//! the size and keeps the tree for timing the binary by hand.

mod support;

use std::time::{Duration, Instant};
use support::generator::generate;
use wslint::discover::Input;
use wslint::rules::RuleSettings;

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

fn main() {
    let servers = arg("--servers")
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let files = arg("--files").and_then(|v| v.parse().ok()).unwrap_or(200);
    let tree = generate(servers, files);
    let temp = tempfile::tempdir().expect("temporary folder");
    let dir = match arg("--keep") {
        Some(keep) => std::path::PathBuf::from(keep),
        None => temp.path().to_path_buf(),
    };
    tree.write_to(&dir).expect("write the tree");
    let mb = tree.total_bytes() as f64 / 1e6;
    let mut best = Duration::MAX;
    let mut findings = 0;
    for _ in 0..5 {
        let start = Instant::now();
        let outcome = wslint::check::run(&[Input::Path(dir.clone())], &RuleSettings::default());
        best = best.min(start.elapsed());
        findings = outcome.diagnostics.len();
    }
    println!(
        "lint: {servers} servers in {} files, {mb:.1} MB: best {:.1} ms ({findings} findings)",
        tree.files.len(),
        best.as_secs_f64() * 1e3
    );
}
