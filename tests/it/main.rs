//! wslint's integration tests, in one test binary: round trips, syntax error
//! positions, the real-world corpus, the command line, property tests, and
//! end-to-end tests against a real nginx (`e2e`, `probe`, servers in `live`).

mod alone;
mod apps;
mod cli;
mod config;
mod corpus;
mod dump;
mod e2e;
mod editor;
mod fixes;
mod formats;
mod interrupts;
mod labeled;
mod live;
mod messages;
mod model;
mod nginx_behaviour;
mod outputs;
mod probe;
mod properties;
mod robustness;
mod roundtrip;
mod rules;
mod server;
mod support;
mod syntax_errors;
