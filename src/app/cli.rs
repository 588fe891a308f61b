//! The command line: clap types only. [`Cli::into_command`] resolves them into
//! a [`Command`] so nothing past this module sees clap.

use crate::diagnostic::Severity;
use crate::load::Input;
use crate::probe::args::{Header, Target, parse_duration, parse_header, parse_url};
use crate::report::{Color, Format};
use crate::syntax::NginxVersion;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Lint nginx configurations for WebSocket proxying mistakes.
#[derive(Debug, Parser)]
#[command(
    name = "wslint",
    version,
    about,
    after_help = "Exit codes: 0 clean, 1 findings, 2 usage / I/O / syntax error.\n\
                  A file named like a subcommand is reached as ./NAME.\n\
                  Options may come before a subcommand: wslint --nginx-version 1.28.0 inspect PATH."
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Option<SubCommand>,

    /// Files or directories to check, or `-` for standard input (an
    /// `nginx -T` dump is recognised) [default: /etc/nginx when it exists]
    pub(crate) paths: Vec<PathBuf>,

    #[command(flatten)]
    pub(crate) common: CommonArgs,

    /// Rules to run: comma-separated codes or prefixes (WS0, WS01, WS006);
    /// replaces the default set
    #[arg(long, value_delimiter = ',', value_name = "CODES", value_parser = RuleCodes { names: false }, hide_possible_values = true)]
    pub(crate) select: Vec<String>,

    /// Rules not to run: comma-separated codes or prefixes
    #[arg(long, value_delimiter = ',', value_name = "CODES", value_parser = RuleCodes { names: false }, hide_possible_values = true)]
    pub(crate) ignore: Vec<String>,

    /// Treat locations whose pattern matches this glob as WebSocket routes
    /// (repeatable), e.g. `/live/*`; `GLOB=APP` also names the app behind
    /// them, e.g. `/rt/*=socket.io` (`wslint apps` lists the apps)
    #[arg(long, value_name = "GLOB[=APP]", global = true)]
    pub(crate) websocket_path: Vec<String>,

    /// Apply safe fixes in place (with `-`, print the fixed input)
    #[arg(long)]
    pub(crate) fix: bool,

    /// Also apply (with --fix or --diff) the fixes that change behaviour
    #[arg(long)]
    pub(crate) unsafe_fixes: bool,

    /// Print a unified diff of the fixes and write nothing (exit 1 when
    /// there is a diff)
    #[arg(long, conflicts_with = "fix")]
    pub(crate) diff: bool,

    /// With --fix, keep each replaced original beside it as a hidden file
    /// with this suffix (`.orig` keeps `app` as `.app.orig`; an earlier
    /// backup is never replaced)
    #[arg(long, value_name = "SUFFIX", requires = "fix", value_parser = backup_suffix)]
    pub(crate) backup: Option<String>,

    /// With --fix, run `nginx -t` on a copy of the fixed tree first and
    /// write nothing when it fails
    #[arg(long, requires = "fix")]
    pub(crate) verify: bool,

    /// Output format
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub(crate) format: OutputFormat,

    /// Lowest severity that makes the run fail with exit code 1
    /// [default: warning, or the configuration file's `fail-on`]
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub(crate) fail_on: Option<Level>,

    /// Exit 0 even when findings remain (2 still means the run failed)
    #[arg(long)]
    pub(crate) exit_zero: bool,

    /// Read settings from this file instead of the nearest .wslint.toml
    #[arg(long, value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,

    /// When to use colour
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub(crate) color: ColorChoice,
}

/// A severity as the command line spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Level {
    Error,
    Warning,
    Info,
}

impl From<Level> for Severity {
    fn from(level: Level) -> Severity {
        match level {
            Level::Error => Severity::Error,
            Level::Warning => Severity::Warning,
            Level::Info => Severity::Info,
        }
    }
}

/// What to do with fixes.
#[derive(Debug, Clone, Default)]
pub(crate) struct FixSettings {
    pub(crate) fix: bool,
    pub(crate) diff: bool,
    pub(crate) unsafe_fixes: bool,
    pub(crate) backup: Option<String>,
    pub(crate) verify: bool,
}

/// A rule code or prefix (or, with `names`, a rule's name): any text (the
/// check says which are unknown), with every rule's code (and name)
/// offered to shell completion.
#[derive(Clone)]
struct RuleCodes {
    names: bool,
}

impl clap::builder::TypedValueParser for RuleCodes {
    type Value = String;

    fn parse_ref(
        &self,
        _cmd: &clap::Command,
        _arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        value
            .to_str()
            .map(String::from)
            .ok_or_else(|| clap::Error::new(clap::error::ErrorKind::InvalidUtf8))
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        let names = self.names;
        let values = crate::rules::all_metas().into_iter().flat_map(move |m| {
            let code = clap::builder::PossibleValue::new(m.code).help(m.summary);
            let name = names.then(|| clap::builder::PossibleValue::new(m.name).help(m.summary));
            std::iter::once(code).chain(name)
        });
        Some(Box::new(values))
    }
}

