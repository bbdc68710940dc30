//! The target check: before the first operation call of a group (a Redact product, `media`,
//! `conversation`), one call whose only acceptable answer proves that the base URL, the
//! credentials and the product are right.
//!
//! A wrong base URL path, a proxy's login page or wrong credentials would otherwise meet every
//! operation of the job. The probe asks for a resource that cannot exist and must get that
//! API's documented not-found answer (Redact: 404 `…#invalid-id`; Media and Conversation: 404
//! `…#not-found`). Anything else (401, 403, a 2xx, a foreign 404, a redirect) fails the
//! group's operations before any of them is sent; 5xx, 429 and transport failures retry the
//! probe with the job's backoff, up to `max_attempts`. Each probe goes out at once (it is not
//! held back by the one-hour rule) and no operation call goes out until every probe settled.

use crate::erasure::event::JobEvent;
use crate::erasure::job::{Auth, Call, ErasureJob};
use crate::erasure::operation_call::{self, CallResult, Classified};
use crate::erasure::operation_state::Phase;
use crate::erasure::plan::{Action, Initial, Operation};
use crate::time::timestamp::UnixMillis;
use crate::vonage::http::HttpResponse;
use serde::{Deserialize, Serialize};

/// The `op` of a target-check call: no operation of a plan has it (plans hold fewer than
/// 2^32 − 1 operations), so hosts carry it like any other and can tell a probe apart.
pub const TARGET_CHECK_OP: u32 = u32::MAX;

/// The Redact probe's transaction id: well-formed, and no Vonage record has it.
pub const PROBE_TRANSACTION_ID: &str = "erasekit-target-check-0000000000000000";
/// The Media probe's id: the nil UUID, which no recording has.
pub const PROBE_MEDIA_ID: &str = "00000000-0000-0000-0000-000000000000";
/// The Conversation probe's user id: `USR-` and the nil UUID, which no user has.
pub const PROBE_USER_ID: &str = "USR-00000000-0000-0000-0000-000000000000";

/// How a group's target check ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum CheckResult {
    /// The documented not-found answer: the target is right.
    Ok,
    /// Any other answer, or no answer after `max_attempts`: the group's operations failed unsent.
    Failed,
    /// Not checked (`check_target: false`).
    Skipped,
}

/// One group's target check as the receipt reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TargetCheckRecord {
    /// The group: a Redact product, `media` or `conversation`.
    pub group: String,
    /// The URL probed (no credentials in it); `null` when skipped.
    pub url: Option<String>,
    /// The last HTTP status, if an answer came.
    pub status: Option<u16>,
    /// `ok`, `failed` or `skipped`.
    pub result: CheckResult,
    /// Why it failed (or was skipped).
    pub reason: Option<String>,
}

/// Where a probe is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "phase", rename_all = "snake_case")]
pub(crate) enum CheckPhase {
    /// To be sent at `due`.
    Pending { due: UnixMillis },
    /// Sent, no answer yet (a snapshot saves it as pending: it is sent again).
    InFlight { call_id: u64 },
    /// Settled.
    Settled { result: CheckResult },
}

/// One group's probe inside a job (kept in snapshots).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct TargetCheck {
    /// The probe as an operation: its action and the id that cannot exist.
    probe: Operation,
    phase: CheckPhase,
    attempts: u32,
    url: Option<String>,
    status: Option<u16>,
    reason: Option<String>,
}

impl TargetCheck {
    /// A probe in flight may or may not have reached Vonage: as saved (and restored) it is
    /// pending again, due at once, so a snapshot is a fixed point of restore.
    pub(crate) fn resend_if_in_flight(&mut self) {
        if let CheckPhase::InFlight { .. } = self.phase {
            self.phase = CheckPhase::Pending { due: 0 };
        }
    }

    /// Whether a restored check is one a job could have saved: its attempts at most
    /// `max_attempts` and its due time at most `latest` (storage may have been edited).
    pub(crate) fn is_plausible(&self, max_attempts: u32, latest: UnixMillis) -> bool {
        let due_ok = match self.phase {
            CheckPhase::Pending { due } => due <= latest,
            _ => true,
        };
        self.attempts <= max_attempts && due_ok
    }

