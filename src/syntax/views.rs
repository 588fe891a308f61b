//! Typed views over the lossless tree: a directive's name and arguments
//! (raw text, unquoted value, variable references), its block, and the
//! shapes of the directives whose arguments have structure: `location`
//! (modifier and pattern), `if` (condition) and `map` (entries).
//!
//! Views borrow the tree and compute values on demand; the tree itself stays
//! the single source of truth.

use super::lexer::TokenKind;
use super::tree::{Block, Directive, Item, SyntaxTree, TokenId};
use std::borrow::Cow;
use std::ops::Range;

/// A directive together with the tree it belongs to.
#[derive(Clone, Copy)]
pub struct DirectiveView<'a> {
    pub(crate) tree: &'a SyntaxTree,
    pub(crate) node: &'a Directive,
}

/// One argument word (or the name) of a directive.
#[derive(Clone, Copy)]
pub(crate) struct Arg<'a> {
    pub(crate) tree: &'a SyntaxTree,
    pub(crate) token: TokenId,
}

/// A `$name` or `${name}` reference inside an argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct VariableRef<'a> {
    /// Borrowed from the file: a name is ASCII letters, digits and `_`.
    pub(crate) name: &'a str,
    /// Byte range of the whole reference (including `$` and braces) in the file.
    pub(crate) span: Range<u32>,
}

/// The modifier of a `location`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub(crate) enum LocationModifier {
    /// `=`: exact match.
    Exact,
    /// `^~`: prefix match that stops the regex search.
    PrefixNoRegex,
    /// `~`: case-sensitive regex.
    Regex,
    /// `~*`: case-insensitive regex.
    RegexCaseless,
    /// `@name`: named location.
    Named,
}

/// The match part of a `location` directive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocationMatch<'a> {
    pub(crate) modifier: Option<LocationModifier>,
    /// Borrowed from the file unless it needed unescaping.
    pub pattern: Cow<'a, str>,
}

/// One entry of a `map` block: `key value;`, or a parameter such as
/// `default value;`, `hostnames;`, `volatile;`, `include file;`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MapEntry {
    pub(crate) key: String,
    pub(crate) value: Option<String>,
    /// Whether the key is a regex (`~` or `~*` prefix).
    pub(crate) is_regex: bool,
}

impl SyntaxTree {
    /// The innermost directive holding byte `offset`: a block directive
    /// when `offset` is on its words or between its directives, the
    /// directive inside it when on that one.
    pub(crate) fn directive_at(&self, offset: u32) -> Option<DirectiveView<'_>> {
        fn within<'a>(
            tree: &'a SyntaxTree,
            block: &'a Block,
            offset: u32,
        ) -> Option<DirectiveView<'a>> {
            block_directives(tree, block)
                .find(|d| d.span().start <= offset && offset < d.span().end)
                .map(|d| {
                    d.block()
                        .and_then(|inner| within(tree, inner, offset))
                        .unwrap_or(d)
                })
        }
        within(self, &self.root, offset)
    }

    /// The top-level directives of the file.
    pub fn directives(&self) -> impl Iterator<Item = DirectiveView<'_>> {
        block_directives(self, &self.root)
    }
}

/// The directives directly inside a block.
pub(crate) fn block_directives<'a>(
    tree: &'a SyntaxTree,
    block: &'a Block,
) -> impl Iterator<Item = DirectiveView<'a>> {
    tree.items(block).iter().filter_map(move |item| match item {
        Item::Directive(node) => Some(DirectiveView { tree, node }),
        _ => None,
    })
}

