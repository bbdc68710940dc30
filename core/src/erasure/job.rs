//! The erasure job: a sans-IO state machine that drives a plan at Vonage's limits.
//!
//! It speaks the job protocol of [`crate::Job`] (`job/protocol.rs`), which each host drives
//! with its one loop: [`ErasureJob::poll_request`] until it returns `None`, send each call,
//! feed answers to [`ErasureJob::handle_response`] or [`ErasureJob::handle_failure`], drain
//! [`ErasureJob::poll_event`], save [`ErasureJob::checkpoint`] when
//! [`ErasureJob::checkpoint_due`], and before sleeping until [`ErasureJob::poll_timeout`] ask
//! [`ErasureJob::check_idle`]; at the end, [`ErasureJob::finish`].

use crate::erasure::event::{Counts, JobEvent, Terminal};
use crate::erasure::operation_call::{self, CallResult, Classified};
use crate::erasure::plan::{ErasurePlan, Initial, Operation};
use crate::erasure::schedule::Schedule;
use crate::erasure::target_check::{plan_checks, TargetCheck};
use crate::error::{Error, Result};
use crate::job::call_table::CallTable;
use crate::job::protocol::{check_stalled, Finished, Job, JobState};
pub use crate::job::protocol::{Auth, Call, TransportFailure};
use crate::job::rate_limiter::{Jitter, RateLimiter};
use crate::time::timestamp::{check_time, UnixMillis};
use crate::vonage::http::{HttpRequest, HttpResponse};
use crate::vonage::jwt::JWT_TTL_SECONDS;
use std::collections::{BTreeSet, VecDeque};

pub use crate::erasure::config::{JobConfig, MAX_RATE_PER_SECOND};
use crate::erasure::operation_state::{OpState, Phase};

/// An erasure job. See the module docs for the host loop.
#[derive(Debug, Clone)]
pub struct ErasureJob {
    pub(crate) plan: ErasurePlan,
    pub(crate) config: JobConfig,
    pub(crate) ops: Vec<OpState>,
    pub(crate) limiter: RateLimiter,
    pub(crate) jitter: Jitter,
    pub(crate) next_call: u64,
    pub(crate) counts: Counts,
    pub(crate) stopped_groups: BTreeSet<String>,
    pub(crate) started_at: Option<UnixMillis>,
    pub(crate) finished_at: Option<UnixMillis>,
    /// One target check per group (see `erasure/target_check.rs`); kept in snapshots.
    pub(crate) checks: Vec<TargetCheck>,
    /// Every check settled (then the hot path skips them); recomputed after a restore.
    pub(crate) checks_settled: bool,
    pub(crate) events: VecDeque<JobEvent>,
    queue: Schedule,
    in_flight: CallTable,
    token: Option<(String, UnixMillis)>,
    /// No call starts at or after this time (the run's local lease deadline).
    hold: Option<UnixMillis>,
    /// `Started` was emitted by this job object (each run of a restored job says so again).
    announced: bool,
    /// The end of the current long wait for the one-hour rule, if the job is in one.
    waiting: Option<UnixMillis>,
    /// Answers (responses and failures) since the last checkpoint; not in snapshots.
    answers_since_checkpoint: u64,
}

/// A wait longer than this with nothing to send is announced with a `waiting` event.
pub const WAIT_NOTICE_MS: UnixMillis = 2_000;

impl ErasureJob {
    /// A job for `plan`.
    pub fn new(plan: ErasurePlan, mut config: JobConfig) -> Result<Self> {
        config.check()?;
        let ops = plan.operations.iter().map(OpState::from_plan).collect();
        Ok(Self::assemble(plan, config, ops, None))
    }

