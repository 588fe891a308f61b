//! `# wslint:` comments: suppressions and WebSocket markers.
//!
//! - `# wslint: ignore WS006[,WS008] <reason>` at the end of a line covers
//!   the directive on that line; on a line of its own it covers the next
//!   directive. When that directive opens a block, the whole block is
//!   covered.
//! - `# wslint: ignore-file WS004 <reason>` before the first directive
//!   covers the whole file.
//! - `# wslint: websocket` marks the location it stands in (or the location
//!   it precedes or trails) as a WebSocket route; outside every block, it
//!   marks a file of location-level directives.
//!
//! A suppression that suppresses nothing is reported as WS000.

use super::ws000;
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::diagnostic::{Diagnostic, FileId, FileSpan};
use crate::semantic::Model;
use crate::syntax::{Block, SyntaxTree, TokenKind, views::block_directives};
use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};

/// One suppression comment.
#[derive(Debug)]
struct Suppression {
    file: FileId,
    comment: Range<u32>,
    codes: Vec<String>,
    /// What it covers: a directive's span, or the whole file.
    covers: Range<u32>,
    used: AtomicBool,
    /// Why it can never apply, when it is misplaced.
    misplaced: Option<&'static str>,
}

/// The `# wslint:` comments of every file of a run.
#[derive(Debug, Default)]
pub struct Comments {
    suppressions: Vec<Suppression>,
    /// (file, start of the `location` directive) of marked locations.
    websocket_markers: rustc_hash::FxHashSet<(FileId, u32)>,
}

/// A directive's span and whether it is a `location`.
struct Span {
    range: Range<u32>,
    is_location: bool,
    block: Option<Range<u32>>,
    /// The directive whose block holds this one.
    parent: Option<usize>,
}

/// Every directive of a file in document order (so sorted by start), with
/// the index of its parent.
fn flatten(tree: &SyntaxTree, block: &Block, parent: Option<usize>, out: &mut Vec<Span>) {
    for d in block_directives(tree, block) {
        let is_location = d.name_is("location");
        let body = d.block().map(|b| {
            let open = b.open.map_or(0, |t| tree.token_span(t).start);
            let close = b
                .close
                .map_or(tree.source.len() as u32, |t| tree.token_span(t).end);
            open..close
        });
        let index = out.len();
        out.push(Span {
            range: d.span(),
            is_location,
            block: body,
            parent,
        });
        if let Some(inner) = d.block() {
            flatten(tree, inner, Some(index), out);
        }
    }
}

/// The directive `index` and those around it, innermost first.
fn ancestors(spans: &[Span], index: Option<usize>) -> impl Iterator<Item = usize> + '_ {
    std::iter::successors(index, |&i| spans[i].parent)
}

/// The last directive that starts before `offset`: every directive whose
/// range holds `offset` is it or one around it.
fn last_before(spans: &[Span], offset: u32) -> Option<usize> {
    spans
        .partition_point(|s| s.range.start < offset)
        .checked_sub(1)
}