impl<'a> DirectiveView<'a> {
    /// The directive name (empty for a nameless block, which is an error).
    pub fn name(&self) -> Cow<'a, str> {
        let Some(&token) = self.tree.words(self.node).first() else {
            return Cow::Borrowed("");
        };
        let arg = Arg {
            tree: self.tree,
            token,
        };
        arg.text()
    }

    /// Whether the directive is named `name`: a byte comparison for bare
    /// names, which is what almost every lookup meets.
    pub(crate) fn name_is(&self, name: &str) -> bool {
        let Some(&token) = self.tree.words(self.node).first() else {
            return name.is_empty();
        };
        let kind = self.tree.tokens[token as usize].kind();
        let raw = self.tree.token_text(token);
        if kind == TokenKind::Word {
            if raw == name.as_bytes() {
                return true;
            }
            // Unescaping keeps a first byte that is not `\`: a different
            // one settles it without looking further (most lookups).
            if raw.first() != Some(&b'\\') && raw.first() != name.as_bytes().first() {
                return false;
            }
            if !raw.contains(&b'\\') {
                return false;
            }
        }
        self.name() == name
    }

    /// The arguments, without the name.
    pub(crate) fn args(&self) -> impl ExactSizeIterator<Item = Arg<'a>> + 'a {
        let tree = self.tree;
        tree.words(self.node)
            .get(1..)
            .unwrap_or(&[])
            .iter()
            .map(move |&token| Arg { tree, token })
    }

    /// The n-th argument's unquoted value (0 is the first after the name).
    pub(crate) fn arg_value(&self, n: usize) -> Option<String> {
        self.arg_text(n).map(Cow::into_owned)
    }

    /// [`DirectiveView::arg_value`], borrowed when nothing needs unescaping.
    pub(crate) fn arg_text(&self, n: usize) -> Option<Cow<'a, str>> {
        self.args().nth(n).map(|a| a.text())
    }

    /// Byte range of the whole directive.
    pub fn span(&self) -> Range<u32> {
        self.tree.directive_span(self.node)
    }

    /// Byte range of the name.
    pub(crate) fn name_span(&self) -> Range<u32> {
        match self.tree.words(self.node).first() {
            Some(&t) => self.tree.token_span(t),
            None => self.span(),
        }
    }

    /// The block, when the directive has one.
    pub(crate) fn block(&self) -> Option<&'a Block> {
        self.tree.block_of(self.node)
    }

    /// The directives inside the block (empty when there is none or it is raw).
    pub fn children(&self) -> impl Iterator<Item = DirectiveView<'a>> + 'a {
        let tree = self.tree;
        self.block()
            .into_iter()
            .flat_map(move |b| block_directives(tree, b))
    }

    /// For blocks kept as raw text (`*_by_lua_block`): the body's bytes.
    pub fn raw_body(&self) -> Option<&'a [u8]> {
        let raw = self.block()?.raw_body?;
        Some(self.tree.token_text(raw))
    }

    /// For `location`: the modifier and pattern, the way nginx reads them
    /// (`location ~* \.php$`, `location =/exact`, `location @name`).
    pub fn location_match(&self) -> Option<LocationMatch<'a>> {
        if !self.name_is("location") {
            return None;
        }
        let mut args = self.args().map(|a| a.text());
        let (first, second, more) = (args.next(), args.next(), args.next());
        if more.is_some() {
            return None;
        }
        let modifier_of = |m: &str| match m {
            "=" => Some(LocationModifier::Exact),
            "^~" => Some(LocationModifier::PrefixNoRegex),
            "~" => Some(LocationModifier::Regex),
            "~*" => Some(LocationModifier::RegexCaseless),
            _ => None,
        };
        match (first?, second) {
            (modifier, Some(pattern)) => Some(LocationMatch {
                modifier: modifier_of(&modifier),
                pattern,
            }),
            (single, None) => {
                // nginx also accepts the modifier glued to the pattern.
                let (modifier, skip) = if single.starts_with('=') {
                    (Some(LocationModifier::Exact), 1)
                } else if single.starts_with("^~") {
                    (Some(LocationModifier::PrefixNoRegex), 2)
                } else if single.starts_with("~*") {
                    (Some(LocationModifier::RegexCaseless), 2)
                } else if single.starts_with('~') {
                    (Some(LocationModifier::Regex), 1)
                } else if single.starts_with('@') {
                    (Some(LocationModifier::Named), 0)
                } else {
                    (None, 0)
                };
                let pattern = match single {
                    Cow::Borrowed(text) => Cow::Borrowed(&text[skip..]),
                    Cow::Owned(text) => Cow::Owned(text[skip..].to_string()),
                };
                Some(LocationMatch { modifier, pattern })
            }
        }
    }

    /// For `map`: the entries of its block, in order.
    pub(crate) fn map_entries(&self) -> Option<Vec<MapEntry>> {
        if self.name() != "map" {
            return None;
        }
        let entries = self
            .children()
            .map(|entry| {
                let key_arg = self.tree.words(entry.node).first().map(|&token| Arg {
                    tree: self.tree,
                    token,
                });
                let key = key_arg.map(|a| a.value_string()).unwrap_or_default();
                // A quoted key such as "~x" is a literal string, not a regex.
                let is_regex =
                    key_arg.is_some_and(|a| a.kind() == TokenKind::Word) && key.starts_with('~');
                MapEntry {
                    key,
                    value: entry.arg_value(0),
                    is_regex,
                }
            })
            .collect();
        Some(entries)
    }
}

