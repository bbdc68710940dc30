//! The access job's configuration and its progress events (access.md §17). Events carry no
//! message text and no phone number: query numbers, counts and states only.

use crate::access::query::LimitClass;
use crate::access::report::{ControllerInfo, ProcessingInfo};
use crate::time::timestamp::UnixMillis;
use serde::{Deserialize, Serialize};

/// How an access job runs and what its report says about the controller. No secret in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AccessJobConfig {
    /// The job id, also the report's and the receipt's id; `access-{request_id}` when empty.
    pub job_id: String,
    /// HMAC-SHA256 of the subject under the ledger key (the ledger computes it).
    pub subject_hash: String,
    /// The controller, for the report.
    pub controller: ControllerInfo,
    /// Art. 15(1) information, for the report.
    pub processing: ProcessingInfo,
    /// 5xx or transport failures of one request before its query fails (§7: 6).
    pub max_attempts: u32,
    /// 429 answers one query takes before it fails (a storm ends, a broken server does not).
    pub max_rate_limited: u32,
    /// Pages of one window before it ends `partial{pagination_loop}` (§8: 1000).
    pub max_pages_per_window: u32,
    /// First status poll after a create (§7: 30 s); later polls double.
    pub async_first_poll_ms: u64,
    /// The longest wait between polls (§7: 300 s).
    pub async_max_poll_ms: u64,
    /// How long a report may run before it is cancelled and replaced by sync windows (6 h).
    pub async_timeout_ms: u64,
    /// Answers between checkpoints.
    pub checkpoint_every: u32,
    /// Seed of the backoff jitter (deterministic runs).
    pub seed: u64,
}

impl Default for AccessJobConfig {
    fn default() -> Self {
        AccessJobConfig {
            job_id: String::new(),
            subject_hash: String::new(),
            controller: ControllerInfo::default(),
            processing: ProcessingInfo::default(),
            max_attempts: 6,
            max_rate_limited: 100,
            max_pages_per_window: 1000,
            async_first_poll_ms: 30_000,
            async_max_poll_ms: 300_000,
            async_timeout_ms: 6 * 3_600_000,
            checkpoint_every: crate::job::protocol::DEFAULT_CHECKPOINT_EVERY,
            seed: 0x5EED,
        }
    }
}

/// Counts for a progress line: queries done, records kept, rows discarded, reports pending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AccessProgress {
    /// Queries in a terminal state.
    pub queries_done: u64,
    /// Queries in the run (grows with second tries, splits and fallbacks).
    pub queries_total: u64,
    /// Records kept so far.
    pub records_kept: u64,
    /// Rows the row filter discarded so far (§11.3).
    pub rows_discarded: u64,
    /// Async reports created and not yet downloaded.
    pub async_pending: u64,
    /// Requests sent.
    pub requests: u64,
}

/// What the job reports while it runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AccessEvent {
    /// A query sent its first request.
    QueryStarted {
        /// The query.
        query: u32,
    },
    /// A query reached its terminal state.
    QueryFinished {
        /// The query.
        query: u32,
        /// `done`, `partial`, `failed`, `unavailable`, `skipped`, `replaced`.
        state: String,
        /// The reason, if any.
        reason: Option<String>,
        /// Counts after it.
        progress: AccessProgress,
    },
    /// A page of records was read.
    PageFetched {
        /// The query.
        query: u32,
        /// Its page number (1-based).
        page: u32,
        /// Records kept from it.
        kept: u64,
        /// Rows discarded from it.
        discarded: u64,
    },
    /// An async report was created.
    ReportCreated {
        /// The query.
        query: u32,
    },
    /// An async report's status.
    ReportStatus {
        /// The query.
        query: u32,
        /// `pending`, `processing`, `success`, `truncated`, `failed`, `aborted`, or unknown.
        status: String,
    },
    /// An archive was read.
    ReportDownloaded {
        /// The query.
        query: u32,
        /// CSV rows read.
        rows: u64,
    },
    /// An async report is created again (it is billed again): `failed`, `not_found`, `expired`.
    ReportRecreated {
        /// The query.
        query: u32,
        /// Why.
        why: String,
    },
    /// A by-id lookup did not find some ids.
    IdsNotFound {
        /// The query.
        query: u32,
        /// How many.
        count: u64,
    },
    /// A 429: the whole limit class waits and slows down.
    RateLimited {
        /// The class.
        class: LimitClass,
        /// Nothing of the class is sent before.
        until: UnixMillis,
    },
    /// A request is retried after a 5xx or a transport failure.
    Retrying {
        /// The query.
        query: u32,
        /// Failures so far.
        attempt: u32,
        /// When.
        at: UnixMillis,
    },
    /// Something the host may show: `untrusted_link`, `rows_discarded`,
    /// `unknown_report_status`, `account_unauthorized`.
    Warning {
        /// The query.
        query: u32,
        /// What.
        code: String,
    },
    /// Every query is terminal.
    Finished {
        /// When.
        at: UnixMillis,
        /// Final counts.
        progress: AccessProgress,
    },
}
