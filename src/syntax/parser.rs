//! The tree builder: turns the lexer's tokens into blocks and directives,
//! recording every syntax error nginx would report and recovering so the rest
//! of the file is still parsed. It keeps an explicit stack of open blocks
//! instead of recursing, and refuses blocks nested deeper than
//! [`MAX_DEPTH`], so no input can overflow the stack.
//!
//! Recovery follows nginx's structure: a directive ends at `;`, `{` or `}`;
//! a `}` while words are pending closes the unterminated directive and then
//! the block; stray `;`, `{` and `}` become error items.

use super::SourceText;
use super::lexer::{Lexer, MAX_SOURCE_LEN, Token, TokenKind};
use super::tree::{
    Block, BlockId, Directive, DirectiveEnd, Item, SyntaxError, SyntaxTree, TokenId,
};

/// The deepest block nesting accepted. Real configurations stay below ten;
/// the limit only exists so hostile input cannot exhaust the stack of the
/// recursive passes that walk the tree.
pub const MAX_DEPTH: usize = 200;

/// A block being filled, with the words of the directive that opened it.
struct Frame {
    words: std::ops::Range<u32>,
    open: Option<TokenId>,
    raw_body: Option<TokenId>,
    /// The block's items so far; they move to the tree's shared list when
    /// the block is finished.
    items: Vec<Item>,
}

struct Builder<'a> {
    src: &'a [u8],
    lexer: Lexer<'a>,
    tokens: Vec<Token>,
    word_tokens: Vec<TokenId>,
    errors: Vec<SyntaxError>,
    stack: Vec<Frame>,
    /// Words of the directive being read at the current level.
    pending: Vec<TokenId>,
    /// Emptied item lists of finished blocks, kept for their room: an open
    /// block grows one of these.
    spare_items: Vec<Vec<Item>>,
    /// Every finished block's items, block after block.
    items: Vec<Item>,
    blocks: Vec<Block>,
}

/// The UTF-8 byte order mark.
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// The one error of a file that is not text.
pub(crate) const BINARY_CONTENT: &str = "not an nginx configuration: binary content";

/// Whether bytes are not text at all (an image, an archive, a file saved as
/// UTF-16): a UTF-16 byte order mark, or in the first 8 KiB more than a
/// tenth control characters (other than tab, line breaks and form feed),
/// or some control characters and with the bytes that are not UTF-8 more
/// than a quarter. A stray NUL in a comment, or Latin-1 text (`caf\xe9`),
/// leaves a file text: nginx reads those.
pub(crate) fn is_binary(source: &[u8]) -> bool {
    if source.starts_with(b"\xFF\xFE") || source.starts_with(b"\xFE\xFF") {
        return true;
    }
    let sample = &source[..source.len().min(8192)];
    let controls = sample
        .iter()
        .filter(|&&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c)) || b == 0x7f)
        .count();
    if controls == 0 {
        return false;
    }
    let mut not_utf8 = 0;
    let mut rest = sample;
    while let Err(e) = std::str::from_utf8(rest) {
        // A character cut by the end of the sample is not an error.
        let Some(bad) = e.error_len() else { break };
        not_utf8 += bad;
        rest = &rest[e.valid_up_to() + bad..];
    }
    controls * 10 > sample.len() || (controls + not_utf8) * 4 > sample.len()
}

