//! Hover: on a `location`, what nginx does there after inheritance (the
//! report `wslint inspect` prints: proxy_pass and upstream, HTTP version,
//! timeouts, the header lists with where each entry comes from and which
//! are hidden); on another directive, its facts from the directive table
//! (contexts, arguments, inheritance, documented default); on a rule code
//! in a comment, the rule's summary and explanation.

use super::analysis::Analysis;
use super::positions::Lines;
use crate::semantic::{Model, inspect};
use crate::syntax::views::DirectiveView;
use crate::syntax::{SyntaxTree, TokenKind};
use lsp_types as lsp;
use std::path::Path;

pub(crate) fn hover(
    analysis: &Analysis,
    path: &Path,
    position: lsp::Position,
) -> Option<lsp::Hover> {
    let (id, file, offset) = analysis.place(path, position)?;
    let tree = &file.tree;
    let lines = Lines::new(&tree.source);
    let (text, span) = if let Some(found) = rule_in_comment(tree, offset) {
        found
    } else {
        let directive = tree.directive_at(offset)?;
        let header_end = directive
            .block()
            .and_then(|b| b.open)
            .map_or(directive.span().end, |t| tree.token_span(t).start);
        let span = directive.span().start..header_end;
        let text = if directive.name_is("location") {
            location_facts(analysis, id, &lines, &directive)?
        } else {
            directive_facts(&directive.name(), analysis.settings.nginx_version)?
        };
        (text, span)
    };
    Some(lsp::Hover {
        contents: lsp::HoverContents::Markup(lsp::MarkupContent {
            kind: lsp::MarkupKind::Markdown,
            value: text,
        }),
        range: Some(lines.range(&span)),
    })
}

/// A rule code (`WS006`, `E001`) under the cursor in a comment.
fn rule_in_comment(tree: &SyntaxTree, offset: u32) -> Option<(String, std::ops::Range<u32>)> {
    let token = tree
        .tokens
        .iter()
        .find(|t| t.kind() == TokenKind::Comment && t.start() <= offset && offset < t.span().end)?;
    let text = std::str::from_utf8(token.text(&tree.source)).ok()?;
    let mut at = token.start();
    for word in text.split_inclusive(|c: char| !c.is_ascii_alphanumeric()) {
        let code = word.trim_end_matches(|c: char| !c.is_ascii_alphanumeric());
        let span = at..at + code.len() as u32;
        at += word.len() as u32;
        if span.start <= offset
            && offset <= span.end
            && let Some(meta) = crate::rules::find_rule(code)
        {
            let text = format!(
                "**{} {}** ({})\n\n{}\n\n{}",
                meta.code,
                meta.name,
                meta.severity.as_str(),
                meta.summary,
                crate::report::rules::explain(meta)
            );
            return Some((text, span));
        }
    }
    None
}

/// What nginx does at a location: `wslint inspect`'s report for it.
fn location_facts(
    analysis: &Analysis,
    file: u32,
    lines: &Lines,
    directive: &DirectiveView,
) -> Option<String> {
    let loaded = &analysis.loaded;
    let version = analysis.settings.nginx_version;
    let model = Model::build_for(&loaded.files, &loaded.entries, version);
    let routes = crate::rules::routes::reports(&model, &analysis.settings);
    let pattern = directive.location_match()?.pattern.into_owned();
    let line = lines.position(directive.span().start).line as usize + 1;
    let name = loaded.files.get(file).display_name();
    let reports: Vec<_> = inspect::inspect(&model, version, Some(&pattern), &routes)
        .into_iter()
        .filter(|r| r.file == name && r.line == line)
        .collect();
    if reports.is_empty() {
        return Some(format!(
            "`location {pattern}`: not reached from {} (nothing includes this file there)",
            analysis.root.display()
        ));
    }
    let text = crate::report::inspect::render_text(&reports, version, "");
    Some(format!(
        "What nginx does here:\n\n```text\n{}\n```",
        text.trim_end()
    ))
}

/// A directive's facts from the directive table.
fn directive_facts(name: &str, version: crate::syntax::NginxVersion) -> Option<String> {
    let specs = crate::syntax::directives::table().lookup(name);
    if specs.is_empty() {
        return Some(format!(
            "`{name}`: not a directive of nginx or of the third-party modules wslint knows"
        ));
    }
    let mut out = format!("**{name}**");
    for spec in specs {
        let contexts = spec.contexts.as_ref().map_or("any".to_string(), |list| {
            list.iter()
                .map(|c| c.describe())
                .collect::<Vec<_>>()
                .join(", ")
        });
        let inherit = match spec.inherit {
            "array" => {
                "inherited as a whole list: a level with one entry of its own drops every outer entry"
            }
            "scalar" => "inherited: a level without it takes the nearest outer level's value",
            _ => "not inherited",
        };
        out.push_str(&format!(
            "\n\n- module: `{}`\n- contexts: {contexts}\n- {inherit}{}",
            spec.module,
            if spec.block {
                "\n- takes a `{ }` block"
            } else {
                ""
            }
        ));
    }
    if let Some(default) = crate::syntax::directives::default_of(name) {
        out.push_str(&format!(
            "\n- default in nginx {version}: `{}`",
            default.in_version(version)
        ));
        if let Some((since, earlier)) = default.changed {
            out.push_str(&format!(
                " (`{}` from {since}, `{earlier}` before)",
                default.value
            ));
        }
    }
    Some(out)
}
