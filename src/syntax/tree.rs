//! The lossless syntax tree. All tokens of a file but whitespace live in one
//! flat vector; the tree (blocks, directives, comments, error items) refers
//! to them by index. Comments inside a directive are not named by the tree
//! but stay in the token vector, and whitespace is the bytes between stored
//! tokens, so [`SyntaxTree::print`] can walk the tree and give back the
//! input byte for byte.

use super::lexer::Token;
use std::ops::Range;

/// Index of a token in [`SyntaxTree::tokens`].
pub type TokenId = u32;

/// A syntax error: a message and the byte range it is about, optionally with
/// a second range that explains it (for example where an unclosed block opened).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
    pub span: Range<u32>,
    pub(crate) related: Option<(Range<u32>, String)>,
}

/// A parsed file: its bytes, its tokens, the tree over them and every syntax
/// error found.
#[derive(Debug, Clone)]
pub struct SyntaxTree {
    pub source: super::SourceText,
    pub(crate) tokens: Vec<Token>,
    /// The word tokens of all directives, each directive's words contiguous;
    /// [`Directive::words`] indexes into it. One shared vector instead of one
    /// per directive keeps parsing free of small allocations.
    pub(crate) word_tokens: Vec<TokenId>,
    /// The items of all blocks, each block's items contiguous;
    /// [`Block::items`] indexes into it (see [`SyntaxTree::items`]).
    pub(crate) items: Vec<Item>,
    /// Every block but the top level, in the order they close;
    /// [`DirectiveEnd::Block`] holds an index into it. With the shared item
    /// list, a block costs no allocation of its own: a large tree has
    /// hundreds of thousands of them.
    pub(crate) blocks: Vec<Block>,
    pub root: Block,
    pub errors: Vec<SyntaxError>,
}

/// Index of a block in [`SyntaxTree::blocks`].
pub type BlockId = u32;

/// A `{ … }` block, or the top level of a file (which has no braces).
#[derive(Debug, Clone, Default)]
pub struct Block {
    pub(crate) open: Option<TokenId>,
    /// Range in [`SyntaxTree::items`]; see [`SyntaxTree::items`].
    pub(crate) items: Range<u32>,
    /// For blocks whose body is not nginx syntax (Lua): the raw body token.
    pub(crate) raw_body: Option<TokenId>,
    /// `None` when the file ended before the block was closed.
    pub(crate) close: Option<TokenId>,
}

/// One entry of a block.
#[derive(Debug, Clone)]
pub enum Item {
    Directive(Directive),
    /// A comment that stands between directives (not inside one).
    Comment(TokenId),
    /// Tokens nginx would reject where they stand (a stray `;` or `}`, or
    /// everything after blocks nested too deep).
    Error(Range<TokenId>),
}

/// A directive: its words (the name first, then the arguments) and how it ends.
/// A directive built from a bare `{` has no words.
#[derive(Debug, Clone)]
pub struct Directive {
    /// Range in [`SyntaxTree::word_tokens`]; see [`SyntaxTree::words`].
    pub(crate) words: Range<u32>,
    pub(crate) end: DirectiveEnd,
}

/// How a directive ends.
#[derive(Debug, Clone)]
pub enum DirectiveEnd {
    Semicolon(TokenId),
    Block(BlockId),
    /// Neither `;` nor a block: a `}` or the end of file came first (an error).
    Missing,
}

impl SyntaxTree {
    /// The items of a block, in order.
    pub fn items(&self, block: &Block) -> &[Item] {
        &self.items[block.items.start as usize..block.items.end as usize]
    }

    /// The block with this id.
    pub(crate) fn block(&self, id: BlockId) -> &Block {
        &self.blocks[id as usize]
    }

    /// The block of a directive, when it has one.
    pub(crate) fn block_of(&self, d: &Directive) -> Option<&Block> {
        match d.end {
            DirectiveEnd::Block(id) => Some(self.block(id)),
            _ => None,
        }
    }

    /// The word tokens of a directive: its name, then its arguments.
    pub(crate) fn words(&self, d: &Directive) -> &[TokenId] {
        &self.word_tokens[d.words.start as usize..d.words.end as usize]
    }

    /// The first token of a directive.
    pub(crate) fn first_token(&self, d: &Directive) -> Option<TokenId> {
        if let Some(&first) = self.words(d).first() {
            return Some(first);
        }
        match &d.end {
            DirectiveEnd::Semicolon(t) => Some(*t),
            DirectiveEnd::Block(b) => self.block(*b).open,
            DirectiveEnd::Missing => None,
        }
    }

