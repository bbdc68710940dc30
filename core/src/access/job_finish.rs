//! The access job's snapshot and its end (access.md §14, §16, §17). The snapshot holds the
//! progress and what was kept: it **contains personal data** (numbers, cursors, records) and
//! says so, and holds no credential. The end builds the report from the run — records merged
//! and linked to the ledger, every query as a source, every query that did not finish as a gap
//! and its ids as `not_found{unavailable_source}` — signs it, and signs the access receipt.

use crate::access::input::AccessPlanInput;
use crate::access::job::AccessJob;
use crate::access::job_event::AccessJobConfig;
use crate::access::job_pacing::Pacing;
use crate::access::job_query::{QueryRun, QueryState};
use crate::access::parties::SubjectMatch;
use crate::access::plan::{AccessPlan, NotFoundEntry, NotFoundReason};
use crate::access::query::{QueryMode, QueryStrategy};
use crate::access::report::{AccessReport, ReportParts, ReportRange, SourceRecord};
use crate::access::report_gaps::Gap;
use crate::access::row_filter::{link_ledger, merge_records};
use crate::access::wire_time::format_rfc3339;
use crate::error::{Error, Result};
use crate::job::call_table::CallTable;
use crate::job::protocol::{Finished, JobState};
use crate::job::rate_limiter::Jitter;
use crate::time::timestamp::UnixMillis;
use crate::vonage::product::Product;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// The schema name of an access job snapshot.
pub const ACCESS_SNAPSHOT_SCHEMA: &str = "erasekit.access-snapshot/1";

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Snapshot {
    schema: String,
    /// Always true: store it like the ledger (§17).
    contains_personal_data: bool,
    input: AccessPlanInput,
    plan: AccessPlan,
    config: AccessJobConfig,
    queries: Vec<QueryRun>,
    pacing: Pacing,
    jitter: Jitter,
    next_call_id: u64,
    not_found: Vec<NotFoundEntry>,
    finished_at: Option<UnixMillis>,
}

fn storage(e: impl std::fmt::Display) -> Error {
    Error::Storage {
        reason: e.to_string(),
    }
}

impl AccessJob {
    /// The job as JSON: progress and what was kept, no credential. Calls out at this moment
    /// are sent again by the restored job (all but async create are reads).
    pub fn snapshot(&self) -> String {
        let snapshot = Snapshot {
            schema: ACCESS_SNAPSHOT_SCHEMA.into(),
            contains_personal_data: true,
            input: self.input.clone(),
            plan: self.plan.clone(),
            config: self.config.clone(),
            queries: self.queries.clone(),
            pacing: self.pacing.clone(),
            jitter: self.jitter,
            next_call_id: self.next_call_id,
            not_found: self.not_found.clone(),
            finished_at: self.finished_at,
        };
        serde_json::to_string(&snapshot).unwrap_or_default()
    }

    /// A job from [`AccessJob::snapshot`]'s JSON, checked (`storage` when it is not one).
    pub fn restore(text: &str) -> Result<AccessJob> {
        let s: Snapshot = serde_json::from_str(text).map_err(storage)?;
        if s.schema != ACCESS_SNAPSHOT_SCHEMA {
            return Err(storage("not an access job snapshot"));
        }
        let latest = s.queries.iter().map(|q| q.due).max().unwrap_or(0);
        let latest = latest
            .max(s.finished_at.unwrap_or(0))
            .max(s.plan.planned_at);
        // Restored limiter times may run ahead of every due time by the limiter's own pauses.
        if !s.pacing.is_plausible(latest.saturating_add(86_400_000)) {
            return Err(storage("the snapshot's rate limiters are not plausible"));
        }
        if s.queries
            .iter()
            .enumerate()
            .any(|(i, q)| q.query.query as usize != i)
        {
            return Err(storage("the snapshot's queries are out of order"));
        }
        let subject = SubjectMatch::for_plan(&s.plan, &s.input);
        Ok(AccessJob {
            input: s.input,
            plan: s.plan,
            config: s.config,
            queries: s.queries,
            pacing: s.pacing,
            jitter: s.jitter,
            next_call_id: s.next_call_id,
            not_found: s.not_found,
            finished_at: s.finished_at,
            answers_since_checkpoint: 0,
            subject,
            calls: CallTable::default(),
            events: VecDeque::new(),
            hold: None,
            first_open: 0,
        })
    }

    /// Ledger entries for `ids`, settled with `reason` after `tried`.
    pub(crate) fn note_not_found(
        &mut self,
        ids: &[String],
        tried: &[String],
        reason: NotFoundReason,
    ) {
        let entries = not_found_entries(&self.input, ids, tried, reason);
        self.not_found.extend(entries);
    }

