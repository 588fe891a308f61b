//! The token level of the parser: it cuts nginx configuration bytes into tokens
//! exactly the way nginx's own `ngx_conf_read_token` does, without ever losing a
//! byte. Every byte of the input belongs to exactly one token, so concatenating
//! the tokens gives the input back. The lexer never fails: bytes nginx would
//! reject still become tokens, and the tree builder decides what is an error.
//!
//! Each `lex_*` function implements one lexical production of
//! `grammar/nginx.ebnf` and is a nom parser over `&[u8]`.

use nom::IResult;
use nom::Parser;
use nom::bytes::complete::{tag, take_while1};

/// What a token is. Whitespace and comments are trivia: they carry no meaning
/// but are kept so the tree can print its input back byte for byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenKind {
    /// Spaces, tabs, CR and LF.
    Whitespace,
    /// `#` at the start of a token, up to (not including) the end of the line.
    Comment,
    /// An unquoted word; may contain `}`, `#`, quotes and `${…}`.
    Word,
    /// A `"…"` string including its quotes.
    DoubleQuoted,
    /// A `'…'` string including its quotes.
    SingleQuoted,
    /// A string whose closing quote is missing (it runs to end of file).
    UnterminatedString,
    Semicolon,
    OpenBrace,
    CloseBrace,
    /// The body of a block whose contents are not nginx syntax (Lua), from
    /// just after `{` up to (not including) the matching `}`.
    RawBody,
}

impl TokenKind {
    /// Whether the token carries no meaning (whitespace or comment).
    pub(crate) fn is_trivia(self) -> bool {
        matches!(self, TokenKind::Whitespace | TokenKind::Comment)
    }
}

/// The largest file the lexer takes: a token's end and kind share 32 bits.
pub(crate) const MAX_SOURCE_LEN: usize = (1 << KIND_SHIFT) - 1;

const KIND_SHIFT: u32 = 28;

/// One token: its kind and the byte range `start..end` in the file. The
/// end and the kind are packed into one word, so a token takes 8 bytes; a
/// large tree holds millions of them.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Token {
    start: u32,
    end_and_kind: u32,
}

impl Token {
    pub(crate) fn new(kind: TokenKind, start: u32, end: u32) -> Token {
        debug_assert!(end as usize <= MAX_SOURCE_LEN);
        Token {
            start,
            end_and_kind: end | (kind as u32) << KIND_SHIFT,
        }
    }

    pub(crate) fn kind(&self) -> TokenKind {
        match self.end_and_kind >> KIND_SHIFT {
            0 => TokenKind::Whitespace,
            1 => TokenKind::Comment,
            2 => TokenKind::Word,
            3 => TokenKind::DoubleQuoted,
            4 => TokenKind::SingleQuoted,
            5 => TokenKind::UnterminatedString,
            6 => TokenKind::Semicolon,
            7 => TokenKind::OpenBrace,
            8 => TokenKind::CloseBrace,
            _ => TokenKind::RawBody,
        }
    }

    pub(crate) fn start(&self) -> u32 {
        self.start
    }

    pub(crate) fn end(&self) -> u32 {
        self.end_and_kind & ((1 << KIND_SHIFT) - 1)
    }

    /// The byte range in the file.
    pub(crate) fn span(&self) -> std::ops::Range<u32> {
        self.start()..self.end()
    }

    /// The token's bytes in `source`, the file it was read from.
    pub(crate) fn text<'s>(&self, source: &'s [u8]) -> &'s [u8] {
        &source[self.start() as usize..self.end() as usize]
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}({}..{})", self.kind(), self.start(), self.end())
    }
}

/// Whitespace as nginx's tokenizer sees it.
pub(crate) fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// whitespace = { " " | TAB | CR | LF }+
pub(crate) fn lex_whitespace(input: &[u8]) -> IResult<&[u8], &[u8]> {
    take_while1(is_space).parse(input)
}

/// comment = "#" { any byte except LF }
pub(crate) fn lex_comment(input: &[u8]) -> IResult<&[u8], &[u8]> {
    let (rest, _) = tag("#").parse(input)?;
    let len = 1 + memchr::memchr(b'\n', rest).unwrap_or(rest.len());
    Ok((&input[len..], &input[..len]))
}

/// Length of a quoted string starting at `input[0]` (the quote), including the
/// closing quote, and whether the closing quote was found. A backslash escapes
/// the next byte, so `\"` does not close a `"…"` string.
fn quoted_len(input: &[u8]) -> (usize, bool) {
    let quote = input[0];
    let mut i = 1;
    while i < input.len() {
        match input[i] {
            b'\\' => i += 2,
            b if b == quote => return (i + 1, true),
            _ => i += 1,
        }
    }
    (input.len(), false)
}