/// Parses nginx configuration bytes. Never fails: errors are in `errors`.
pub fn parse(source: Vec<u8>) -> SyntaxTree {
    if source.len() > MAX_SOURCE_LEN {
        // A token's end and kind share 32 bits; a 256 MiB configuration is
        // not a configuration.
        let end = u32::try_from(source.len()).unwrap_or(u32::MAX);
        return SyntaxTree {
            source: SourceText::default(),
            tokens: Vec::new(),
            word_tokens: Vec::new(),
            items: Vec::new(),
            blocks: Vec::new(),
            root: Block::default(),
            errors: vec![SyntaxError {
                message: "file is larger than 256 MiB".into(),
                span: 0..end,
                related: None,
            }],
        };
    }
    if is_binary(&source) {
        // One error rather than a screenful of syntax errors. The bytes are
        // one opaque token under an error item, so the tree still prints
        // back exactly as it came.
        // (Binary content is never empty.)
        let end = source.len() as u32;
        return SyntaxTree {
            source: SourceText::new(source),
            tokens: vec![Token::new(TokenKind::RawBody, 0, end)],
            word_tokens: Vec::new(),
            items: vec![Item::Error(0..1)],
            blocks: Vec::new(),
            root: Block {
                items: 0..1,
                ..Block::default()
            },
            errors: vec![SyntaxError {
                message: BINARY_CONTENT.into(),
                span: 0..0,
                related: None,
            }],
        };
    }
    let (tokens, word_tokens, items, blocks, root, errors) = {
        let mut b = Builder {
            src: &source,
            lexer: Lexer::new(&source),
            // Typical configurations have a token per ten bytes, a word
            // per sixteen, an item (directive or comment) per forty and a
            // block per 160 (whitespace is not a token): room for a little
            // more, so that the lists are not copied as they grow; a denser
            // file grows them.
            tokens: Vec::with_capacity(source.len() / 8),
            word_tokens: Vec::with_capacity(source.len() / 12),
            errors: Vec::new(),
            stack: vec![Frame {
                words: 0..0,
                open: None,
                raw_body: None,
                items: Vec::new(),
            }],
            pending: Vec::new(),
            spare_items: Vec::new(),
            items: Vec::with_capacity(source.len() / 32),
            blocks: Vec::with_capacity(source.len() / 128),
        };
        b.run();
        let root = match b.stack.pop() {
            Some(mut frame) => Block {
                items: b.move_items(&mut frame.items),
                ..Block::default()
            },
            None => Block::default(),
        };
        // nginx reads a byte order mark as part of the first word, so the
        // first directive has a name nginx does not know.
        if source.starts_with(UTF8_BOM) {
            b.errors.insert(
                0,
                SyntaxError {
                    message: "the file starts with a UTF-8 byte order mark (EF BB BF), which nginx reads as part of the first directive's name (unknown directive); save the file without it".into(),
                    span: 0..UTF8_BOM.len() as u32,
                    related: None,
                },
            );
        }
        (b.tokens, b.word_tokens, b.items, b.blocks, root, b.errors)
    };
    SyntaxTree {
        source: SourceText::new(source),
        tokens,
        word_tokens,
        items,
        blocks,
        root,
        errors,
    }
}

