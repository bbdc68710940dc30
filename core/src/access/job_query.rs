//! What the access job knows about one query while it runs (access.md §8, §9, §10, §17): the
//! step it is at, its page position and loop guards, its async report, what it kept, and at the
//! end its one terminal state. Serialised as is into the job's snapshot.

use crate::access::interpret::AccessEndpoint;
use crate::access::query::{AccessQuery, LimitClass, QueryMode};
use crate::access::record::AccessRecord;
use crate::time::timestamp::UnixMillis;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The one terminal state every query ends in (§10). `reason` values are stable snake_case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum QueryState {
    /// Every page or the whole archive was read.
    Done,
    /// Some records were read, not all: `pagination_loop`, `cursor_rejected`,
    /// `report_truncated`, `too_many_rows`, `no_next_page`.
    Partial {
        /// Why.
        reason: String,
    },
    /// Nothing (more) could be read: `unauthorized`, `server`, `invalid_request`,
    /// `malformed_response`, `unexpected_status`, `rate_limited`, `report_expired`,
    /// `report_failed`, an archive or CSV error code.
    Failed {
        /// Why.
        reason: String,
        /// What Vonage or the archive said, if anything (never message text).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        problem: Option<String>,
    },
    /// The source cannot be searched: `forbidden`, `product_not_supported`, `retired`,
    /// `retired_or_unprovisioned`.
    Unavailable {
        /// Why.
        reason: String,
    },
    /// Not run: `stopped` (the host ended the run early).
    Skipped {
        /// Why.
        reason: String,
    },
    /// Handed on to other queries: an async span split in halves or replaced by sync windows,
    /// a window halved, a product retried under its old name. Records it read stay its own.
    Replaced {
        /// The queries that took over.
        by: Vec<u32>,
    },
}

impl QueryState {
    /// `done`, `partial`, `failed`, `unavailable`, `skipped` or `replaced`.
    pub fn as_str(&self) -> &'static str {
        match self {
            QueryState::Done => "done",
            QueryState::Partial { .. } => "partial",
            QueryState::Failed { .. } => "failed",
            QueryState::Unavailable { .. } => "unavailable",
            QueryState::Skipped { .. } => "skipped",
            QueryState::Replaced { .. } => "replaced",
        }
    }

    /// Whether the report must say something is missing because of this state.
    pub fn is_gap(&self) -> bool {
        !matches!(self, QueryState::Done | QueryState::Replaced { .. })
    }
}

/// The request a query sends next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Step {
    /// The first request: a records page, a Message Search or an async create.
    Send,
    /// The next page of a sync window.
    NextPage,
    /// The status of an async report.
    Poll,
    /// The archive of an async report.
    Download,
    /// Cancelling an async report that ran past the timeout.
    Cancel,
}

/// Where the next page of a truncated window comes from, as the body gave it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct PagePos {
    pub(crate) href: Option<String>,
    pub(crate) cursor: Option<String>,
    pub(crate) iv: Option<String>,
}

/// An async report's lifecycle (§9.1).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub(crate) struct AsyncRun {
    pub(crate) request_id: Option<String>,
    pub(crate) created_at: UnixMillis,
    pub(crate) poll_every_ms: u64,
    /// FAILED or ABORTED answers so far (the first re-creates, the second splits).
    pub(crate) failures: u32,
    /// Re-created after a status 404 (metadata kept 4 days).
    pub(crate) recreated_after_404: bool,
    /// Re-created after a download 404 (file kept 72 h).
    pub(crate) recreated_after_expiry: bool,
    /// The report said TRUNCATED: keep what the archive holds, then split.
    pub(crate) truncated: bool,
    /// The unchecked download link; checked against the configured base before any call.
    pub(crate) download_href: Option<String>,
}

/// One query of the run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct QueryRun {
    pub(crate) query: AccessQuery,
    pub(crate) step: Step,
    pub(crate) due: UnixMillis,
    /// A call is out (not serialised: a restored job resends it).
    #[serde(skip)]
    pub(crate) in_flight: bool,
    pub(crate) state: Option<QueryState>,
    pub(crate) started: bool,
    /// Consecutive 5xx or transport failures.
    pub(crate) attempts: u32,
    pub(crate) rate_limited: u32,
    pub(crate) requests: u64,
    pub(crate) kept: Vec<AccessRecord>,
    pub(crate) discarded: u64,
    pub(crate) page: Option<PagePos>,
    pub(crate) seen_cursors: Vec<String>,
    pub(crate) pages: u32,
    pub(crate) pages_without_new: u32,
    pub(crate) restarted: bool,
    pub(crate) seen_ids: BTreeSet<String>,
    pub(crate) report: AsyncRun,
    /// Labels of the queries that looked for these ids before (second tries).
    pub(crate) tried: Vec<String>,
    pub(crate) split_depth: u32,
}

impl QueryRun {
    pub(crate) fn new(query: AccessQuery, tried: Vec<String>, split_depth: u32) -> QueryRun {
        QueryRun {
            due: query.not_before.unwrap_or(0),
            query,
            step: Step::Send,
            in_flight: false,
            state: None,
            started: false,
            attempts: 0,
            rate_limited: 0,
            requests: 0,
            kept: Vec::new(),
            discarded: 0,
            page: None,
            seen_cursors: Vec::new(),
            pages: 0,
            pages_without_new: 0,
            restarted: false,
            seen_ids: BTreeSet::new(),
            report: AsyncRun::default(),
            tried,
            split_depth,
        }
    }

    /// Whether the query still has something to send (now or later).
    pub(crate) fn is_open(&self) -> bool {
        self.state.is_none()
    }

    /// The limit class of its next request: async control and download share one (§7).
    pub(crate) fn class(&self) -> LimitClass {
        self.query.limit_class()
    }

    /// The endpoint its next request answers for, to read the answer (§10).
    pub(crate) fn endpoint(&self) -> AccessEndpoint {
        match (self.query.mode, self.step) {
            (QueryMode::MessageSearch, _) => AccessEndpoint::MessageSearch,
            (QueryMode::Async, Step::Poll) => AccessEndpoint::ReportStatus,
            (QueryMode::Async, Step::Download) => AccessEndpoint::ReportDownload,
            (QueryMode::Async, Step::Cancel) => AccessEndpoint::ReportCancel,
            (QueryMode::Async, _) => AccessEndpoint::ReportCreate,
            (QueryMode::Sync, Step::NextPage) => AccessEndpoint::RecordsNextPage,
            (QueryMode::Sync, _) if !self.query.ids.is_empty() => AccessEndpoint::RecordsById,
            (QueryMode::Sync, _) => AccessEndpoint::RecordsWindow,
        }
    }

    /// Back to the first page of the window (a cursor was refused, §8).
    pub(crate) fn restart_window(&mut self, now: UnixMillis) {
        self.restarted = true;
        self.step = Step::Send;
        self.page = None;
        self.seen_cursors.clear();
        self.pages = 0;
        self.pages_without_new = 0;
        self.due = now;
    }

    /// A fresh async report with the same parameters (a re-create).
    pub(crate) fn recreate(&mut self, now: UnixMillis) {
        self.step = Step::Send;
        self.report.request_id = None;
        self.report.download_href = None;
        self.due = now;
    }
}
