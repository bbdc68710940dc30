//! Per-operation progress inside a job.

use crate::erasure::event::Terminal;
use crate::erasure::plan::Operation;
use crate::time::timestamp::UnixMillis;
use serde::{Deserialize, Serialize};

/// Where an operation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "phase", rename_all = "snake_case")]
pub(crate) enum Phase {
    /// Waiting to be sent at `due`.
    Pending { due: UnixMillis },
    /// Sent, no answer yet.
    InFlight,
    /// Ended.
    Terminal(Terminal),
}

/// An operation's progress and the facts the receipt reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct OpState {
    pub(crate) phase: Phase,
    pub(crate) attempts: u32,
    pub(crate) premature: u32,
    pub(crate) rate_limited: u32,
    pub(crate) first_attempt_at: Option<UnixMillis>,
    pub(crate) last_attempt_at: Option<UnixMillis>,
    pub(crate) status: Option<u16>,
    pub(crate) instance: Option<Box<str>>,
    pub(crate) problem: Option<Box<str>>,
}

impl OpState {
    pub(crate) fn from_plan(op: &Operation) -> Self {
        OpState {
            phase: crate::erasure::job::ErasureJob::initial_phase(op.initial, op.not_before),
            attempts: 0,
            premature: 0,
            rate_limited: 0,
            first_attempt_at: None,
            last_attempt_at: None,
            status: None,
            instance: None,
            problem: None,
        }
    }

    pub(crate) fn sent(&mut self, now: UnixMillis) {
        self.phase = Phase::InFlight;
        self.attempts += 1;
        self.first_attempt_at.get_or_insert(now);
        self.last_attempt_at = Some(now);
    }

    /// Records what the last answer said; `None` keeps what was there.
    pub(crate) fn note(
        &mut self,
        status: Option<u16>,
        instance: Option<String>,
        problem: Option<String>,
    ) {
        if status.is_some() {
            self.status = status;
            // A new answer replaces the old one's details, even with none.
            self.instance = instance.map(String::into_boxed_str);
            self.problem = problem.map(String::into_boxed_str);
        } else if problem.is_some() {
            self.problem = problem.map(String::into_boxed_str);
        }
    }

    pub(crate) fn terminal(&self) -> Option<Terminal> {
        match self.phase {
            Phase::Terminal(t) => Some(t),
            _ => None,
        }
    }
}