impl Builder<'_> {
    fn push(&mut self, token: Token) -> TokenId {
        self.tokens.push(token);
        (self.tokens.len() - 1) as TokenId
    }

    fn error(&mut self, message: impl Into<String>, span: std::ops::Range<u32>) {
        self.errors.push(SyntaxError {
            message: message.into(),
            span,
            related: None,
        });
    }

    /// Moves the pending words into the shared word vector.
    fn take_pending(&mut self) -> std::ops::Range<u32> {
        let start = self.word_tokens.len() as u32;
        self.word_tokens.append(&mut self.pending);
        start..self.word_tokens.len() as u32
    }

    fn items(&mut self) -> &mut Vec<Item> {
        &mut self.stack.last_mut().expect("root frame").items
    }

    /// Moves a finished block's items to the end of the shared list and
    /// returns where they are there.
    fn move_items(&mut self, items: &mut Vec<Item>) -> std::ops::Range<u32> {
        let start = self.items.len() as u32;
        self.items.append(items);
        start..self.items.len() as u32
    }

    fn run(&mut self) {
        let mut previous: Option<Token> = None;
        loop {
            // Whitespace is not stored: it is exactly the bytes between the
            // stored tokens, and leaving it out saves a third of the vector.
            self.lexer.skip_whitespace();
            let Some(token) = self.lexer.next_token() else {
                break;
            };
            if let Some(prev) = previous {
                self.check_after_string(prev, token);
            }
            previous = Some(token);
            let id = self.push(token);
            match token.kind() {
                TokenKind::Whitespace | TokenKind::RawBody => {}
                TokenKind::Comment => {
                    // A comment between the words of a directive is trivia.
                    if self.pending.is_empty() {
                        self.items().push(Item::Comment(id));
                    }
                }
                TokenKind::Word | TokenKind::DoubleQuoted | TokenKind::SingleQuoted => {
                    self.pending.push(id)
                }
                TokenKind::UnterminatedString => {
                    self.error(
                        "unterminated string: the closing quote is missing",
                        token.start()..token.start() + 1,
                    );
                    self.pending.push(id);
                }
                TokenKind::Semicolon => self.semicolon(id, token),
                TokenKind::OpenBrace => {
                    if !self.open_brace(id, token) {
                        return;
                    }
                }
                TokenKind::CloseBrace => self.close_brace(id, token),
            }
        }
        self.end_of_file();
    }

    /// nginx requires whitespace, `;`, `{` or `)` right after a closing quote.
    fn check_after_string(&mut self, prev: Token, next: Token) {
        let closed_string = matches!(
            prev.kind(),
            TokenKind::DoubleQuoted | TokenKind::SingleQuoted
        );
        // Whitespace between them (skipped, not a token) is fine.
        if !closed_string || prev.end() != next.start() {
            return;
        }
        let first = self.src[next.start() as usize];
        if matches!(first, b';' | b'{' | b')') {
            return;
        }
        let shown = String::from_utf8_lossy(&[first]).into_owned();
        self.error(
            format!(
                "unexpected \"{shown}\" after a quoted string: expected a space, \";\" or \"{{\""
            ),
            next.start()..next.start() + 1,
        );
    }

    fn semicolon(&mut self, id: TokenId, token: Token) {
        if self.pending.is_empty() {
            self.error("unexpected \";\": no directive before it", token.span());
            self.items().push(Item::Error(id..id + 1));
            return;
        }
        let words = self.take_pending();
        self.items().push(Item::Directive(Directive {
            words,
            end: DirectiveEnd::Semicolon(id),
        }));
    }

    /// Opens a block. Returns false when the nesting limit was hit and the
    /// rest of the file was taken as one error item.
    fn open_brace(&mut self, id: TokenId, token: Token) -> bool {
        if self.pending.is_empty() {
            self.error("unexpected \"{\": no directive before it", token.span());
        }
        if self.stack.len() > MAX_DEPTH {
            self.swallow_rest(id, token);
            return false;
        }
        let words = self.take_pending();
        let is_lua = !words.is_empty() && {
            let name = self.tokens[self.word_tokens[words.start as usize] as usize];
            let text = name.text(self.src);
            // A quoted name ("rewrite_by_lua_block") is the same directive.
            let unquoted = match name.kind() {
                TokenKind::DoubleQuoted | TokenKind::SingleQuoted => &text[1..text.len() - 1],
                _ => text,
            };
            unquoted.ends_with(b"_by_lua_block")
        };
        let mut frame = Frame {
            words,
            open: Some(id),
            raw_body: None,
            items: self.spare_items.pop().unwrap_or_default(),
        };
        if is_lua && let Some(raw) = self.lexer.raw_lua_body() {
            frame.raw_body = Some(self.push(raw));
        }
        self.stack.push(frame);
        true
    }

    fn swallow_rest(&mut self, id: TokenId, token: Token) {
        self.error(
            format!("blocks are nested more than {MAX_DEPTH} levels deep; the rest of the file is not parsed"),
            token.span(),
        );
        while let Some(t) = self.lexer.next_token() {
            self.push(t);
        }
        let end = self.tokens.len() as TokenId;
        // The words before the brace belong to the swallowed text as well.
        let start = self.pending.first().copied().unwrap_or(id);
        self.pending.clear();
        self.items().push(Item::Error(start..end));
        self.close_all_at_eof();
    }

    fn close_brace(&mut self, id: TokenId, token: Token) {
        if let Some(&last_word) = self.pending.last() {
            let word = self.tokens[last_word as usize];
            self.errors.push(SyntaxError {
                message: "unexpected \"}\": the directive before it is not terminated by \";\""
                    .into(),
                span: token.span(),
                related: Some((word.end()..word.end(), "expected \";\" here".into())),
            });
            let words = self.take_pending();
            self.items().push(Item::Directive(Directive {
                words,
                end: DirectiveEnd::Missing,
            }));
        }
        if self.stack.len() == 1 {
            self.error("unexpected \"}\": no block is open", token.span());
            self.items().push(Item::Error(id..id + 1));
            return;
        }
        let frame = self.stack.pop().expect("checked above");
        self.finish_frame(frame, Some(id));
    }

    /// Adds a finished block to the tree and its directive to the block
    /// around it; the list that grew its items is kept for the next block.
    fn finish_frame(&mut self, mut frame: Frame, close: Option<TokenId>) {
        let items = self.move_items(&mut frame.items);
        self.spare_items.push(frame.items);
        let id = self.blocks.len() as BlockId;
        self.blocks.push(Block {
            open: frame.open,
            items,
            raw_body: frame.raw_body,
            close,
        });
        self.items().push(Item::Directive(Directive {
            words: frame.words,
            end: DirectiveEnd::Block(id),
        }));
    }

    fn end_of_file(&mut self) {
        let eof = self.src.len() as u32;
        if !self.pending.is_empty() {
            let expecting = if self.stack.len() > 1 {
                "\";\" or \"}\""
            } else {
                "\";\""
            };
            self.error(
                format!("unexpected end of file, expecting {expecting}"),
                eof..eof,
            );
            let words = self.take_pending();
            self.items().push(Item::Directive(Directive {
                words,
                end: DirectiveEnd::Missing,
            }));
        }
        self.close_all_at_eof();
    }

    /// Closes every open block at end of file, with one error naming the
    /// innermost unclosed `{`.
    fn close_all_at_eof(&mut self) {
        let eof = self.src.len() as u32;
        if self.stack.len() > 1 {
            let innermost = self.stack.last().and_then(|f| f.open);
            let related = innermost.map(|open| {
                let t = self.tokens[open as usize];
                (t.span(), "this block is never closed".to_string())
            });
            self.errors.push(SyntaxError {
                message: "unexpected end of file, expecting \"}\"".into(),
                span: eof..eof,
                related,
            });
        }
        while self.stack.len() > 1 {
            let frame = self.stack.pop().expect("checked in loop condition");
            self.finish_frame(frame, None);
        }
    }
}

