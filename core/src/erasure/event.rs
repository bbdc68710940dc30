//! What an erasure job reports as it runs: progress for bars, reasons for logs.

use crate::time::timestamp::UnixMillis;
use serde::{Deserialize, Serialize};

/// How an operation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Terminal {
    /// Erased (2xx).
    Done,
    /// Vonage had no such record (404): already gone or never existed. Not counted as success.
    NotFound,
    /// Older than the retention window; nothing left to erase.
    Expired,
    /// Gave up; see the operation's last problem.
    Failed,
    /// Left out by policy.
    Skipped,
}

/// Counts of operations by state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Counts {
    /// Every operation.
    pub total: u64,
    /// Ended `done`.
    pub done: u64,
    /// Ended `not_found`.
    pub not_found: u64,
    /// Ended `expired`.
    pub expired: u64,
    /// Ended `failed`.
    pub failed: u64,
    /// Ended `skipped`.
    pub skipped: u64,
    /// Sent and not yet answered.
    pub in_flight: u64,
    /// Calls sent again after a failure, 429 or premature answer.
    pub retries: u64,
    /// 429 answers received.
    pub rate_limited: u64,
}

impl Counts {
    /// Operations that reached a terminal state.
    pub fn finished(&self) -> u64 {
        self.done + self.not_found + self.expired + self.failed + self.skipped
    }

    pub(crate) fn add(&mut self, state: Terminal) {
        match state {
            Terminal::Done => self.done += 1,
            Terminal::NotFound => self.not_found += 1,
            Terminal::Expired => self.expired += 1,
            Terminal::Failed => self.failed += 1,
            Terminal::Skipped => self.skipped += 1,
        }
    }
}

/// An event from [`crate::ErasureJob::poll_event`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum JobEvent {
    /// The job's first poll (of this run): sent even when nothing can go out yet.
    Started {
        /// When.
        at: UnixMillis,
        /// Counts at the start (expired and skipped are already settled).
        counts: Counts,
    },
    /// Nothing can be sent before `until` because of Vonage's one-hour rule (records younger
    /// than an hour), and nothing is in flight: the run waits (or, with `wait_for_premature`
    /// off, stops here to be resumed later). Once per distinct `until`.
    Waiting {
        /// When the next call may go.
        until: UnixMillis,
        /// Counts now.
        counts: Counts,
    },
    /// A group's target check settled: `ok` when Vonage gave the documented not-found answer.
    TargetChecked {
        /// The group: a Redact product, `media` or `conversation`.
        group: String,
        /// True when the base URL, credentials and product proved right.
        ok: bool,
        /// The HTTP status of the last answer, if one came.
        status: Option<u16>,
        /// Why it failed.
        reason: Option<String>,
    },
    /// An operation will be sent again.
    Retrying {
        /// The operation.
        op: u32,
        /// Attempts so far.
        attempt: u32,
        /// When it will go again.
        at: UnixMillis,
        /// Why (e.g. `server error 503`, `timeout`, `premature`, `rate limited`).
        reason: String,
    },
    /// Vonage answered 429: every call waits and the pace drops.
    Throttled {
        /// Until when nothing is sent.
        until: UnixMillis,
        /// The new pace in requests per second.
        pace: f64,
    },
    /// A 401 or 403, or a failed target check, stopped every remaining operation of a group
    /// (a product, `media`, `conversation`).
    GroupStopped {
        /// The group.
        group: String,
        /// Why.
        reason: String,
        /// How many pending operations were stopped.
        stopped: u64,
    },
    /// An operation reached its terminal state.
    OperationFinished {
        /// The operation.
        op: u32,
        /// Its terminal state.
        state: Terminal,
        /// Counts after it.
        counts: Counts,
    },
    /// Every operation is terminal; the receipt can be made.
    Finished {
        /// When.
        at: UnixMillis,
        /// Final counts.
        counts: Counts,
    },
}
