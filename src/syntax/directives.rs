//! Directive knowledge: grammar/directives.tsv compiled into the binary. For
//! each directive it says where nginx accepts it, how many arguments it
//! takes, whether it opens a block and how a level inherits it. The table is
//! read once, on first use.

use super::context::Context;
use rustc_hash::FxHashMap as HashMap;
use std::sync::OnceLock;

const TABLE: &str = include_str!("../../grammar/directives.tsv");
const VERSIONS: &str = include_str!("../../grammar/versions.tsv");
const DEFAULTS: &str = include_str!("../../grammar/directive-defaults.tsv");

/// The default nginx documents for a directive (grammar/directive-defaults.tsv).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Default {
    /// As the directive's arguments; `—` when there is none.
    pub(crate) value: &'static str,
    /// A release that changed it, and the default before that release.
    pub(crate) changed: Option<(super::NginxVersion, &'static str)>,
}

impl Default {
    /// The default in `version`.
    pub(crate) fn in_version(&self, version: super::NginxVersion) -> &'static str {
        match self.changed {
            Some((since, earlier)) if version < since => earlier,
            _ => self.value,
        }
    }
}

/// The documented default of `directive`, if the table has it.
pub(crate) fn default_of(directive: &str) -> Option<Default> {
    DEFAULTS.lines().skip(1).find_map(|line| {
        let [name, value, since, earlier, _source] = line.split('\t').collect::<Vec<_>>()[..]
        else {
            return None;
        };
        (name == directive).then(|| Default {
            value,
            changed: super::NginxVersion::parse(since).map(|v| (v, earlier)),
        })
    })
}

/// Something a later nginx added (grammar/versions.tsv): an older target
/// rejects it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Added {
    pub(crate) directive: &'static str,
    pub(crate) form: Form,
    pub(crate) since: super::NginxVersion,
}

/// What a later nginx added to a directive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Form {
    /// The directive itself.
    Directive,
    /// This word as one of its arguments (`keepalive 32 local`).
    Argument(&'static str),
    /// This one-word entry of its block (`volatile;` in `geo`).
    Entry(&'static str),
}

/// The rows of grammar/versions.tsv, parsed on first use.
pub(crate) fn added() -> &'static [Added] {
    static ADDED: OnceLock<Vec<Added>> = OnceLock::new();
    ADDED.get_or_init(|| {
        VERSIONS
            .lines()
            .filter(|l| !l.starts_with('#'))
            .skip(1)
            .filter_map(|line| {
                let f: Vec<&'static str> = line.split('\t').collect();
                let [directive, form, since, _source] = f[..] else {
                    return None;
                };
                let form = match form.split_once(':') {
                    Some(("argument", word)) => Form::Argument(word),
                    Some(("entry", word)) => Form::Entry(word),
                    _ if form == "directive" => Form::Directive,
                    _ => return None,
                };
                Some(Added {
                    directive,
                    form,
                    since: super::NginxVersion::parse(since)?,
                })
            })
            .collect()
    })
}

/// What later nginx releases added to `directive`.
pub(crate) fn additions(directive: &str) -> impl Iterator<Item = &'static Added> + '_ {
    added().iter().filter(move |a| a.directive == directive)
}

/// How many arguments a directive takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Arity {
    /// Between `min` and `max` arguments (inclusive).
    Range { min: usize, max: usize },
    /// At least this many.
    AtLeast(usize),
    /// Exactly one, `on` or `off`.
    Flag,
    /// Any number.
    Any,
    /// One of several forms (`0|1-2`).
    Choice(Vec<Arity>),
}

impl Arity {
    fn parse(text: &str) -> Arity {
        if text.contains('|') {
            return Arity::Choice(text.split('|').map(Arity::parse).collect());
        }
        if text == "flag" {
            return Arity::Flag;
        }
        if text == "any" {
            return Arity::Any;
        }
        if let Some(min) = text.strip_suffix('+') {
            return Arity::AtLeast(min.parse().unwrap_or(0));
        }
        if let Some((a, b)) = text.split_once('-') {
            return Arity::Range {
                min: a.parse().unwrap_or(0),
                max: b.parse().unwrap_or(usize::MAX),
            };
        }
        let n = text.parse().unwrap_or(0);
        Arity::Range { min: n, max: n }
    }

    /// Whether `count` arguments are accepted.
    pub(crate) fn accepts(&self, count: usize) -> bool {
        match self {
            Arity::Range { min, max } => (*min..=*max).contains(&count),
            Arity::AtLeast(min) => count >= *min,
            Arity::Flag => count == 1,
            Arity::Any => true,
            Arity::Choice(options) => options.iter().any(|a| a.accepts(count)),
        }
    }
}