/// Options shared by the check and inspect commands.
#[derive(Debug, Args)]
pub(crate) struct CommonArgs {
    /// Target nginx version [default: `nginx -v` when nginx is on PATH,
    /// else a version before 1.29.7]
    #[arg(long, value_name = "X.Y.Z", value_parser = parse_version, global = true)]
    pub(crate) nginx_version: Option<NginxVersion>,

    /// Say more about what is assumed (the nginx version, entry points)
    #[arg(short, long, global = true)]
    pub(crate) verbose: bool,
}

fn parse_version(text: &str) -> Result<NginxVersion, String> {
    NginxVersion::parse(text).ok_or_else(|| format!("`{text}` is not a version like 1.29.7"))
}

#[derive(Debug, Subcommand)]
pub(crate) enum SubCommand {
    /// Print the syntax tree as JSON (byte spans, lines, comments)
    Parse {
        /// Files or directories to parse, or `-` for standard input
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Explain one rule
    Rule {
        /// A rule code or name, e.g. WS001 or missing-http-version
        #[arg(value_parser = RuleCodes { names: true }, hide_possible_values = true)]
        code: String,
    },
    /// List every rule: code, name, severity, fix availability, default
    Rules,
    /// List the WebSocket apps wslint knows (grammar/websocket-apps.tsv):
    /// endpoint paths, heartbeat, Origin check, default ports; with an app
    /// id, that app's facts and their sources
    Apps {
        /// An app id, e.g. socket.io or home-assistant
        app: Option<String>,
    },
    /// Work with the configuration file
    Config {
        #[command(subcommand)]
        action: ConfigAction,
    },
    /// Print shell completions (bash, zsh, fish, powershell, elvish)
    Completions { shell: clap_complete::Shell },
    /// Print the man page (roff)
    #[command(hide = true)]
    Man,
    /// Show the effective configuration of each location: what nginx will
    /// actually do there, and which file and line supplied each value
    Inspect {
        /// Files or directories, or `-` for standard input
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Only locations whose pattern contains this text
        #[arg(long, value_name = "PATTERN")]
        location: Option<String>,
        /// Output format
        #[arg(long, value_enum, default_value_t = InspectFormat::Text)]
        format: InspectFormat,
    },
    /// Check a live WebSocket endpoint through the proxy: handshake, ping
    /// and pong, optionally an idle period; diagnose what fails (exit 0
    /// when the WebSocket works, 1 when it does not)
    Probe(ProbeArgs),
    /// Run as a language server (LSP over standard input and output) for
    /// editors: diagnostics in the file's real context, quick fixes, hover
    /// with what nginx does at a location, go to definition, an outline
    Server,
}

/// The options of `wslint probe`.
#[derive(Debug, Args)]
pub(crate) struct ProbeArgs {
    /// ws://, wss://, http:// or https:// URL (http means ws, https wss)
    #[arg(value_name = "URL", value_parser = parse_url)]
    pub(crate) url: Target,
    /// Send this Origin header, as a browser on that site would
    #[arg(long, value_name = "ORIGIN")]
    pub(crate) origin: Option<String>,
    /// Add a header, e.g. 'Cookie: session=…' (repeatable); replaces a
    /// default header of the same name, e.g. Host
    #[arg(long = "header", value_name = "'NAME: VALUE'", value_parser = parse_header)]
    pub(crate) headers: Vec<Header>,
    /// After the first pong, stay idle this long and ping again: shows
    /// whether a quiet connection survives the proxy's timeouts (e.g. 75s)
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub(crate) idle: Option<Duration>,
    /// The most each network step may take (500ms, 2s, 1m, or seconds)
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "10s")]
    pub(crate) timeout: Duration,
    /// Accept any TLS certificate (self-signed, expired, another name)
    #[arg(long)]
    pub(crate) insecure: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t = InspectFormat::Text)]
    pub(crate) format: InspectFormat,
}

#[derive(Debug, Subcommand)]
pub(crate) enum ConfigAction {
    /// Write a commented .wslint.toml into the current directory
    Init,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// The output formats of a check, as `--format` names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum OutputFormat {
    /// Reports with source snippets (the default)
    Text,
    /// One line per finding: path:line:col: CODE [severity] message
    // The line above is `--help` text, shown as written: `[severity]` is
    // not a link.
    #[allow(rustdoc::broken_intra_doc_links)]
    Concise,
    /// One JSON document (docs/json-output.md)
    Json,
    /// SARIF 2.1.0, for code scanning
    Sarif,
    /// GitHub Actions annotations
    Github,
}

impl From<OutputFormat> for Format {
    fn from(format: OutputFormat) -> Format {
        match format {
            OutputFormat::Text => Format::Text,
            OutputFormat::Concise => Format::Concise,
            OutputFormat::Json => Format::Json,
            OutputFormat::Sarif => Format::Sarif,
            OutputFormat::Github => Format::Github,
        }
    }
}

/// The output of `inspect` and `probe`: text, or one JSON document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum InspectFormat {
    Text,
    Json,
}

