//! Building blocks for rules' fixes: where a new directive goes in a block
//! (after the block's last simple directive, on its own line, with that
//! line's indentation and the file's line ending; inline in a one-line
//! block), how to replace an argument or remove a directive, and where the
//! Connection `map` goes (the http block of the main configuration, or the
//! top of an http-level file).

use crate::diagnostic::FileId;
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::semantic::{Model, Node, ScopeId};
use crate::syntax::Context;
use crate::syntax::{Block, DirectiveEnd, Item, SyntaxTree};
use std::borrow::Cow;

/// The line ending to use next to `offset`: the one that ends that line
/// (CR LF, LF, or a lone CR as old Mac files have), else the first one in
/// the file, else LF. Looking near the edit keeps this cheap on large files
/// and right on mixed ones.
pub(crate) fn line_ending(src: &[u8], offset: u32) -> &'static str {
    let from = offset.min(src.len() as u32) as usize;
    let at = memchr::memchr2(b'\n', b'\r', &src[from..])
        .map(|p| from + p)
        .or_else(|| memchr::memchr2(b'\n', b'\r', src));
    match at {
        Some(i) if src[i] == b'\r' && src.get(i + 1) == Some(&b'\n') => "\r\n",
        Some(i) if src[i] == b'\r' => "\r",
        _ => "\n",
    }
}

/// Start of the line holding `offset` (after a LF or a lone CR).
fn line_start(src: &[u8], offset: u32) -> u32 {
    memchr::memrchr2(b'\n', b'\r', &src[..offset as usize]).map_or(0, |p| p as u32 + 1)
}

/// End of the line holding `offset` (before its CR LF, LF or CR).
fn line_end(src: &[u8], offset: u32) -> u32 {
    let offset = offset as usize;
    memchr::memchr2(b'\n', b'\r', &src[offset..]).map_or(src.len(), |p| offset + p) as u32
}

/// Where to add lines after `end` (the end of a directive, or a block's
/// `{`) inside a block closing at `close`: the end of that line, so a
/// comment after it stays with it, unless the block closes on that line;
/// then right after `end`, inside the block.
fn insertion_point(src: &[u8], end: u32, close: u32) -> u32 {
    let at = line_end(src, end);
    if at <= close { at } else { end }
}

/// Whether the line after the one that ends at `at` holds only blanks.
fn next_line_is_blank(src: &[u8], at: u32) -> bool {
    let rest = &src[at as usize..];
    let Some(rest) = rest
        .strip_prefix(b"\r\n")
        .or_else(|| rest.strip_prefix(b"\n"))
        .or_else(|| rest.strip_prefix(b"\r"))
    else {
        return false;
    };
    let blanks = rest
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    matches!(rest.get(blanks), Some(b'\n' | b'\r'))
}

/// Whether nothing but blanks lies between `from` and `to`: no line break.
fn on_one_line(src: &[u8], from: u32, to: u32) -> bool {
    memchr::memchr2(b'\n', b'\r', &src[from as usize..to as usize]).is_none()
}

/// The indentation of the line holding `offset`, borrowed from the file.
pub(crate) fn indent_of(src: &[u8], offset: u32) -> &str {
    let start = line_start(src, offset) as usize;
    let width = src[start..]
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    // Spaces and tabs only: always UTF-8.
    std::str::from_utf8(&src[start..start + width]).unwrap_or_default()
}

/// One more level of indentation than `indent`, in the file's style.
fn deeper(indent: &str, src: &[u8]) -> String {
    format!("{indent}{}", indent_unit(src))
}

/// One level of indentation as the file writes it: a tab when its lines
/// are indented with tabs, else as many spaces as its least indented
/// indented line (two, four, …), four when nothing is indented. Read from
/// the file's first 64 KiB: a fix is made per route, and a file keeps one
/// style.
fn indent_unit(src: &[u8]) -> &'static str {
    const SPACES: &str = "        ";
    let mut least = None;
    for line in src[..src.len().min(64 * 1024)].split(|&b| b == b'\n') {
        match line.first() {
            Some(b'\t') => return "\t",
            Some(b' ') => {
                let width = line.iter().take_while(|&&b| b == b' ').count();
                // A line of blanks says nothing about the style.
                if width < line.len() && !line[width..].starts_with(b"\r") {
                    least = Some(least.map_or(width, |l: usize| l.min(width)));
                }
            }
            _ => {}
        }
    }
    &SPACES[..least.unwrap_or(4).min(SPACES.len())]
}