    pub(crate) fn assemble(
        plan: ErasurePlan,
        config: JobConfig,
        ops: Vec<OpState>,
        restored: Option<crate::erasure::snapshot::Restored>,
    ) -> Self {
        let mut job = ErasureJob {
            limiter: RateLimiter::new(config.rate_per_second),
            jitter: Jitter(config.seed),
            plan,
            config,
            ops,
            next_call: 1,
            counts: Counts::default(),
            stopped_groups: BTreeSet::new(),
            started_at: None,
            finished_at: None,
            checks: Vec::new(),
            checks_settled: false,
            queue: Schedule::default(),
            in_flight: CallTable::default(),
            events: VecDeque::new(),
            token: None,
            hold: None,
            announced: false,
            waiting: None,
            answers_since_checkpoint: 0,
        };
        let mut checks = Vec::new();
        if let Some(r) = restored {
            job.limiter = r.limiter;
            job.jitter = r.jitter;
            job.next_call = r.next_call;
            job.stopped_groups = r.stopped_groups;
            job.started_at = r.started_at;
            job.finished_at = r.finished_at;
            job.counts.retries = r.retries;
            job.counts.rate_limited = r.rate_limited;
            checks = r.checks;
        }
        job.checks = plan_checks(
            &job.plan.operations,
            job.ops.iter().map(|o| o.phase),
            checks,
            job.config.check_target,
        );
        job.counts.total = job.ops.len() as u64;
        let mut first = Vec::new();
        for (i, op) in job.ops.iter().enumerate() {
            match op.phase {
                Phase::Pending { due } => first.push((due, i as u32)),
                Phase::Terminal(t) => job.counts.add(t),
                Phase::InFlight => {}
            }
        }
        job.queue = Schedule::new(first);
        if job.is_finished() && job.finished_at.is_none() {
            // Nothing to send (all expired or skipped): finished as planned.
            job.finished_at = Some(job.plan.planned_at);
        }
        job
    }

    /// The plan this job runs.
    pub fn plan(&self) -> &ErasurePlan {
        &self.plan
    }

    /// The job's settings (rate, concurrency, retries, seed, id).
    pub fn config(&self) -> &JobConfig {
        &self.config
    }

    /// Starts no call at or after `until` (`None`: no limit): a run holding a lease on its job
    /// in a ledger sets its local lease deadline here, and moves it on each renewal.
    pub fn hold_until(&mut self, until: Option<UnixMillis>) {
        self.hold = until;
    }

    /// The job id.
    pub fn job_id(&self) -> &str {
        &self.config.job_id
    }

    /// Current counts.
    pub fn counts(&self) -> Counts {
        self.counts
    }

    /// Calls handed out by [`ErasureJob::poll_request`] over the job's life (kept by snapshots),
    /// retries included: what a progress display divides by time for a rate. Operations that
    /// end without a call (stopped groups, expired, skipped) are not in it.
    pub fn calls_sent(&self) -> u64 {
        // Call ids are numbered from 1, one per call handed out.
        self.next_call.saturating_sub(1)
    }

    /// True when every operation is terminal.
    pub fn is_finished(&self) -> bool {
        self.counts.finished() == self.counts.total
    }

    /// The next call to send now, if the schedule, the rate limit and `max_in_flight` allow one.
    /// Poll until `None` after construction, after every `handle_*` and when the timeout fires.
    #[must_use]
    pub fn poll_request(&mut self, now: UnixMillis, auth: Auth<'_>) -> Option<Call> {
        if !self.announced {
            // At the first poll, even when nothing can be sent yet (a young record).
            self.announced = true;
            self.started_at.get_or_insert(now);
            self.events.push_back(JobEvent::Started {
                at: now,
                counts: self.counts,
            });
        }
        if self.hold.is_some_and(|hold| now >= hold) {
            return None; // past the lease deadline: renew it first (see `hold_until`)
        }
        loop {
            if self.calls_in_flight() >= self.config.max_in_flight as usize {
                return None;
            }
            // Target checks first: no operation call until every probe has settled.
            match self.poll_probe(now, auth) {
                Some(Some(call)) => {
                    self.waiting = None;
                    return Some(call);
                }
                Some(None) => return None,
                None => {}
            }
            let Some((due, op)) = self.peek_due() else {
                self.waiting = None;
                return None;
            };
            if due > now || self.limiter.next_allowed(now) > now {
                self.note_wait(due, op, now);
                return None;
            }
            self.queue.pop();
            self.waiting = None;
            match self.build(op, now, auth) {
                Ok(request) => {
                    let call_id = self.next_call;
                    self.next_call += 1;
                    self.limiter.take(now);
                    self.in_flight.insert(call_id, op);
                    self.counts.in_flight += 1;
                    self.ops[op as usize].sent(now);
                    return Some(Call {
                        call_id,
                        op,
                        request,
                    });
                }
                Err(e) => {
                    // Credentials that cannot make this call cannot make the rest of its group.
                    let group = self.plan.operations[op as usize].action.group().to_owned();
                    self.ops[op as usize].note(None, None, Some(e.to_string()));
                    self.end_op(op, Terminal::Failed, now);
                    self.stop_group(&group, &format!("cannot build the request: {e}"), now);
                }
            }
        }
    }

