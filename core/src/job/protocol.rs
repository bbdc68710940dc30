//! The job protocol every job speaks (erasure now, subject access next), so that each host has
//! ONE driver: it sends the calls a job hands out, reports each answer or transport failure,
//! forwards events, sleeps until the next wake-up, checkpoints when the job says so, and at
//! the end stores what [`Job::finish`] returns. Every decision is the job's.

use crate::error::{Error, Result};
use crate::time::timestamp::UnixMillis;
use crate::vonage::api_base::ApiBase;
use crate::vonage::credentials::Credentials;
use crate::vonage::http::{HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// A transport failure reported by the host instead of a response. Serialised as the strings
/// `"timeout"` and `"connection"`, or `{"other": {"message": ...}}`: the shape hosts pass.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum TransportFailure {
    /// No answer in time.
    Timeout,
    /// Connection refused, reset or closed without a response.
    Connection,
    /// Anything else (DNS, TLS, ...), described.
    Other {
        /// What happened.
        message: String,
    },
}

/// A call to send: `call_id` comes back with the answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Call {
    /// Identifies this attempt; pass it to `handle_response` / `handle_failure`.
    pub call_id: u64,
    /// The operation it belongs to, or [`crate::TARGET_CHECK_OP`] for a target check.
    pub op: u32,
    /// The request.
    pub request: HttpRequest,
}

/// What a job needs to make calls: credentials and where to send them. Never stored.
#[derive(Debug, Clone, Copy)]
pub struct Auth<'a> {
    /// Credentials.
    pub credentials: &'a Credentials,
    /// Base URLs.
    pub base: &'a ApiBase,
}

/// Where a run of a job stands, as a ledger stores it with the job's snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    /// A run holds the job (under a lease, in a ledger).
    Running,
    /// No run holds it; its snapshot resumes it.
    Stopped,
    /// Every operation is terminal; the receipt was made.
    Finished,
}

impl JobState {
    /// The stored spelling: `running`, `stopped` or `finished`.
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Running => "running",
            JobState::Stopped => "stopped",
            JobState::Finished => "finished",
        }
    }
}

impl FromStr for JobState {
    type Err = Error;

    /// Reads a stored state; anything else is `storage` (it came from a database).
    fn from_str(text: &str) -> Result<JobState> {
        match text {
            "running" => Ok(JobState::Running),
            "stopped" => Ok(JobState::Stopped),
            "finished" => Ok(JobState::Finished),
            other => Err(Error::Storage {
                reason: format!(
                    "unknown job state {other:?} (expected running, stopped or finished)"
                ),
            }),
        }
    }
}

impl std::fmt::Display for JobState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The default checkpoint cadence: a snapshot every this many answers.
pub const DEFAULT_CHECKPOINT_EVERY: u32 = 100;

/// The end of a finished run: what the host stores. With a ledger, the host hands
/// `receipt` to the ledger's finish step, which stores it and forgets exactly what it proves
/// settled (`Settled::check` + `LedgerSql::finish` / `MemoryLedger`): the host decides nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finished {
    /// The job (and receipt) id.
    pub job_id: String,
    /// The signed receipt, as compact JSON text.
    pub receipt: String,
    /// Always [`JobState::Finished`].
    pub state: JobState,
}

/// The protocol of a sans-IO job. A host's driver loops:
///
/// 1. `poll_request` until `None`, sending each call;
/// 2. for each answer `handle_response`, for each failure `handle_failure`;
/// 3. `poll_event` until `None` (progress for the user);
/// 4. when `checkpoint_due`, save `checkpoint()` (resets the count);
/// 5. when `is_finished`, `finish` and store what it returns; otherwise `check_idle` (an error
///    ends the run as stopped: save `snapshot()`) and sleep until `poll_timeout` or an answer.
pub trait Job {
    /// The events this job reports.
    type Event: Serialize;

    /// The job id (also its receipt's id).
    fn job_id(&self) -> &str;
    /// The next call to send now, if any.
    fn poll_request(&mut self, now: UnixMillis, auth: Auth<'_>) -> Option<Call>;
    /// Feeds the answer to call `call_id`.
    fn handle_response(
        &mut self,
        call_id: u64,
        response: &HttpResponse,
        now: UnixMillis,
    ) -> Result<()>;
    /// Reports that call `call_id` got no answer.
    fn handle_failure(
        &mut self,
        call_id: u64,
        failure: &TransportFailure,
        now: UnixMillis,
    ) -> Result<()>;
    /// The next event, if any.
    fn poll_event(&mut self) -> Option<Self::Event>;
    /// When the job next wants `poll_request` called; `None` while it waits only on answers.
    fn poll_timeout(&mut self, now: UnixMillis) -> Option<UnixMillis>;
    /// True when every operation is terminal.
    fn is_finished(&self) -> bool;
    /// Starts no call at or after `until` (a run's local lease deadline).
    fn hold_until(&mut self, until: Option<UnixMillis>);
    /// The job as JSON, no secret in it.
    fn snapshot(&self) -> String;
    /// True when enough answers came since the last [`Job::checkpoint`] (the job's
    /// `checkpoint_every`) that the host should save one.
    fn checkpoint_due(&self) -> bool;
    /// The snapshot to save now; starts counting answers towards the next checkpoint.
    fn checkpoint(&mut self) -> String;
    /// Before the host sleeps, with `calls_out` calls it sent and has not reported yet: an
    /// error when the run must stop instead (`job_stalled`: nothing to wait for; the erasure
    /// job's `job_waiting`). The host then saves `snapshot()` and ends the run as stopped.
    fn check_idle(&mut self, now: UnixMillis, calls_out: u64) -> Result<()>;
    /// The end of a finished run: the receipt signed with `signing_key` (`job_not_finished`
    /// before the end).
    fn finish(&self, signing_key: &[u8]) -> Result<Finished>;
}

/// `job_stalled` when a job that is not finished has nothing to send ever again and the host
/// has no call out: it waits on answers nobody will send (a job object stopped mid-run still
/// counts its unanswered calls; its snapshot resends them).
pub(crate) fn check_stalled<J: Job + ?Sized>(
    job: &mut J,
    now: UnixMillis,
    calls_out: u64,
) -> Result<()> {
    if calls_out == 0 && !job.is_finished() && job.poll_timeout(now).is_none() {
        return Err(Error::JobStalled {
            job_id: job.job_id().to_owned(),
        });
    }
    Ok(())
}
