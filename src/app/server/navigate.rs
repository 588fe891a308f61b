//! Navigation: go to the definition of a variable (the `map`, `geo`,
//! `split_clients`, `set`, `perl_set` or `js_set` that defines it), of an
//! upstream named by a `*_pass`, and of an `include` (the file, or every
//! file a glob matches); and the outline of a file's blocks.

use super::analysis::Analysis;
use super::convert;
use super::positions::Lines;
use crate::diagnostic::FileSpan;
use crate::load::files::IncludeTarget;
use crate::syntax::views::DirectiveView;
use crate::syntax::{Block, SyntaxTree, views::block_directives};
use lsp_types as lsp;
use std::path::Path;

pub(crate) fn definition(
    analysis: &Analysis,
    path: &Path,
    position: lsp::Position,
) -> Option<lsp::GotoDefinitionResponse> {
    let files = &analysis.loaded.files;
    let (_, file, offset) = analysis.place(path, position)?;
    let tree = &file.tree;
    let directive = tree.directive_at(offset)?;
    let arg = directive
        .args()
        .find(|a| a.span().start <= offset && offset <= a.span().end)?;
    let places: Vec<FileSpan> = if let Some(variable) = arg
        .variables()
        .into_iter()
        .find(|v| v.span.start <= offset && offset <= v.span.end)
    {
        everywhere(analysis, |d| defines(d, variable.name))
    } else if directive.name_is("include") {
        included(analysis, &arg.value_string())
    } else if directive.name().ends_with("_pass") {
        let name = upstream_name(&arg.value_string());
        everywhere(analysis, |d| {
            d.name_is("upstream") && d.args().next().is_some_and(|a| a.value_string() == name)
        })
    } else {
        Vec::new()
    };
    let locations: Vec<lsp::Location> = places
        .iter()
        .filter_map(|p| convert::location(files, p))
        .collect();
    (!locations.is_empty()).then_some(lsp::GotoDefinitionResponse::Array(locations))
}

/// Whether `d` defines the variable `name` (written without `$`).
fn defines(d: &DirectiveView, name: &str) -> bool {
    let position = match d.name().as_ref() {
        "set" | "perl_set" | "js_set" => 0,
        "map" | "split_clients" => 1,
        // `geo [$address] $variable { … }`: the last argument.
        "geo" => d.args().len().saturating_sub(1),
        _ => return false,
    };
    d.args().nth(position).is_some_and(|a| {
        let text = a.value_string();
        let defined = text.strip_prefix('$').unwrap_or(&text);
        let defined = defined
            .strip_prefix('{')
            .and_then(|t| t.strip_suffix('}'))
            .unwrap_or(defined);
        defined.eq_ignore_ascii_case(name)
    })
}

/// The host part of a `*_pass` target: `http://app:8080/x` → `app`.
fn upstream_name(target: &str) -> String {
    let rest = target.split_once("://").map_or(target, |(_, rest)| rest);
    rest.split(['/', ':'])
        .next()
        .unwrap_or_default()
        .to_string()
}

/// The name of every directive, in every file of the run, that `wanted`
/// accepts.
fn everywhere(analysis: &Analysis, wanted: impl Fn(&DirectiveView) -> bool) -> Vec<FileSpan> {
    fn walk(
        tree: &SyntaxTree,
        block: &Block,
        file: u32,
        wanted: &dyn Fn(&DirectiveView) -> bool,
        out: &mut Vec<FileSpan>,
    ) {
        for d in block_directives(tree, block) {
            if wanted(&d) {
                out.push(FileSpan {
                    file,
                    span: d.span(),
                });
            }
            if let Some(inner) = d.block() {
                walk(tree, inner, file, wanted, out);
            }
        }
    }
    let mut out = Vec::new();
    for (file, source) in analysis.loaded.files.files.iter().enumerate() {
        walk(
            &source.tree,
            &source.tree.root,
            file as u32,
            &wanted,
            &mut out,
        );
    }
    out
}

/// The files an include argument reached, each at its start.
fn included(analysis: &Analysis, pattern: &str) -> Vec<FileSpan> {
    let files = &analysis.loaded.files;
    analysis
        .loaded
        .entries
        .iter()
        .find_map(|e| files.include_target(&e.prefix, pattern))
        .map_or(Vec::new(), |target| match target {
            IncludeTarget::Files(ids) => ids
                .iter()
                .map(|&file| FileSpan { file, span: 0..0 })
                .collect(),
            IncludeTarget::Missing { .. } => Vec::new(),
        })
}

/// The outline of a file: its blocks (`http`, `server`, `location`,
/// `upstream`, `map`, …), nested as written.
pub(crate) fn outline(analysis: &Analysis, path: &Path) -> Option<lsp::DocumentSymbolResponse> {
    let files = &analysis.loaded.files;
    let tree = &files.get(files.id_of(path)?).tree;
    let lines = Lines::new(&tree.source);
    Some(lsp::DocumentSymbolResponse::Nested(symbols(
        tree, &tree.root, &lines,
    )))
}

fn symbols(tree: &SyntaxTree, block: &Block, lines: &Lines) -> Vec<lsp::DocumentSymbol> {
    block_directives(tree, block)
        .filter_map(|d| {
            let inner = d.block()?;
            let name = d.name();
            let detail = match name.as_ref() {
                "server" => block_directives(tree, inner)
                    .find(|c| c.name_is("server_name"))
                    .map(|c| {
                        c.args()
                            .map(|a| a.value_string())
                            .collect::<Vec<_>>()
                            .join(" ")
                    }),
                _ => None,
            };
            let args: Vec<String> = d.args().map(|a| a.value_string()).collect();
            let title = if args.is_empty() {
                name.to_string()
            } else {
                format!("{name} {}", args.join(" "))
            };
            let kind = match name.as_ref() {
                "http" | "stream" | "mail" | "events" => lsp::SymbolKind::NAMESPACE,
                "server" => lsp::SymbolKind::MODULE,
                "location" => lsp::SymbolKind::FUNCTION,
                "upstream" => lsp::SymbolKind::INTERFACE,
                "map" | "geo" | "split_clients" => lsp::SymbolKind::VARIABLE,
                _ => lsp::SymbolKind::OBJECT,
            };
            #[allow(deprecated)] // The protocol's struct still has the field.
            Some(lsp::DocumentSymbol {
                name: title,
                detail,
                kind,
                tags: None,
                deprecated: None,
                range: lines.range(&d.span()),
                selection_range: lines.range(&d.name_span()),
                children: Some(symbols(tree, inner, lines)),
            })
        })
        .collect()
}
