//! The `wslint` binary: parse the command line, run the library, map the
//! result to an exit code (0 clean, 1 findings, 2 usage / I/O / syntax error).

pub mod check;
pub(crate) mod cli;
pub(crate) mod config;
pub(crate) mod fix;
mod server;
mod verify;

use crate::load::Input;
use crate::rules::{self, RuleSettings};
use crate::semantic::{Model, inspect};
use crate::{load, probe, report};
use clap::{CommandFactory, Parser};
use cli::{Cli, Command, Settings};
use config::VersionSource;
use std::io::Write;
use std::process::ExitCode;

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let (command, settings) = cli.into_command();
    let code: u8 = match command {
        Command::Misused(message) => {
            eprintln!("error: {message}");
            2
        }
        Command::Usage => {
            let _ = Cli::command().print_help();
            2
        }
        Command::Check { inputs } => match check_settings(&settings, &inputs) {
            Ok(rule_settings) => run_check(&inputs, &rule_settings, &settings),
            Err(code) => code,
        },
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
        Command::Apps { app: None } => {
            print(&report::apps::table());
            0
        }
        Command::Apps { app: Some(id) } => match report::apps::explain(&id) {
            Some(text) => {
                print(&text);
                0
            }
            None => {
                eprintln!("error: no app `{id}`; `wslint apps` lists them");
                2
            }
        },
        Command::ConfigInit => config_init(),
        Command::Completions(shell) => {
            clap_complete::generate(shell, &mut Cli::command(), "wslint", &mut std::io::stdout());
            0
        }
        Command::Man => {
            let mut out = Vec::new();
            match clap_mangen::Man::new(Cli::command()).render(&mut out) {
                Ok(()) => {
                    let _ = std::io::stdout().write_all(&out);
                    0
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    2
                }
            }
        }
        Command::Probe { options, json } => run_probe(&options, json),
        Command::Server => server::run(&settings),
        Command::Parse { inputs } => {
            let loaded = load::load(&inputs);
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
            // The same settings as a check: the target version and the
            // declared WebSocket paths of `.wslint.toml` and the command line.
            let (rule_settings, source) = match config::resolve(&settings, &inputs) {
                Ok(resolved) => resolved,
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::from(2);
                }
            };
            let version = rule_settings.nginx_version;
            let loaded = load::load(&inputs);
            let model = Model::build_for(&loaded.files, &loaded.entries, version);
            let routes = rules::routes::reports(&model, &rule_settings);
            let reports = inspect::inspect(&model, version, location.as_deref(), &routes);
            if json {
                let mut out = std::io::BufWriter::new(std::io::stdout().lock());
                let _ = report::inspect::write_json(&reports, version, &mut out)
                    .and_then(|()| out.flush());
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

/// The check settings (configuration file and command line), or exit 2.
fn check_settings(settings: &Settings, inputs: &[Input]) -> Result<RuleSettings, u8> {
    match config::resolve(settings, inputs) {
        Ok((rule_settings, source)) => {
            if settings.verbose {
                eprintln!(
                    "wslint: target nginx {}{}",
                    rule_settings.nginx_version,
                    version_note(source)
                );
            }
            Ok(rule_settings)
        }
        Err(e) => {
            eprintln!("error: {e}");
            Err(2)
        }
    }
}

fn run_check(inputs: &[Input], rule_settings: &RuleSettings, settings: &Settings) -> u8 {
    let progress = crate::progress::Progress::start();
    let code = if settings.fixes.fix || settings.fixes.diff {
        crate::fix::cleanup::remove_temporary_files_on_interrupt();
        let out = crate::app::fix::run(
            inputs,
            rule_settings,
            &settings.fixes,
            settings.format,
            settings.color,
        );
        if let Some(p) = progress {
            p.finish();
        }
        let _ = std::io::stdout().lock().write_all(&out.stdout);
        eprint!("{}", out.stderr);
        out.exit_code
    } else {
        warn_of_pending_fix(inputs);
        let outcome = check::run(inputs, rule_settings);
        if let Some(p) = progress {
            p.finish();
        }
        if settings.verbose {
            list_files(&outcome);
        }
        let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
        // A closed pipe (`wslint … | head`) is not an error of the run.
        let _ = report::write(settings.format, &outcome, settings.color, 0, &mut out)
            .and_then(|()| out.flush());
        outcome.exit_code()
    };
    if settings.exit_zero && code == 1 {
        0
    } else {
        code
    }
}

/// `wslint probe`: text lines appear as the steps finish (an `--idle`
/// probe takes a while); JSON is one document at the end. Exit 0 when the
/// WebSocket works, 1 when it does not.
fn run_probe(options: &probe::Options, json: bool) -> u8 {
    let report = if json {
        let report = probe::run(options, &mut |_| {});
        print(&probe::report::render_json(&report));
        report
    } else {
        print(&probe::report::text_header(&options.target.url()));
        let report = probe::run(options, &mut |step| print(&probe::report::text_step(step)));
        print(&probe::report::text_conclusion(&report));
        report
    };
    if report.works() { 0 } else { 1 }
}

fn config_init() -> u8 {
    let path = std::path::Path::new(config::FILE_NAME);
    if path.exists() {
        eprintln!("error: {} already exists; not overwritten", path.display());
        return 2;
    }
    match std::fs::write(path, config::DEFAULT_CONFIG) {
        Ok(()) => {
            println!("wrote {}", path.display());
            0
        }
        Err(e) => {
            eprintln!("error: {}: {e}", path.display());
            2
        }
    }
}

fn version_note(source: VersionSource) -> &'static str {
    match source {
        VersionSource::CommandLine => " (from --nginx-version)",
        VersionSource::ConfigFile => " (from the configuration file)",
        VersionSource::InstalledNginx => " (from `nginx -v`)",
        VersionSource::Assumed => {
            " (assumed: no --nginx-version and no nginx on PATH; a version before 1.29.7, where proxy_http_version defaults to 1.0)"
        }
    }
}

/// A check run does not write: it says when an interrupted `--fix` left
/// its journal, which `--fix` finishes.
fn warn_of_pending_fix(inputs: &[Input]) {
    let first = inputs.iter().find_map(|i| match i {
        Input::Path(p) => Some(p.as_path()),
        Input::Stdin => None,
    });
    if let Some(journal) =
        first.and_then(|p| crate::fix::journal::pending(&crate::fix::journal::folder_of(p)))
    {
        eprintln!(
            "warning: {} holds a fix an earlier run was interrupted in; `wslint --fix` finishes it",
            journal.display()
        );
    }
}

/// `-v`: every file the run read, and every file of a directory it did
/// not check, with the reason.
fn list_files(outcome: &report::Outcome) {
    let mut text = String::new();
    let safe =
        |path: &std::path::Path| report::terminal_safe(&path.display().to_string()).into_owned();
    for file in &outcome.files.files {
        text.push_str(&format!("wslint: read {}\n", safe(&file.path)));
    }
    for (path, reason) in &outcome.skipped {
        text.push_str(&format!("wslint: skipped {}: {reason}\n", safe(path)));
    }
    eprint!("{text}");
}

fn report_read_errors(errors: &[crate::load::source::ReadError]) {
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
