//! The access job (access.md §7–§10, §17): a sans-IO state machine that runs an
//! [`AccessPlan`]'s queries through the same [`Job`] protocol as the erasure job, so each
//! host's one driver runs it unchanged. It hands out calls paced per limit class, follows pages
//! and async reports, reads every answer with [`crate::interpret_access_response`], keeps only
//! the subject's rows, and at the end builds the signed report and access receipt.

use crate::access::input::AccessPlanInput;
use crate::access::interpret::{interpret_access_response, AccessEndpoint, AccessOutcome};
use crate::access::job_event::{AccessEvent, AccessJobConfig, AccessProgress};
use crate::access::job_pacing::Pacing;
use crate::access::job_query::{QueryRun, QueryState, Step};
use crate::access::parties::SubjectMatch;
use crate::access::plan::{AccessPlan, NotFoundEntry};
use crate::error::{Error, Result};
use crate::job::call_table::CallTable;
use crate::job::protocol::{check_stalled, Auth, Call, Finished, Job, TransportFailure};
use crate::job::rate_limiter::Jitter;
use crate::time::timestamp::UnixMillis;
use crate::vonage::http::HttpResponse;
use std::collections::VecDeque;

/// A subject access run. Build it with [`AccessJob::new`], drive it with the [`Job`]
/// protocol, restore it with [`AccessJob::restore`], end it with [`AccessJob::report`] (the
/// signed report) and [`Job::finish`] (the signed access receipt).
pub struct AccessJob {
    pub(crate) input: AccessPlanInput,
    pub(crate) plan: AccessPlan,
    pub(crate) config: AccessJobConfig,
    pub(crate) queries: Vec<QueryRun>,
    pub(crate) pacing: Pacing,
    pub(crate) jitter: Jitter,
    pub(crate) next_call_id: u64,
    pub(crate) not_found: Vec<NotFoundEntry>,
    pub(crate) finished_at: Option<UnixMillis>,
    pub(crate) answers_since_checkpoint: u32,
    pub(crate) subject: SubjectMatch,
    pub(crate) calls: CallTable,
    pub(crate) events: VecDeque<AccessEvent>,
    pub(crate) hold: Option<UnixMillis>,
    /// Queries before this index are all terminal (a cheap start for `poll_request`).
    pub(crate) first_open: usize,
}

impl AccessJob {
    /// Plans `input` ([`AccessPlan::new`]) and makes the job that runs the plan.
    pub fn new(input: AccessPlanInput, mut config: AccessJobConfig) -> Result<AccessJob> {
        let plan = AccessPlan::new(&input)?;
        if config.job_id.is_empty() {
            config.job_id = format!("access-{}", input.request.request_id);
        }
        let queries = plan
            .queries
            .iter()
            .map(|q| QueryRun::new(q.clone(), Vec::new(), 0))
            .collect();
        let subject = SubjectMatch::for_plan(&plan, &input);
        let mut job = AccessJob {
            jitter: Jitter(config.seed),
            input,
            plan,
            config,
            queries,
            pacing: Pacing::new(),
            next_call_id: 1,
            not_found: Vec::new(),
            finished_at: None,
            answers_since_checkpoint: 0,
            subject,
            calls: CallTable::default(),
            events: VecDeque::new(),
            hold: None,
            first_open: 0,
        };
        if job.queries.is_empty() {
            job.finished_at = Some(job.plan.planned_at);
        }
        Ok(job)
    }

    /// The plan the job runs.
    pub fn plan(&self) -> &AccessPlan {
        &self.plan
    }

    /// The configuration.
    pub fn config(&self) -> &AccessJobConfig {
        &self.config
    }

    /// Every query's terminal state so far (`None` while it runs), by query number.
    pub fn query_states(&self) -> Vec<Option<QueryState>> {
        self.queries.iter().map(|q| q.state.clone()).collect()
    }

    /// Counts for a progress line.
    pub fn progress(&self) -> AccessProgress {
        let mut p = AccessProgress {
            queries_total: self.queries.len() as u64,
            ..AccessProgress::default()
        };
        for q in &self.queries {
            p.queries_done += u64::from(q.state.is_some());
            p.records_kept += q.kept.len() as u64;
            p.rows_discarded += q.discarded;
            p.requests += q.requests;
            p.async_pending += u64::from(q.is_open() && q.report.request_id.is_some());
        }
        p
    }