/// One line a fix adds: a whole directive, either as text
/// (`proxy_http_version 1.1;`) or copied from where it is written (see
/// [`push_directive_line`]). A copy is written straight into the edit.
#[derive(Debug, Clone)]
pub(crate) enum Line<'a> {
    Text(Cow<'a, str>),
    Copy(Node<'a>),
}

impl<'a> Line<'a> {
    /// A line of fixed text.
    pub(crate) fn text(text: &'static str) -> Line<'a> {
        Line::Text(Cow::Borrowed(text))
    }

    /// The first argument, as written (`Host` in `proxy_set_header Host …`);
    /// for a copied directive, unquoted like nginx reads it.
    pub(crate) fn first_arg(&self) -> Option<Cow<'_, str>> {
        match self {
            Line::Text(t) => t.split_whitespace().nth(1).map(Cow::Borrowed),
            Line::Copy(node) => node.view.arg_text(0),
        }
    }

    fn len(&self) -> usize {
        match self {
            Line::Text(t) => t.len(),
            Line::Copy(node) => {
                let tree = node.view.tree;
                let words = tree.words(node.view.node);
                words.iter().map(|&t| tree.token_text(t).len() + 1).sum()
            }
        }
    }

    fn push_to(&self, out: &mut String) {
        match self {
            Line::Text(t) => out.push_str(t),
            Line::Copy(node) => push_directive_line(out, *node),
        }
    }
}

impl From<String> for Line<'_> {
    fn from(text: String) -> Self {
        Line::Text(Cow::Owned(text))
    }
}

/// An edit that adds `lines` (each a whole directive such as
/// `proxy_http_version 1.1;`) to the block of the location `scope`.
/// For a file of location-level directives checked alone, the lines go
/// after its last directive.
pub(crate) fn add_to_location(model: &Model, scope: ScopeId, lines: &[Line]) -> Option<Edit> {
    let Some(opener) = model.scope(scope).opener else {
        let file = model.entries[model.scope(scope).entry].point.file;
        return add_to_top_level(file, &model.files.get(file).tree, lines);
    };
    let block = opener.view.block()?;
    add_to_block(
        opener.file,
        &model.files.get(opener.file).tree,
        block,
        lines,
    )
}

/// An edit that adds `lines` to a block: after its last simple directive,
/// each on its own line with that directive's indentation; inline for a
/// block written on one line.
pub(crate) fn add_to_block(
    file: FileId,
    tree: &SyntaxTree,
    block: &Block,
    lines: &[Line],
) -> Option<Edit> {
    if block.raw_body.is_some() || lines.is_empty() {
        return None;
    }
    let src = &tree.source;
    let open = tree.token_span(block.open?);
    let close = tree.token_span(block.close?);
    let last_simple = tree.items(block).iter().rev().find_map(|item| match item {
        Item::Directive(d) => match d.end {
            DirectiveEnd::Semicolon(t) => Some(tree.token_span(t).end),
            _ => None,
        },
        _ => None,
    });
    // No line break from the `{` to the `}`: the block is on one line.
    if on_one_line(src, open.start, close.start) {
        let at = last_simple.unwrap_or(open.end);
        return Some(Edit {
            file,
            range: at..at,
            text: joined_lines(" ", "", lines),
        });
    }
    let eol = line_ending(src, last_simple.unwrap_or(open.end));
    let (at, indent) = match last_simple {
        Some(end) => (
            insertion_point(src, end, close.start),
            Cow::Borrowed(indent_of(src, end)),
        ),
        None => (
            insertion_point(src, open.end, close.start),
            Cow::Owned(deeper(indent_of(src, open.start), src)),
        ),
    };
    Some(Edit {
        file,
        range: at..at,
        text: joined_lines(eol, &indent, lines),
    })
}

/// An edit that adds `lines` to a file's top level: after its last
/// directive, each on its own line with that directive's indentation.
fn add_to_top_level(file: FileId, tree: &SyntaxTree, lines: &[Line]) -> Option<Edit> {
    let last = tree.directives().last()?;
    let src = &tree.source;
    let end = last.span().end;
    let at = line_end(src, end);
    let eol = line_ending(src, end);
    Some(Edit {
        file,
        range: at..at,
        text: joined_lines(eol, indent_of(src, last.span().start), lines),
    })
}

