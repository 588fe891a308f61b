//! The syntax layer: nginx configuration bytes in, a lossless tree with every
//! syntax error out. See `grammar/nginx.ebnf` for the grammar it implements.
//!
//! - [`lexer`]: tokens, exactly as nginx's tokenizer cuts them;
//! - [`parser`]: the recovering tree builder;
//! - [`tree`]: the lossless tree and its printer;
//! - [`views`]: typed accessors (arguments, variables, location, if, map);
//! - [`lines`]: byte offset to line and column;
//! - [`source_text`]: a file's bytes, kept as text when they are UTF-8;
//! - [`context`]: configuration contexts;
//! - [`top_level`]: the context a file's top level suggests;
//! - [`directives`]: the directive table (grammar/directives.tsv): where
//!   each directive is allowed and how many arguments it takes;
//! - [`version`]: nginx versions, and what each added
//!   (grammar/versions.tsv).

pub(crate) mod context;
pub(crate) mod directives;
pub(crate) mod lexer;
pub(crate) mod lines;
pub(crate) mod parser;
pub(crate) mod source_text;
pub mod top_level;
pub(crate) mod tree;
pub(crate) mod version;
pub(crate) mod views;

pub use context::Context;
pub(crate) use lexer::{MAX_SOURCE_LEN, Token, TokenKind};
pub(crate) use lines::LineIndex;
pub use parser::{MAX_DEPTH, parse};
pub(crate) use source_text::SourceText;
pub use tree::{Block, BlockId, Directive, DirectiveEnd, Item, SyntaxError, SyntaxTree, TokenId};
pub use version::NginxVersion;
pub(crate) use views::{Arg, DirectiveView, LocationModifier};
