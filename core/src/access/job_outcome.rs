//! What the access job does with each reading of an answer (access.md §10): records pages
//! with their loop guards (§8) and second tries (§5.3), 429s that slow a whole class (§7),
//! 401s that fail an account's queries, 403s that close a source, halved windows, restarted
//! cursors, and the product retried under its old name.

use crate::access::interpret::{AccessOutcome, FailReason, RecordsPage, UnavailableReason};
use crate::access::interpret_body::ID_FIELDS;
use crate::access::job::AccessJob;
use crate::access::job_event::AccessEvent;
use crate::access::job_query::{PagePos, QueryRun, QueryState, Step};
use crate::access::normalise::normalise_record;
use crate::access::query::{AccessQuery, QueryMode};
use crate::access::row_filter::filter_rows;
use crate::time::timestamp::UnixMillis;
use serde_json::{Map, Value};

fn snake<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn row_id(row: &Map<String, Value>) -> Option<&str> {
    ID_FIELDS
        .iter()
        .chain(["id"].iter())
        .find_map(|k| row.get(*k)?.as_str())
}

impl AccessJob {
    /// Applies one reading of an answer to query `i`.
    pub(crate) fn apply(&mut self, i: usize, outcome: AccessOutcome, body: &[u8], now: UnixMillis) {
        use AccessOutcome as O;
        if !matches!(outcome, O::Retry { .. } | O::RateLimited { .. }) {
            self.queries[i].attempts = 0;
        }
        match outcome {
            O::Records { page } => self.on_page(i, page, now),
            O::SearchItems { items } => self.on_search_items(i, items, now),
            O::Report { status } => self.on_report(i, status, now),
            O::Archive => self.on_archive(i, body, now),
            O::Cancelled => self.fall_back_to_sync(i, now),
            O::Repoll => self.wait(i, Step::Poll, now),
            O::Recreate => self.report_not_found(i, now),
            O::Expired => self.report_expired(i, now),
            O::HalveWindow => match self.queries[i].query.halve_window() {
                Some((a, b)) => self.replace(i, vec![a, b], 0, now),
                None => self.fail(
                    i,
                    "invalid_request",
                    Some("422 on a window of an hour"),
                    now,
                ),
            },
            O::RestartWindow if !self.queries[i].restarted => self.queries[i].restart_window(now),
            O::RestartWindow => self.partial(i, "cursor_rejected", now),
            O::RateLimited { retry_at } => self.on_rate_limited(i, retry_at, now),
            O::Retry { .. } => self.retry_or_fail(i, now),
            O::Unavailable { reason } => self.on_unavailable(i, reason, now),
            O::Failed {
                reason: FailReason::Unauthorized,
                ..
            } => self.fail_account(i, now),
            O::Failed {
                reason, problem, ..
            } => {
                let state = QueryState::Failed {
                    reason: snake(&reason),
                    problem,
                };
                self.end(i, state, now);
            }
        }
    }

    pub(crate) fn fail(&mut self, i: usize, reason: &str, problem: Option<&str>, now: UnixMillis) {
        let state = QueryState::Failed {
            reason: reason.into(),
            problem: problem.map(str::to_owned),
        };
        self.end(i, state, now);
    }

    pub(crate) fn partial(&mut self, i: usize, reason: &str, now: UnixMillis) {
        let reason = reason.into();
        self.end(i, QueryState::Partial { reason }, now);
    }

    /// Keeps the subject's rows of `rows` for query `i` (§11.3), normalised (§12).
    pub(crate) fn keep_rows(&mut self, i: usize, rows: Vec<Map<String, Value>>) -> (u64, u64) {
        let q = &self.queries[i];
        let (kept, discarded) = filter_rows(rows, q.query.filter.as_ref(), &self.subject);
        let source = q.query.record_source();
        let records: Vec<_> = kept
            .into_iter()
            .map(|row| normalise_record(row, &source, &self.subject))
            .collect();
        let n = records.len() as u64;
        let q = &mut self.queries[i];
        q.kept.extend(records);
        q.discarded += discarded;
        if discarded > 0 && q.query.filter.is_some() {
            // The server filter did not do what we assumed (§11.3): an anomaly to show.
            let query = q.query.query;
            let code = "rows_discarded".into();
            self.events.push_back(AccessEvent::Warning { query, code });
        }
        (n, discarded)
    }

    fn on_page(&mut self, i: usize, page: RecordsPage, now: UnixMillis) {
        let q = &mut self.queries[i];
        q.pages += 1;
        let mut new = 0u32;
        for row in &page.records {
            match row_id(row) {
                Some(id) => new += u32::from(q.seen_ids.insert(id.to_owned())),
                None => new += 1,
            }
        }
        let number = q.query.query;
        let page_no = q.pages;
        let (kept, discarded) = self.keep_rows(i, page.records);
        self.events.push_back(AccessEvent::PageFetched {
            query: number,
            page: page_no,
            kept,
            discarded,
        });
        if !self.queries[i].query.ids.is_empty() {
            return self.on_ids_not_found(i, page.ids_not_found, now);
        }
        if !page.has_more {
            return self.end(i, QueryState::Done, now);
        }
        // Loop guards (§8): a repeated cursor, two pages without a new record, a page cap.
        let q = &mut self.queries[i];
        let key = page.cursor.clone().or(page.next_href.clone());
        let repeated = key.as_ref().is_some_and(|k| q.seen_cursors.contains(k));
        q.pages_without_new = if new == 0 { q.pages_without_new + 1 } else { 0 };
        if repeated || q.pages_without_new >= 2 || q.pages >= self.config.max_pages_per_window {
            return self.partial(i, "pagination_loop", now);
        }
        if let Some(k) = key {
            q.seen_cursors.push(k);
        }
        q.page = Some(PagePos {
            href: page.next_href,
            cursor: page.cursor,
            iv: page.iv,
        });
        self.wait(i, Step::NextPage, now);
    }