    /// The signed report (`job_not_finished` before every query is terminal). The same run
    /// gives the same report, restored or not.
    pub fn report(&self, signing_key: &[u8]) -> Result<AccessReport> {
        let Some(generated_at) = self.finished_at else {
            let pending = self.queries.iter().filter(|q| q.is_open()).count() as u64;
            return Err(Error::JobNotFinished { pending });
        };
        let mut records = Vec::new();
        let mut sources = Vec::new();
        let mut gaps = Vec::new();
        let mut not_found = self.not_found.clone();
        for q in &self.queries {
            records.extend(q.kept.iter().cloned());
            let state = q.state.clone().unwrap_or(QueryState::Skipped {
                reason: "stopped".into(),
            });
            sources.push(source(q, &state));
            if state.is_gap() {
                gaps.push(gap(q, &state));
                if !q.query.ids.is_empty() {
                    let mut tried = q.tried.clone();
                    tried.push(q.query.label());
                    let reason = NotFoundReason::UnavailableSource;
                    not_found.extend(not_found_entries(&self.input, &q.query.ids, &tried, reason));
                }
            }
        }
        let mut records = merge_records(records);
        link_ledger(&mut records, &self.input.entries);
        let mut report = AccessReport::build(ReportParts {
            plan: &self.plan,
            request: &self.input.request,
            report_id: self.config.job_id.clone(),
            generated_at,
            subject_hash: self.config.subject_hash.clone(),
            controller: self.config.controller.clone(),
            processing: self.config.processing.clone(),
            records,
            not_found,
            sources,
            gaps,
        });
        report.sign(signing_key)?;
        Ok(report)
    }

    /// The end of a finished run: the signed access receipt of [`AccessJob::report`].
    pub fn finish(&self, signing_key: &[u8]) -> Result<Finished> {
        let report = self.report(signing_key)?;
        let receipt = report.receipt(None, signing_key)?;
        Ok(Finished {
            job_id: self.config.job_id.clone(),
            receipt: serde_json::to_string(&receipt).map_err(storage)?,
            state: JobState::Finished,
        })
    }
}

/// A `not_found` entry per id, described from its ledger entry.
fn not_found_entries(
    input: &AccessPlanInput,
    ids: &[String],
    tried: &[String],
    reason: NotFoundReason,
) -> Vec<NotFoundEntry> {
    ids.iter()
        .map(|id| {
            let entry = input.entries.iter().find(|e| &e.id == id);
            NotFoundEntry {
                ledger_id: id.clone(),
                product: entry
                    .map_or("unknown", |e| {
                        e.product.map_or(e.kind.as_str(), Product::as_str)
                    })
                    .to_owned(),
                direction: entry
                    .and_then(|e| e.direction)
                    .map(|d| d.as_str().to_owned()),
                created_at: entry.map_or(0, |e| e.created_at),
                reason,
                tried: tried.to_vec(),
            }
        })
        .collect()
}

fn system(mode: QueryMode) -> &'static str {
    match mode {
        QueryMode::Sync => "vonage.reports.sync",
        QueryMode::Async => "vonage.reports.async",
        QueryMode::MessageSearch => "vonage.message_search",
    }
}

fn range(q: &QueryRun) -> Option<ReportRange> {
    q.query.range.map(|r| ReportRange {
        from: format_rfc3339(r.from, false),
        to: format_rfc3339(r.to, false),
    })
}

fn source(q: &QueryRun, state: &QueryState) -> SourceRecord {
    let strategy = match q.query.strategy {
        QueryStrategy::ById => "by_id",
        QueryStrategy::PhoneScan => "phone_scan",
        QueryStrategy::ConversationScan => "conversation_scan",
    };
    SourceRecord {
        system: system(q.query.mode).into(),
        account_id: q.query.account_id.clone(),
        product: q.query.product.clone(),
        direction: q.query.direction.map(|d| d.as_str().to_owned()),
        strategy: strategy.into(),
        range: range(q),
        requests: q.requests,
        records_kept: q.kept.len() as u64,
        rows_discarded: q.discarded,
        state: state.as_str().into(),
    }
}

/// The words for a query that did not finish: which source, which period or how many ids,
/// and why.
fn gap(q: &QueryRun, state: &QueryState) -> Gap {
    let (code, why) = match state {
        QueryState::Partial { reason } => ("partial_window", reason.as_str()),
        QueryState::Failed { reason, .. }
        | QueryState::Unavailable { reason }
        | QueryState::Skipped { reason } => ("source_unavailable", reason.as_str()),
        _ => ("source_unavailable", ""),
    };
    let what = match (q.query.range, q.query.ids.len()) {
        (Some(r), _) => format!(
            "{} from {} to {}",
            q.query.label(),
            format_rfc3339(r.from, false),
            format_rfc3339(r.to, false)
        ),
        (None, n) => format!("{} ({n} ids)", q.query.label()),
    };
    let detail = match state {
        QueryState::Partial { .. } => format!("Only part of {what} could be read ({why})."),
        _ => format!("{what} could not be searched ({why})."),
    };
    Gap {
        code: code.into(),
        detail,
        system: Some(system(q.query.mode).into()),
        account: Some(q.query.account_id.clone()),
        product: Some(q.query.product.clone()),
    }
}
