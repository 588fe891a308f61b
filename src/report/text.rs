//! Text output: each syntax error and finding as a miette report with the
//! file name, line and column, a source snippet and labels; read errors as
//! one line each; and a summary line. The snippet is built from the file's
//! bytes with every byte that is not valid UTF-8 shown as `?`, so offsets
//! stay exact.

use super::Color;
use crate::diagnostic::{Applicability, Diagnostic, Fix};
use crate::load::files::FileSet;
use crate::load::source::SourceFile;
use crate::report::Outcome;
use crate::syntax::SyntaxError;
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};
use std::fmt::Write;
use std::ops::Range;

/// One report as miette renders it.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
struct Report {
    code: String,
    message: String,
    help: Option<String>,
    src: Excerpt,
    labels: Vec<LabeledSpan>,
}

/// The lines of a file a report shows, with the file's own offsets and
/// line numbers. Handing miette the whole file would copy and scan it for
/// every report: quadratic time on a large file with many findings. A line
/// longer than [`LONG_LINE`] bytes is cut to the parts around the labels,
/// with `…` where text was left out (a whole configuration on one line
/// would otherwise be printed whole for every finding, and miette cannot
/// draw a label past column 65,535).
#[derive(Debug)]
struct Excerpt {
    name: String,
    text: String,
    /// Offset of `text` in the file.
    start: usize,
    /// 0-based line number of the first line of `text`.
    first_line: usize,
    /// Where labels start in this excerpt (in the file's offsets when
    /// nothing was cut) and their 0-based column in the file, for the
    /// `[file:line:column]` header.
    columns: Vec<(usize, usize)>,
}

/// Lines longer than this many bytes are cut around their labels.
const LONG_LINE: usize = 240;

/// How many bytes of a long line are kept on each side of a label's ends.
const KEEP_AROUND: usize = 60;

/// A part of the file kept in an excerpt: its range in the file and where
/// it starts in the excerpt's text.
struct Kept {
    from: usize,
    to: usize,
    at: usize,
}

impl Excerpt {
    /// The lines around `labels`, with a margin beyond the context lines
    /// miette shows, so the snippet is the one the whole file would give;
    /// and the labels, moved to where their text is in the excerpt.
    fn of(file: &SourceFile, labels: &[LabeledSpan]) -> (Excerpt, Vec<LabeledSpan>) {
        let start = labels.iter().map(|l| l.offset()).min().unwrap_or(0);
        let end = labels
            .iter()
            .map(|l| l.offset() + l.len())
            .max()
            .unwrap_or(0);
        let source = &file.tree.source;
        let (range, first_line) =
            file.lines
                .lines_around(source.len(), start as u32..end as u32, CONTEXT_LINES + 1);
        let points: Vec<usize> = labels
            .iter()
            .flat_map(|l| [l.offset(), l.offset() + l.len()])
            .collect();
        let lines: Vec<Range<usize>> = (first_line..)
            .map_while(|l| file.lines.line_range(l, source.len()))
            .take_while(|r| r.start < range.end || (r.start == range.end && r.is_empty()))
            .collect();
        let (text, kept) = cut_long_lines(source, &lines, &points);
        // A file offset's place in the excerpt (in the excerpt's own
        // offsets, which start at the file's `range.start`).
        let place = |offset: usize| -> usize {
            let local = match kept.iter().find(|k| k.from <= offset && offset <= k.to) {
                Some(k) => k.at + (offset - k.from),
                None => kept
                    .iter()
                    .find(|k| k.from > offset)
                    .map_or(text.len(), |k| k.at),
            };
            range.start + local
        };
        let moved: Vec<LabeledSpan> = labels
            .iter()
            .map(|l| {
                let (a, b) = (place(l.offset()), place(l.offset() + l.len()));
                let (text, span) = (l.label().map(String::from), (a, b.saturating_sub(a)));
                if l.primary() {
                    LabeledSpan::new_primary_with_span(text, span)
                } else {
                    LabeledSpan::new_with_span(text, span)
                }
            })
            .collect();
        let columns = labels
            .iter()
            .zip(&moved)
            .map(|(l, m)| (m.offset(), file.line_col(l.offset() as u32).1 - 1))
            .collect();
        let excerpt = Excerpt {
            name: super::terminal_safe(file.display_name()).into_owned(),
            text,
            start: range.start,
            first_line,
            columns,
        };
        (excerpt, moved)
    }
}