    /// Feeds the answer to call `call_id`.
    pub fn handle_response(
        &mut self,
        call_id: u64,
        response: &HttpResponse,
        now: UnixMillis,
    ) -> Result<()> {
        if let Some(i) = self.probe_of(call_id) {
            self.probe_answered(i, response, now);
            self.answers_since_checkpoint += 1;
            return Ok(());
        }
        let op = self.take_call(call_id)?;
        self.answers_since_checkpoint += 1;
        let classified =
            operation_call::classify(&self.plan.operations[op as usize], response, now);
        self.apply(op, classified, now);
        Ok(())
    }

    /// Reports that call `call_id` got no answer.
    pub fn handle_failure(
        &mut self,
        call_id: u64,
        failure: &TransportFailure,
        now: UnixMillis,
    ) -> Result<()> {
        let reason = match failure {
            TransportFailure::Timeout => "timeout".to_owned(),
            TransportFailure::Connection => "connection failed".to_owned(),
            TransportFailure::Other { message } => message.chars().take(200).collect(),
        };
        if let Some(i) = self.probe_of(call_id) {
            self.probe_failed(i, reason, now);
            self.answers_since_checkpoint += 1;
            return Ok(());
        }
        let op = self.take_call(call_id)?;
        self.answers_since_checkpoint += 1;
        self.retry_or_fail(op, reason, now);
        Ok(())
    }

    /// The next event, if any. Poll after every `poll_request` and `handle_*`.
    #[must_use]
    pub fn poll_event(&mut self) -> Option<JobEvent> {
        self.events.pop_front()
    }

    /// When the job next wants `poll_request` called; `None` while it waits only on answers
    /// (or is finished).
    #[must_use]
    pub fn poll_timeout(&mut self, now: UnixMillis) -> Option<UnixMillis> {
        if self.calls_in_flight() >= self.config.max_in_flight as usize {
            return None;
        }
        if let Some(probe) = self.probe_timeout(now) {
            return probe;
        }
        let (due, _) = self.peek_due()?;
        Some(due.max(self.limiter.next_allowed(now)))
    }

    /// Stops a run that would now wait for the one-hour rule when `wait_for_premature` is
    /// off: `Err(JobWaiting)` (with the time it would wait until) once the job has nothing
    /// in flight and nothing to send before that time; the host saves the job's snapshot and
    /// ends the run as a stopped one, to resume later. Call after the `poll_request` loop.
    pub fn check_wait(&self) -> Result<()> {
        match self.waiting {
            Some(until) if !self.config.wait_for_premature && !self.is_finished() => {
                Err(Error::JobWaiting {
                    until,
                    pending: self.counts.total - self.counts.finished(),
                })
            }
            _ => Ok(()),
        }
    }

    /// True when `checkpoint_every` answers came since the last [`ErasureJob::checkpoint`].
    pub fn checkpoint_due(&self) -> bool {
        self.answers_since_checkpoint >= u64::from(self.config.checkpoint_every)
    }

