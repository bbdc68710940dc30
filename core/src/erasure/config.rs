//! How an erasure job runs: rate, concurrency, retries, and its seed.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// The highest `rate_per_second` a job accepts. Vonage's own limits are far lower (Redact:
/// 170/s); rates up to this serve stubbed transports, proxies and benchmarks.
pub const MAX_RATE_PER_SECOND: u32 = 1_000_000;

/// The longest backoff a job accepts: a day, like the cap on `Retry-After` (near `u64::MAX`,
/// `now + backoff` overflowed at the first retry: core/tests/fuzz_regressions.rs).
pub(crate) const MAX_BACKOFF_MS: u64 = 86_400_000;

/// Job settings. Defaults: the Redact limit (170/s), 32 in flight, 8 attempts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct JobConfig {
    /// The job's id (also the receipt's id). Empty: derived from `seed`.
    pub job_id: String,
    /// Requests per second, for the whole job (Redact's limit is 170), 1 to [`MAX_RATE_PER_SECOND`].
    pub rate_per_second: u32,
    /// Calls in flight at once.
    pub max_in_flight: u32,
    /// Attempts per operation before it fails (5xx, timeouts, dropped connections).
    pub max_attempts: u32,
    /// Premature answers tolerated per operation before it fails.
    pub max_premature: u32,
    /// 429 answers tolerated per operation before it fails.
    pub max_rate_limited: u32,
    /// First backoff step in milliseconds.
    pub backoff_base_ms: u64,
    /// Longest backoff in milliseconds, at most 86,400,000 (a day).
    pub backoff_max_ms: u64,
    /// Seed for jitter and JWT ids: the host passes random bits.
    pub seed: u64,
    /// Before a group's first operation call, check its target once (one probe per group that
    /// must get the API's documented not-found answer). Default true.
    pub check_target: bool,
    /// Wait out Vonage's one-hour rule (default true); false: a run stops at the first long
    /// wait (`check_wait` reports `job_waiting`) and is resumed later.
    pub wait_for_premature: bool,
    /// A checkpoint (snapshot saved by the host) every this many answers, 1 to 1,000,000.
    /// Default 100.
    pub checkpoint_every: u32,
}

impl Default for JobConfig {
    fn default() -> Self {
        JobConfig {
            job_id: String::new(),
            rate_per_second: 170,
            max_in_flight: 32,
            max_attempts: 8,
            max_premature: 10,
            max_rate_limited: 100,
            backoff_base_ms: 500,
            backoff_max_ms: 60_000,
            seed: 0,
            check_target: true,
            wait_for_premature: true,
            checkpoint_every: crate::job::protocol::DEFAULT_CHECKPOINT_EVERY,
        }
    }
}

impl JobConfig {
    /// Checks ranges and fills `job_id` from the seed when empty.
    pub(crate) fn check(&mut self) -> Result<()> {
        let bad = |field: &str, reason: &str| Error::InvalidArgument {
            field: field.into(),
            reason: reason.into(),
        };
        if !(1..=MAX_RATE_PER_SECOND).contains(&self.rate_per_second) {
            return Err(bad("rate_per_second", "must be 1 to 1000000"));
        }
        if !(1..=1024).contains(&self.max_in_flight) {
            return Err(bad("max_in_flight", "must be 1 to 1024"));
        }
        if !(1..=100).contains(&self.max_attempts) {
            return Err(bad("max_attempts", "must be 1 to 100"));
        }
        if self.backoff_base_ms == 0 || self.backoff_max_ms < self.backoff_base_ms {
            return Err(bad(
                "backoff_base_ms",
                "must be positive and at most backoff_max_ms",
            ));
        }
        if !(1..=1_000_000).contains(&self.checkpoint_every) {
            return Err(bad("checkpoint_every", "must be 1 to 1000000 answers"));
        }
        // `now + backoff` must not overflow; a day is also the cap on `Retry-After`.
        if self.backoff_max_ms > MAX_BACKOFF_MS {
            return Err(bad("backoff_max_ms", "must be at most 86400000 (a day)"));
        }
        if self.job_id.is_empty() {
            self.job_id = format!(
                "job-{:016x}",
                crate::job::rate_limiter::Jitter(self.seed ^ 0x006a_6f62).next()
            );
        }
        crate::vonage::transaction_id::TransactionId::new(&self.job_id)
            .map_err(|e| bad("job_id", &e.to_string()))?;
        Ok(())
    }
}