    /// True when every query is terminal.
    pub fn is_finished(&self) -> bool {
        self.finished_at.is_some()
    }

    /// Ends the run early: every query still open is `skipped{stopped}` and the report names it
    /// as missing. Calls still out are forgotten (their answers are refused).
    pub fn finish_early(&mut self, now: UnixMillis) {
        self.calls.clear();
        for i in 0..self.queries.len() {
            if self.queries[i].is_open() {
                self.queries[i].in_flight = false;
                self.end(
                    i,
                    QueryState::Skipped {
                        reason: "stopped".into(),
                    },
                    now,
                );
            }
        }
    }

    /// The next call to send now, if any.
    pub fn poll_request(&mut self, now: UnixMillis, auth: Auth<'_>) -> Option<Call> {
        if self.hold.is_some_and(|until| now >= until) {
            return None;
        }
        while self.first_open < self.queries.len() && !self.queries[self.first_open].is_open() {
            self.first_open += 1;
        }
        let mut i = self.first_open;
        while i < self.queries.len() {
            let q = &self.queries[i];
            if q.is_open() && !q.in_flight && q.due <= now {
                let class = q.class();
                if self.pacing.may_send(class, now) {
                    // `None`: the query was ended or handed on; go on to the next.
                    if let Some(request) = self.build_request(i, now, auth) {
                        return Some(self.send(i, request, now));
                    }
                }
            }
            i += 1;
        }
        None
    }

    fn send(
        &mut self,
        i: usize,
        request: crate::vonage::http::HttpRequest,
        now: UnixMillis,
    ) -> Call {
        let call_id = self.next_call_id;
        self.next_call_id += 1;
        let q = &mut self.queries[i];
        q.in_flight = true;
        q.requests += 1;
        let class = q.class();
        let number = q.query.query;
        if !q.started {
            q.started = true;
            self.events
                .push_back(AccessEvent::QueryStarted { query: number });
        }
        self.pacing.sent(class, now);
        self.calls.insert(call_id, i as u32);
        Call {
            call_id,
            op: number,
            request,
        }
    }

    fn take_call(&mut self, call_id: u64) -> Result<usize> {
        let i = self
            .calls
            .remove(&call_id)
            .ok_or_else(|| Error::InvalidArgument {
                field: "call_id".into(),
                reason: format!(
                    "{call_id} is not a call in flight (answered twice, or from another job)"
                ),
            })? as usize;
        self.answers_since_checkpoint = self.answers_since_checkpoint.saturating_add(1);
        Ok(i)
    }

    /// Feeds the answer to call `call_id`.
    pub fn handle_response(
        &mut self,
        call_id: u64,
        response: &HttpResponse,
        now: UnixMillis,
    ) -> Result<()> {
        let now = crate::time::timestamp::check_time("now", now)?;
        let i = self.take_call(call_id)?;
        let endpoint: AccessEndpoint = self.queries[i].endpoint();
        let outcome = interpret_access_response(endpoint, response, now);
        let class = self.queries[i].class();
        let limited = matches!(outcome, AccessOutcome::RateLimited { .. });
        self.pacing.answered(class, !limited);
        self.queries[i].in_flight = false;
        if !self.queries[i].is_open() {
            return Ok(()); // stopped meanwhile (401 on its account, finish_early)
        }
        self.apply(i, outcome, &response.body, now);
        Ok(())
    }

    /// Reports that call `call_id` got no answer: retried with backoff like a 5xx.
    pub fn handle_failure(
        &mut self,
        call_id: u64,
        _failure: &TransportFailure,
        now: UnixMillis,
    ) -> Result<()> {
        let now = crate::time::timestamp::check_time("now", now)?;
        let i = self.take_call(call_id)?;
        let class = self.queries[i].class();
        self.pacing.answered(class, true);
        self.queries[i].in_flight = false;
        if self.queries[i].is_open() {
            self.retry_or_fail(i, now);
        }
        Ok(())
    }

