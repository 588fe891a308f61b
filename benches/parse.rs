//! Parser throughput: parses a generated tree (thousands of server blocks
//! over hundreds of files) on one core and prints MB/s. Run with
//! `cargo bench --bench parse`; `-- --servers N --files M` changes the size.

mod support;

use std::time::{Duration, Instant};
use support::generator::generate;

/// A number given as `--name N`, else `default`.
fn number(name: &str, default: usize) -> usize {
    support::arg(name)
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let servers = number("--servers", 20_000);
    let files = number("--files", 200);
    let tree = generate(servers, files);
    let bytes: Vec<Vec<u8>> = tree
        .files
        .iter()
        .map(|(_, c)| c.clone().into_bytes())
        .collect();
    let total = tree.total_bytes();

    // Warm up, then take the best of several runs (least disturbed by noise).
    let mut best = Duration::MAX;
    let mut directives = 0;
    for _ in 0..7 {
        let inputs = bytes.clone();
        let start = Instant::now();
        let mut count = 0;
        for input in inputs {
            let tree = wslint::syntax::parse(input);
            count += tree.errors.len() + tree.items(&tree.root).len();
        }
        best = best.min(start.elapsed());
        directives = count;
    }
    let mb = total as f64 / 1e6;
    println!(
        "parse: {servers} servers in {} files, {mb:.1} MB: best {:.1} ms, {:.0} MB/s on one core (items: {directives})",
        tree.files.len(),
        best.as_secs_f64() * 1e3,
        mb / best.as_secs_f64()
    );
}
