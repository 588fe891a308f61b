//! The command line: clap types only. [`Cli::into_command`] resolves them into
//! a [`Command`] so nothing past this module sees clap.

use crate::discover::Input;
use crate::report::Color;
use clap::{Parser, Subcommand, ValueEnum};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// Lint nginx configurations for WebSocket proxying mistakes.
#[derive(Debug, Parser)]
#[command(
    name = "wslint",
    version,
    about,
    args_conflicts_with_subcommands = true,
    after_help = "Exit codes: 0 clean, 1 findings, 2 usage / I/O / syntax error.\n\
                  A file named like a subcommand is reached as ./NAME."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<SubCommand>,

    /// Files or directories to check, or `-` for standard input
    /// [default: /etc/nginx when it exists]
    pub paths: Vec<PathBuf>,

    /// When to use colour
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Debug, Subcommand)]
pub enum SubCommand {
    /// Print the syntax tree as JSON (byte spans, lines, comments)
    Parse {
        /// Files or directories to parse, or `-` for standard input
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// What to do, resolved from the command line.
#[derive(Debug)]
pub enum Command {
    Check {
        inputs: Vec<Input>,
        color: Color,
    },
    Parse {
        inputs: Vec<Input>,
    },
    /// No PATH and no /etc/nginx: show usage.
    Usage,
}

const DEFAULT_CONFIG_DIR: &str = "/etc/nginx";

impl Cli {
    pub fn into_command(self) -> Command {
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
        let inputs = |paths: Vec<PathBuf>| paths.iter().map(|p| Input::from_arg(p)).collect();
        match self.command {
            Some(SubCommand::Parse { paths }) => Command::Parse {
                inputs: inputs(paths),
            },
            None if self.paths.is_empty() => {
                if Path::new(DEFAULT_CONFIG_DIR).is_dir() {
                    Command::Check {
                        inputs: vec![Input::Path(DEFAULT_CONFIG_DIR.into())],
                        color,
                    }
                } else {
                    Command::Usage
                }
            }
            None => Command::Check {
                inputs: inputs(self.paths),
                color,
            },
        }
    }
}
