//! Conversation API: users (`USR-…`), conversations (`CON-…`), events and legs.

use super::payload::Payload;
use crate::error::Result;
use crate::ledger::entry::{EntryKind, LedgerEntry};
use serde_json::Value;

/// A created user `{ id: "USR-…" }` (time `timestamp.created` when present).
pub(crate) fn user(p: &Payload<'_>) -> Result<Vec<LedgerEntry>> {
    resource(p, EntryKind::User, "id")
}

/// A created conversation `{ id: "CON-…" }`.
pub(crate) fn conversation(p: &Payload<'_>) -> Result<Vec<LedgerEntry>> {
    resource(p, EntryKind::Conversation, "id")
}

/// A leg `{ uuid }` (or `{ id }`), e.g. from `GET /v0.1/legs`.
pub(crate) fn leg(p: &Payload<'_>) -> Result<Vec<LedgerEntry>> {
    let field = if p.object.contains_key("uuid") {
        "uuid"
    } else {
        "id"
    };
    resource(p, EntryKind::Leg, field)
}

/// An event `{ id: 5, conversation_id: "CON-…", timestamp }`; stored with id `CON-…:5`.
pub(crate) fn event(p: &Payload<'_>) -> Result<Vec<LedgerEntry>> {
    let conversation = p.id("conversation_id")?;
    let event = match p.object.get("id") {
        Some(Value::Number(n)) if n.is_u64() => n.to_string(),
        Some(Value::String(s)) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => {
            s.clone()
        }
        Some(_) => return Err(p.error("id", "must be a non-negative integer event id")),
        None => return Err(p.error("id", "is missing")),
    };
    let created_at = p.created_at(&["timestamp"])?;
    let mut extra = p.extra(&[("type", "type")]);
    extra.insert("conversation_id".into(), Value::from(conversation.clone()));
    extra.insert("event_id".into(), Value::from(event.clone()));
    // The stored id is one path segment pair the erasure sends: it must be an id as a whole
    // too (at most MAX_ID_LEN bytes), or the plan could not build its request (found by fuzzing).
    let target = format!("{conversation}:{event}");
    if let Err(e) = crate::vonage::transaction_id::TransactionId::check(&target) {
        return Err(p.error(
            "id",
            &format!("with conversation_id it makes no valid id: {e}"),
        ));
    }
    Ok(vec![p.resource(
        EntryKind::Event,
        target,
        created_at,
        extra,
    )])
}

fn resource(p: &Payload<'_>, kind: EntryKind, field: &str) -> Result<Vec<LedgerEntry>> {
    let id = p.id(field)?;
    let created = p
        .object
        .get("timestamp")
        .and_then(|t| t.get("created"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let created_at = match created {
        Some(raw) => crate::vonage::payload_time::parse_payload_time(&raw)
            .ok_or_else(|| p.error("timestamp.created", "is not an ISO 8601 time"))?,
        None => p.created_at(&["timestamp"])?,
    };
    let extra = p.extra(&[("conversation_id", "conversation_id")]);
    Ok(vec![p.resource(kind, id, created_at, extra)])
}