    /// The probe for the group of `op` (the group's first pending operation).
    fn for_group(op: &Operation, check: bool) -> Self {
        let (action, target) = match &op.action {
            Action::Redact { .. } => (op.action.clone(), PROBE_TRANSACTION_ID),
            Action::DeleteRecording => (Action::DeleteRecording, PROBE_MEDIA_ID),
            // Every Conversation action shares one probe: a user delete (scrubbing users too).
            _ => (Action::DeleteUser, PROBE_USER_ID),
        };
        let (phase, reason) = if check {
            (CheckPhase::Pending { due: 0 }, None)
        } else {
            (
                CheckPhase::Settled {
                    result: CheckResult::Skipped,
                },
                Some("check_target is off".to_owned()),
            )
        };
        TargetCheck {
            probe: Operation {
                op: TARGET_CHECK_OP,
                target: target.to_owned(),
                action,
                created_at: 0,
                not_before: 0,
                initial: Initial::Pending,
            },
            phase,
            attempts: 0,
            url: None,
            status: None,
            reason,
        }
    }

    fn group(&self) -> &'static str {
        self.probe.action.group()
    }

    /// The check as the receipt reports it.
    pub(crate) fn record(&self) -> TargetCheckRecord {
        let result = match self.phase {
            CheckPhase::Settled { result } => result,
            // Cannot happen in a finished job: a group's operations wait for its probe.
            _ => CheckResult::Failed,
        };
        TargetCheckRecord {
            group: self.group().to_owned(),
            url: self.url.clone(),
            status: self.status,
            result,
            reason: self.reason.clone(),
        }
    }
}

/// The probes for a job: one per group with pending operations that has none yet (a restored
/// job keeps its own), in plan order.
pub(crate) fn plan_checks(
    operations: &[Operation],
    phases: impl Iterator<Item = Phase>,
    mut checks: Vec<TargetCheck>,
    check: bool,
) -> Vec<TargetCheck> {
    for check in &mut checks {
        check.resend_if_in_flight();
    }
    let mut last: Option<&'static str> = None;
    for (op, phase) in operations.iter().zip(phases) {
        let group = op.action.group();
        if !matches!(phase, Phase::Pending { .. }) || last == Some(group) {
            continue;
        }
        last = Some(group);
        if !checks.iter().any(|c| c.group() == group) {
            checks.push(TargetCheck::for_group(op, check));
        }
    }
    checks
}

/// What a probe's answer means.
enum Verdict {
    Ok,
    Failed(String),
    Retry(Option<UnixMillis>, String),
}

fn verdict(c: &Classified) -> Verdict {
    let status = c.status;
    match &c.result {
        CallResult::NotFound => Verdict::Ok,
        CallResult::Unauthorized => Verdict::Failed("401: the credentials were refused".into()),
        CallResult::Unprovisioned => Verdict::Failed(
            "403: the account is not provisioned for this API or product, or is forbidden".into(),
        ),
        CallResult::Done => Verdict::Failed(format!(
            "{status} success for an id that cannot exist: this base URL is not Vonage's API"
        )),
        CallResult::Premature { .. } | CallResult::Invalid => Verdict::Failed(format!(
            "{status} where the documented not-found answer was expected"
        )),
        CallResult::RateLimited { retry_at } => Verdict::Retry(*retry_at, "rate limited".into()),
        CallResult::Retryable { reason } if (500..=599).contains(&status) => {
            Verdict::Retry(None, reason.clone())
        }
        CallResult::Retryable { reason } => Verdict::Failed(format!("{status}: {reason}")),
    }
}

impl ErasureJob {
    /// The next probe to send at `now`: `None` once every probe has settled (operations may
    /// go), `Some(None)` while probes are due later or in flight, `Some(Some(call))` a probe.
    pub(crate) fn poll_probe(&mut self, now: UnixMillis, auth: Auth<'_>) -> Option<Option<Call>> {
        if self.checks_settled {
            return None;
        }
        let mut unsettled = false;
        for i in 0..self.checks.len() {
            match self.checks[i].phase {
                CheckPhase::Settled { .. } => continue,
                CheckPhase::InFlight { .. } => unsettled = true,
                CheckPhase::Pending { due } => {
                    unsettled = true;
                    if due > now || self.limiter.next_allowed(now) > now {
                        continue;
                    }
                    if let Some(call) = self.send_probe(i, now, auth) {
                        return Some(Some(call));
                    }
                }
            }
        }
        // Settled checks stay settled: later polls skip the loop.
        self.checks_settled = !unsettled;
        unsettled.then_some(None)
    }