/// string = '"' { escape | any byte except '"' } '"'
///        | "'" { escape | any byte except "'" } "'"
///
/// Returns the whole string with its quotes and whether it was terminated.
pub(crate) fn lex_string(input: &[u8]) -> IResult<&[u8], (&[u8], bool)> {
    match input.first() {
        Some(b'"' | b'\'') => {
            let (len, closed) = quoted_len(input);
            let len = len.min(input.len());
            Ok((&input[len..], (&input[..len], closed)))
        }
        _ => Err(nom::Err::Error(nom::error::Error::new(
            input,
            nom::error::ErrorKind::Char,
        ))),
    }
}

/// word = word-byte { word-byte | "$" "{" | escape }
///
/// A word ends at whitespace, `;` or `{`, except that `{` directly after `$`
/// stays in the word (`${var}`). `}`, `#` and quotes inside a word are
/// ordinary bytes. A backslash takes the next byte into the word whatever it
/// is.
pub(crate) fn lex_word(input: &[u8]) -> IResult<&[u8], &[u8]> {
    let mut i = 0;
    loop {
        // Most bytes of a word are plain: skip them with one table lookup
        // each, and look closer only at the few that may end the word or
        // change how the next byte is read.
        while i < input.len() && !WORD_STOP[input[i] as usize] {
            i += 1;
        }
        match input.get(i) {
            Some(b'$') => {
                i += 1;
                if input.get(i) == Some(&b'{') {
                    i += 1;
                }
            }
            Some(b'\\') => i = (i + 2).min(input.len()),
            _ => break,
        }
    }
    if i == 0 {
        return Err(nom::Err::Error(nom::error::Error::new(
            input,
            nom::error::ErrorKind::TakeWhile1,
        )));
    }
    Ok((&input[i..], &input[..i]))
}

/// The bytes a word's inner loop stops at: those that end a word
/// (whitespace, `;`, `{`) and those that change how the next byte is read
/// (`$` before `{`, `\` before anything).
static WORD_STOP: [bool; 256] = {
    let mut table = [false; 256];
    let stops = *b" \t\r\n;{$\\";
    let mut i = 0;
    while i < stops.len() {
        table[stops[i] as usize] = true;
        i += 1;
    }
    table
};

/// The lexer: call [`Lexer::next_token`] until it returns `None`.
pub(crate) struct Lexer<'a> {
    src: &'a [u8],
    pos: usize,
}

impl<'a> Lexer<'a> {
    pub(crate) fn new(src: &'a [u8]) -> Self {
        Lexer { src, pos: 0 }
    }

    fn token(&mut self, kind: TokenKind, len: usize) -> Token {
        let start = self.pos;
        self.pos += len;
        Token::new(kind, start as u32, self.pos as u32)
    }

    /// Moves past whitespace. The tree does not store whitespace tokens
    /// (they are the bytes between the stored ones), so the parser skips
    /// them here instead of making a token of each.
    pub(crate) fn skip_whitespace(&mut self) {
        let rest = &self.src[self.pos..];
        self.pos += lex_whitespace(rest).map_or(0, |(_, ws)| ws.len());
    }

    /// The next token at the start of a token position, or `None` at end of file.
    pub(crate) fn next_token(&mut self) -> Option<Token> {
        let rest = &self.src[self.pos..];
        let first = *rest.first()?;
        let token = match first {
            b' ' | b'\t' | b'\r' | b'\n' => {
                let len = lex_whitespace(rest).map_or(1, |(_, ws)| ws.len());
                self.token(TokenKind::Whitespace, len)
            }
            b'#' => {
                let len = lex_comment(rest).map_or(1, |(_, c)| c.len());
                self.token(TokenKind::Comment, len)
            }
            b';' => self.token(TokenKind::Semicolon, 1),
            b'{' => self.token(TokenKind::OpenBrace, 1),
            b'}' => self.token(TokenKind::CloseBrace, 1),
            b'"' | b'\'' => {
                let (len, closed) = lex_string(rest).map_or((1, false), |(_, s)| (s.0.len(), s.1));
                let kind = match (closed, first) {
                    (false, _) => TokenKind::UnterminatedString,
                    (true, b'"') => TokenKind::DoubleQuoted,
                    (true, _) => TokenKind::SingleQuoted,
                };
                self.token(kind, len)
            }
            _ => {
                let len = lex_word(rest).map_or(1, |(_, w)| w.len());
                self.token(TokenKind::Word, len)
            }
        };
        Some(token)
    }

