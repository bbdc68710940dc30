//! What the ledger remembers: one Vonage resource a data subject produced.

use crate::time::timestamp::UnixMillis;
use crate::vonage::product::{Direction, Product};
use serde::{Deserialize, Serialize};
use std::fmt;

/// What kind of Vonage resource an entry names; decides how it is erased.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// A transaction record (CDR) erased with the Redact API.
    Transaction,
    /// A call recording erased with `DELETE /v3/media/{id}`.
    Recording,
    /// A Conversation API user (`USR-…`), deleted or scrubbed.
    User,
    /// A Conversation API conversation (`CON-…`).
    Conversation,
    /// A Conversation API event; the id is `CON-…:<event id>`.
    Event,
    /// A call leg (the Voice call `uuid`), deletable with `DELETE /v0.1/legs/{id}`.
    Leg,
}

impl EntryKind {
    /// Every kind, in a fixed order.
    pub const ALL: [EntryKind; 6] = [
        EntryKind::Transaction,
        EntryKind::Recording,
        EntryKind::User,
        EntryKind::Conversation,
        EntryKind::Event,
        EntryKind::Leg,
    ];

    /// The snake_case name stored in the ledger.
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Transaction => "transaction",
            EntryKind::Recording => "recording",
            EntryKind::User => "user",
            EntryKind::Conversation => "conversation",
            EntryKind::Event => "event",
            EntryKind::Leg => "leg",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<EntryKind> {
        EntryKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl fmt::Display for EntryKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One ledger entry: which resource, of which product and direction, created when, seen where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LedgerEntry {
    /// The kind of resource.
    pub kind: EntryKind,
    /// The Redact product, for transactions; `None` for other kinds.
    pub product: Option<Product>,
    /// The direction, when the source says (SMS and Messages always do).
    pub direction: Option<Direction>,
    /// The Vonage id (for events `CON-…:<event id>`).
    pub id: String,
    /// When Vonage created the resource: the payload's own time, else the `at` the host passed.
    pub created_at: UnixMillis,
    /// The capture source that produced the entry, e.g. `sms_send`.
    pub source: String,
    /// Source-specific facts needed later (e.g. `recording_url`, `conversation_uuid`); no message text.
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl LedgerEntry {
    /// The de-duplication key within a subject: (kind, product, id).
    pub fn key(&self) -> (EntryKind, &'static str, &str) {
        (
            self.kind,
            self.product.map_or("", Product::as_str),
            &self.id,
        )
    }
}

impl LedgerEntry {
    /// Checks the id as every URL built from it needs: a valid id and, for events, a valid
    /// conversation id and event id on each side of the `:` (each becomes a path segment).
    pub fn check_id(&self) -> crate::error::Result<()> {
        crate::vonage::transaction_id::TransactionId::check(&self.id)?;
        if self.kind == EntryKind::Event {
            let (conversation, event) =
                crate::erasure::plan::split_event(&self.id).ok_or_else(|| {
                    crate::error::Error::InvalidId {
                        reason: format!("event id {:?} is not CON-…:<event id>", self.id),
                    }
                })?;
            crate::vonage::transaction_id::TransactionId::check(conversation)?;
            crate::vonage::transaction_id::TransactionId::check(event)?;
        }
        Ok(())
    }

    /// Reads entries as hosts pass them, naming the index at fault: entry objects as capture
    /// makes them, or the minimal entry a user has in hand (`{ product, id, direction?,
    /// created_at }` for a transaction, `{ kind, id, created_at }` for the other kinds), whose
    /// `kind` (`transaction` when a product is given), `source` ([`MANUAL_SOURCE`]) and `extra`
    /// (empty) are filled here.
    pub fn list_from_value(value: &serde_json::Value) -> crate::error::Result<Vec<LedgerEntry>> {
        let bad =
            |field: String, reason: String| crate::error::Error::InvalidArgument { field, reason };
        let items = value.as_array().ok_or_else(|| {
            bad(
                "entries".into(),
                "must be an array of ledger entries".into(),
            )
        })?;
        items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let entry: LedgerEntry = serde_json::from_value(with_defaults(item))
                    .map_err(|e| bad(format!("entries[{i}]"), e.to_string()))?;
                entry
                    .check_id()
                    .map_err(|e| bad(format!("entries[{i}].id"), e.to_string()))?;
                crate::time::timestamp::check_time("created_at", entry.created_at)?;
                if (entry.kind == EntryKind::Transaction) != entry.product.is_some() {
                    return Err(bad(
                        format!("entries[{i}].product"),
                        "transactions need a product; other kinds have none".into(),
                    ));
                }
                Ok(entry)
            })
            .collect()
    }
}

/// The `source` of an entry recorded by hand rather than captured.
pub const MANUAL_SOURCE: &str = "manual";

/// A minimal entry object completed with its defaults (anything else is left as given).
fn with_defaults(item: &serde_json::Value) -> serde_json::Value {
    let mut item = item.clone();
    if let serde_json::Value::Object(o) = &mut item {
        if !o.contains_key("kind") && o.get("product").is_some_and(|p| !p.is_null()) {
            o.insert("kind".into(), EntryKind::Transaction.as_str().into());
        }
        o.entry("source").or_insert_with(|| MANUAL_SOURCE.into());
        o.entry("extra")
            .or_insert_with(|| serde_json::Value::Object(Default::default()));
    }
    item
}