    /// The snapshot to save now; answers count towards the next checkpoint from here.
    pub fn checkpoint(&mut self) -> String {
        self.answers_since_checkpoint = 0;
        self.snapshot()
    }

    /// Before a host sleeps with `calls_out` calls sent and not yet reported: `job_waiting`
    /// (see [`ErasureJob::check_wait`]) or `job_stalled` (nothing to send ever again and
    /// nothing out) end the run as a stopped one; the host saves `snapshot()`.
    pub fn check_idle(&mut self, now: UnixMillis, calls_out: u64) -> Result<()> {
        self.check_wait()?;
        check_stalled(self, now, calls_out)
    }

    /// The end of a finished run: the receipt signed with `signing_key`, for the host (or its
    /// ledger's finish step) to store. `job_not_finished` while operations are pending.
    pub fn finish(&self, signing_key: &[u8]) -> Result<Finished> {
        Ok(Finished {
            job_id: self.config.job_id.clone(),
            receipt: self.receipt_json(signing_key)?,
            state: JobState::Finished,
        })
    }

    /// Calls in flight: operations and target checks.
    fn calls_in_flight(&self) -> usize {
        self.in_flight.len() + self.probes_in_flight()
    }

    /// Notes that nothing can go before `due` (the head of the queue, operation `op`): a long
    /// wait for the one-hour rule, with nothing in flight, is announced once per `until`.
    fn note_wait(&mut self, due: UnixMillis, op: u32, now: UnixMillis) {
        let state = &self.ops[op as usize];
        // Never sent (waiting for created_at + 60 min) or told "premature" by Vonage.
        let premature = state.attempts == 0 || state.premature > 0;
        if !premature || due <= now + WAIT_NOTICE_MS || self.calls_in_flight() > 0 {
            self.waiting = None;
            return;
        }
        if self.waiting != Some(due) {
            self.waiting = Some(due);
            self.events.push_back(JobEvent::Waiting {
                until: due,
                counts: self.counts,
            });
        }
    }

    fn peek_due(&mut self) -> Option<(UnixMillis, u32)> {
        while let Some((due, op)) = self.queue.peek() {
            if matches!(self.ops[op as usize].phase, Phase::Pending { due: d } if d == due) {
                return Some((due, op));
            }
            self.queue.pop(); // stale: stopped or rescheduled
        }
        None
    }

    fn take_call(&mut self, call_id: u64) -> Result<u32> {
        let op = self
            .in_flight
            .remove(&call_id)
            .ok_or_else(|| Error::InvalidArgument {
                field: "call_id".into(),
                reason: format!(
                    "{call_id} is not a call in flight (answered twice, or from another job)"
                ),
            })?;
        self.counts.in_flight -= 1;
        Ok(op)
    }

    fn build(&mut self, op: u32, now: UnixMillis, auth: Auth<'_>) -> Result<HttpRequest> {
        let operation = &self.plan.operations[op as usize];
        build_with(
            &mut self.token,
            &mut self.jitter,
            self.plan.options.conversation_api,
            operation,
            now,
            auth,
        )
    }

    /// The request for `operation` (a target-check probe) with this job's credentials and token.
    pub(crate) fn build_operation(
        &mut self,
        operation: &Operation,
        now: UnixMillis,
        auth: Auth<'_>,
    ) -> Result<HttpRequest> {
        build_with(
            &mut self.token,
            &mut self.jitter,
            self.plan.options.conversation_api,
            operation,
            now,
            auth,
        )
    }