#[cfg(test)]
mod binary_tests {
    use super::is_binary;

    #[test]
    fn binary_content_is_told_from_text_nginx_reads() {
        assert!(is_binary(
            &(0..=255u8).cycle().take(4096).collect::<Vec<_>>()
        ));
        assert!(is_binary(b"\xFF\xFEs\0e\0r\0v\0e\0r\0"));
        assert!(is_binary(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0"));
        assert!(!is_binary(b""));
        assert!(!is_binary(b"# a \0 b\nserver { listen 80; }\n"));
        assert!(!is_binary(
            b"# caf\xe9\nserver { return 200 \"d\xe9j\xe0\"; }\n"
        ));
        assert!(!is_binary("server_name é.example;\n".as_bytes()));
        assert!(!is_binary(b"x \xff\xff;"));
        assert!(!is_binary(b"server {\0 listen 80;\0}\n"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(src: &str) -> Vec<(String, u32)> {
        parse(src.as_bytes().to_vec())
            .errors
            .into_iter()
            .map(|e| (e.message, e.span.start))
            .collect()
    }

    #[test]
    fn valid_config_has_no_errors_and_round_trips() {
        let src = "http {\n  server { listen 80; # c\n location / { return 200 \"}\"; } }\n}\n";
        let tree = parse(src.as_bytes().to_vec());
        assert!(tree.errors.is_empty(), "{:?}", tree.errors);
        assert_eq!(tree.print(), src.as_bytes());
    }

    #[test]
    fn close_brace_with_pending_words() {
        let errs = messages("server { listen 80 }\n");
        assert_eq!(errs.len(), 1);
        assert!(errs[0].0.starts_with("unexpected \"}\""));
        assert_eq!(errs[0].1, 19);
    }

    #[test]
    fn quoted_string_followed_by_word() {
        let errs = messages("return 200 \"a\"b;\n");
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!(errs[0].1, 14);
    }

    #[test]
    fn string_followed_by_paren_is_fine() {
        assert!(messages("if ($a = \"b\") { return 403; }\n").is_empty());
    }

    #[test]
    fn a_file_too_large_for_token_offsets_is_an_error() {
        let tree = parse(vec![b'#'; MAX_SOURCE_LEN + 1]);
        assert!(tree.tokens.is_empty());
        assert_eq!(tree.errors.len(), 1);
        assert_eq!(tree.errors[0].message, "file is larger than 256 MiB");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let src = "a {".repeat(100_000);
        let tree = parse(src.clone().into_bytes());
        assert!(!tree.errors.is_empty());
        assert_eq!(tree.print(), src.as_bytes());
    }
}
