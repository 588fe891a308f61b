//! `--format concise`: one line per finding, `path:line:col: CODE [severity]
//! message`, then the summary line; errors as `path:line:col: syntax-error
//! [error] message` or `path: read-error [error] message`.

use super::located::Located;
use std::io::Write;

/// Renders the report.
pub(crate) fn render(located: &Located, summary: &str) -> String {
    let mut out = Vec::new();
    write(located, summary, &mut out).expect("writing to memory cannot fail");
    String::from_utf8(out).expect("the report is UTF-8")
}

/// Writes the report to `out`, a line at a time.
pub(crate) fn write(located: &Located, summary: &str, out: &mut impl Write) -> std::io::Result<()> {
    for f in &located.findings {
        let d = f.diagnostic;
        let p = &f.place;
        writeln!(
            out,
            "{}:{}:{}: {} [{}] {}",
            super::terminal_safe(&p.file),
            p.line,
            p.column,
            d.code,
            d.severity.as_str(),
            one_line(&d.message)
        )?;
    }
    for e in &located.errors {
        let place = match (e.line, e.column) {
            (Some(l), Some(c)) => format!(":{l}:{c}"),
            _ => String::new(),
        };
        writeln!(
            out,
            "{}{place}: {} [error] {}",
            super::terminal_safe(&e.file),
            e.kind,
            one_line(&e.message)
        )?;
    }
    out.write_all(summary.as_bytes())
}

/// `text` on one line, safe to print on a terminal.
fn one_line(text: &str) -> String {
    super::terminal_safe(&text.replace(['\n', '\r'], " ")).into_owned()
}
