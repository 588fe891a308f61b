//! Diagnostics after an edit in `wslint server`: the wall time from sending
//! `textDocument/didChange` (the full text) to receiving the
//! `textDocument/publishDiagnostics` for that document, over stdio, against
//! the release binary. That is what an editor user waits for after typing.
//!
//! Two trees, each copied or written to a temporary folder that is the
//! workspace folder:
//! - fixtures/demo, with `sites-enabled/app` open (nginx.conf includes it);
//!   target: median ≤ 20 ms;
//! - a generated tree of 2,000 servers over 20 files, with
//!   `sites/site0000.conf` open; target: median ≤ 150 ms.
//!
//! Each edit toggles the first `proxy_read_timeout` of the open file
//! between its own value and `30s`, so WS006 comes and goes and the server
//! has to publish different diagnostics each time. Some warm-up edits are
//! not counted. The time of the first diagnostics after `didOpen` is
//! reported too: it also includes finding the configuration the file
//! belongs to (loading nginx.conf to see whether its includes reach the
//! file); each sample starts a fresh server.
//!
//! `cargo bench --bench server -- --edits N --warmup N --opens N`
//! (defaults 50, 5, 5).

#[path = "support/lsp_client.rs"]
mod lsp_client;
mod support;

use lsp_client::{Client, uri};
use std::path::Path;
use std::time::{Duration, Instant};
use support::arg;
use support::generator::generate;

/// `--nginx-version` keeps the server from running `nginx -v`, which would
/// time the local nginx instead of wslint.
const SERVER_ARGS: &[&str] = &["--nginx-version", "1.28.0"];

fn main() {
    // At least two edits, so that both texts are published.
    let edits: usize = arg("--edits")
        .and_then(|v| v.parse().ok())
        .unwrap_or(50)
        .max(2);
    let warmup: usize = arg("--warmup").and_then(|v| v.parse().ok()).unwrap_or(5);
    let opens: usize = arg("--opens")
        .and_then(|v| v.parse().ok())
        .unwrap_or(5)
        .max(1);
    let runs = Runs {
        edits,
        warmup,
        opens,
    };

    let demo = tempfile::tempdir().expect("temporary folder");
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo");
    let files = copy_dir(&fixture, demo.path());
    let label = format!("demo: {files} files");
    runs.measure(&label, demo.path(), "sites-enabled/app", 20.0);

    let generated = tempfile::tempdir().expect("temporary folder");
    let (servers, site_files) = (2_000, 20);
    let tree = generate(servers, site_files);
    tree.write_to(generated.path()).expect("write the tree");
    let label = format!(
        "generated: {servers} servers in {} files, {:.1} MB",
        tree.files.len(),
        tree.total_bytes() as f64 / 1e6
    );
    runs.measure(&label, generated.path(), "sites/site0000.conf", 150.0);
}

struct Runs {
    edits: usize,
    warmup: usize,
    opens: usize,
}

impl Runs {
    /// Times first diagnostics after opening `file` (below `root`), then
    /// diagnostics after each edit of it, and prints both against
    /// `target_ms` (the target is for edits).
    fn measure(&self, label: &str, root: &Path, file: &str, target_ms: f64) {
        let binary = Path::new(env!("CARGO_BIN_EXE_wslint"));
        let path = root.join(file);
        let document = uri(&path);
        let original = std::fs::read_to_string(&path).expect("read the open file");
        let edited = shorter_timeout(&original);
        println!("{label}, open {file}");

        // A fresh server per sample: the first open is the one that has
        // to find the configuration.
        let mut open_times = Vec::new();
        let mut client = None;
        for _ in 0..self.opens {
            if let Some(previous) = client.take() {
                Client::stop(previous);
            }
            let mut fresh = Client::start(binary, SERVER_ARGS, root);
            let start = Instant::now();
            fresh.open(&path, &original);
            let diagnostics = fresh.diagnostics_for(&document);
            open_times.push(start.elapsed());
            assert!(!diagnostics.is_empty(), "{file}: expected findings on open");
            client = Some(fresh);
        }
        let mut client = client.expect("at least one open");
        print_times("after open", &mut open_times, None);

        // Odd versions carry the edited text, even ones the original, so
        // every change differs from the one before.
        let mut edit_times = Vec::new();
        let mut counts = [0, 0];
        for i in 0..self.warmup + self.edits {
            let version = i as i32 + 2;
            let text = if version % 2 == 0 { &edited } else { &original };
            let start = Instant::now();
            client.change(&path, version, text);
            let diagnostics = client.diagnostics_for(&document);
            let elapsed = start.elapsed();
            counts[(version % 2) as usize] = diagnostics.len();
            if i >= self.warmup {
                edit_times.push(elapsed);
            }
        }
        // The toggle must change what is published, or the server might
        // be answering from something it did not recompute.
        assert_ne!(
            counts[0], counts[1],
            "{file}: the edit did not change the diagnostics"
        );
        print_times("after edit", &mut edit_times, Some(target_ms));
        println!(
            "  diagnostics on {file}: {} with the original text, {} with proxy_read_timeout 30s",
            counts[1], counts[0]
        );
        assert_eq!(client.stop(), Some(0), "the server exits cleanly");
    }
}

/// `text` with its first `proxy_read_timeout VALUE;` set to 30s, below
/// WS006's threshold.
fn shorter_timeout(text: &str) -> String {
    let directive = "proxy_read_timeout ";
    let start = text.find(directive).expect("a proxy_read_timeout to edit") + directive.len();
    let end = start + text[start..].find(';').expect("the directive ends");
    assert_ne!(&text[start..end], "30s", "the timeout must change");
    format!("{}30s{}", &text[..start], &text[end..])
}

/// Prints min / median / p90 / max of `times`, and the target if any.
fn print_times(what: &str, times: &mut [Duration], target_ms: Option<f64>) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let at = |q: f64| ms(times[((times.len() - 1) as f64 * q).round() as usize]);
    let median = at(0.5);
    let verdict = match target_ms {
        Some(t) if median <= t => format!(", target ≤ {t:.0} ms: met"),
        Some(t) => format!(", target ≤ {t:.0} ms: not met"),
        None => String::new(),
    };
    println!(
        "  {what} ({} runs): min {:.1} ms, median {median:.1} ms, p90 {:.1} ms, max {:.1} ms{verdict}",
        times.len(),
        ms(times[0]),
        at(0.9),
        ms(times[times.len() - 1]),
    );
}

/// Copies the files below `from` to `to`; how many.
fn copy_dir(from: &Path, to: &Path) -> usize {
    let mut files = 0;
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walk the fixture");
        let target = to.join(entry.path().strip_prefix(from).expect("below the fixture"));
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("create a folder");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy a file");
            files += 1;
        }
    }
    files
}
