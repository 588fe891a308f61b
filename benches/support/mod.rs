//! Code shared by the benchmarks.

pub mod generator;

/// The value after `--name` on the bench's command line.
#[allow(dead_code)] // Not every bench takes options.
pub fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}
