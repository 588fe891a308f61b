//! The semantic layer: the configuration the way nginx sees it.
//!
//! - [`files`]: the files of a run and `include` resolution;
//! - [`dump`]: `nginx -T` output split back into files;
//! - [`context`]: configuration contexts;
//! - [`directives`]: the directive table (grammar/directives.tsv);
//! - [`model`]: the scope tree with includes spliced in, and the context,
//!   argument-count and include diagnostics;
//! - [`effective`]: inheritance-aware values per scope;
//! - [`inspect`]: the per-location view behind `wslint inspect`;
//! - [`version`]: the targeted nginx version.

pub mod apps;
pub mod context;
pub mod directives;
pub mod dump;
pub mod effective;
pub mod files;
pub mod inspect;
pub mod model;
pub mod version;

pub use context::Context;
pub use effective::{ArrayValue, HeaderEntry, ProxyTarget, Setting};
pub use model::{Model, Node, Scope, ScopeId};
pub use version::NginxVersion;