/// One row of the table: a directive as one module declares it.
#[derive(Debug, Clone)]
pub(crate) struct DirectiveSpec {
    /// The module that declares it.
    pub(crate) module: &'static str,
    /// How a level without it gets its value: `array`, `scalar` or `none`
    /// (see grammar/README.md).
    pub(crate) inherit: &'static str,
    /// Contexts where nginx accepts it; `None` means any context.
    pub(crate) contexts: Option<Vec<Context>>,
    pub(crate) args: Arity,
    pub(crate) block: bool,
}

impl DirectiveSpec {
    pub(crate) fn allowed_in(&self, context: Context) -> bool {
        match &self.contexts {
            None => true,
            Some(list) => list.contains(&context),
        }
    }
}

/// All rows, by directive name.
#[derive(Debug)]
pub(crate) struct DirectiveTable {
    by_name: HashMap<&'static str, Vec<DirectiveSpec>>,
}

impl DirectiveTable {
    /// Every module's declaration of `name` (empty when unknown).
    pub(crate) fn lookup(&self, name: &str) -> &[DirectiveSpec] {
        self.by_name.get(name).map_or(&[], Vec::as_slice)
    }
}

/// The table, parsed on first use.
pub(crate) fn table() -> &'static DirectiveTable {
    static TABLE_CELL: OnceLock<DirectiveTable> = OnceLock::new();
    TABLE_CELL.get_or_init(|| parse_table(TABLE))
}

fn parse_table(text: &'static str) -> DirectiveTable {
    let mut by_name: HashMap<&'static str, Vec<DirectiveSpec>> = HashMap::default();
    for line in text.lines().skip(1) {
        let f: Vec<&'static str> = line.split('\t').collect();
        let [name, module, contexts, args, block, inherit] = f[..] else {
            continue;
        };
        let contexts = if contexts == "any" {
            None
        } else {
            Some(
                contexts
                    .split(',')
                    .filter_map(Context::from_table_name)
                    .collect(),
            )
        };
        by_name.entry(name).or_default().push(DirectiveSpec {
            module,
            inherit,
            contexts,
            args: Arity::parse(args),
            block: block == "block",
        });
    }
    DirectiveTable { by_name }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_knows_the_websocket_directives() {
        let t = table();
        assert!(t.by_name.values().map(Vec::len).sum::<usize>() > 800);
        let psh = &t.lookup("proxy_set_header")[0];
        assert!(psh.allowed_in(Context::Location));
        assert!(!psh.allowed_in(Context::IfInLocation));
        assert!(psh.args.accepts(2) && !psh.args.accepts(1));
        assert!(t.lookup("location")[0].block);
        assert!(t.lookup("no_such_directive").is_empty());
    }

    #[test]
    fn every_version_row_parses() {
        let rows = VERSIONS.lines().filter(|l| !l.starts_with('#')).count() - 1;
        assert_eq!(added().len(), rows);
        let keepalive: Vec<&Added> = additions("keepalive").collect();
        assert_eq!(keepalive.len(), 1);
        assert_eq!(keepalive[0].form, Form::Argument("local"));
        assert_eq!(
            keepalive[0].since,
            crate::syntax::NginxVersion::new(1, 29, 7)
        );
    }

    #[test]
    fn every_default_row_names_a_known_directive_and_changed_defaults_follow_the_version() {
        for line in DEFAULTS.lines().skip(1) {
            let cells: Vec<&str> = line.split('\t').collect();
            assert_eq!(cells.len(), 5, "{line}");
            assert!(!table().lookup(cells[0]).is_empty(), "{line}");
            assert!(default_of(cells[0]).is_some(), "{line}");
        }
        let version = default_of("proxy_http_version").unwrap();
        assert_eq!(
            version.in_version(crate::syntax::NginxVersion::new(1, 28, 0)),
            "1.0"
        );
        assert_eq!(
            version.in_version(crate::syntax::NginxVersion::new(1, 29, 7)),
            "1.1"
        );
        assert_eq!(
            default_of("proxy_read_timeout")
                .unwrap()
                .in_version(crate::syntax::NginxVersion::new(1, 22, 1)),
            "60s"
        );
        assert!(default_of("no_such_directive").is_none());
    }

    #[test]
    fn arity_forms() {
        assert!(Arity::parse("0|1-2").accepts(0));
        assert!(!Arity::parse("0|1-2").accepts(3));
        assert!(Arity::parse("2+").accepts(5));
        assert!(!Arity::parse("flag").accepts(2));
    }
}
