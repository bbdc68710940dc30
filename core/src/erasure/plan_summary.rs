//! The summary of a plan for a person: how many operations of each kind, how long sending
//! them takes at a given rate, and when the job can finish at the earliest.
//!
//! A dry run of 2,000 operations is read as "2,000 SMS redactions, about 12 s at 170/s, due
//! on …", not as 2,000 lines. The estimate is the core's rule (one place), so every host and
//! the CLI print the same figures.

use crate::erasure::config::MAX_RATE_PER_SECOND;
use crate::erasure::plan::{Action, ErasurePlan, Initial};
use crate::error::{Error, Result};
use crate::time::timestamp::UnixMillis;
use crate::vonage::product::Product;
use serde::{Deserialize, Serialize};

/// The operations of one action (and, for Redact, one product) in a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PlanGroup {
    /// The action: `redact`, `delete_recording`, `delete_user`, `scrub_user`, `delete_event`,
    /// `delete_conversation` or `delete_leg`.
    pub action: String,
    /// The Redact product (`sms`, `voice`, …); `None` for the other actions.
    pub product: Option<Product>,
    /// Operations of this kind (one per id).
    pub operations: u64,
    /// Of which to be sent.
    pub pending: u64,
    /// Of which expired (older than the retention window): nothing is sent.
    pub expired: u64,
    /// Of which skipped by policy: nothing is sent.
    pub skipped: u64,
    /// How long sending the pending ones takes at the rate alone, in milliseconds (each call
    /// takes one slot of the job's shared token bucket; answers and retries come on top).
    pub send_ms: u64,
}

/// A plan in figures: [`ErasurePlan::summary`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PlanSummary {
    /// The rate the estimate assumes, in requests per second.
    pub rate_per_second: u32,
    /// Every operation.
    pub operations: u64,
    /// Operations to be sent.
    pub pending: u64,
    /// One entry per action and product, in the order they first appear in the plan.
    pub groups: Vec<PlanGroup>,
    /// How long sending every pending call takes at the rate alone, in milliseconds.
    pub send_ms: u64,
    /// The earliest the last call can go out: calls paced at the rate, none before its
    /// `not_before` (the 60-minute rule) nor before the plan time. `None` when nothing is
    /// pending. Answers, retries and 429s can only make the job later.
    pub estimated_finish: Option<UnixMillis>,
    /// When the erasure is due (the plan's deadline).
    pub due_at: UnixMillis,
    /// True when `estimated_finish` is after `due_at`: the job cannot finish on time.
    pub late: bool,
}

/// The action's name, as the plan's JSON spells it.
fn action_name(action: &Action) -> &'static str {
    match action {
        Action::Redact { .. } => "redact",
        Action::DeleteRecording => "delete_recording",
        Action::DeleteUser => "delete_user",
        Action::ScrubUser => "scrub_user",
        Action::DeleteEvent => "delete_event",
        Action::DeleteConversation => "delete_conversation",
        Action::DeleteLeg => "delete_leg",
    }
}

/// Milliseconds that `calls` calls take at `rate` per second (rounded up).
fn send_ms(calls: u64, rate: u32) -> u64 {
    let ms = u128::from(calls) * 1000;
    let rate = u128::from(rate);
    u64::try_from(ms.div_ceil(rate)).unwrap_or(u64::MAX)
}

impl ErasurePlan {
    /// The plan in figures at `rate_per_second` (1 to [`MAX_RATE_PER_SECOND`]; the job's
    /// `rate_per_second`): counts per action and product, the time sending takes at that rate,
    /// and the earliest finish. Nothing is sent.
    pub fn summary(&self, rate_per_second: u32) -> Result<PlanSummary> {
        if !(1..=MAX_RATE_PER_SECOND).contains(&rate_per_second) {
            return Err(Error::InvalidArgument {
                field: "rate_per_second".into(),
                reason: format!("must be 1 to {MAX_RATE_PER_SECOND}"),
            });
        }
        let mut groups: Vec<PlanGroup> = Vec::new();
        let mut due: Vec<UnixMillis> = Vec::new();
        for op in &self.operations {
            let action = action_name(&op.action);
            let product = match op.action {
                Action::Redact { product, .. } => Some(product),
                _ => None,
            };
            let index = match groups
                .iter()
                .position(|g| g.action == action && g.product == product)
            {
                Some(i) => i,
                None => {
                    groups.push(PlanGroup {
                        action: action.to_owned(),
                        product,
                        operations: 0,
                        pending: 0,
                        expired: 0,
                        skipped: 0,
                        send_ms: 0,
                    });
                    groups.len() - 1
                }
            };
            let group = &mut groups[index];
            group.operations += 1;
            match op.initial {
                Initial::Pending => {
                    group.pending += 1;
                    due.push(op.not_before.max(self.planned_at));
                }
                Initial::Expired => group.expired += 1,
                Initial::Skipped => group.skipped += 1,
            }
        }
        for group in &mut groups {
            group.send_ms = send_ms(group.pending, rate_per_second);
        }
        let estimated_finish = finish(due, self.planned_at, rate_per_second);
        let due_at = self.deadline.due_at;
        Ok(PlanSummary {
            rate_per_second,
            operations: self.operations.len() as u64,
            pending: groups.iter().map(|g| g.pending).sum(),
            send_ms: send_ms(groups.iter().map(|g| g.pending).sum(), rate_per_second),
            groups,
            estimated_finish,
            due_at,
            late: estimated_finish.is_some_and(|f| f > due_at),
        })
    }
}

/// When the last of the calls due at `due` goes out, paced one slot (1/rate s) apart from
/// `start` on: each call at its due time or one slot after the previous one, whichever is later.
fn finish(mut due: Vec<UnixMillis>, start: UnixMillis, rate: u32) -> Option<UnixMillis> {
    due.sort_unstable();
    // Microseconds keep the pacing exact enough at any rate up to MAX_RATE_PER_SECOND.
    let slot = 1_000_000 / u128::from(rate);
    let mut last: Option<u128> = None;
    for at in due {
        let at = u128::from(at.max(start)) * 1000;
        last = Some(match last {
            Some(previous) => at.max(previous + slot),
            None => at,
        });
    }
    last.map(|us| u64::try_from(us.div_ceil(1000)).unwrap_or(u64::MAX))
}
