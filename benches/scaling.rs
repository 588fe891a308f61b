//! Does every command stay linear? Runs the wslint binary with each output
//! format, `--diff` and `inspect` on a generated tree of N server blocks and
//! on one of 2N, output to /dev/null, and prints the best of three wall
//! times and their ratio: about 2 is linear, 4 is quadratic. Two layouts:
//! 100 servers per file (more files), all servers in 5 files (bigger
//! files, where work per finding that scans its whole file shows up), and
//! one file of N locations each marked `# wslint: websocket` and carrying
//! a `# wslint: ignore` (suppressions matched against every finding).
//! `cargo bench --bench scaling -- --servers N` sets N (default 4,000).

mod support;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use support::generator::{GeneratedTree, generate};

const COMMANDS: &[&[&str]] = &[
    &["--format", "text"],
    &["--format", "concise"],
    &["--format", "json"],
    &["--format", "sarif"],
    &["--format", "github"],
    &["--diff", "--unsafe-fixes"],
    &["inspect", "--format", "json"],
    &["inspect"],
    &["parse"],
];

/// The best wall time of three runs of `wslint ARGS DIR`.
fn time_command(args: &[&str], dir: &Path) -> Duration {
    (0..3)
        .map(|_| {
            let start = Instant::now();
            let status = Command::new(env!("CARGO_BIN_EXE_wslint"))
                .args(args)
                .args(["--nginx-version", "1.28.0"])
                .arg(dir)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .expect("run wslint");
            assert!(status.code().is_some_and(|c| c <= 2), "{args:?}: {status}");
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let servers: usize = args
        .iter()
        .position(|a| a == "--servers")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(4_000);
    // A fixed number of files, or 100 servers per file; or the file of
    // suppression comments.
    let layouts = [
        ("100 servers per file", Some(None)),
        ("5 files", Some(Some(5))),
        ("suppression comments", None),
    ];
    for (layout, files) in layouts {
        let sizes = [servers, 2 * servers];
        let mut megabytes = Vec::new();
        let dirs: Vec<tempfile::TempDir> = sizes
            .iter()
            .map(|&n| {
                let dir = tempfile::tempdir().expect("temporary folder");
                let tree = match files {
                    Some(fixed) => generate(n, fixed.unwrap_or((n / 100).max(1))),
                    None => suppressed_tree(n),
                };
                tree.write_to(dir.path()).expect("write the tree");
                megabytes.push(tree.total_bytes() as f64 / 1e6);
                dir
            })
            .collect();
        println!(
            "{layout}: N = {} and {} ({:.1} and {:.1} MB)",
            sizes[0], sizes[1], megabytes[0], megabytes[1]
        );
        for command in COMMANDS {
            let small = time_command(command, dirs[0].path());
            let large = time_command(command, dirs[1].path());
            println!(
                "  {:<26} {:>8.0} ms {:>8.0} ms   x{:.2}",
                command.join(" "),
                small.as_secs_f64() * 1e3,
                large.as_secs_f64() * 1e3,
                large.as_secs_f64() / small.as_secs_f64()
            );
        }
    }
}

/// An nginx.conf with `n` WebSocket locations, each marked as one and
/// suppressing WS007 on its `proxy_pass ws://` line.
fn suppressed_tree(n: usize) -> GeneratedTree {
    let mut text = String::from(
        "events {}\nhttp {\n    map $http_upgrade $connection_upgrade { default upgrade; '' close; }\n    server {\n",
    );
    for i in 0..n {
        text.push_str(&format!(
            "        # wslint: websocket\n        location /p{i}/ {{\n            proxy_pass ws://b; # wslint: ignore WS007\n        }}\n"
        ));
    }
    text.push_str("    }\n}\n");
    GeneratedTree {
        files: vec![("nginx.conf".to_string(), text)],
    }
}
