//! Snapshots: a job as JSON with no secret in it, and back.

use crate::erasure::config::JobConfig;
use crate::erasure::job::ErasureJob;
use crate::erasure::operation_state::{OpState, Phase};
use crate::erasure::plan::ErasurePlan;
use crate::erasure::target_check::TargetCheck;
use crate::error::{Error, Result};
use crate::job::rate_limiter::{Jitter, RateLimiter};
use crate::time::timestamp::{UnixMillis, MAX_UNIX_MILLIS};

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

const FORMAT: &str = "erasekit-job/1";

/// The latest time a job sets for itself: now plus at most a day (the cap on `Retry-After`
/// and on backoff). A snapshot with a later time was not written by a job.
pub(crate) const LATEST: UnixMillis = MAX_UNIX_MILLIS + 86_400_000;

/// The most answers a snapshot may say an operation had: far beyond any run, and far enough
/// from `u32::MAX` that counting the next ones cannot overflow.
const MAX_COUNTER: u32 = u32::MAX / 2;

#[derive(Serialize, Deserialize)]
struct Snapshot {
    format: String,
    plan: ErasurePlan,
    config: JobConfig,
    ops: Vec<OpState>,
    limiter: RateLimiter,
    jitter: Jitter,
    next_call: u64,
    stopped_groups: BTreeSet<String>,
    started_at: Option<UnixMillis>,
    finished_at: Option<UnixMillis>,
    retries: u64,
    rate_limited: u64,
    /// Target checks (absent in snapshots of earlier versions: checked again).
    #[serde(default)]
    checks: Vec<TargetCheck>,
}

/// Job state carried over by a restore.
pub(crate) struct Restored {
    pub(crate) limiter: RateLimiter,
    pub(crate) jitter: Jitter,
    pub(crate) next_call: u64,
    pub(crate) stopped_groups: BTreeSet<String>,
    pub(crate) started_at: Option<UnixMillis>,
    pub(crate) finished_at: Option<UnixMillis>,
    pub(crate) retries: u64,
    pub(crate) rate_limited: u64,
    pub(crate) checks: Vec<TargetCheck>,
}

impl ErasureJob {
    /// The job as JSON: plan, progress, limiter. Credentials and tokens are never part of it.
    pub fn snapshot(&self) -> String {
        let mut ops = self.ops.clone();
        // A call in flight may or may not have reached Vonage: it is sent again after restore
        // (redaction and deletes are idempotent), as soon as allowed.
        for op in self.in_flight_ops() {
            let state = &mut ops[op as usize];
            state.phase = Phase::Pending {
                due: state.last_attempt_at.unwrap_or(0),
            };
        }
        let mut checks = self.checks.clone();
        // A probe in flight is sent again after restore, as an operation is.
        for check in &mut checks {
            check.resend_if_in_flight();
        }
        let snapshot = Snapshot {
            format: FORMAT.into(),
            plan: self.plan.clone(),
            config: self.config.clone(),
            ops,
            limiter: self.limiter.clone(),
            jitter: self.jitter,
            next_call: self.next_call,
            stopped_groups: self.stopped_groups.clone(),
            started_at: self.started_at,
            finished_at: self.finished_at,
            retries: self.counts.retries,
            rate_limited: self.counts.rate_limited,
            checks,
        };
        serde_json::to_string(&snapshot).unwrap_or_default()
    }

    /// Job `job_id` from the snapshot its ledger holds (`None`: the ledger has no such job,
    /// `job_not_found`). A snapshot of another job is `storage`.
    pub fn resume(job_id: &str, snapshot: Option<&str>) -> Result<ErasureJob> {
        let snapshot = snapshot.ok_or_else(|| Error::JobNotFound {
            job_id: job_id.to_owned(),
        })?;
        let job = ErasureJob::restore(snapshot)?;
        if job.job_id() != job_id {
            return Err(Error::Storage {
                reason: format!("the ledger's row for job {job_id:?} holds another job"),
            });
        }
        Ok(job)
    }

    /// A job from [`ErasureJob::snapshot`] output.
    pub fn restore(snapshot: &str) -> Result<ErasureJob> {
        let s: Snapshot = serde_json::from_str(snapshot).map_err(|e| Error::Storage {
            reason: format!("not an erasekit job snapshot: {e}"),
        })?;
        if s.format != FORMAT {
            return Err(Error::Storage {
                reason: format!("unknown snapshot format {:?}", s.format),
            });
        }
        if s.ops.len() != s.plan.operations.len() {
            return Err(Error::Storage {
                reason: "snapshot operations do not match its plan".into(),
            });
        }
        let mut s = s;
        let mut ops = std::mem::take(&mut s.ops);
        for op in &mut ops {
            // As `snapshot` writes a call in flight: sent again (idempotent) as soon as allowed.
            // Kept in flight, no answer would ever come and the job would never finish.
            if op.phase == Phase::InFlight {
                op.phase = Phase::Pending {
                    due: op.last_attempt_at.unwrap_or(0),
                };
            }
        }
        if let Some(reason) = implausible(&s, &ops, s.config.rate_per_second) {
            return Err(Error::Storage {
                reason: format!("not a snapshot an erasekit job wrote: {reason}"),
            });
        }
        let mut config = s.config;
        config.check()?;
        let restored = Restored {
            limiter: s.limiter,
            jitter: s.jitter,
            next_call: s.next_call,
            stopped_groups: s.stopped_groups,
            started_at: s.started_at,
            finished_at: s.finished_at,
            retries: s.retries,
            rate_limited: s.rate_limited,
            checks: s.checks,
        };
        Ok(ErasureJob::assemble(s.plan, config, ops, Some(restored)))
    }
}

/// Why a snapshot's state is not one a job reaches, if it is not. A snapshot is read back from
/// storage anyone may have edited: out-of-range counters and times would overflow the job's
/// arithmetic or park it for ever (found by fuzzing, see fuzz/README.md).
fn implausible(s: &Snapshot, ops: &[OpState], rate_per_second: u32) -> Option<&'static str> {
    // Call ids cross into JavaScript as numbers: they must stay exact integers there (below
    // 2^53) for as many calls as any job makes after the restore. Bounds are half the range,
    // so a job restored at a bound still saves and restores after its next calls.
    if !(1..=1 << 52).contains(&s.next_call) {
        return Some("next_call is out of range");
    }
    if s.retries > u64::MAX / 2 || s.rate_limited > u64::MAX / 2 {
        return Some("a count is out of range");
    }
    let late = |t: &Option<UnixMillis>| t.is_some_and(|t| t > LATEST);
    if late(&s.started_at) || late(&s.finished_at) {
        return Some("a time is out of range");
    }
    for op in ops {
        if op.attempts > MAX_COUNTER || op.premature > MAX_COUNTER || op.rate_limited > MAX_COUNTER
        {
            return Some("an operation count is out of range");
        }
        let due = match op.phase {
            Phase::Pending { due } => Some(due),
            _ => None,
        };
        if late(&due) || late(&op.first_attempt_at) || late(&op.last_attempt_at) {
            return Some("an operation time is out of range");
        }
    }
    if s.checks
        .iter()
        .any(|check| !check.is_plausible(MAX_COUNTER, LATEST))
    {
        return Some("a target check is out of range");
    }
    if s.finished_at.is_some() && ops.iter().any(|op| op.terminal().is_none()) {
        return Some("it is finished with operations still pending");
    }
    if !s.limiter.is_plausible(rate_per_second, LATEST) {
        return Some("the rate limiter state is out of range");
    }
    None
}