    /// Message Search by ids: what came back is kept; ids that did not come back go on.
    fn on_search_items(&mut self, i: usize, items: Vec<Map<String, Value>>, now: UnixMillis) {
        let found: Vec<String> = items
            .iter()
            .filter_map(|r| row_id(r).map(str::to_owned))
            .collect();
        let missing: Vec<String> = self.queries[i]
            .query
            .ids
            .iter()
            .filter(|id| !found.contains(id))
            .cloned()
            .collect();
        let (kept, discarded) = self.keep_rows(i, items);
        let query = self.queries[i].query.query;
        let page = 1;
        self.events.push_back(AccessEvent::PageFetched {
            query,
            page,
            kept,
            discarded,
        });
        self.on_ids_not_found(i, missing, now);
    }

    /// Ids a by-id query did not find go to the next of its second tries (§5.3), and after
    /// the last to the report's `not_found` (E1).
    fn on_ids_not_found(&mut self, i: usize, ids: Vec<String>, now: UnixMillis) {
        if !ids.is_empty() {
            let query = self.queries[i].query.query;
            let count = ids.len() as u64;
            self.events
                .push_back(AccessEvent::IdsNotFound { query, count });
            let next = self.queries.len() as u32;
            let children = self.queries[i].query.second_try(&ids, next);
            let mut tried = self.queries[i].tried.clone();
            tried.push(self.queries[i].query.label());
            if children.is_empty() {
                let reason = crate::access::plan::NotFoundReason::NotInVonage;
                self.note_not_found(&ids, &tried, reason);
            } else {
                for child in children {
                    self.queries.push(QueryRun::new(child, tried.clone(), 0));
                }
            }
        }
        self.end(i, QueryState::Done, now);
    }

    fn on_rate_limited(&mut self, i: usize, retry_at: Option<UnixMillis>, now: UnixMillis) {
        let q = &mut self.queries[i];
        q.rate_limited += 1;
        if q.rate_limited > self.config.max_rate_limited {
            return self.fail(i, "rate_limited", None, now);
        }
        let n = q.rate_limited;
        let class = q.class();
        // §7: Retry-After when given, else min(30 s, 1 s·2^n) with jitter.
        let until = retry_at
            .unwrap_or_else(|| now + self.jitter.backoff(n, 1_000, 30_000))
            .max(now);
        self.pacing.slow_down(class, until);
        self.queries[i].due = until;
        self.events
            .push_back(AccessEvent::RateLimited { class, until });
    }

    fn on_unavailable(&mut self, i: usize, reason: UnavailableReason, now: UnixMillis) {
        let q = &self.queries[i].query;
        let retry = q.conversations_retry();
        if reason == UnavailableReason::ProductNotSupported && !retry.is_empty() {
            return self.replace(i, retry, 0, now);
        }
        if q.mode == QueryMode::Async {
            // An async report refused for the product or account: sync windows (§5.5).
            return self.fall_back_to_sync(i, now);
        }
        let reason = snake(&reason);
        let (account, product, mode) = (q.account_id.clone(), q.product.clone(), q.mode);
        self.end(
            i,
            QueryState::Unavailable {
                reason: reason.clone(),
            },
            now,
        );
        // The same source refuses the same way: close its other queries without a storm.
        if reason == "forbidden" || reason.starts_with("retired") {
            let same =
                |q: &AccessQuery| q.account_id == account && q.product == product && q.mode == mode;
            self.close_where(same, QueryState::Unavailable { reason }, now);
        }
    }

    /// 401: the account's credentials are wrong; every query of that account fails (E31).
    fn fail_account(&mut self, i: usize, now: UnixMillis) {
        let account = self.queries[i].query.account_id.clone();
        let query = self.queries[i].query.query;
        let code = "account_unauthorized".into();
        self.events.push_back(AccessEvent::Warning { query, code });
        let state = QueryState::Failed {
            reason: "unauthorized".into(),
            problem: Some("401: the account's credentials were refused".into()),
        };
        self.end(i, state.clone(), now);
        let mode = self.queries[i].query.mode;
        // Message Search uses its own scheme (query-string credentials): a 401 there is read
        // as `retired_or_unprovisioned`, never here; Reports' 401 closes Reports queries only.
        self.close_where(
            |q| {
                q.account_id == account
                    && (q.mode == QueryMode::MessageSearch) == (mode == QueryMode::MessageSearch)
            },
            state,
            now,
        );
    }

    /// Ends every open query (not in flight) that `pred` selects in `state`.
    fn close_where(
        &mut self,
        pred: impl Fn(&AccessQuery) -> bool,
        state: QueryState,
        now: UnixMillis,
    ) {
        for j in 0..self.queries.len() {
            if self.queries[j].is_open()
                && !self.queries[j].in_flight
                && pred(&self.queries[j].query)
            {
                self.end(j, state.clone(), now);
            }
        }
    }

    /// Query `i` hands over to `children` (numbered from the end of the run).
    pub(crate) fn replace(
        &mut self,
        i: usize,
        children: Vec<AccessQuery>,
        depth: u32,
        now: UnixMillis,
    ) {
        let first = self.queries.len() as u32;
        let tried = self.queries[i].tried.clone();
        let mut by = Vec::new();
        for (child, n) in children.into_iter().zip(first..) {
            let mut child = QueryRun::new(AccessQuery { query: n, ..child }, tried.clone(), depth);
            child.due = now;
            self.queries.push(child);
            by.push(n);
        }
        self.end(i, QueryState::Replaced { by }, now);
    }
}