/// The `lines` (byte ranges) of `source` as text (see
/// [`same_length_text`]), with every line longer than [`LONG_LINE`] bytes
/// cut to the parts around `points` (file offsets), and the parts kept.
/// Only what is kept is read: a file written on one line is not scanned for
/// every finding.
fn cut_long_lines(source: &[u8], lines: &[Range<usize>], points: &[usize]) -> (String, Vec<Kept>) {
    let mut out = String::new();
    let mut kept = Vec::new();
    // A position moved onto the start of a character (not inside one).
    let boundary = |mut at: usize, forward: bool| {
        while at > 0 && at < source.len() && source[at] & 0xC0 == 0x80 {
            if forward { at += 1 } else { at -= 1 }
        }
        at
    };
    for line in lines {
        if line.len() <= LONG_LINE + 2 {
            kept.push(Kept {
                from: line.start,
                to: line.end,
                at: out.len(),
            });
            out.push_str(&same_length_text(&source[line.clone()]));
            continue;
        }
        let ending = source[line.clone()]
            .iter()
            .rev()
            .take_while(|&&b| b == b'\n' || b == b'\r')
            .count();
        let (from, to) = (line.start, line.end - ending);
        // Windows around the label ends on this line (the line's start
        // when none is on it), merged, on character boundaries.
        let mut windows: Vec<(usize, usize)> = points
            .iter()
            .filter(|&&p| (from..=to).contains(&p))
            .map(|&p| {
                let a = p.saturating_sub(KEEP_AROUND).max(from);
                let b = (p + KEEP_AROUND).min(to);
                (boundary(a, false), boundary(b, true))
            })
            .collect();
        if windows.is_empty() {
            windows.push((from, boundary((from + KEEP_AROUND).min(to), true)));
        }
        windows.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::new();
        for (a, b) in windows {
            match merged.last_mut() {
                Some(last) if a <= last.1 => last.1 = last.1.max(b),
                _ => merged.push((a, b)),
            }
        }
        let mut cursor = from;
        for (a, b) in merged {
            if a > cursor {
                out.push('…');
            }
            kept.push(Kept {
                from: a,
                to: b,
                at: out.len(),
            });
            out.push_str(&same_length_text(&source[a..b]));
            cursor = b;
        }
        if cursor < to {
            out.push('…');
        }
        out.push_str(&same_length_text(&source[to..line.end]));
    }
    (out, kept)
}

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let local = span
            .offset()
            .checked_sub(self.start)
            .ok_or(MietteError::OutOfBounds)?;
        let inner = self.text.read_span(
            &SourceSpan::new(local.into(), span.len()),
            context_lines_before,
            context_lines_after,
        )?;
        let column = self
            .columns
            .iter()
            .find(|(at, _)| *at == span.offset())
            .map_or(inner.column(), |(_, column)| *column);
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            SourceSpan::new(
                (inner.span().offset() + self.start).into(),
                inner.span().len(),
            ),
            inner.line() + self.first_line,
            column,
            // miette counts the lines from the start of its input up to the
            // end of the snippet, and merges labels' snippets by it.
            inner.line_count() + self.first_line,
        )))
    }
}

impl miette::Diagnostic for Report {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(&self.code))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn std::fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.src)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }
}

/// The file's bytes as text of the same length, safe to print: invalid
/// UTF-8 bytes and control characters (but tab, line feed and the CR of a
/// CR LF) become `?`, one per byte, so offsets stay exact and the config
/// cannot send a terminal escape sequence.
fn same_length_text(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        let valid = chunk.valid();
        for (i, c) in valid.char_indices() {
            let shown = match c {
                '\t' | '\n' => true,
                '\r' => valid[i + 1..].starts_with('\n'),
                c => !c.is_control() && !('\u{80}'..='\u{9f}').contains(&c),
            };
            if shown {
                out.push(c);
            } else {
                out.extend(std::iter::repeat_n('?', c.len_utf8()));
            }
        }
        out.extend(std::iter::repeat_n('?', chunk.invalid().len()));
    }
    out
}