    fn apply(&mut self, op: u32, c: Classified, now: UnixMillis) {
        let Classified {
            result,
            status,
            problem,
        } = c;
        let instance = problem.as_ref().and_then(|p| p.instance.clone());
        let detail = problem
            .as_ref()
            .and_then(|p| p.detail.clone().or_else(|| p.title.clone()));
        self.ops[op as usize].note(Some(status), instance, detail);
        match result {
            CallResult::Done => {
                self.limiter.recover();
                self.end_op(op, Terminal::Done, now);
            }
            CallResult::NotFound => self.end_op(op, Terminal::NotFound, now),
            CallResult::Invalid => self.end_op(op, Terminal::Failed, now),
            CallResult::Premature { retry_at } => {
                let state = &mut self.ops[op as usize];
                state.premature += 1;
                if state.premature > self.config.max_premature {
                    self.end_op(op, Terminal::Failed, now);
                } else {
                    // Vonage's clock may run behind ours: never retry sooner than a backoff step.
                    let step = self.jitter.backoff(state.premature, 5_000, 300_000);
                    let at = retry_at.unwrap_or(now + 60_000).max(now + step);
                    self.reschedule(op, at, "premature".into());
                }
            }
            CallResult::Unauthorized | CallResult::Unprovisioned => {
                let why = if result == CallResult::Unauthorized {
                    "401 unauthorized"
                } else {
                    "403 not provisioned"
                };
                let group = self.plan.operations[op as usize].action.group().to_owned();
                self.end_op(op, Terminal::Failed, now);
                self.stop_group(&group, why, now);
            }
            CallResult::RateLimited { retry_at } => {
                self.counts.rate_limited += 1;
                let state = &mut self.ops[op as usize];
                state.rate_limited += 1;
                if state.rate_limited > self.config.max_rate_limited {
                    self.end_op(op, Terminal::Failed, now);
                    return;
                }
                let wait = self.jitter.backoff(1, 1_000, 1_000);
                let until = retry_at.unwrap_or(now + wait).max(now);
                self.limiter.slow_down(until);
                self.events.push_back(JobEvent::Throttled {
                    until,
                    pace: self.limiter.pace(),
                });
                self.reschedule(op, until, "rate limited".into());
            }
            CallResult::Retryable { reason } => self.retry_or_fail(op, reason, now),
        }
    }

    fn retry_or_fail(&mut self, op: u32, reason: String, now: UnixMillis) {
        let attempts = self.ops[op as usize].attempts;
        if attempts >= self.config.max_attempts {
            self.ops[op as usize].note(
                None,
                None,
                Some(format!("gave up after {attempts} attempts: {reason}")),
            );
            self.end_op(op, Terminal::Failed, now);
        } else {
            let delay = self.jitter.backoff(
                attempts,
                self.config.backoff_base_ms,
                self.config.backoff_max_ms,
            );
            self.reschedule(op, now + delay, reason);
        }
    }

    fn reschedule(&mut self, op: u32, at: UnixMillis, reason: String) {
        let state = &mut self.ops[op as usize];
        state.phase = Phase::Pending { due: at };
        self.counts.retries += 1;
        self.queue.push(at, op);
        self.events.push_back(JobEvent::Retrying {
            op,
            attempt: state.attempts,
            at,
            reason,
        });
    }

    fn end_op(&mut self, op: u32, state: Terminal, now: UnixMillis) {
        self.ops[op as usize].phase = Phase::Terminal(state);
        self.counts.add(state);
        self.events.push_back(JobEvent::OperationFinished {
            op,
            state,
            counts: self.counts,
        });
        if self.is_finished() && self.finished_at.is_none() {
            self.finished_at = Some(now);
            self.events.push_back(JobEvent::Finished {
                at: now,
                counts: self.counts,
            });
        }
    }

    fn stop_group(&mut self, group: &str, why: &str, now: UnixMillis) {
        let reason = format!(
            "stopped: {group} answered {why}; fix credentials or provisioning and run a new job"
        );
        self.stop_group_with(group, reason, now);
    }

    /// Fails every pending operation of `group` with `reason`.
    pub(crate) fn stop_group_with(&mut self, group: &str, reason: String, now: UnixMillis) {
        if !self.stopped_groups.insert(group.to_owned()) {
            return;
        }
        let pending: Vec<u32> = (0..self.ops.len() as u32)
            .filter(|&i| {
                matches!(self.ops[i as usize].phase, Phase::Pending { .. })
                    && self.plan.operations[i as usize].action.group() == group
            })
            .collect();
        self.events.push_back(JobEvent::GroupStopped {
            group: group.to_owned(),
            reason: reason.clone(),
            stopped: pending.len() as u64,
        });
        for op in pending {
            self.ops[op as usize].note(None, None, Some(reason.clone()));
            self.end_op(op, Terminal::Failed, now);
        }
    }