impl Comments {
    /// Reads the comments of every file in the model.
    pub fn collect(model: &Model) -> Self {
        let mut out = Comments::default();
        for (id, file) in model.files.files.iter().enumerate() {
            let tree = &file.tree;
            let is_marker = |t: &&crate::syntax::Token| {
                t.kind() == TokenKind::Comment
                    && t.text(&tree.source).windows(7).any(|w| w == b"wslint:")
            };
            if !tree.tokens.iter().any(|t| is_marker(&t)) {
                continue;
            }
            let mut spans = Vec::new();
            flatten(tree, &tree.root, None, &mut spans);
            let first_directive = spans.first().map_or(u32::MAX, |s| s.range.start);
            for token in tree
                .tokens
                .iter()
                .filter(|t| t.kind() == TokenKind::Comment)
            {
                let text = String::from_utf8_lossy(token.text(&tree.source));
                let Some(body) = text.trim_start_matches('#').trim().strip_prefix("wslint:") else {
                    continue;
                };
                let body = body.trim();
                let mut words = body.split_whitespace();
                let verb = words.next().unwrap_or("");
                let codes: Vec<String> = words
                    .next()
                    .unwrap_or("")
                    .split(',')
                    .filter(|c| !c.is_empty())
                    .map(|c| c.to_ascii_uppercase())
                    .collect();
                let comment = token.span();
                match verb {
                    "ignore-file" => {
                        let placed = token.start() < first_directive;
                        out.suppressions.push(Suppression {
                            file: id as FileId,
                            comment,
                            codes,
                            covers: if placed {
                                0..tree.source.len() as u32
                            } else {
                                0..0
                            },
                            used: AtomicBool::new(false),
                            misplaced: (!placed)
                                .then_some("`ignore-file` must come before the first directive"),
                        });
                    }
                    "ignore" => {
                        let target = target(tree, &spans, token.start());
                        out.suppressions.push(Suppression {
                            file: id as FileId,
                            comment,
                            codes,
                            covers: target.map_or(0..0, |t| spans[t].range.clone()),
                            used: AtomicBool::new(false),
                            misplaced: target
                                .is_none()
                                .then_some("it stands before no directive of its block"),
                        });
                    }
                    "websocket" => {
                        let location = target(tree, &spans, token.start())
                            .filter(|&t| spans[t].is_location)
                            .or_else(|| innermost_location(&spans, token.start()));
                        if let Some(l) = location {
                            out.websocket_markers
                                .insert((id as FileId, spans[l].range.start));
                        } else if enclosing_block(&spans, token.start()).is_none() {
                            out.websocket_markers.insert((id as FileId, WHOLE_FILE));
                        }
                    }
                    _ => {}
                }
            }
        }
        out
    }

    /// Whether a `# wslint: websocket` comment marks the location that
    /// starts at `start` in `file`.
    pub(crate) fn marks_websocket(&self, file: FileId, start: u32) -> bool {
        self.websocket_markers.contains(&(file, start))
    }

    /// Whether a `# wslint: websocket` comment at the top level of `file`
    /// (outside every block) marks the file: a snippet of location-level
    /// directives checked alone.
    pub(crate) fn marks_file(&self, file: FileId) -> bool {
        self.websocket_markers.contains(&(file, WHOLE_FILE))
    }

    /// Drops the suppressed findings, remembering which suppressions worked.
    pub(crate) fn apply(
        &self,
        _model: &Model,
        found: Vec<Diagnostic>,
        _enabled: &[&str],
    ) -> Vec<Diagnostic> {
        if self.suppressions.is_empty() {
            return found;
        }
        // A sweep over findings and suppressions, both in (file, offset)
        // order: only the suppressions whose range holds the current
        // finding are compared with it.
        let mut by_start: Vec<&Suppression> = self.suppressions.iter().collect();
        by_start.sort_by_key(|s| (s.file, s.covers.start));
        let mut order: Vec<usize> = (0..found.len()).collect();
        order.sort_by_key(|&i| (found[i].location.file, found[i].location.span.start));
        let mut suppressed = vec![false; found.len()];
        let mut next = 0;
        let mut active: Vec<&Suppression> = Vec::new();
        for i in order {
            let d = &found[i];
            let at = (d.location.file, d.location.span.start);
            while next < by_start.len() && (by_start[next].file, by_start[next].covers.start) <= at
            {
                active.push(by_start[next]);
                next += 1;
            }
            active.retain(|s| s.file == at.0 && s.covers.end > at.1);
            if let Some(s) = active
                .iter()
                .find(|s| s.covers.contains(&at.1) && s.codes.iter().any(|c| c == d.code))
            {
                s.used.store(true, Ordering::Relaxed);
                suppressed[i] = true;
            }
        }
        found
            .into_iter()
            .zip(suppressed)
            .filter_map(|(d, gone)| (!gone).then_some(d))
            .collect()
    }