/// Lines of source shown before and after a labelled line.
const CONTEXT_LINES: usize = 1;

fn handler(color: Color) -> GraphicalReportHandler {
    let theme = match color {
        Color::Always => GraphicalTheme::unicode(),
        Color::Never => GraphicalTheme::unicode_nocolor(),
    };
    // Lines are wrapped at spaces only: a path or a directive is never
    // broken in two (neither a hyphen nor a slash is a place to break
    // `sites-enabled/app`).
    GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_break_words(false)
        .with_word_separator(textwrap::WordSeparator::AsciiSpace)
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
        .with_context_lines(CONTEXT_LINES)
}

fn label(text: &str, span: &Range<u32>, primary: bool) -> LabeledSpan {
    let offset_len = (span.start as usize, (span.end - span.start) as usize);
    if primary {
        LabeledSpan::new_primary_with_span(Some(text.to_string()), offset_len)
    } else {
        LabeledSpan::new_with_span(Some(text.to_string()), offset_len)
    }
}

fn render_report(
    file: &SourceFile,
    code: String,
    message: &str,
    labels: Vec<LabeledSpan>,
    help: Option<String>,
    at: u32,
    color: Color,
) -> String {
    let (line, col) = file.line_col(at);
    let name = super::terminal_safe(file.display_name());
    let (src, labels) = Excerpt::of(file, &labels);
    let report = Report {
        code,
        message: format!(
            "{name}:{line}:{col}: {}",
            unbreakable_code(&super::terminal_safe(message))
        ),
        help: help.map(|h| unbreakable_code(&super::terminal_safe(&h))),
        src,
        labels: labels
            .into_iter()
            .map(|l| {
                let text = l.label().map(|t| super::terminal_safe(t).into_owned());
                let span = (l.offset(), l.len());
                if l.primary() {
                    LabeledSpan::new_primary_with_span(text, span)
                } else {
                    LabeledSpan::new_with_span(text, span)
                }
            })
            .collect(),
    };
    let mut out = String::new();
    if handler(color).render_report(&mut out, &report).is_err() {
        out = format!("{}\n", report.message);
    }
    out = out.replace(KEEP_TOGETHER, " ");
    out
}

/// Stands for a space inside `` `code` `` while a report is wrapped: the
/// wrapping breaks lines at ASCII spaces only, so a directive quoted in a
/// message is never cut in two. (A private-use character: no configuration
/// has a reason to hold one.)
const KEEP_TOGETHER: char = '\u{E000}';

/// `text` with the spaces inside backticks made unbreakable.
fn unbreakable_code(text: &str) -> String {
    let mut inside = false;
    text.chars()
        .map(|c| {
            if c == '`' {
                inside = !inside;
            }
            if inside && c == ' ' { KEEP_TOGETHER } else { c }
        })
        .collect()
}

/// Renders one syntax error of `file`.
pub(crate) fn render_syntax_error(file: &SourceFile, error: &SyntaxError, color: Color) -> String {
    // A binary file has no lines worth showing: one line says it all.
    if error.message == crate::syntax::parser::BINARY_CONTENT {
        return format!(
            "syntax-error: {}:1:1: {}\n",
            file.display_name(),
            error.message
        );
    }
    let mut labels = vec![label("here", &error.span, true)];
    if let Some((span, text)) = &error.related {
        labels.push(label(text, span, false));
    }
    render_report(
        file,
        "syntax-error".into(),
        &error.message,
        labels,
        None,
        error.span.start,
        color,
    )
}

