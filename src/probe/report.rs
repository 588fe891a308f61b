//! What a probe found and how it is shown: the [`Report`] (each step with
//! its timing, the handshake's answer, the diagnosis) and its two renderings,
//! text lines printed as the steps finish and one JSON document (described in
//! docs/json-output.md).

use super::diagnosis::{Diagnosis, seconds};
use super::steps::{Step, StepName};
use serde::Serialize;
use std::time::Duration;

/// The schema version of `wslint probe --format json`.
pub(crate) const VERSION: u32 = 1;

/// The handshake's answer, as received.
#[derive(Debug, Clone)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) reason: String,
    pub(crate) headers: Vec<(String, String)>,
    /// The start of the body of a non-101 answer, when it had one.
    pub(crate) body: Option<String>,
}

/// Everything a probe found.
#[derive(Debug, Clone)]
pub(crate) struct Report {
    pub(crate) url: String,
    pub(crate) steps: Vec<Step>,
    pub(crate) answer: Option<Answer>,
    /// `None` when the WebSocket works.
    pub(crate) diagnosis: Option<Diagnosis>,
}

impl Report {
    pub(crate) fn works(&self) -> bool {
        self.diagnosis.is_none()
    }
}

/// The first line of the text output.
pub(crate) fn text_header(url: &str) -> String {
    format!("probe {url}\n")
}

/// One step's line: status, name, time taken, what it found.
pub(crate) fn text_step(step: &Step) -> String {
    format!(
        "  {:<4}  {:<9}  {:>9}  {}\n",
        if step.ok { "ok" } else { "FAIL" },
        step.name.as_str(),
        took(step.elapsed),
        step.detail
    )
}

/// The verdict after the steps: that it works, or the diagnosis.
pub(crate) fn text_conclusion(report: &Report) -> String {
    let Some(d) = &report.diagnosis else {
        return "\nThe WebSocket works.\n".to_string();
    };
    let mut out = format!("\nThe WebSocket does not work. {}\n", d.summary);
    if let Some(said) = report.answer.as_ref().and_then(|a| a.body.as_deref()) {
        // Backends often say in their answer's body why they refused; an
        // HTML error page says nothing the status line did not.
        if let Some(line) = said.lines().map(str::trim).find(|l| !l.is_empty())
            && !line.starts_with('<')
        {
            out.push_str(&format!("The answer's body says: {}\n", clip(line, 200)));
        }
    }
    for line in &d.explanation {
        out.push_str(line);
        out.push('\n');
    }
    if !d.rules.is_empty() {
        let names: Vec<(String, &str)> = d
            .rules
            .iter()
            .map(|r| {
                let name = crate::rules::find_rule(r.code).map_or("", |m| m.name);
                (format!("{} {name}", r.code), r.fix)
            })
            .collect();
        let width = names.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
        for (name, fix) in names {
            out.push_str(&format!("  {name:<width$}  {fix}\n"));
        }
        out.push_str(if d.rules.len() == 1 {
            "`wslint` on the configuration finds it; `wslint --fix` repairs it.\n"
        } else {
            "`wslint` on the configuration finds these; `wslint --fix` repairs them.\n"
        });
    }
    out
}

/// A measured time: milliseconds below a second, else seconds.
fn took(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{:.1} ms", d.as_secs_f64() * 1000.0)
    } else {
        seconds(d)
    }
}

fn clip(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    tool: Tool,
    url: &'a str,
    works: bool,
    steps: Vec<StepJson<'a>>,
    response: Option<AnswerJson<'a>>,
    diagnosis: Option<DiagnosisJson<'a>>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct StepJson<'a> {
    step: StepName,
    ok: bool,
    ms: f64,
    detail: &'a str,
}

#[derive(Serialize)]
struct AnswerJson<'a> {
    status: u16,
    reason: &'a str,
    headers: Vec<HeaderJson<'a>>,
    body: Option<&'a str>,
}

#[derive(Serialize)]
struct HeaderJson<'a> {
    name: &'a str,
    value: &'a str,
}

#[derive(Serialize)]
struct DiagnosisJson<'a> {
    kind: &'a str,
    summary: &'a str,
    explanation: &'a [String],
    rules: Vec<RuleJson<'a>>,
}

#[derive(Serialize)]
struct RuleJson<'a> {
    code: &'a str,
    name: &'a str,
    fix: &'a str,
}

/// The report as one JSON document.
pub(crate) fn render_json(report: &Report) -> String {
    let doc = Document {
        version: VERSION,
        tool: Tool {
            name: "wslint",
            version: env!("CARGO_PKG_VERSION"),
        },
        url: &report.url,
        works: report.works(),
        steps: report
            .steps
            .iter()
            .map(|s| StepJson {
                step: s.name,
                ok: s.ok,
                // Microsecond precision: enough for a network step.
                ms: (s.elapsed.as_secs_f64() * 1_000_000.0).round() / 1000.0,
                detail: &s.detail,
            })
            .collect(),
        response: report.answer.as_ref().map(|a| AnswerJson {
            status: a.status,
            reason: &a.reason,
            headers: a
                .headers
                .iter()
                .map(|(name, value)| HeaderJson { name, value })
                .collect(),
            body: a.body.as_deref(),
        }),
        diagnosis: report.diagnosis.as_ref().map(|d| DiagnosisJson {
            kind: d.kind,
            summary: &d.summary,
            explanation: &d.explanation,
            rules: d
                .rules
                .iter()
                .map(|r| RuleJson {
                    code: r.code,
                    name: crate::rules::find_rule(r.code).map_or("", |m| m.name),
                    fix: r.fix,
                })
                .collect(),
        }),
    };
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_shown_in_a_fitting_unit() {
        assert_eq!(took(Duration::from_micros(1234)), "1.2 ms");
        assert_eq!(took(Duration::from_millis(4012)), "4.01 s");
    }

    #[test]
    fn step_lines_line_up() {
        let step = |name, ok| Step {
            name,
            ok,
            elapsed: Duration::from_micros(300),
            detail: "x".into(),
        };
        assert_eq!(
            text_step(&step(StepName::Tls, true)),
            "  ok    tls           0.3 ms  x\n"
        );
        assert_eq!(
            text_step(&step(StepName::Handshake, false)),
            "  FAIL  handshake     0.3 ms  x\n"
        );
    }

    #[test]
    fn clipping_respects_characters() {
        assert_eq!(clip("héllo", 2), "hé…");
        assert_eq!(clip("hi", 2), "hi");
    }
}