    /// WS000 for every suppression of an enabled rule that suppressed nothing.
    pub(crate) fn unused(&self, model: &Model, enabled: &[&str]) -> Vec<Diagnostic> {
        self.suppressions
            .iter()
            .filter(|s| !s.used.load(Ordering::Relaxed))
            .filter(|s| {
                s.misplaced.is_some()
                    || s.codes.is_empty()
                    || s.codes
                        .iter()
                        .any(|c| enabled.contains(&c.as_str()) || !c.starts_with("WS"))
            })
            .map(|s| {
                let what = if let Some(why) = s.misplaced {
                    format!("suppresses nothing: {why}")
                } else if s.codes.is_empty() {
                    "names no rule code".to_string()
                } else {
                    format!("suppresses nothing: no {} finding here", s.codes.join(", "))
                };
                Diagnostic::new(
                    ws000::META.code,
                    ws000::META.name,
                    ws000::META.severity,
                    format!("this `# wslint:` suppression {what}"),
                    FileSpan {
                        file: s.file,
                        span: s.comment.clone(),
                    },
                )
                .with_fix(Some(Fix::new(
                    Applicability::Safe,
                    "remove the suppression comment",
                    vec![remove_comment(
                        &model.files.get(s.file).tree.source,
                        s.file,
                        &s.comment,
                    )],
                )))
            })
            .collect()
    }
}

/// An edit removing a comment: its whole line when it stands alone, else
/// the comment and the blanks before it.
fn remove_comment(src: &[u8], file: FileId, comment: &Range<u32>) -> Edit {
    let line_start = src[..comment.start as usize]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let before = &src[line_start..comment.start as usize];
    let mut end = comment.end as usize;
    if before.iter().all(|b| *b == b' ' || *b == b'\t') {
        if src[end..].starts_with(b"\r\n") {
            end += 2;
        } else if src[end..].starts_with(b"\n") {
            end += 1;
        }
        return Edit {
            file,
            range: line_start as u32..end as u32,
            text: String::new(),
        };
    }
    let blanks = before
        .iter()
        .rev()
        .take_while(|b| **b == b' ' || **b == b'\t')
        .count();
    Edit {
        file,
        range: comment.start - blanks as u32..comment.end,
        text: String::new(),
    }
}

/// The directive a comment at `offset` applies to: on the same line as
/// code, the directive that starts or ends on that line (the outermost one
/// starting there); on a line of its own, the next directive.
fn target(tree: &SyntaxTree, spans: &[Span], offset: u32) -> Option<usize> {
    let line_start = tree.source[..offset as usize]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1) as u32;
    let own_line = tree.source[line_start as usize..offset as usize]
        .iter()
        .all(|b| b.is_ascii_whitespace());
    if own_line {
        // The next directive, if it is in the same block as the comment: a
        // comment on the last line of a block applies to nothing.
        let block_end = ancestors(spans, last_before(spans, offset))
            .filter_map(|i| spans[i].block.as_ref())
            .find(|b| b.contains(&offset))
            .map_or(u32::MAX, |b| b.end);
        let next = spans.partition_point(|s| s.range.start <= offset);
        return (next < spans.len() && spans[next].range.start < block_end).then_some(next);
    }
    // Same line: a directive starting on this line before the comment
    // (a block opener), else the innermost one ending on this line before
    // it (which started on an earlier line, so it holds the line's start).
    let first_on_line = spans.partition_point(|s| s.range.start < line_start);
    if first_on_line < spans.len() && spans[first_on_line].range.start < offset {
        return Some(first_on_line);
    }
    ancestors(spans, last_before(spans, line_start))
        .find(|&i| spans[i].range.end > line_start && spans[i].range.end <= offset)
}

/// The marker position that stands for a whole file.
const WHOLE_FILE: u32 = u32::MAX;

/// The innermost directive whose block contains `offset`.
fn enclosing_block(spans: &[Span], offset: u32) -> Option<usize> {
    ancestors(spans, last_before(spans, offset))
        .find(|&i| spans[i].block.as_ref().is_some_and(|b| b.contains(&offset)))
}

/// The innermost location whose block contains `offset`.
fn innermost_location(spans: &[Span], offset: u32) -> Option<usize> {
    ancestors(spans, last_before(spans, offset)).find(|&i| {
        spans[i].is_location && spans[i].block.as_ref().is_some_and(|b| b.contains(&offset))
    })
}