    /// Validates a host-supplied time.
    pub fn check_now(now: UnixMillis) -> Result<UnixMillis> {
        check_time("now", now)
    }

    /// Initial phase of an operation from the plan.
    pub(crate) fn initial_phase(initial: Initial, not_before: UnixMillis) -> Phase {
        match initial {
            Initial::Pending => Phase::Pending { due: not_before },
            Initial::Expired => Phase::Terminal(Terminal::Expired),
            Initial::Skipped => Phase::Terminal(Terminal::Skipped),
        }
    }

    pub(crate) fn in_flight_ops(&self) -> impl Iterator<Item = u32> + '_ {
        self.in_flight.values().copied()
    }
}

/// The request for `operation`. `token` caches the job's JWT; `jitter` gives its ids entropy.
fn build_with(
    token: &mut Option<(String, UnixMillis)>,
    jitter: &mut Jitter,
    api: crate::erasure::plan::ConversationApi,
    operation: &Operation,
    now: UnixMillis,
    auth: Auth<'_>,
) -> Result<HttpRequest> {
    let mut bearer = || -> Result<String> {
        // One token per 15 minutes, renewed a minute early; signing is the costly part.
        if let Some((t, exp)) = token.as_ref() {
            if now + 60_000 < *exp {
                return Ok(format!("Bearer {t}"));
            }
        }
        let mut entropy = [0u8; 16];
        entropy[..8].copy_from_slice(&jitter.next().to_le_bytes());
        entropy[8..].copy_from_slice(&jitter.next().to_le_bytes());
        let jwt = auth.credentials.jwt(now, &entropy)?;
        *token = Some((jwt.clone(), now + JWT_TTL_SECONDS * 1000));
        Ok(format!("Bearer {jwt}"))
    };
    operation_call::build(operation, auth.base, auth.credentials, api, &mut bearer)
}

impl Job for ErasureJob {
    type Event = JobEvent;

    fn job_id(&self) -> &str {
        ErasureJob::job_id(self)
    }
    fn poll_request(&mut self, now: UnixMillis, auth: Auth<'_>) -> Option<Call> {
        ErasureJob::poll_request(self, now, auth)
    }
    fn handle_response(
        &mut self,
        call_id: u64,
        response: &HttpResponse,
        now: UnixMillis,
    ) -> Result<()> {
        ErasureJob::handle_response(self, call_id, response, now)
    }
    fn handle_failure(
        &mut self,
        call_id: u64,
        failure: &TransportFailure,
        now: UnixMillis,
    ) -> Result<()> {
        ErasureJob::handle_failure(self, call_id, failure, now)
    }
    fn poll_event(&mut self) -> Option<JobEvent> {
        ErasureJob::poll_event(self)
    }
    fn poll_timeout(&mut self, now: UnixMillis) -> Option<UnixMillis> {
        ErasureJob::poll_timeout(self, now)
    }
    fn is_finished(&self) -> bool {
        ErasureJob::is_finished(self)
    }
    fn hold_until(&mut self, until: Option<UnixMillis>) {
        ErasureJob::hold_until(self, until)
    }
    fn snapshot(&self) -> String {
        ErasureJob::snapshot(self)
    }
    fn checkpoint_due(&self) -> bool {
        ErasureJob::checkpoint_due(self)
    }
    fn checkpoint(&mut self) -> String {
        ErasureJob::checkpoint(self)
    }
    fn check_idle(&mut self, now: UnixMillis, calls_out: u64) -> Result<()> {
        ErasureJob::check_idle(self, now, calls_out)
    }
    fn finish(&self, signing_key: &[u8]) -> Result<Finished> {
        ErasureJob::finish(self, signing_key)
    }
}
