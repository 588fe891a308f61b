//! Fixing: the fixes rules attach to their findings
//! ([`crate::diagnostic::Fix`]) applied pass after pass without ever
//! touching bytes an edit does not name ([`apply`]), and the result put on
//! disk safely ([`mod@write`], with its [`journal`] and [`cleanup`]);
//! [`diff`] shows it as a unified diff.

pub mod apply;
pub(crate) mod cleanup;
pub(crate) mod diff;
pub(crate) mod journal;
pub(crate) mod write;
