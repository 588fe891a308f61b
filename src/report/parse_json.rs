//! `wslint parse`: the syntax tree as JSON, for scripts that work on nginx
//! configurations. One document for the whole run:
//!
//! ```text
//! { "files": [ { "path", "status": "ok"|"failed", "errors": [...], "items": [...] } ] }
//! ```
//!
//! An item is a directive (`name`, `args` (unquoted values), `raw_args` (as
//! written), `line`, `column`, `span` [start, end) in bytes, and `block`
//! (a list of items) or `raw_block` (text of a Lua block) when it has one) or
//! a comment (`comment` (the text after `#`), `line`, `column`, `span`).

use crate::load::source::SourceFile;
use crate::syntax::{Block, DirectiveEnd, Item, SyntaxTree, views::DirectiveView};
use serde::Serialize;

#[derive(Serialize)]
struct Document<'a> {
    files: Vec<FileJson<'a>>,
}

#[derive(Serialize)]
struct FileJson<'a> {
    path: String,
    status: &'a str,
    errors: Vec<ErrorJson>,
    items: Vec<ItemJson>,
}

#[derive(Serialize)]
struct ErrorJson {
    message: String,
    line: usize,
    column: usize,
    span: [u32; 2],
}

#[derive(Serialize)]
#[serde(untagged)]
enum ItemJson {
    Directive {
        name: String,
        args: Vec<String>,
        raw_args: Vec<String>,
        line: usize,
        column: usize,
        span: [u32; 2],
        #[serde(skip_serializing_if = "Option::is_none")]
        block: Option<Vec<ItemJson>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        raw_block: Option<String>,
    },
    Comment {
        comment: String,
        line: usize,
        column: usize,
        span: [u32; 2],
    },
}

/// Renders the files as one pretty-printed JSON document.
pub(crate) fn render(files: &[SourceFile]) -> String {
    let doc = Document {
        files: files.iter().map(file_json).collect(),
    };
    serde_json::to_string_pretty(&doc).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

fn file_json(file: &SourceFile) -> FileJson<'_> {
    let errors: Vec<ErrorJson> = file
        .tree
        .errors
        .iter()
        .map(|e| {
            let (line, column) = file.line_col(e.span.start);
            ErrorJson {
                message: e.message.clone(),
                line,
                column,
                span: [e.span.start, e.span.end],
            }
        })
        .collect();
    FileJson {
        path: file.display_name().to_string(),
        status: if errors.is_empty() { "ok" } else { "failed" },
        errors,
        items: block_json(file, &file.tree.root),
    }
}

fn block_json(file: &SourceFile, block: &Block) -> Vec<ItemJson> {
    let tree: &SyntaxTree = &file.tree;
    let mut out = Vec::new();
    for item in file.tree.items(block) {
        match item {
            Item::Comment(t) => {
                let span = tree.token_span(*t);
                let (line, column) = file.line_col(span.start);
                let text = String::from_utf8_lossy(&tree.token_text(*t)[1..]).into_owned();
                out.push(ItemJson::Comment {
                    comment: text,
                    line,
                    column,
                    span: [span.start, span.end],
                });
            }
            Item::Error(_) => {}
            Item::Directive(node) => {
                let d = DirectiveView { tree, node };
                let span = d.span();
                let (line, column) = file.line_col(span.start);
                let (block, raw_block) = match &node.end {
                    DirectiveEnd::Block(b) => match d.raw_body() {
                        Some(raw) => (None, Some(String::from_utf8_lossy(raw).into_owned())),
                        None => (Some(block_json(file, tree.block(*b))), None),
                    },
                    _ => (None, None),
                };
                out.push(ItemJson::Directive {
                    name: d.name().into_owned(),
                    args: d.args().map(|a| a.value_string()).collect(),
                    raw_args: d
                        .args()
                        .map(|a| String::from_utf8_lossy(a.raw()).into_owned())
                        .collect(),
                    line,
                    column,
                    span: [span.start, span.end],
                    block,
                    raw_block,
                });
            }
        }
    }
    out
}
