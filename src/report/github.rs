//! `--format github`: GitHub Actions workflow commands, one per finding and
//! error, so findings appear as annotations on the pull request:
//! `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=WS001 name::message`.

use super::located::Located;
use crate::diagnostic::Severity;
use std::io::Write;

/// Escapes a command's message (data); control characters from the
/// configuration are shown, not printed (the log is read in a terminal
/// too).
fn escape_data(text: &str) -> String {
    let escaped = text
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    super::terminal_safe(&escaped).into_owned()
}

/// Escapes a command property.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// Renders the report.
pub(crate) fn render(located: &Located) -> String {
    let mut out = Vec::new();
    write(located, &mut out).expect("writing to memory cannot fail");
    String::from_utf8(out).expect("the report is UTF-8")
}

/// Writes the report to `out`, a line at a time.
pub(crate) fn write(located: &Located, out: &mut impl Write) -> std::io::Result<()> {
    for f in &located.findings {
        let d = f.diagnostic;
        let p = &f.place;
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        writeln!(
            out,
            "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            escape_property(&p.file),
            p.line,
            p.column,
            p.end_line,
            p.end_column,
            escape_property(&format!("{} {}", d.code, d.name)),
            escape_data(&d.message)
        )?;
    }
    for e in &located.errors {
        let mut props = format!("file={}", escape_property(&e.file));
        if let Some(p) = &e.place {
            props += &format!(
                ",line={},col={},endLine={},endColumn={}",
                p.line, p.column, p.end_line, p.end_column
            );
        }
        writeln!(
            out,
            "::error {props},title={}::{}",
            escape_property(e.kind),
            escape_data(&e.message)
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(escape_data("50%\nnext"), "50%25%0Anext");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