/// Each line after `separator` and `indent`, all in one string.
fn joined_lines(separator: &str, indent: &str, lines: &[Line]) -> String {
    let size = lines
        .iter()
        .map(|l| separator.len() + indent.len() + l.len())
        .sum();
    let mut text = String::with_capacity(size);
    for line in lines {
        text.push_str(separator);
        text.push_str(indent);
        line.push_to(&mut text);
    }
    text
}

/// An edit that replaces argument `index` (0 is the first after the name)
/// of a directive with `text`, written as is (quote it yourself).
pub(crate) fn replace_arg(node: Node, index: usize, text: &str) -> Option<Edit> {
    let arg = node.view.args().nth(index)?;
    Some(Edit {
        file: node.file,
        range: arg.span(),
        text: text.to_string(),
    })
}

/// A fix that replaces argument `index` of a directive with `text`, together
/// with `extra` edits (the map a new value needs, say).
pub(crate) fn replace_arg_fix(
    node: Node,
    index: usize,
    text: &str,
    applicability: Applicability,
    title: &'static str,
    mut extra: Vec<Edit>,
) -> Option<Fix> {
    let edit = replace_arg(node, index, text)?;
    extra.insert(0, edit);
    Some(Fix::new(applicability, title, extra))
}

/// An edit that inserts ` text` after argument `index` of a directive.
pub(crate) fn append_after_arg(node: Node, index: usize, text: &str) -> Option<Edit> {
    let end = node.view.args().nth(index)?.span().end;
    Some(Edit {
        file: node.file,
        range: end..end,
        text: format!(" {text}"),
    })
}

/// An edit that removes a directive: its whole line when nothing else is
/// on it (comments after it go too), else just the directive.
pub(crate) fn remove_directive(model: &Model, node: Node) -> Edit {
    let src = &model.files.get(node.file).tree.source;
    let span = node.view.span();
    let start = line_start(src, span.start);
    let before_is_blank = src[start as usize..span.start as usize]
        .iter()
        .all(|b| b.is_ascii_whitespace());
    let end_of_line = line_end(src, span.end);
    let after = &src[span.end as usize..end_of_line as usize];
    let after_is_blank_or_comment = {
        let trimmed = after.trim_ascii_start();
        trimmed.is_empty() || trimmed.starts_with(b"#")
    };
    if before_is_blank && after_is_blank_or_comment {
        let mut end = end_of_line as usize;
        if src[end..].starts_with(b"\r\n") {
            end += 2;
        } else if src[end..].starts_with(b"\n") || src[end..].starts_with(b"\r") {
            end += 1;
        }
        return Edit {
            file: node.file,
            range: start..end as u32,
            text: String::new(),
        };
    }
    Edit {
        file: node.file,
        range: span,
        text: String::new(),
    }
}

/// Appends a directive written back as one line: its words joined by
/// single spaces, exactly as written (quotes kept), and a `;`.
pub(crate) fn push_directive_line(out: &mut String, node: Node) {
    let tree = node.view.tree;
    for (i, &t) in tree.words(node.view.node).iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let span = tree.token_span(t);
        match tree.source.text(span.start as usize..span.end as usize) {
            Some(text) => out.push_str(text),
            None => out.push_str(&String::from_utf8_lossy(tree.token_text(t))),
        }
    }
    out.push(';');
}

/// The lines of the standard Connection map for `$var`, its entries one
/// level (`unit`) in.
fn map_lines(var: &str, unit: &str) -> Vec<String> {
    vec![
        format!("map $http_upgrade ${var} {{"),
        format!("{unit}default upgrade;"),
        format!("{unit}''      close;"),
        "}".to_string(),
    ]
}

