//! WS000 unused-suppression: a `# wslint: ignore` comment that suppresses
//! nothing. The engine reports it after applying suppressions.

use super::{Cx, FixAvailability, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};

pub(crate) static META: RuleMeta = RuleMeta {
    code: "WS000",
    name: "unused-suppression",
    severity: Severity::Warning,
    fix: FixAvailability::Always,
    default_enabled: true,
    summary: "a `# wslint: ignore` comment suppresses nothing",
    explanation: "\
## What it does
Reports a `# wslint: ignore CODE` or `# wslint: ignore-file CODE` comment that
did not suppress any finding of the named rule in this run.

## Why is this bad
A suppression outlives the problem it was written for. Left in place it hides
the next real finding of that rule on the same directive, and it tells the
next reader that something is wrong here when nothing is.

## Example
```nginx
location /ws/ {
    proxy_read_timeout 1h;  # wslint: ignore WS006 backend does not ping
}
```
The timeout is already long enough, so WS006 does not fire and the comment
suppresses nothing.

## Use instead
Remove the comment, or correct the code it names.

## Fix safety
Removing the comment is safe: it changes no nginx behaviour.

## References
- wslint suppression comments: `wslint rule WS000`, README \"Suppressions\"
",
};

/// Unused suppressions are found by the engine, not by a check.
pub(crate) fn check(_cx: &Cx, _out: &mut Vec<Diagnostic>) {}