/// Settings every command shares, resolved from the command line.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub(crate) nginx_version: Option<NginxVersion>,
    pub(crate) verbose: bool,
    pub(crate) color: Color,
    pub(crate) select: Vec<String>,
    pub(crate) ignore: Vec<String>,
    pub(crate) websocket_paths: Vec<String>,
    pub(crate) fixes: FixSettings,
    pub(crate) format: Format,
    pub(crate) fail_on: Option<Severity>,
    pub(crate) exit_zero: bool,
    pub(crate) config: Option<PathBuf>,
}

/// What to do, resolved from the command line.
#[derive(Debug)]
pub(crate) enum Command {
    Check {
        inputs: Vec<Input>,
    },
    Parse {
        inputs: Vec<Input>,
    },
    Inspect {
        inputs: Vec<Input>,
        location: Option<String>,
        json: bool,
    },
    Rule {
        code: String,
    },
    Rules,
    Apps {
        app: Option<String>,
    },
    ConfigInit,
    Completions(clap_complete::Shell),
    Man,
    Probe {
        options: crate::probe::Options,
        json: bool,
    },
    Server,
    /// No PATH and no /etc/nginx: show usage.
    Usage,
    /// Options that do not go together, and why.
    Misused(String),
}

const DEFAULT_CONFIG_DIR: &str = "/etc/nginx";

/// A backup suffix: not empty (a backup named like its original would be
/// no backup), and no `/`.
fn backup_suffix(text: &str) -> Result<String, String> {
    if text.is_empty() {
        Err("the suffix is empty, so no backup could be told from its original".into())
    } else if text.contains('/') {
        Err("a suffix cannot hold `/`".into())
    } else {
        Ok(text.to_string())
    }
}

fn inputs(paths: &[PathBuf]) -> Vec<Input> {
    paths.iter().map(|p| Input::from_arg(p)).collect()
}

impl Cli {
    pub(crate) fn into_command(self) -> (Command, Settings) {
        // Options of a check before a subcommand would be silently ignored.
        let check_only = [
            ("--fix", self.fix),
            ("--diff", self.diff),
            ("--unsafe-fixes", self.unsafe_fixes),
            ("--backup", self.backup.is_some()),
            ("--verify", self.verify),
            ("--fail-on", self.fail_on.is_some()),
            ("--exit-zero", self.exit_zero),
        ];
        let misused = self.command.as_ref().and_then(|_| {
            check_only
                .iter()
                .find(|(_, given)| *given)
                .map(|(name, _)| format!("{name} is an option of a check, not of a subcommand"))
        });
        let color = match self.color {
            ColorChoice::Always => Color::Always,
            ColorChoice::Never => Color::Never,
            ColorChoice::Auto => {
                let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
                if !no_color && std::io::stdout().is_terminal() {
                    Color::Always
                } else {
                    Color::Never
                }
            }
        };
        let settings = Settings {
            nginx_version: self.common.nginx_version,
            verbose: self.common.verbose,
            color,
            select: self.select,
            ignore: self.ignore,
            websocket_paths: self.websocket_path,
            format: self.format.into(),
            fail_on: self.fail_on.map(Severity::from),
            exit_zero: self.exit_zero,
            config: self.config,
            fixes: FixSettings {
                fix: self.fix,
                diff: self.diff,
                unsafe_fixes: self.unsafe_fixes,
                backup: self.backup,
                verify: self.verify,
            },
        };
        let command = match self.command {
            _ if let Some(message) = misused => Command::Misused(message),
            Some(SubCommand::Parse { paths }) => Command::Parse {
                inputs: inputs(&paths),
            },
            Some(SubCommand::Rule { code }) => Command::Rule { code },
            Some(SubCommand::Rules) => Command::Rules,
            Some(SubCommand::Apps { app }) => Command::Apps { app },
            Some(SubCommand::Config {
                action: ConfigAction::Init,
            }) => Command::ConfigInit,
            Some(SubCommand::Completions { shell }) => Command::Completions(shell),
            Some(SubCommand::Man) => Command::Man,
            Some(SubCommand::Inspect {
                paths,
                location,
                format,
            }) => Command::Inspect {
                inputs: inputs(&paths),
                location,
                json: format == InspectFormat::Json,
            },
            Some(SubCommand::Probe(args)) => Command::Probe {
                options: crate::probe::Options {
                    target: args.url,
                    origin: args.origin,
                    headers: args.headers,
                    idle: args.idle,
                    timeout: args.timeout,
                    insecure: args.insecure,
                },
                json: args.format == InspectFormat::Json,
            },
            Some(SubCommand::Server) => Command::Server,
            None if self.paths.is_empty() => {
                if Path::new(DEFAULT_CONFIG_DIR).is_dir() {
                    Command::Check {
                        inputs: vec![Input::Path(DEFAULT_CONFIG_DIR.into())],
                    }
                } else {
                    Command::Usage
                }
            }
            None => Command::Check {
                inputs: inputs(&self.paths),
            },
        };
        (command, settings)
    }
}