/// Renders the findings about one place (the same file and start, in
/// report order) under one snippet: each finding's code, severity and
/// message, the route's signal once, related places (as labels in the same
/// file, as `file:line:column` elsewhere), and each fix as the lines it
/// adds or removes, ending, for several, with what `--fix` would do here.
pub(crate) fn render_group(files: &FileSet, group: &[&Diagnostic], color: Color) -> String {
    let first = group[0];
    let file = files.get(first.location.file);
    let mut labels = vec![label("here", &first.location.span, true)];
    let mut notes: Vec<String> = Vec::new();
    for d in group {
        for (place, text) in &d.related {
            if place.file == first.location.file {
                if !labels
                    .iter()
                    .any(|l| l.offset() == place.span.start as usize && l.label() == Some(*text))
                {
                    labels.push(label(text, &place.span, false));
                }
            } else {
                // Listed unless a message already names it.
                let other = files.get(place.file);
                let (l, c) = other.line_col(place.span.start);
                let named = format!("{}:{l})", other.display_name());
                let note = format!("{text}: {}:{l}:{c}", other.display_name());
                if !notes.contains(&note) && !group.iter().any(|d| d.message.contains(&named)) {
                    notes.push(note);
                }
            }
        }
    }
    let mut signals: Vec<&str> = group.iter().filter_map(|d| d.signal.as_deref()).collect();
    signals.dedup();
    // A place in this file is a line number here.
    let this_file = format!("({}:", file.display_name());
    for signal in &signals {
        let signal = signal.replace(&this_file, "(line ");
        notes.push(format!("WebSocket route because {signal}"));
    }
    for d in group {
        if let Some(fix) = &d.fix {
            let how = match fix.applicability {
                Applicability::Safe => "safe, applied by --fix",
                Applicability::Unsafe => "unsafe, needs --fix --unsafe-fixes",
            };
            let whose = if group.len() > 1 {
                format!("{} ", d.code)
            } else {
                String::new()
            };
            notes.push(format!("{whose}fix ({how}): {}", fix.title));
            notes.extend(fix_lines(files, first.location.file, fix));
        }
    }
    let fixable = |applicability: Applicability| -> Vec<&str> {
        group
            .iter()
            .filter(|d| {
                d.fix
                    .as_ref()
                    .is_some_and(|f| f.applicability == applicability)
            })
            .map(|d| d.code)
            .collect()
    };
    let (safe, unsafe_) = (fixable(Applicability::Safe), fixable(Applicability::Unsafe));
    if group.len() > 1 && !(safe.is_empty() && unsafe_.is_empty()) {
        let mut summary = if safe.is_empty() {
            "--fix changes nothing here".to_string()
        } else {
            format!("--fix here fixes {}", safe.join(", "))
        };
        if !unsafe_.is_empty() {
            summary.push_str(&format!("; --unsafe-fixes also {}", unsafe_.join(", ")));
        }
        notes.push(summary);
    }
    let help = (!notes.is_empty()).then(|| notes.join("\n"));
    let (code, message) = match group {
        [d] => (
            format!("{} {} [{}]", d.code, d.name, d.severity.as_str()),
            d.message.clone(),
        ),
        _ => {
            let codes: Vec<&str> = group.iter().map(|d| d.code).collect();
            let subject = common_subject(group);
            let lines: Vec<String> = group
                .iter()
                .map(|d| {
                    let rest = d.message[subject.len()..].trim_start();
                    format!("{} [{}] {rest}", d.code, d.severity.as_str())
                })
                .collect();
            (
                format!("{} findings: {}", group.len(), codes.join(" ")),
                format!("{subject}\n{}", lines.join("\n")),
            )
        }
    };
    render_report(
        file,
        code,
        &message,
        labels,
        help,
        first.location.span.start,
        color,
    )
}

/// What every message of a group starts with, when they all name their
/// place first (`` `location /ws/` (Socket.IO) ``, `this snippet
/// (location-level directives)`): said once, in the group's header. Empty
/// when they do not share one.
fn common_subject<'d>(group: &[&'d Diagnostic]) -> &'d str {
    let first = group[0].message.as_str();
    let shared = group.iter().skip(1).fold(first.len(), |len, d| {
        first
            .bytes()
            .zip(d.message.bytes())
            .take(len)
            .take_while(|(a, b)| a == b)
            .count()
    });
    // Up to the end of a quoted name or a parenthesis followed by a space.
    let prefix = &first[..shared];
    match prefix.rfind(['`', ')']) {
        Some(end)
            if (first.starts_with('`') || first.starts_with("this snippet "))
                && prefix[end + 1..].starts_with(' ') =>
        {
            &first[..=end]
        }
        _ => "",
    }
}

