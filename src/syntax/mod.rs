//! The syntax layer: nginx configuration bytes in, a lossless tree with every
//! syntax error out. See `grammar/nginx.ebnf` for the grammar it implements.
//!
//! - [`lexer`]: tokens, exactly as nginx's tokenizer cuts them;
//! - [`parser`]: the recovering tree builder;
//! - [`tree`]: the lossless tree and its printer;
//! - [`views`]: typed accessors (arguments, variables, location, if, map);
//! - [`lines`]: byte offset to line and column.

pub mod lexer;
pub mod lines;
pub mod parser;
pub mod tree;
pub mod views;

pub use lexer::{Token, TokenKind};
pub use lines::LineIndex;
pub use parser::{MAX_DEPTH, parse};
pub use tree::{Block, BlockId, Directive, DirectiveEnd, Item, SyntaxError, SyntaxTree, TokenId};
pub use views::{Arg, DirectiveView, LocationMatch, LocationModifier, MapEntry, VariableRef};
