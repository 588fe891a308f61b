//! The semantic layer: the configuration the way nginx sees it.
//!
//! - [`model`]: the scope tree with includes spliced in, and the context,
//!   argument-count and include diagnostics;
//! - [`effective`]: inheritance-aware values per scope;
//! - [`inspect`]: the per-location view behind `wslint inspect`.

pub(crate) mod apps;
pub(crate) mod effective;
pub(crate) mod inspect;
pub(crate) mod model;

pub use effective::{ArrayValue, HeaderEntry, ProxyTarget, Setting};
pub use model::{Model, Node, Scope, ScopeId};