/// A fix as the lines it removes (`- `) and adds (`+ `), indented as they
/// are relative to each other; an edit in another file names its place.
fn fix_lines(files: &FileSet, here: u32, fix: &Fix) -> Vec<String> {
    let mut out = Vec::new();
    for edit in &fix.edits {
        let file = files.get(edit.file);
        if edit.file != here {
            let (l, c) = file.line_col(edit.range.start);
            out.push(format!("  in {}:{l}:{c}:", file.display_name()));
        }
        let old = String::from_utf8_lossy(
            &file.tree.source[edit.range.start as usize..edit.range.end as usize],
        );
        for (sign, text) in [("-", old.as_ref()), ("+", edit.text.as_str())] {
            let lines: Vec<&str> = text
                .split('\n')
                .map(str::trim_end)
                .filter(|l| !l.trim().is_empty())
                .collect();
            let indent = lines
                .iter()
                .map(|l| l.len() - l.trim_start().len())
                .min()
                .unwrap_or(0);
            for line in lines {
                out.push(format!("  {sign} {}", &line[indent.min(line.len())..]));
            }
        }
    }
    out
}

/// One report of the text output.
enum Entry<'o> {
    Syntax(&'o SourceFile, &'o SyntaxError),
    /// The findings about one place.
    Findings(Vec<&'o Diagnostic>),
}

/// The whole text report of a run, file by file in the order files were read.
pub(crate) fn render(outcome: &Outcome, color: Color) -> String {
    let mut out = Vec::new();
    write(outcome, color, &mut out).expect("writing to memory cannot fail");
    String::from_utf8(out).expect("reports are text")
}