/// An edit that defines `$var` with the standard Connection map in the http
/// context of entry point `entry`: at the top of the `http` block of a main
/// configuration, or at the top of a file of http-level content. `None` when
/// the entry has no http context (a server- or location-level snippet).
pub(crate) fn add_connection_map(model: &Model, entry: usize, var: &str) -> Option<Edit> {
    let analysed = &model.entries[entry];
    match analysed.context {
        Context::Main => {
            let http = model
                .scopes_of(Context::Http)
                .find(|&s| model.scope(s).entry == entry)?;
            let opener = model.scope(http).opener?;
            let tree = &model.files.get(opener.file).tree;
            let block = opener.view.block()?;
            let src = &tree.source;
            let open = tree.token_span(block.open?);
            let close = tree.token_span(block.close?);
            // An http block written on one line gets the map on that line.
            if on_one_line(src, open.start, close.start) {
                return Some(Edit {
                    file: opener.file,
                    range: open.end..open.end,
                    text: format!(" map $http_upgrade ${var} {{ default upgrade; '' close; }}"),
                });
            }
            let eol = line_ending(src, open.end);
            let first = tree.items(block).iter().find_map(|i| match i {
                Item::Directive(d) => tree.first_token(d).map(|t| tree.token_span(t).start),
                _ => None,
            });
            let indent = match first {
                Some(start) if line_start(src, start) != line_start(src, open.start) => {
                    Cow::Borrowed(indent_of(src, start))
                }
                _ => Cow::Owned(deeper(indent_of(src, open.start), src)),
            };
            // After the `{` and what follows it on its line (a comment),
            // unless a directive follows on that line: then right after it.
            let rest_of_line = line_end(src, open.end);
            let at = match first {
                Some(start) if start < rest_of_line => open.end,
                _ => insertion_point(src, open.end, close.start),
            };
            let text: String = map_lines(var, indent_unit(src))
                .iter()
                .map(|l| format!("{eol}{indent}{l}"))
                .collect();
            let after = if at == open.end && first.is_some_and(|s| s < rest_of_line) {
                // The directive that followed the `{` goes on a line of its own.
                format!("{eol}{indent}")
            } else if next_line_is_blank(src, at) {
                // The blank line after the map is there already.
                String::new()
            } else {
                eol.to_string()
            };
            Some(Edit {
                file: opener.file,
                range: at..at,
                text: format!("{text}{after}"),
            })
        }
        Context::Http => {
            let file = analysed.point.file;
            let tree = &model.files.get(file).tree;
            let src = &tree.source;
            let first = tree.directives().next()?;
            let eol = line_ending(src, first.span().start);
            let at = line_start(src, first.span().start);
            let indent = indent_of(src, first.span().start);
            let text: String = map_lines(var, indent_unit(src))
                .iter()
                .map(|l| format!("{indent}{l}{eol}"))
                .collect();
            Some(Edit {
                file,
                range: at..at,
                text: format!("{text}{eol}"),
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse;

    fn apply(src: &str, edit: &Edit) -> String {
        let mut s = src.to_string();
        s.replace_range(
            edit.range.start as usize..edit.range.end as usize,
            &edit.text,
        );
        s
    }

    /// `src` after adding `lines` to its first server's location block.
    fn added_to_location(src: &str, lines: &[&str]) -> String {
        let tree = parse(src.as_bytes().to_vec());
        let server = tree.directives().next().unwrap();
        let location = server.children().find(|d| d.name() == "location").unwrap();
        let lines: Vec<Line> = lines
            .iter()
            .map(|l| Line::Text(Cow::Borrowed(*l)))
            .collect();
        let edit = add_to_block(0, &tree, location.block().unwrap(), &lines).unwrap();
        apply(src, &edit)
    }

    #[test]
    fn inserts_after_last_simple_directive_with_its_indent_and_line_ending() {
        let src = "server {\r\n  location /ws/ {\r\n\tproxy_pass http://a; # keep\r\n  }\r\n}\r\n";
        assert_eq!(
            added_to_location(src, &["proxy_http_version 1.1;"]),
            "server {\r\n  location /ws/ {\r\n\tproxy_pass http://a; # keep\r\n\tproxy_http_version 1.1;\r\n  }\r\n}\r\n"
        );
    }

    #[test]
    fn one_line_block_stays_on_one_line() {
        let src = "server {\n    location /ws { proxy_pass http://a; }\n}\n";
        assert_eq!(
            added_to_location(src, &["proxy_http_version 1.1;"]),
            "server {\n    location /ws { proxy_pass http://a; proxy_http_version 1.1; }\n}\n"
        );
    }

    #[test]
    fn empty_block_gets_one_more_indent_level() {
        let src = "server {\n    location /ws {\n    }\n}\n";
        assert_eq!(
            added_to_location(src, &["a 1;"]),
            "server {\n    location /ws {\n        a 1;\n    }\n}\n"
        );
    }
}
