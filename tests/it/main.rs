//! wslint's integration tests, in one test binary: round trips, syntax error
//! positions, the real-world corpus, the command line and property tests.

mod cli;
mod config;
mod corpus;
mod dump;
mod e2e;
mod fixes;
mod formats;
mod labeled;
mod model;
mod properties;
mod robustness;
mod roundtrip;
mod rules;
mod support;
mod syntax_errors;