    fn send_probe(&mut self, i: usize, now: UnixMillis, auth: Auth<'_>) -> Option<Call> {
        let probe = self.checks[i].probe.clone();
        match self.build_operation(&probe, now, auth) {
            Ok(request) => {
                let call_id = self.next_call;
                self.next_call += 1;
                self.limiter.take(now);
                let check = &mut self.checks[i];
                check.attempts += 1;
                check.url = Some(request.url.clone());
                check.phase = CheckPhase::InFlight { call_id };
                Some(Call {
                    call_id,
                    op: TARGET_CHECK_OP,
                    request,
                })
            }
            Err(e) => {
                self.settle_probe(i, None, Some(format!("cannot build the request: {e}")), now);
                None
            }
        }
    }

    /// The probe whose call is `call_id`, if it is one.
    pub(crate) fn probe_of(&self, call_id: u64) -> Option<usize> {
        if self.checks_settled {
            return None;
        }
        self.checks
            .iter()
            .position(|c| c.phase == CheckPhase::InFlight { call_id })
    }

    /// Probes in flight (they count against `max_in_flight`).
    pub(crate) fn probes_in_flight(&self) -> usize {
        if self.checks_settled {
            return 0;
        }
        self.checks
            .iter()
            .filter(|c| matches!(c.phase, CheckPhase::InFlight { .. }))
            .count()
    }

    /// When the next probe may go: `Some(None)` while probes are unsettled but none is pending.
    pub(crate) fn probe_timeout(&self, now: UnixMillis) -> Option<Option<UnixMillis>> {
        if self.checks_settled {
            return None;
        }
        let mut unsettled = false;
        let mut next: Option<UnixMillis> = None;
        for check in &self.checks {
            match check.phase {
                CheckPhase::Settled { .. } => {}
                CheckPhase::InFlight { .. } => unsettled = true,
                CheckPhase::Pending { due } => {
                    unsettled = true;
                    next = Some(next.map_or(due, |n| n.min(due)));
                }
            }
        }
        unsettled.then(|| next.map(|due| due.max(self.limiter.next_allowed(now))))
    }

    /// Feeds the answer to probe `i`.
    pub(crate) fn probe_answered(&mut self, i: usize, response: &HttpResponse, now: UnixMillis) {
        let classified = operation_call::classify(&self.checks[i].probe, response, now);
        self.checks[i].status = Some(classified.status);
        match verdict(&classified) {
            Verdict::Ok => {
                self.limiter.recover();
                self.settle_probe(i, Some(classified.status), None, now);
            }
            Verdict::Failed(reason) => {
                self.settle_probe(i, Some(classified.status), Some(reason), now)
            }
            Verdict::Retry(at, reason) => {
                if let Some(until) = at {
                    self.limiter.slow_down(until.max(now));
                }
                self.retry_probe(i, at, reason, now);
            }
        }
    }

    /// Reports that probe `i` got no answer.
    pub(crate) fn probe_failed(&mut self, i: usize, reason: String, now: UnixMillis) {
        self.retry_probe(i, None, reason, now);
    }

    fn retry_probe(&mut self, i: usize, at: Option<UnixMillis>, reason: String, now: UnixMillis) {
        let attempts = self.checks[i].attempts;
        if attempts >= self.config.max_attempts {
            let status = self.checks[i].status;
            let why = format!("no usable answer after {attempts} attempts: {reason}");
            self.settle_probe(i, status, Some(why), now);
            return;
        }
        let step = self.jitter.backoff(
            attempts,
            self.config.backoff_base_ms,
            self.config.backoff_max_ms,
        );
        self.checks[i].phase = CheckPhase::Pending {
            due: at.unwrap_or(now + step).max(now),
        };
    }

    /// Ends probe `i`: `failure` is `None` for the expected answer, else why its group stops.
    fn settle_probe(
        &mut self,
        i: usize,
        status: Option<u16>,
        failure: Option<String>,
        now: UnixMillis,
    ) {
        let check = &mut self.checks[i];
        let group = check.group();
        let result = if failure.is_some() {
            CheckResult::Failed
        } else {
            CheckResult::Ok
        };
        check.phase = CheckPhase::Settled { result };
        check.reason = failure.clone();
        self.events.push_back(JobEvent::TargetChecked {
            group: group.to_owned(),
            ok: failure.is_none(),
            status,
            reason: failure.clone(),
        });
        if let Some(why) = failure {
            let reason = format!(
                "target check failed: {group} answered {why}; nothing was sent for {group} (check the base URL, credentials and provisioning, then run a new job)"
            );
            self.stop_group_with(group, reason, now);
        }
    }

    /// Every group's check, for the receipt.
    pub(crate) fn target_check_records(&self) -> Vec<TargetCheckRecord> {
        self.checks.iter().map(TargetCheck::record).collect()
    }
}
