//! What a plan will cost before anything is sent (access.md §5.9): requests per limit class,
//! the shortest possible duration at the documented rates, async reports, warnings.

use crate::access::plan::{AccessPlan, PlanWarning};
use crate::access::query::{LimitClass, QueryMode};
use serde::{Deserialize, Serialize};

/// Requests each async report needs at least: create, one status poll, one download.
pub const MIN_REQUESTS_PER_ASYNC_REPORT: u64 = 3;

/// Requests per limit class (the least the plan can need: no pages, retries or second tries).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RequestCounts {
    /// `GET /v2/reports/records`.
    pub reports_sync: u64,
    /// Async create, status and download.
    pub reports_async: u64,
    /// Message Search.
    pub message_search: u64,
}

/// The estimate of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessEstimate {
    /// Requests per class.
    pub requests: RequestCounts,
    /// `max over classes of requests ÷ rate`, rounded up: no run can be shorter.
    pub min_seconds: u64,
    /// Async reports to create.
    pub async_reports: u64,
    /// Ids deferred by the propagation delay: the run cannot end before the last is ready.
    pub earliest_finish: Option<u64>,
    /// By-id lookups (batches of ≤ 20 ids).
    pub lookups: u64,
    /// Ledger ids looked up.
    pub ids: u64,
    /// The plan's warnings.
    pub warnings: Vec<PlanWarning>,
}

impl AccessPlan {
    /// The estimate of this plan (§5.9).
    pub fn estimate(&self) -> AccessEstimate {
        let mut requests = RequestCounts::default();
        let (mut async_reports, mut lookups, mut ids) = (0, 0, 0);
        for q in &self.queries {
            match q.limit_class() {
                LimitClass::ReportsSync => requests.reports_sync += 1,
                LimitClass::ReportsAsync => {
                    async_reports += 1;
                    requests.reports_async += MIN_REQUESTS_PER_ASYNC_REPORT;
                }
                LimitClass::MessageSearch => requests.message_search += 1,
            }
            if !q.ids.is_empty() && q.mode != QueryMode::MessageSearch {
                lookups += 1;
                ids += q.ids.len() as u64;
            }
        }
        let seconds = |n: u64, class: LimitClass| n.div_ceil(u64::from(class.default_rate()));
        let min_seconds = seconds(requests.reports_sync, LimitClass::ReportsSync)
            .max(seconds(requests.reports_async, LimitClass::ReportsAsync))
            .max(seconds(requests.message_search, LimitClass::MessageSearch));
        AccessEstimate {
            requests,
            min_seconds,
            async_reports,
            earliest_finish: self.queries.iter().filter_map(|q| q.not_before).max(),
            lookups,
            ids,
            warnings: self.warnings.clone(),
        }
    }
}