    /// Consumes the body of a Lua block whose `{` was just read: everything up
    /// to the matching `}`, which is left for [`Lexer::next_token`]. Lua
    /// strings, long brackets and comments are skipped so braces inside them
    /// do not count. Returns `None` for an empty body; at end of file the body
    /// runs to the end.
    pub(crate) fn raw_lua_body(&mut self) -> Option<Token> {
        let len = lua_body_len(&self.src[self.pos..]);
        (len > 0).then(|| self.token(TokenKind::RawBody, len))
    }
}

/// Length of a Lua chunk up to the `}` that closes the enclosing block.
fn lua_body_len(src: &[u8]) -> usize {
    let mut depth = 0usize;
    let mut i = 0;
    while i < src.len() {
        match src[i] {
            b'{' => depth += 1,
            b'}' => {
                if depth == 0 {
                    return i;
                }
                depth -= 1;
            }
            b'"' | b'\'' => {
                let (len, _) = quoted_len(&src[i..]);
                i += len;
                continue;
            }
            b'-' if src[i..].starts_with(b"--") => {
                if let Some(len) = long_bracket_len(&src[i + 2..]) {
                    i += 2 + len;
                } else {
                    while i < src.len() && src[i] != b'\n' {
                        i += 1;
                    }
                }
                continue;
            }
            b'[' => {
                if let Some(len) = long_bracket_len(&src[i..]) {
                    i += len;
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
    src.len()
}

/// If `src` starts a Lua long bracket (`[[`, `[==[`), its whole length up to
/// and including the matching close (or to end of input).
fn long_bracket_len(src: &[u8]) -> Option<usize> {
    if src.first() != Some(&b'[') {
        return None;
    }
    let level = src[1..].iter().take_while(|&&b| b == b'=').count();
    if src.get(1 + level) != Some(&b'[') {
        return None;
    }
    let body_start = 2 + level;
    let mut close = Vec::with_capacity(level + 2);
    close.push(b']');
    close.extend(std::iter::repeat_n(b'=', level));
    close.push(b']');
    let found = src[body_start..]
        .windows(close.len())
        .position(|w| w == close.as_slice());
    Some(match found {
        Some(p) => body_start + p + close.len(),
        None => src.len(),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn tokens_keep_kind_start_and_end() {
        let kinds = [
            TokenKind::Whitespace,
            TokenKind::Comment,
            TokenKind::Word,
            TokenKind::DoubleQuoted,
            TokenKind::SingleQuoted,
            TokenKind::UnterminatedString,
            TokenKind::Semicolon,
            TokenKind::OpenBrace,
            TokenKind::CloseBrace,
            TokenKind::RawBody,
        ];
        let max = MAX_SOURCE_LEN as u32;
        for kind in kinds {
            for (start, end) in [(0, 0), (3, 17), (max - 1, max)] {
                let t = Token::new(kind, start, end);
                assert_eq!((t.kind(), t.start(), t.end()), (kind, start, end));
            }
        }
        assert_eq!(std::mem::size_of::<Token>(), 8);
    }

    use super::*;

    fn kinds(src: &[u8]) -> Vec<(TokenKind, &[u8])> {
        let mut lexer = Lexer::new(src);
        let mut out = Vec::new();
        while let Some(t) = lexer.next_token() {
            out.push((t.kind(), t.text(src)));
        }
        out
    }

    #[test]
    fn brace_and_hash_inside_word() {
        use TokenKind::*;
        assert_eq!(
            kinds(b"a}b c#d ${x}y;"),
            vec![
                (Word, &b"a}b"[..]),
                (Whitespace, b" "),
                (Word, b"c#d"),
                (Whitespace, b" "),
                (Word, b"${x}y"),
                (Semicolon, b";"),
            ]
        );
    }

    #[test]
    fn escaped_quote_does_not_close_string() {
        use TokenKind::*;
        assert_eq!(
            kinds(br#""a\"b" 'c"#),
            vec![
                (DoubleQuoted, &br#""a\"b""#[..]),
                (Whitespace, b" "),
                (UnterminatedString, b"'c"),
            ]
        );
    }

    #[test]
    fn lua_body_skips_strings_and_comments() {
        let src = b" local t = { a = \"}\" } -- }\n x = [[ } ]] }rest";
        let len = lua_body_len(src);
        assert_eq!(&src[len..], b"}rest");
    }
}
