//! wslint: a linter and fixer for nginx configurations that proxy WebSockets.
//!
//! The pipeline runs one way: [`syntax`] (bytes to a lossless tree) →
//! [`check`] (what is wrong) → [`report`] (how it is shown). [`discover`]
//! and [`source`] find and read the files. [`probe`] checks a live
//! endpoint instead of a configuration.

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
