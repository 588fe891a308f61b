//! `.wslint.toml`: project settings, found by walking up from the first
//! checked path (or named with `--config`). Command-line options override
//! it. Unknown keys are errors that name the key's line, so a typo never
//! silently does nothing.

use crate::diagnostic::Severity;
use crate::rules::values::parse_time_ms;
use crate::rules::{DeclaredPath, RuleSettings};
use crate::syntax::NginxVersion;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The file name looked for.
pub(crate) const FILE_NAME: &str = ".wslint.toml";

/// What `wslint config init` writes.
pub(crate) const DEFAULT_CONFIG: &str = r#"# wslint configuration. Command-line options override these settings.

# Rules to run: codes or prefixes ("WS0", "WS006"). Opt-in rules (WS015) run
# only when named. Leave out to run every default rule.
# select = ["WS"]

# Rules not to run.
# ignore = ["WS004"]

# The nginx version the configuration is for (default: `nginx -v`, else a
# version before 1.29.7).
# nginx-version = "1.28.0"

# WS006 reports proxy_read_timeout values below this (seconds, or an nginx
# time such as "5m").
# timeout-threshold = "5m"

# Location patterns (globs) that are WebSocket routes although nothing in
# their configuration says so.
# websocket-paths = ["/live/*", "/events"]

# Location patterns (globs) that are WebSocket routes of a known app
# (`wslint apps` lists them): findings then use what wslint knows of it
# (its heartbeat, whether it checks Origin) and name it.
# websocket-apps = { "/rt/" = "socket.io", "/terminal/*" = "ttyd" }

# Lowest severity that makes the run fail (exit 1): "error", "warning" or
# "info".
# fail-on = "warning"

# Severity overrides per rule.
# [severity]
# WS006 = "info"

# Rules ignored for files matching a glob (relative to this file).
# [per-path-ignores]
# "sites-available/*" = ["WS006", "WS016"]
"#;

/// The contents of a `.wslint.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct ConfigFile {
    pub(crate) select: Option<Vec<String>>,
    pub(crate) ignore: Option<Vec<String>>,
    pub(crate) nginx_version: Option<String>,
    pub(crate) timeout_threshold: Option<TimeValue>,
    pub(crate) websocket_paths: Option<Vec<String>>,
    pub(crate) websocket_apps: Option<BTreeMap<String, String>>,
    pub(crate) fail_on: Option<String>,
    pub(crate) severity: Option<BTreeMap<String, String>>,
    pub(crate) per_path_ignores: Option<BTreeMap<String, Vec<String>>>,
}

/// Seconds, or an nginx time string.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum TimeValue {
    Seconds(u64),
    Text(String),
}

/// A configuration file that could not be used.
#[derive(Debug, thiserror::Error)]
#[error("{path}{position}: {message}")]
pub(crate) struct ConfigError {
    pub(crate) path: String,
    /// `:line:column` when known.
    pub(crate) position: String,
    pub(crate) message: String,
}

/// A loaded configuration and the folder its relative globs start from.
#[derive(Debug)]
pub(crate) struct Config {
    pub(crate) path: PathBuf,
    pub(crate) file: ConfigFile,
}