    /// When the job next wants `poll_request` called; `None` while it waits only on answers.
    pub fn poll_timeout(&mut self, now: UnixMillis) -> Option<UnixMillis> {
        let mut next: Option<UnixMillis> = None;
        for i in self.first_open..self.queries.len() {
            let q = &self.queries[i];
            if !q.is_open() || q.in_flight {
                continue;
            }
            let class = q.class();
            if self.pacing.is_full(class) {
                continue; // an answer frees a slot
            }
            let at = q.due.max(self.pacing.next_allowed(class, now));
            next = Some(next.map_or(at, |n| n.min(at)));
        }
        next
    }

    /// The next event, if any.
    pub fn poll_event(&mut self) -> Option<AccessEvent> {
        self.events.pop_front()
    }

    /// Ends query `i` in `state`.
    pub(crate) fn end(&mut self, i: usize, state: QueryState, now: UnixMillis) {
        let reason = match &state {
            QueryState::Partial { reason }
            | QueryState::Failed { reason, .. }
            | QueryState::Unavailable { reason }
            | QueryState::Skipped { reason } => Some(reason.clone()),
            _ => None,
        };
        let name = state.as_str().to_owned();
        self.queries[i].state = Some(state);
        let query = self.queries[i].query.query;
        self.events.push_back(AccessEvent::QueryFinished {
            query,
            state: name,
            reason,
            progress: self.progress(),
        });
        if self.finished_at.is_none() && self.queries.iter().all(|q| !q.is_open()) {
            self.finished_at = Some(now);
            self.events.push_back(AccessEvent::Finished {
                at: now,
                progress: self.progress(),
            });
        }
    }

    /// A 5xx or a transport failure: back off and resend, then `failed{server}`.
    pub(crate) fn retry_or_fail(&mut self, i: usize, now: UnixMillis) {
        let q = &mut self.queries[i];
        q.attempts += 1;
        if q.attempts >= self.config.max_attempts {
            let problem = Some(format!("gave up after {} attempts", q.attempts));
            let reason = "server".into();
            self.end(i, QueryState::Failed { reason, problem }, now);
            return;
        }
        let attempt = q.attempts;
        let at = now + self.jitter.backoff(attempt, 1_000, 30_000);
        self.queries[i].due = at;
        let query = self.queries[i].query.query;
        self.events
            .push_back(AccessEvent::Retrying { query, attempt, at });
    }

    /// Holds the step of query `i` back until `at`.
    pub(crate) fn wait(&mut self, i: usize, step: Step, at: UnixMillis) {
        self.queries[i].step = step;
        self.queries[i].due = at;
    }
}

impl Job for AccessJob {
    type Event = AccessEvent;

    fn job_id(&self) -> &str {
        &self.config.job_id
    }
    fn poll_request(&mut self, now: UnixMillis, auth: Auth<'_>) -> Option<Call> {
        AccessJob::poll_request(self, now, auth)
    }
    fn handle_response(
        &mut self,
        call_id: u64,
        response: &HttpResponse,
        now: UnixMillis,
    ) -> Result<()> {
        AccessJob::handle_response(self, call_id, response, now)
    }
    fn handle_failure(
        &mut self,
        call_id: u64,
        failure: &TransportFailure,
        now: UnixMillis,
    ) -> Result<()> {
        AccessJob::handle_failure(self, call_id, failure, now)
    }
    fn poll_event(&mut self) -> Option<AccessEvent> {
        AccessJob::poll_event(self)
    }
    fn poll_timeout(&mut self, now: UnixMillis) -> Option<UnixMillis> {
        AccessJob::poll_timeout(self, now)
    }
    fn is_finished(&self) -> bool {
        AccessJob::is_finished(self)
    }
    fn hold_until(&mut self, until: Option<UnixMillis>) {
        self.hold = until;
    }
    fn snapshot(&self) -> String {
        AccessJob::snapshot(self)
    }
    fn checkpoint_due(&self) -> bool {
        self.answers_since_checkpoint >= self.config.checkpoint_every.max(1)
    }
    fn checkpoint(&mut self) -> String {
        self.answers_since_checkpoint = 0;
        AccessJob::snapshot(self)
    }
    fn check_idle(&mut self, now: UnixMillis, calls_out: u64) -> Result<()> {
        check_stalled(self, now, calls_out)
    }
    fn finish(&self, signing_key: &[u8]) -> Result<Finished> {
        AccessJob::finish(self, signing_key)
    }
}
