//! The checks nginx makes when it loads a configuration (`nginx -t`),
//! made as the model is built: each directive's context, argument count
//! and block (E003, E004, E005), `map` and `geo` entries, and what a later
//! nginx added than the one targeted (grammar/versions.tsv).

use super::builder::Builder;
use super::model::Node;
use crate::diagnostic::{Diagnostic, FileId, FileSpan, Severity};
use crate::syntax::context::Context;
use crate::syntax::directives::{Added, Form, additions};
use crate::syntax::{Block, DirectiveEnd, views::block_directives};

impl<'a> Builder<'a> {
    /// The entries of a `map` or `geo` block: nginx reads each as a key and
    /// a value, and takes only a few one-word parameters (`hostnames;`,
    /// `ranges;`); any other count, or a block, fails `nginx -t`. A lone
    /// word such as `close;` is an easy slip in a Connection map.
    pub(super) fn check_entries(&mut self, block_name: &str, file: FileId, block: &'a Block) {
        let (one_word, example): (&[&str], &str) = match block_name {
            "map" => (&["hostnames", "volatile"], "'' close;"),
            "geo" => (
                &["ranges", "proxy_recursive", "volatile"],
                "10.0.0.0/8 inside;",
            ),
            _ => return,
        };
        let tree = &self.files.get(file).tree;
        for view in block_directives(tree, block) {
            let node = Node { file, view };
            match &view.node.end {
                DirectiveEnd::Block(inner) => {
                    let at = tree
                        .block(*inner)
                        .open
                        .map_or_else(|| view.span(), |t| tree.token_span(t));
                    self.diagnostics.push(block_mismatch(
                        format!(
                            "unexpected \"{{\" in a {block_name} block: its entries take no block"
                        ),
                        FileSpan { file, span: at },
                        (node.location(), "this entry"),
                    ));
                }
                DirectiveEnd::Semicolon(_) => {
                    let words = view.args().len() + 1;
                    let allowed =
                        words == 2 || (words == 1 && one_word.iter().any(|w| view.name() == *w));
                    let name = view.name();
                    let too_new = additions(block_name).find(|a| {
                        words == 1 && matches!(a.form, Form::Entry(word) if word == name)
                    });
                    if let Some(added) = too_new
                        && self.too_new(node, added)
                    {
                        continue;
                    }
                    if !allowed {
                        self.diagnostics.push(wrong_argument_count(
                            format!(
                                "invalid number of the {block_name} parameters: an entry is a key and a value (`{example}`), this one has {words} word{}; nginx -t rejects it",
                                if words == 1 { "" } else { "s" }
                            ),
                            node.location(),
                        ));
                    }
                }
                DirectiveEnd::Missing => {} // a syntax error, reported as one
            }
        }
    }

    /// Context, block and argument count against the directive table; with
    /// no context (not known), block and argument count against every
    /// declaration of the name.
    pub(super) fn check_directive(
        &mut self,
        node: Node<'a>,
        name: &str,
        specs: &'static [crate::syntax::directives::DirectiveSpec],
        context: Option<Context>,
    ) {
        if specs.is_empty() {
            return; // a third-party module: accepted silently
        }
        // The declarations that allow this context; an iterator, not a
        // list, since this runs for every directive of a run.
        let here = || {
            specs
                .iter()
                .filter(move |s| context.is_none_or(|c| s.allowed_in(c)))
        };
        let name_loc = FileSpan {
            file: node.file,
            span: node.view.name_span(),
        };
        if let Some(context) = context
            && here().next().is_none()
        {
            self.diagnostics.push(Diagnostic::new(
                "E003",
                "directive-not-allowed-here",
                Severity::Error,
                format!(
                    "\"{name}\" is not allowed in {}; nginx -t rejects it",
                    context.describe()
                ),
                name_loc,
            ));
            return;
        }
        let has_block = matches!(node.view.node.end, DirectiveEnd::Block(_));
        let ends_missing = matches!(node.view.node.end, DirectiveEnd::Missing);
        if !ends_missing && here().all(|s| s.block != has_block) {
            // nginx notices the mismatch at the `{` or `;`, so that is where
            // the error points; the directive is labelled as the cause.
            let (message, at) = match &node.view.node.end {
                DirectiveEnd::Block(block) => (
                    format!(
                        "directive \"{name}\" is not terminated by \";\": it takes no block, so this \"{{\" means a \";\" is missing before it"
                    ),
                    node.view.tree.block(*block).open,
                ),
                DirectiveEnd::Semicolon(t) => (
                    format!("directive \"{name}\" has no opening \"{{\""),
                    Some(*t),
                ),
                DirectiveEnd::Missing => return,
            };
            let tree = &self.files.get(node.file).tree;
            let location = FileSpan {
                file: node.file,
                span: at.map_or(name_loc.span.clone(), |t| tree.token_span(t)),
            };
            self.diagnostics.push(block_mismatch(
                message,
                location,
                (name_loc, "this directive"),
            ));
            return;
        }
        let too_new = additions(name).find(|a| match a.form {
            Form::Directive => true,
            Form::Argument(word) => node.view.args().any(|arg| arg.value_string() == word),
            Form::Entry(_) => false,
        });
        if let Some(added) = too_new
            && self.too_new(node, added)
        {
            return;
        }
        let count = node.view.args().len();
        if !here().any(|s| s.args.accepts(count)) {
            self.diagnostics.push(wrong_argument_count(
                format!("invalid number of arguments in \"{name}\" directive ({count} given)"),
                node.location(),
            ));
        }
    }
}

impl Builder<'_> {
    /// Reports what `added` describes at `node` when the target nginx is
    /// older than the release that added it (E003 for a directive, E004
    /// for an argument or entry); whether it did.
    fn too_new(&mut self, node: Node, added: &Added) -> bool {
        if self.version >= added.since {
            return false;
        }
        let (target, since, directive) = (self.version, added.since, added.directive);
        let (code, name, what) = match added.form {
            Form::Directive => (
                "E003",
                "directive-not-allowed-here",
                format!("the \"{directive}\" directive"),
            ),
            Form::Argument(word) => (
                "E004",
                "wrong-argument-count",
                format!("the \"{word}\" parameter of \"{directive}\""),
            ),
            Form::Entry(word) => (
                "E004",
                "wrong-argument-count",
                format!("the \"{word}\" entry of a {directive} block"),
            ),
        };
        self.diagnostics.push(Diagnostic::new(
            code,
            name,
            Severity::Error,
            format!(
                "{what} appeared in nginx {since}; the target nginx {target} rejects it (nginx -t fails; set the target with --nginx-version)"
            ),
            node.location(),
        ));
        true
    }
}

/// E005: a block where nginx wants a `;`, or the other way round. nginx
/// refuses to parse the file, so it is reported as a syntax error, at the
/// `{` or `;`, with the directive it belongs to as the cause.
fn block_mismatch(message: String, at: FileSpan, cause: (FileSpan, &'static str)) -> Diagnostic {
    let mut d = Diagnostic::new("E005", "block-mismatch", Severity::Error, message, at)
        .with_related(cause.0, cause.1);
    d.is_syntax = true;
    d
}

/// E004: a directive (or a `map`/`geo` entry) with a number of words
/// nginx does not accept.
fn wrong_argument_count(message: String, at: FileSpan) -> Diagnostic {
    Diagnostic::new("E004", "wrong-argument-count", Severity::Error, message, at)
}
