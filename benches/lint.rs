//! Whole-run throughput: writes a generated tree (default 20,000 server
//! blocks over 200 files) to a temporary folder, then loads, models and
//! lints it the way `wslint DIR` does, and prints the time of each run.
//! `cargo bench --bench lint -- --servers N --files M --keep DIR` changes
//! the size and keeps the tree for timing the binary by hand.

mod support;

use std::time::{Duration, Instant};
use support::arg;
use support::generator::generate;
use wslint::load::Input;
use wslint::rules::RuleSettings;

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
        let outcome =
            wslint::app::check::run(&[Input::Path(dir.clone())], &RuleSettings::default());
        best = best.min(start.elapsed());
        findings = outcome.diagnostics.len();
    }
    // Where the time goes: the fastest of five runs of each phase.
    let fastest = |times: &mut Vec<f64>, t: Instant| times.push(t.elapsed().as_secs_f64() * 1e3);
    let (mut load, mut build, mut check, mut report) = (vec![], vec![], vec![], vec![]);
    for _ in 0..5 {
        let t = Instant::now();
        let loaded = wslint::load::load(&[Input::Path(dir.clone())]);
        fastest(&mut load, t);
        let t = Instant::now();
        let model = wslint::semantic::Model::build(&loaded.files, &loaded.entries);
        fastest(&mut build, t);
        let t = Instant::now();
        let diagnostics = wslint::rules::run(&model, &RuleSettings::default());
        fastest(&mut check, t);
        drop((diagnostics, model));
    }
    let min = |times: &[f64]| times.iter().copied().fold(f64::MAX, f64::min);
    let (load_ms, model_ms, rules_ms) = (min(&load), min(&build), min(&check));
    let loaded = wslint::load::load(&[Input::Path(dir.clone())]);
    let model = wslint::semantic::Model::build(&loaded.files, &loaded.entries);
    let diagnostics = wslint::rules::run(&model, &RuleSettings::default());
    if let Some(code) = std::env::var_os("WSLINT_PROFILE_RULE") {
        let settings = RuleSettings {
            select: vec![code.to_string_lossy().into_owned()],
            ..RuleSettings::default()
        };
        for _ in 0..5 {
            wslint::rules::run(&model, &settings);
        }
        return;
    }
    if std::env::var_os("WSLINT_RULE_TIMES").is_some() {
        let t = Instant::now();
        let comments = wslint::rules::suppress::Comments::collect(&model);
        let routes = wslint::rules::routes::find(&model, &RuleSettings::default(), &comments);
        println!(
            "  routes: {:.1} ms ({} routes)",
            t.elapsed().as_secs_f64() * 1e3,
            routes.len()
        );
        let t = Instant::now();
        let vars = wslint::rules::values::VariableIndex::build(&model);
        println!(
            "  variable index: {:.1} ms",
            t.elapsed().as_secs_f64() * 1e3
        );
        drop(vars);
        for rule in wslint::rules::all_rules() {
            let code = rule.meta.code;
            let settings = RuleSettings {
                select: vec![code.to_string()],
                ..RuleSettings::default()
            };
            let t = Instant::now();
            let n = wslint::rules::run(&model, &settings).len();
            println!("  {code}: {:.1} ms ({n})", t.elapsed().as_secs_f64() * 1e3);
        }
    }
    drop((diagnostics, model));
    let outcome = wslint::app::check::run(&[Input::Path(dir.clone())], &RuleSettings::default());
    for _ in 0..5 {
        let t = Instant::now();
        let mut sink = std::io::BufWriter::new(std::io::sink());
        wslint::report::json::write(&outcome, 0, &mut sink).expect("write to a sink");
        fastest(&mut report, t);
    }
    let json_ms = min(&report);
    println!(
        "phases: load+parse {load_ms:.1} ms, model {model_ms:.1} ms, rules {rules_ms:.1} ms ({} findings), locate and JSON {json_ms:.1} ms",
        outcome.diagnostics.len()
    );
    println!(
        "lint: {servers} servers in {} files, {mb:.1} MB: best {:.1} ms ({findings} findings)",
        tree.files.len(),
        best.as_secs_f64() * 1e3
    );
}
