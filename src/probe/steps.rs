//! The steps of a probe: resolve, connect, TLS, handshake, ping, idle,
//! and what each found.

use serde::Serialize;
use std::time::Duration;

/// The steps of a probe, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum StepName {
    Resolve,
    Connect,
    Tls,
    Handshake,
    Ping,
    Idle,
}

impl StepName {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            StepName::Resolve => "resolve",
            StepName::Connect => "connect",
            StepName::Tls => "tls",
            StepName::Handshake => "handshake",
            StepName::Ping => "ping",
            StepName::Idle => "idle",
        }
    }
}

/// One finished step.
#[derive(Debug, Clone)]
pub(crate) struct Step {
    pub(crate) name: StepName,
    pub(crate) ok: bool,
    pub(crate) elapsed: Duration,
    /// What the step found, in a few words.
    pub(crate) detail: String,
}
