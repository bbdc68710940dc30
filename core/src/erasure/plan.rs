//! The erasure plan: every call needed to remove one subject's data from Vonage, and when.

use crate::error::{Error, Result};
use crate::ledger::entry::{EntryKind, LedgerEntry};
use crate::ledger::subject::subject_hash;
use crate::time::deadline::{add_months, Deadline};
use crate::time::timestamp::{check_time, UnixMillis};
use crate::vonage::product::{Direction, Product};
use crate::vonage::redact::PREMATURE_WINDOW_MS;
use serde::{Deserialize, Serialize};

/// What to do with a Conversation API user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum UserAction {
    /// `DELETE /v1/users/{id}`.
    #[default]
    Delete,
    /// `PATCH /v1/users/{id}` replacing name, display name, image and custom data.
    Scrub,
}

/// Which Conversation API version to call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ConversationApi {
    /// `/v1/...` (current).
    #[default]
    V1,
    /// `/v0.1/...` (2021 spec; users are updated with PUT).
    #[serde(rename = "v0.1")]
    V0_1,
}

/// Choices that shape a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct PlanOptions {
    /// Delete or scrub Conversation users.
    pub user_action: UserAction,
    /// Also delete voice call legs (`DELETE /v0.1/legs/{id}`).
    pub delete_legs: bool,
    /// Also delete whole conversations (`DELETE /v1/conversations/{id}`).
    pub delete_conversations: bool,
    /// Conversation API version.
    pub conversation_api: ConversationApi,
    /// Records older than this many months are gone from Vonage (13-month retention).
    pub retention_months: u32,
    /// Plan an erasure of nothing on purpose when the subject has no entries. Without it,
    /// planning a subject the ledger never saw is `unknown_subject`: a typo in a name must not
    /// end in a signed "0 operations, on time" receipt and a tombstone.
    pub allow_empty: bool,
}

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions {
            user_action: UserAction::Delete,
            delete_legs: false,
            delete_conversations: false,
            conversation_api: ConversationApi::V1,
            retention_months: 13,
            allow_empty: false,
        }
    }
}

/// The call an operation makes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// `POST /v1/redact/transaction`.
    Redact {
        /// The Redact product.
        product: Product,
        /// The Redact `type`.
        direction: Direction,
    },
    /// `DELETE /v3/media/{id}`.
    DeleteRecording,
    /// `DELETE /v1/users/{id}`.
    DeleteUser,
    /// `PATCH /v1/users/{id}` with placeholder values.
    ScrubUser,
    /// `DELETE /v1/conversations/{conversation_id}/events/{event_id}`; the target is
    /// `CON-…:<event id>` (fieldless so an operation stays small in million-operation jobs).
    DeleteEvent,
    /// `DELETE /v1/conversations/{id}`.
    DeleteConversation,
    /// `DELETE /v0.1/legs/{id}`.
    DeleteLeg,
}

impl Action {
    /// Operations that share credentials and provisioning: the Redact product, `media` or `conversation`.
    /// A 401 or 403 stops the rest of its group.
    pub fn group(&self) -> &'static str {
        match self {
            Action::Redact { product, .. } => product.as_str(),
            Action::DeleteRecording => "media",
            _ => "conversation",
        }
    }
}

/// Where an operation starts: due to be sent, or already settled by the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Initial {
    /// To be sent at or after `not_before`.
    Pending,
    /// Older than the retention window: nothing left at Vonage.
    Expired,
    /// Not sent by policy (an option left it out).
    Skipped,
}

/// One planned call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Operation {
    /// Position in the plan; the job's operation id.
    pub op: u32,
    /// The resource id (transaction id, media id, user id, `CON-…:<event>` …).
    pub target: String,
    /// What is called.
    #[serde(flatten)]
    pub action: Action,
    /// When the resource was created.
    pub created_at: UnixMillis,
    /// Not before `created_at` + 60 minutes (Vonage's propagation window).
    pub not_before: UnixMillis,
    /// Pending, expired or skipped.
    pub initial: Initial,
}