    /// The bytes of one token.
    pub(crate) fn token_text(&self, id: TokenId) -> &[u8] {
        let t = &self.tokens[id as usize];
        t.text(&self.source)
    }

    /// The byte range of one token.
    pub(crate) fn token_span(&self, id: TokenId) -> Range<u32> {
        let t = &self.tokens[id as usize];
        t.span()
    }

    /// Prints the tree back to bytes by walking it. Trivia the tree does not
    /// name are taken from the token vector between the tokens it does name.
    pub fn print(&self) -> Vec<u8> {
        let mut printer = Printer {
            tree: self,
            out: Vec::with_capacity(self.source.len()),
            next: 0,
            pos: 0,
        };
        printer.block(&self.root);
        printer.emit_up_to(self.tokens.len() as TokenId);
        printer.emit_gap(self.source.len() as u32);
        printer.out
    }

    /// Byte range covered by a directive, from its first word to its `;` or
    /// closing brace (or its last token when it is unterminated).
    pub(crate) fn directive_span(&self, d: &Directive) -> Range<u32> {
        let start = self
            .first_token(d)
            .map_or(0, |t| self.tokens[t as usize].start());
        let last = match &d.end {
            DirectiveEnd::Semicolon(t) => Some(*t),
            DirectiveEnd::Block(b) => {
                let b = self.block(*b);
                b.close.or_else(|| self.last_token_of_block(b)).or(b.open)
            }
            DirectiveEnd::Missing => self.words(d).last().copied(),
        };
        let end = last.map_or(start, |t| self.tokens[t as usize].end());
        start..end
    }

    fn last_token_of_block(&self, b: &Block) -> Option<TokenId> {
        if let Some(raw) = b.raw_body {
            return Some(raw);
        }
        match self.items(b).last()? {
            Item::Comment(t) => Some(*t),
            Item::Error(r) => r.end.checked_sub(1),
            Item::Directive(d) => match &d.end {
                DirectiveEnd::Semicolon(t) => Some(*t),
                DirectiveEnd::Block(inner) => {
                    let inner = self.block(*inner);
                    inner.close.or_else(|| self.last_token_of_block(inner))
                }
                DirectiveEnd::Missing => self.words(d).last().copied(),
            },
        }
    }
}

struct Printer<'a> {
    tree: &'a SyntaxTree,
    out: Vec<u8>,
    /// The next stored token to print.
    next: TokenId,
    /// The next source byte to print.
    pos: u32,
}

impl Printer<'_> {
    /// Emits the source up to byte `end`: the whitespace before it, which
    /// is not stored as tokens.
    fn emit_gap(&mut self, end: u32) {
        let gap = &self.tree.source[self.pos as usize..end as usize];
        debug_assert!(
            gap.iter().all(|&b| super::lexer::is_space(b)),
            "bytes between stored tokens must be whitespace"
        );
        self.out.extend_from_slice(gap);
        self.pos = end;
    }

    /// Emits the unnamed tokens before `id`; they must all be trivia.
    fn emit_up_to(&mut self, id: TokenId) {
        while self.next < id {
            debug_assert!(
                self.tree.tokens[self.next as usize].kind().is_trivia(),
                "tree skips a non-trivia token"
            );
            self.emit_token(self.next);
            self.next += 1;
        }
    }

    fn emit_token(&mut self, id: TokenId) {
        let token = self.tree.tokens[id as usize];
        self.emit_gap(token.start());
        self.out.extend_from_slice(self.tree.token_text(id));
        self.pos = token.end();
    }

    fn token(&mut self, id: TokenId) {
        self.emit_up_to(id);
        debug_assert_eq!(self.next, id, "tree names a token twice or out of order");
        self.emit_token(id);
        self.next = id + 1;
    }

    fn block(&mut self, block: &Block) {
        let tree = self.tree;
        if let Some(open) = block.open {
            self.token(open);
        }
        if let Some(raw) = block.raw_body {
            self.token(raw);
        }
        for item in tree.items(block) {
            match item {
                Item::Comment(t) => self.token(*t),
                Item::Error(range) => {
                    for t in range.clone() {
                        self.token(t);
                    }
                }
                Item::Directive(d) => {
                    for &w in self.tree.words(d) {
                        self.token(w);
                    }
                    match &d.end {
                        DirectiveEnd::Semicolon(t) => self.token(*t),
                        DirectiveEnd::Block(b) => self.block(tree.block(*b)),
                        DirectiveEnd::Missing => {}
                    }
                }
            }
        }
        if let Some(close) = block.close {
            self.token(close);
        }
    }
}
