//! Snapshots: a job as JSON with no secret in it, and back.

use crate::erasure_job::ErasureJob;
use crate::erasure_plan::ErasurePlan;
use crate::error::{Error, Result};
use crate::job_config::JobConfig;
use crate::job_state::{OpState, Phase};
use crate::rate_limiter::{Jitter, RateLimiter};
use crate::target_check::TargetCheck;
use crate::timestamp::UnixMillis;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

const FORMAT: &str = "erasekit-job/1";

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
            // A probe in flight is sent again after restore, as an operation is.
            checks: self.checks.clone(),
        };
        serde_json::to_string(&snapshot).unwrap_or_default()
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
        Ok(ErasureJob::assemble(s.plan, config, s.ops, Some(restored)))
    }
}
