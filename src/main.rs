//! The `wslint` binary: parse the command line, run the library, map the
//! result to an exit code (0 clean, 1 findings, 2 usage / I/O / syntax error).

use clap::{CommandFactory, Parser};
use std::io::Write;
use std::process::ExitCode;
use wslint::cli::{Cli, Command};
use wslint::{check, discover, report};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let code: u8 = match cli.into_command() {
        Command::Usage => {
            let _ = Cli::command().print_help();
            2
        }
        Command::Check { inputs, color } => {
            let outcome = check::run(&inputs);
            print(&report::text::render(&outcome, color));
            outcome.exit_code()
        }
        Command::Parse { inputs } => {
            let loaded = discover::load(&inputs);
            print(&report::parse_json::render(&loaded.files.files));
            println!();
            for e in &loaded.errors {
                eprintln!("error: {e}");
            }
            let failed = !loaded.errors.is_empty()
                || loaded.files.files.iter().any(|f| !f.tree.errors.is_empty());
            if failed { 2 } else { 0 }
        }
    };
    ExitCode::from(code)
}

/// Writes to stdout, ignoring a closed pipe (`wslint … | head`).
fn print(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}