/// Every call needed to erase one subject, with its deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ErasurePlan {
    /// The subject (kept so the driver can forget it in the ledger; never in the receipt).
    pub subject: String,
    /// HMAC-SHA256 of the subject under the ledger key: how the receipt names the subject.
    pub subject_hash: String,
    /// When the plan was made.
    pub planned_at: UnixMillis,
    /// The GDPR deadline.
    pub deadline: Deadline,
    /// The options used.
    pub options: PlanOptions,
    /// The operations, in order.
    pub operations: Vec<Operation>,
}

impl ErasurePlan {
    /// Plans the erasure of `entries` (one subject's ledger entries) at `now`.
    /// `received_at` is when the erasure request arrived (defaults to `now`).
    pub fn new(
        subject: &str,
        subject_key: &[u8],
        entries: &[LedgerEntry],
        now: UnixMillis,
        received_at: Option<UnixMillis>,
        options: PlanOptions,
    ) -> Result<Self> {
        let subject_hash = subject_hash(subject_key, subject)?;
        check_time("now", now)?;
        if entries.is_empty() && !options.allow_empty {
            return Err(Error::UnknownSubject);
        }
        if options.retention_months == 0 || options.retention_months > 120 {
            return Err(Error::InvalidArgument {
                field: "retention_months".into(),
                reason: "must be 1 to 120".into(),
            });
        }
        let mut operations = Vec::with_capacity(entries.len());
        for entry in entries {
            let (action, initial) = action_for(entry, &options)?;
            let expired = add_months(entry.created_at, options.retention_months)? < now;
            let initial = match initial {
                Initial::Pending if expired => Initial::Expired,
                other => other,
            };
            operations.push(Operation {
                op: u32::try_from(operations.len()).map_err(|_| Error::InvalidArgument {
                    field: "entries".into(),
                    reason: "more than 2^32 entries".into(),
                })?,
                target: entry.id.clone(),
                action,
                created_at: entry.created_at,
                not_before: entry.created_at.saturating_add(PREMATURE_WINDOW_MS),
                initial,
            });
        }
        Ok(ErasurePlan {
            subject: subject.to_owned(),
            subject_hash,
            planned_at: now,
            deadline: Deadline::new(received_at.unwrap_or(now))?,
            options,
            operations,
        })
    }

    /// The latest `not_before` of the pending operations: the earliest the job can finish.
    pub fn earliest_finish(&self) -> Option<UnixMillis> {
        self.operations
            .iter()
            .filter(|o| o.initial == Initial::Pending)
            .map(|o| o.not_before.max(self.planned_at))
            .max()
    }
}

fn action_for(entry: &LedgerEntry, options: &PlanOptions) -> Result<(Action, Initial)> {
    // Entries built by hand skip capture and record: no id reaches a URL unchecked.
    if entry.kind != EntryKind::Event {
        entry.check_id()?;
    }
    let pending = |a| Ok((a, Initial::Pending));
    match entry.kind {
        EntryKind::Transaction => {
            let product = entry.product.ok_or_else(|| Error::InvalidArgument {
                field: "entries".into(),
                reason: format!("transaction {} has no product", entry.id),
            })?;
            pending(Action::Redact {
                product,
                direction: entry.direction.unwrap_or_default(),
            })
        }
        EntryKind::Recording => pending(Action::DeleteRecording),
        EntryKind::User => pending(match options.user_action {
            UserAction::Delete => Action::DeleteUser,
            UserAction::Scrub => Action::ScrubUser,
        }),
        EntryKind::Event => {
            if split_event(&entry.id).is_none() {
                return Err(Error::InvalidArgument {
                    field: "entries".into(),
                    reason: format!("event id {:?} is not CON-…:<event id>", entry.id),
                });
            }
            entry.check_id()?;
            pending(Action::DeleteEvent)
        }
        EntryKind::Conversation if options.delete_conversations => {
            pending(Action::DeleteConversation)
        }
        EntryKind::Conversation => Ok((Action::DeleteConversation, Initial::Skipped)),
        EntryKind::Leg if options.delete_legs => pending(Action::DeleteLeg),
        EntryKind::Leg => Ok((Action::DeleteLeg, Initial::Skipped)),
    }
}

/// Splits an event target `CON-…:<event id>` into its conversation and event ids.
pub(crate) fn split_event(target: &str) -> Option<(&str, &str)> {
    target
        .rsplit_once(':')
        .filter(|(c, e)| !c.is_empty() && !e.is_empty())
}
