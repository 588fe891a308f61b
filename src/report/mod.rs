//! Output: how diagnostics and trees are shown. Reporters only format what the
//! earlier stages computed.
//!
//! - [`text`]: miette-style reports with a source snippet (the default);
//! - [`parse_json`]: the tree as JSON for `wslint parse`;
//! - [`inspect`]: effective configuration per location for `wslint inspect`;
//! - [`rules`]: `wslint rules` and `wslint rule CODE`.

pub mod inspect;
pub mod parse_json;
pub mod rules;
pub mod text;

/// Whether to use colour in text output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Color {
    Always,
    Never,
}
