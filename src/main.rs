//! The `wslint` binary: parse the command line, run the library, map the
//! result to an exit code (0 clean, 1 findings, 2 usage / I/O / syntax error).

use clap::{CommandFactory, Parser};
use std::io::Write;
use std::process::ExitCode;
use wslint::cli::{Cli, Command, Settings};
use wslint::rules::{self, RuleSettings};
use wslint::semantic::version::{VersionSource, target_version};
use wslint::semantic::{Model, NginxVersion, inspect};
use wslint::{check, discover, report};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let (command, settings) = cli.into_command();
    let code: u8 = match command {
        Command::Usage => {
            let _ = Cli::command().print_help();
            2
        }
        Command::Check { inputs } => {
            let rule_settings = RuleSettings {
                nginx_version: version(&settings),
                select: settings.select.clone(),
                ignore: settings.ignore.clone(),
                websocket_paths: settings.websocket_paths.clone(),
                ..RuleSettings::default()
            };
            if settings.fixes.fix || settings.fixes.diff {
                let out = wslint::fix::session::run(
                    &inputs,
                    &rule_settings,
                    &settings.fixes,
                    settings.color,
                );
                let _ = std::io::stdout().lock().write_all(&out.stdout);
                eprint!("{}", out.stderr);
                out.exit_code
            } else {
                let outcome = check::run(&inputs, &rule_settings);
                print(&report::text::render(&outcome, settings.color));
                outcome.exit_code()
            }
        }
        Command::Rule { code } => match rules::find_rule(&code) {
            Some(meta) => {
                print(&report::rules::explain(meta));
                0
            }
            None => {
                eprintln!("error: no rule `{code}`; `wslint rules` lists them");
                2
            }
        },
        Command::Rules => {
            print(&report::rules::table());
            0
        }
        Command::Parse { inputs } => {
            let loaded = discover::load(&inputs);
            print(&report::parse_json::render(&loaded.files.files));
            println!();
            report_read_errors(&loaded.errors);
            let failed = !loaded.errors.is_empty()
                || loaded.files.files.iter().any(|f| !f.tree.errors.is_empty());
            if failed { 2 } else { 0 }
        }
        Command::Inspect {
            inputs,
            location,
            json,
        } => {
            let (version, source) = target_version(settings.nginx_version);
            let loaded = discover::load(&inputs);
            let model = Model::build(&loaded.files, &loaded.entries);
            let reports = inspect::inspect(&model, version, location.as_deref());
            if json {
                print(&report::inspect::render_json(&reports, version));
            } else {
                print(&report::inspect::render_text(
                    &reports,
                    version,
                    version_note(source),
                ));
            }
            report_read_errors(&loaded.errors);
            let syntax = loaded.files.files.iter().any(|f| !f.tree.errors.is_empty())
                || model.diagnostics.iter().any(|d| d.is_syntax);
            if !loaded.errors.is_empty() || syntax {
                2
            } else {
                0
            }
        }
    };
    ExitCode::from(code)
}

/// The targeted nginx version; with `--verbose`, says where it came from.
fn version(settings: &Settings) -> NginxVersion {
    let (version, source) = target_version(settings.nginx_version);
    if settings.verbose {
        eprintln!("wslint: target nginx {version}{}", version_note(source));
    }
    version
}

fn version_note(source: VersionSource) -> &'static str {
    match source {
        VersionSource::CommandLine => " (from --nginx-version)",
        VersionSource::InstalledNginx => " (from `nginx -v`)",
        VersionSource::Assumed => {
            " (assumed: no --nginx-version and no nginx on PATH; a version before 1.29.7, where proxy_http_version defaults to 1.0)"
        }
    }
}

fn report_read_errors(errors: &[wslint::source::ReadError]) {
    for e in errors {
        eprintln!("error: {e}");
    }
}

/// Writes to stdout, ignoring a closed pipe (`wslint … | head`).
fn print(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}