impl<'a> Arg<'a> {
    /// The argument exactly as written, quotes and escapes included.
    pub(crate) fn raw(&self) -> &'a [u8] {
        self.tree.token_text(self.token)
    }

    /// Whether the argument is bare, `"…"` or `'…'`.
    pub(crate) fn kind(&self) -> TokenKind {
        self.tree.tokens[self.token as usize].kind()
    }

    /// Byte range in the file.
    pub(crate) fn span(&self) -> Range<u32> {
        self.tree.token_span(self.token)
    }

    /// The value nginx sees, as text: quotes removed and escapes resolved
    /// the way `ngx_conf_read_token` does (`\"`, `\'`, `\\` lose the
    /// backslash; `\t`, `\r`, `\n` become control characters; other escapes
    /// stay as written), invalid UTF-8 replaced. Borrowed from the file when
    /// nothing needs unescaping: the common case, and the one every lookup
    /// meets.
    pub(crate) fn text(&self) -> Cow<'a, str> {
        let range = self.unquoted_range();
        let inner = &self.tree.source[range.clone()];
        if !changes_when_unescaped(inner)
            && let Some(text) = self.tree.source.text(range)
        {
            return Cow::Borrowed(text);
        }
        Cow::Owned(String::from_utf8_lossy(&unescape(inner)).into_owned())
    }

    /// Whether [`Arg::text`] equals `other` ignoring ASCII case, compared
    /// where the argument is written when unescaping would not change it.
    pub(crate) fn text_eq_ignore_ascii_case(&self, other: &str) -> bool {
        // Unescaping only shortens an argument, and at most halves it, so
        // the token's length often decides without reading the file (header
        // names are compared with "Upgrade" for every `proxy_set_header` of
        // a fleet). Text that is not ASCII is compared as text: the
        // argument's bytes may not be UTF-8.
        if !other.is_ascii() {
            return self.text().eq_ignore_ascii_case(other);
        }
        let range = self.unquoted_range();
        if range.len() < other.len() || range.len() > 2 * other.len() {
            return false;
        }
        let inner = &self.tree.source[range];
        if changes_when_unescaped(inner) {
            return self.text().eq_ignore_ascii_case(other);
        }
        inner.eq_ignore_ascii_case(other.as_bytes())
    }

    /// Whether [`Arg::text`] starts with the ASCII `prefix` ignoring ASCII
    /// case (bytes that are not UTF-8 never match ASCII either way).
    pub(crate) fn text_starts_with_ignore_ascii_case(&self, prefix: &str) -> bool {
        let starts = |text: &[u8]| {
            text.get(..prefix.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(prefix.as_bytes()))
        };
        // Up to the first backslash the text is the written bytes: without
        // one among the first `prefix.len()`, those are compared where they
        // are written and the rest of the argument is not read.
        let inner = self.unquoted();
        if inner[..inner.len().min(prefix.len())].contains(&b'\\') {
            return starts(self.text().as_bytes());
        }
        starts(inner)
    }

    /// The bytes between the quotes (all of them for a bare word), still
    /// escaped.
    fn unquoted(&self) -> &'a [u8] {
        &self.tree.source[self.unquoted_range()]
    }

    /// Where [`Arg::unquoted`]'s bytes are in the file.
    fn unquoted_range(&self) -> std::ops::Range<usize> {
        let token = self.tree.tokens[self.token as usize];
        let (start, end) = (token.start() as usize, token.end() as usize);
        match token.kind() {
            TokenKind::DoubleQuoted | TokenKind::SingleQuoted => start + 1..end - 1,
            TokenKind::UnterminatedString => start + 1..end,
            _ => start..end,
        }
    }

    /// [`Arg::text`], owned.
    pub(crate) fn value_string(&self) -> String {
        self.text().into_owned()
    }

    /// The variables the argument references: `$name`, `${name}` and regex
    /// captures such as `$1`.
    pub(crate) fn variables(&self) -> Vec<VariableRef<'a>> {
        let raw = self.raw();
        let base = self.span().start;
        let mut out = Vec::new();
        let mut i = 0;
        while i < raw.len() {
            match raw[i] {
                b'\\' => i += 2,
                b'$' => {
                    let (name_start, braced) = if raw.get(i + 1) == Some(&b'{') {
                        (i + 2, true)
                    } else {
                        (i + 1, false)
                    };
                    let name_len = raw[name_start.min(raw.len())..]
                        .iter()
                        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
                        .count();
                    let mut end = name_start + name_len;
                    if braced && raw.get(end) == Some(&b'}') {
                        end += 1;
                    }
                    if name_len > 0 {
                        out.push(VariableRef {
                            name: std::str::from_utf8(&raw[name_start..name_start + name_len])
                                .unwrap_or_default(),
                            span: base + i as u32..base + end as u32,
                        });
                    }
                    i = end.max(i + 1);
                }
                _ => i += 1,
            }
        }
        out
    }
}

