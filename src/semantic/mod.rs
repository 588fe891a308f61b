//! The semantic layer: the configuration the way nginx sees it.
//!
//! - [`model`]: the scope tree with includes spliced in, and its lookups;
//! - [`builder`]: how the model is built from the entry points;
//! - [`checks`]: the checks `nginx -t` makes, made while building;
//! - [`apps`]: the software behind WebSocket routes
//!   (grammar/websocket-apps.tsv);
//! - [`effective`]: inheritance-aware values per scope;
//! - [`inspect`]: the per-location view behind `wslint inspect`.

pub(crate) mod apps;
mod builder;
mod checks;
pub(crate) mod effective;
pub(crate) mod inspect;
pub(crate) mod model;

pub use effective::{ArrayValue, HeaderEntry, ProxyTarget, Setting};
pub use model::{Model, Node, Scope, ScopeId};