/// The nearest `.wslint.toml` in `start`'s folder or above it.
pub(crate) fn discover(start: &Path) -> Option<PathBuf> {
    let absolute = std::fs::canonicalize(start).unwrap_or_else(|_| start.to_path_buf());
    let mut dir = if absolute.is_dir() {
        Some(absolute.as_path())
    } else {
        absolute.parent()
    };
    while let Some(d) = dir {
        let candidate = d.join(FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        dir = d.parent();
    }
    None
}

/// Reads and checks a configuration file.
pub(crate) fn load(path: &Path) -> Result<Config, ConfigError> {
    let err = |position: String, message: String| ConfigError {
        path: path.display().to_string(),
        position,
        message,
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| err(String::new(), crate::load::source::io_message(&e)))?;
    let file: ConfigFile = toml::from_str(&text).map_err(|e| {
        let position = e.span().map_or(String::new(), |span| {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.len() - before.rfind('\n').map_or(0, |p| p + 1) + 1;
            format!(":{line}:{column}")
        });
        err(position, e.message().trim().to_string())
    })?;
    Ok(Config {
        path: path.to_path_buf(),
        file,
    })
}

fn parse_severity(text: &str) -> Option<Severity> {
    match text {
        "error" => Some(Severity::Error),
        "warning" => Some(Severity::Warning),
        "info" => Some(Severity::Info),
        _ => None,
    }
}

impl Config {
    fn error(&self, message: String) -> ConfigError {
        ConfigError {
            path: self.path.display().to_string(),
            position: String::new(),
            message,
        }
    }

    /// Puts the file's settings into `settings` (before command-line
    /// options are applied on top).
    pub(crate) fn apply(&self, settings: &mut RuleSettings) -> Result<(), ConfigError> {
        let f = &self.file;
        if let Some(select) = &f.select {
            crate::rules::check_codes(select, "select").map_err(|e| self.error(e))?;
            settings.select = select.clone();
        }
        if let Some(ignore) = &f.ignore {
            crate::rules::check_codes(ignore, "ignore").map_err(|e| self.error(e))?;
            settings.ignore = ignore.clone();
        }
        if let Some(v) = &f.nginx_version {
            settings.nginx_version = NginxVersion::parse(v).ok_or_else(|| {
                self.error(format!("nginx-version: `{v}` is not a version like 1.29.7"))
            })?;
            settings.nginx_version_from_config = true;
        }
        if let Some(t) = &f.timeout_threshold {
            settings.timeout_threshold_secs = match t {
                TimeValue::Seconds(s) => *s,
                TimeValue::Text(text) => {
                    parse_time_ms(text).map(|ms| ms / 1000).ok_or_else(|| {
                        self.error(format!("timeout-threshold: `{text}` is not an nginx time"))
                    })?
                }
            };
        }
        for glob in f.websocket_paths.iter().flatten() {
            let declared = DeclaredPath::new(glob, None)
                .map_err(|e| self.error(format!("websocket-paths: {e}")))?;
            settings.websocket_paths.push(declared);
        }
        for (glob, app) in f.websocket_apps.iter().flatten() {
            let declared = DeclaredPath::new(glob, Some(app))
                .map_err(|e| self.error(format!("websocket-apps.\"{glob}\": {e}")))?;
            settings.websocket_paths.push(declared);
        }
        if let Some(level) = &f.fail_on {
            settings.fail_on = parse_severity(level).ok_or_else(|| {
                self.error(format!("fail-on: `{level}` is not error, warning or info"))
            })?;
        }
        for (code, level) in f.severity.iter().flatten() {
            if crate::rules::find_rule(code).is_none_or(|m| !m.code.eq_ignore_ascii_case(code)) {
                return Err(self.error(format!(
                    "severity.{code}: no rule has this code (`wslint rules` lists them)"
                )));
            }
            let severity = parse_severity(level).ok_or_else(|| {
                self.error(format!(
                    "severity.{code}: `{level}` is not error, warning or info"
                ))
            })?;
            settings
                .severity_overrides
                .push((code.to_ascii_uppercase(), severity));
        }
        let base = self.path.parent().unwrap_or(Path::new(".")).to_path_buf();
        for (pattern, codes) in f.per_path_ignores.iter().flatten() {
            crate::rules::check_codes(codes, &format!("per-path-ignores.\"{pattern}\""))
                .map_err(|e| self.error(e))?;
            let glob = glob::Pattern::new(pattern)
                .map_err(|e| self.error(format!("per-path-ignores: `{pattern}`: {e}")))?;
            settings.per_path_ignores.push(crate::rules::PathIgnore {
                base: base.clone(),
                pattern: glob,
                codes: codes.iter().map(|c| c.to_ascii_uppercase()).collect(),
            });
        }
        Ok(())
    }
}

/// The check settings of a run: defaults, then the configuration file
/// (`--config`, else the nearest `.wslint.toml` above the first input),
/// then the command line. Also says where the nginx version came from.
pub(crate) fn resolve(
    cli: &crate::app::cli::Settings,
    inputs: &[crate::load::Input],
) -> Result<(RuleSettings, VersionSource), ConfigError> {
    let mut settings = RuleSettings::default();
    let path = match &cli.config {
        Some(p) => Some(p.clone()),
        None => {
            let start = match inputs.first() {
                Some(crate::load::Input::Path(p)) => p.clone(),
                _ => std::env::current_dir().unwrap_or_default(),
            };
            discover(&start)
        }
    };
    if let Some(path) = &path {
        load(path)?.apply(&mut settings)?;
    }
    let usage = |message: String| ConfigError {
        path: "command line".into(),
        position: String::new(),
        message,
    };
    if !cli.select.is_empty() {
        crate::rules::check_codes(&cli.select, "--select").map_err(usage)?;
        settings.select = cli.select.clone();
    }
    if !cli.ignore.is_empty() {
        crate::rules::check_codes(&cli.ignore, "--ignore").map_err(usage)?;
        settings.ignore = cli.ignore.clone();
    }
    if settings
        .ignore
        .iter()
        .any(|c| c.eq_ignore_ascii_case("E005"))
    {
        return Err(usage(
            "E005 reports what nginx cannot parse (a syntax error); it cannot be ignored".into(),
        ));
    }
    // The command line's declarations come first: the first glob that
    // matches a location names its app.
    let mut declared = cli
        .websocket_paths
        .iter()
        .map(|text| DeclaredPath::parse(text).map_err(|e| usage(format!("--websocket-path: {e}"))))
        .collect::<Result<Vec<_>, _>>()?;
    declared.append(&mut settings.websocket_paths);
    settings.websocket_paths = declared;
    if let Some(level) = cli.fail_on {
        settings.fail_on = level;
    }
    let source = if cli.nginx_version.is_some() || !settings.nginx_version_from_config {
        let (version, source) = target_version(cli.nginx_version);
        settings.nginx_version = version;
        source
    } else {
        VersionSource::ConfigFile
    };
    Ok((settings, source))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_file_parses_and_unknown_keys_name_their_line() {
        let parsed: ConfigFile = toml::from_str(DEFAULT_CONFIG).unwrap();
        assert!(parsed.select.is_none());
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        std::fs::write(&path, "select = [\"WS\"]\n\nslect = [\"WS001\"]\n").unwrap();
        let e = load(&path).unwrap_err();
        assert_eq!(e.position, ":3:1", "{e}");
        assert!(e.message.contains("slect"), "{e}");
    }
}

/// Where the targeted version came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum VersionSource {
    CommandLine,
    ConfigFile,
    InstalledNginx,
    Assumed,
}

/// The version to target: the command line's, else the installed nginx's,
/// else [`NginxVersion::ASSUMED`].
pub(crate) fn target_version(from_cli: Option<NginxVersion>) -> (NginxVersion, VersionSource) {
    if let Some(v) = from_cli {
        return (v, VersionSource::CommandLine);
    }
    let installed = std::process::Command::new("nginx")
        .arg("-v")
        .output()
        .ok()
        .and_then(|out| {
            let text = String::from_utf8_lossy(&out.stderr).into_owned()
                + &String::from_utf8_lossy(&out.stdout);
            NginxVersion::from_nginx_v_output(&text)
        });
    match installed {
        Some(v) => (v, VersionSource::InstalledNginx),
        None => (NginxVersion::ASSUMED, VersionSource::Assumed),
    }
}
