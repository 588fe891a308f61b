//! wslint: a linter and fixer for nginx configurations that proxy WebSockets.
//!
//! The pipeline runs one way, each layer using only the ones before it:
//! [`syntax`] (bytes to a lossless tree; contexts and the directive table)
//! → [`load`] (the files of a run, their includes, `nginx -T`) →
//! [`semantic`] (the configuration as nginx sees it: scopes, inheritance,
//! the apps behind routes) → [`rules`] (what is wrong, with fixes) →
//! [`fix`] (applying fixes, writing files safely) → [`report`] (how it is
//! shown). [`probe`] checks a live endpoint instead of a configuration.
//! [`app`] holds the commands and wires the layers together; the binary
//! only calls [`app::main`]. [`diagnostic`] (findings and their fixes) and
//! [`progress`] are used throughout.
//!
//! Items are `pub(crate)` unless the binary, the integration tests or the
//! benchmarks use them. The documentation is for maintainers
//! (`cargo doc --document-private-items`), so it links to crate-private
//! items freely.

#![allow(rustdoc::private_intra_doc_links)]

pub mod app;
pub mod diagnostic;
pub mod fix;
pub mod load;
pub mod probe;
pub mod progress;
pub mod report;
pub mod rules;
pub mod semantic;
pub mod syntax;