/// Whether [`unescape`] changes `bytes`: a backslash before a byte it
/// resolves. Regexes (`\d`, `\.`) are written with escapes it keeps.
fn changes_when_unescaped(bytes: &[u8]) -> bool {
    // Most arguments have no backslash at all: a byte search says so.
    bytes.contains(&b'\\')
        && bytes
            .windows(2)
            .any(|w| w[0] == b'\\' && matches!(w[1], b'"' | b'\'' | b'\\' | b't' | b'r' | b'n'))
}

/// Resolves backslash escapes the way nginx does when it copies a token.
fn unescape(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\' && i + 1 < bytes.len() {
            match bytes[i + 1] {
                b'"' | b'\'' | b'\\' => {
                    out.push(bytes[i + 1]);
                    i += 2;
                    continue;
                }
                b't' => {
                    out.push(b'\t');
                    i += 2;
                    continue;
                }
                b'r' => {
                    out.push(b'\r');
                    i += 2;
                    continue;
                }
                b'n' => {
                    out.push(b'\n');
                    i += 2;
                    continue;
                }
                _ => {}
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::syntax::parse;

    proptest::proptest! {
        /// Text is borrowed from the file exactly when unescaping would
        /// leave it as it is.
        #[test]
        fn changes_when_unescaped_agrees_with_unescape(
            bytes in proptest::collection::vec(proptest::sample::select(b"ab\\\"'trnd.$ ".to_vec()), 0..12)
        ) {
            proptest::prop_assert_eq!(super::changes_when_unescaped(&bytes), super::unescape(&bytes) != bytes);
        }

        /// The comparisons made where the argument is written (equality,
        /// decided on lengths first, and a prefix) agree with comparing
        /// the argument's text.
        #[test]
        fn comparisons_where_written_agree_with_text(
            pieces in proptest::collection::vec(proptest::sample::select(vec![
                &b"a"[..], b"B", b"\\\"", b"\\'", b"\\\\", b"\\t", b"\\n", b"\\d", b"\"", b"'", b"\xff",
            ]), 1..6),
            other in proptest::sample::select(vec!["", "a", "ab", "AB", "a\"b", "a\\b", "\u{fffd}", "\\"]),
            same_text in proptest::bool::ANY,
            quote in proptest::sample::select(vec![None, Some(b'"'), Some(b'\'')]),
        ) {
            let word: Vec<u8> = pieces
                .concat()
                .into_iter()
                .filter(|&b| Some(b) != quote)
                .collect();
            let mut source = b"x ".to_vec();
            source.extend(quote);
            source.extend(&word);
            source.extend(quote);
            source.extend(b";");
            let tree = parse(source);
            let d = tree.directives().next().unwrap();
            if let Some(arg) = d.args().next() {
                // Half the cases compare with the argument's own text,
                // capitalised: the ones that must match.
                let text = arg.text();
                let other = if same_text { text.to_ascii_uppercase() } else { other.to_string() };
                proptest::prop_assert_eq!(
                    arg.text_eq_ignore_ascii_case(&other),
                    text.eq_ignore_ascii_case(&other)
                );
                if other.is_ascii() {
                    let starts = text
                        .as_bytes()
                        .get(..other.len())
                        .is_some_and(|p| p.eq_ignore_ascii_case(other.as_bytes()));
                    proptest::prop_assert_eq!(arg.text_starts_with_ignore_ascii_case(&other), starts);
                }
            }
        }
    }

    #[test]
    fn args_values_and_variables() {
        let tree = parse(br#"proxy_set_header X-A "a\"b ${host}x$1";"#.to_vec());
        let d = tree.directives().next().unwrap();
        assert_eq!(d.name(), "proxy_set_header");
        let args: Vec<_> = d.args().collect();
        assert_eq!(args[1].value_string(), "a\"b ${host}x$1");
        let vars: Vec<&str> = args[1].variables().into_iter().map(|v| v.name).collect();
        assert_eq!(vars, ["host", "1"]);
    }

    #[test]
    fn names_compare_after_unescaping() {
        let tree = parse(
            b"inc\\lude a; \"include\" b; include c; includes d; \\include e; jnclude f;".to_vec(),
        );
        let is_include: Vec<bool> = tree.directives().map(|d| d.name_is("include")).collect();
        // nginx keeps `\l` and `\i` as written (it unescapes only quotes,
        // `\\`, `\t`, `\r` and `\n`), so only the quoted name matches.
        assert_eq!(is_include, [false, true, true, false, false, false]);
        let names: Vec<String> = tree.directives().map(|d| d.name().into_owned()).collect();
        assert_eq!(names[0], "inc\\lude");
    }

    #[test]
    fn argument_comparison_ignores_case_and_quotes_but_not_escapes() {
        let tree = parse(
            b"h Upgrade 'CONNECTION' \"upgrade\" \"up\\\"grade\" upgrad up\\grade \"upgrade"
                .to_vec(),
        );
        let d = tree.directives().next().unwrap();
        let upgrade: Vec<bool> = d
            .args()
            .map(|a| a.text_eq_ignore_ascii_case("upgrade"))
            .collect();
        // `up\"grade` unescapes to `up"grade`; `up\grade` keeps its
        // backslash, as nginx does; an unterminated quote still compares.
        assert_eq!(upgrade, [true, false, true, false, false, false, true]);
        for a in d.args() {
            assert_eq!(
                a.text_eq_ignore_ascii_case("upgrade"),
                a.text().eq_ignore_ascii_case("upgrade")
            );
            assert_eq!(
                a.text_eq_ignore_ascii_case("connection"),
                a.text().eq_ignore_ascii_case("connection")
            );
        }
    }

    #[test]
    fn location_modifiers() {
        let tree =
            parse(b"location ~* \\.php$ {} location =/x {} location @n {} location / {}".to_vec());
        let m: Vec<_> = tree
            .directives()
            .map(|d| d.location_match().unwrap())
            .map(|m| (m.modifier, m.pattern.into_owned()))
            .collect();
        use super::LocationModifier::*;
        assert_eq!(
            m,
            vec![
                (Some(RegexCaseless), "\\.php$".to_string()),
                (Some(Exact), "/x".to_string()),
                (Some(Named), "@n".to_string()),
                (None, "/".to_string()),
            ]
        );
    }

    #[test]
    fn map_entries() {
        let tree = parse(b"map $http_upgrade $c { default upgrade; '' close; ~^x y; }".to_vec());
        let mut ds = tree.directives();
        let entries = ds.next().unwrap().map_entries().unwrap();
        let keys: Vec<_> = entries
            .iter()
            .map(|e| (e.key.as_str(), e.is_regex))
            .collect();
        assert_eq!(keys, [("default", false), ("", false), ("~^x", true)]);
        assert_eq!(entries[1].value.as_deref(), Some("close"));
    }
}

/// Every `include` argument in a file, in any block.
pub(crate) fn include_arguments(tree: &SyntaxTree) -> Vec<String> {
    include_argument_spans(tree)
        .into_iter()
        .map(|(_, value)| value)
        .collect()
}

/// Every `include` argument in a file, in any block, with the byte range
/// it is written in.
pub(crate) fn include_argument_spans(tree: &SyntaxTree) -> Vec<(std::ops::Range<u32>, String)> {
    // A directive named `include` has those bytes in the file, however it
    // is quoted (nginx keeps other escapes as written): most files of a
    // large configuration have none, and need no walk.
    if memchr::memmem::find(&tree.source, b"include").is_none() {
        return Vec::new();
    }
    fn walk(tree: &SyntaxTree, block: &Block, out: &mut Vec<(std::ops::Range<u32>, String)>) {
        for d in block_directives(tree, block) {
            if d.name_is("include")
                && let Some(arg) = d.args().next()
            {
                out.push((arg.span(), arg.value_string()));
            }
            if let Some(inner) = d.block() {
                walk(tree, inner, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(tree, &tree.root, &mut out);
    out
}

#[cfg(test)]
mod include_tests {
    use super::super::parse;
    use super::include_arguments;

    #[test]
    fn include_arguments_in_any_block_however_the_name_is_quoted() {
        let tree = parse(
            b"include a.conf;\nhttp { server { \"include\" 'b/*.conf'; } }\ninc\\lude c; x include;\n"
                .to_vec(),
        );
        assert_eq!(include_arguments(&tree), ["a.conf", "b/*.conf"]);
        let none = parse(b"http { server { listen 80; } }\n".to_vec());
        assert!(include_arguments(&none).is_empty());
    }
}