/// Writes the text report to `out`; reports are rendered on two threads
/// and written in order as they are ready.
pub(crate) fn write(
    outcome: &Outcome,
    color: Color,
    out: &mut impl std::io::Write,
) -> std::io::Result<()> {
    let files = &outcome.files;
    let mut by_file: Vec<Vec<&Diagnostic>> = vec![Vec::new(); files.files.len()];
    for d in &outcome.diagnostics {
        by_file[d.location.file as usize].push(d);
    }
    let mut entries = Vec::new();
    for (file, diagnostics) in files.files.iter().zip(by_file) {
        entries.extend(file.tree.errors.iter().map(|e| Entry::Syntax(file, e)));
        for d in diagnostics {
            match entries.last_mut() {
                Some(Entry::Findings(group))
                    if group[0].location.span.start == d.location.span.start
                        && group[0].location.file == d.location.file =>
                {
                    group.push(d)
                }
                _ => entries.push(Entry::Findings(vec![d])),
            }
        }
    }
    let render = |_: usize, chunk: &[Entry], into: &mut Vec<u8>| {
        for entry in chunk {
            let report = match entry {
                Entry::Syntax(file, error) => render_syntax_error(file, error, color),
                Entry::Findings(group) => render_group(files, group, color),
            };
            into.extend_from_slice(report.as_bytes());
            into.push(b'\n');
        }
    };
    super::chunks::write_in_order(&entries, 64, render, out)?;
    let mut tail = String::new();
    for error in &outcome.read_errors {
        let _ = writeln!(tail, "error: {}", super::terminal_safe(&error.to_string()));
    }
    tail.push_str(&super::summary_line(outcome));
    out.write_all(tail.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What miette renders for `labels` from `src`.
    fn rendered(src: Excerpt, labels: &[LabeledSpan]) -> String {
        let report = Report {
            code: "X".into(),
            message: "m".into(),
            help: None,
            src,
            labels: labels.to_vec(),
        };
        let mut out = String::new();
        handler(Color::Never)
            .render_report(&mut out, &report)
            .unwrap();
        out
    }

    /// The whole file as one excerpt: what miette was given before.
    fn whole(file: &SourceFile) -> Excerpt {
        Excerpt {
            name: file.display_name().to_string(),
            text: same_length_text(&file.tree.source),
            start: 0,
            first_line: 0,
            columns: Vec::new(),
        }
    }

    #[test]
    fn an_excerpt_renders_like_the_whole_file() {
        let mut text = Vec::new();
        for i in 0..40 {
            let line: Vec<u8> = match i % 4 {
                0 => format!("server_name a{i};\r\n").into_bytes(),
                1 => format!("# comm\u{e9}nt {i}\n").into_bytes(),
                // Not UTF-8: shown as `?`.
                2 => [b"set $v \"\xff\";\n".as_slice()].concat(),
                _ => format!("    location /p{i} {{ proxy_pass http://b; }}\n").into_bytes(),
            };
            text.extend_from_slice(&line);
        }
        text.extend_from_slice(b"last_line_without_newline");
        let file = SourceFile::from_bytes("t.conf", text);
        let len = file.tree.source.len() as u32;
        let offsets: Vec<u32> = file
            .tree
            .source
            .iter()
            .enumerate()
            .filter(|(_, b)| **b == b'\n')
            .map(|(i, _)| i as u32 + 1)
            .collect();
        let cases: Vec<Vec<Range<u32>>> = vec![
            vec![0..6],
            vec![offsets[10]..offsets[10] + 5],
            vec![offsets[3]..offsets[3] + 4, offsets[30]..offsets[31]],
            // Far apart, deep in the file: miette merges these snippets.
            vec![offsets[24]..offsets[24] + 4, offsets[37]..offsets[37] + 3],
            vec![offsets[20] + 2..offsets[22], offsets[5]..offsets[5]],
            vec![len - 4..len],
            vec![len..len],
        ];
        for spans in cases {
            let labels: Vec<LabeledSpan> = spans
                .iter()
                .enumerate()
                .map(|(i, s)| label("l", s, i == 0))
                .collect();
            let (excerpt, moved) = Excerpt::of(&file, &labels);
            assert_eq!(
                rendered(excerpt, &moved),
                rendered(whole(&file), &labels),
                "labels at {spans:?}"
            );
        }
    }
}

#[cfg(test)]
mod wrap_tests {
    use super::*;

    #[test]
    fn quoted_code_and_paths_are_never_broken_across_lines() {
        assert_eq!(unbreakable_code("a `b c` d"), "a `b\u{E000}c` d");
        let long = "x".repeat(70);
        let file = SourceFile::from_bytes(
            "sites-enabled/some-very-long-site-name.example.org",
            b"location /ws/ {\n}\n".to_vec(),
        );
        let message = format!(
            "{long} add `proxy_set_header Connection $connection_upgrade;` from sites-enabled/another-long-file-name.conf:3"
        );
        let out = render_report(
            &file,
            "X".into(),
            &message,
            vec![label("here", &(0..8), true)],
            None,
            0,
            Color::Never,
        );
        for whole in [
            "`proxy_set_header Connection $connection_upgrade;`",
            "sites-enabled/another-long-file-name.conf:3",
            "sites-enabled/some-very-long-site-name.example.org:1:1:",
        ] {
            assert!(
                out.lines().any(|l| l.contains(whole)),
                "{whole} is broken in:\n{out}"
            );
        }
        assert!(!out.contains(KEEP_TOGETHER));
    }
}

#[cfg(test)]
mod group_tests {
    use super::*;
    use crate::diagnostic::FileSpan;

    fn finding(message: &str) -> Diagnostic {
        let at = FileSpan {
            file: 0,
            span: 0..1,
        };
        Diagnostic::new(
            "WS000",
            "x",
            crate::diagnostic::Severity::Error,
            message,
            at,
        )
    }

    #[test]
    fn a_group_states_the_place_its_messages_share_once() {
        let subject = |messages: &[&str]| {
            let found: Vec<Diagnostic> = messages.iter().map(|m| finding(m)).collect();
            let group: Vec<&Diagnostic> = found.iter().collect();
            common_subject(&group).to_string()
        };
        assert_eq!(
            subject(&[
                "`location /ws/` (Socket.IO) proxies a",
                "`location /ws/` (Socket.IO) passes b"
            ]),
            "`location /ws/` (Socket.IO)"
        );
        assert_eq!(
            subject(&[
                "this snippet (location-level directives) proxies a",
                "this snippet (location-level directives) sends b"
            ]),
            "this snippet (location-level directives)"
        );
        // Messages that do not start with their place share none.
        assert_eq!(
            subject(&[
                "the map defining `$a` (x) is b",
                "the map defining `$a` (x) is c"
            ]),
            ""
        );
    }
}
