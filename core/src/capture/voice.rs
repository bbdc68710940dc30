//! Voice API: create-call responses, answer/event webhooks and recordings.
//!
//! Which id the Redact API wants for a call is not confirmed by Vonage (leg `uuid` or
//! `conversation_uuid`). erasekit redacts the leg `uuid` — the id Reports calls `call_id` — and
//! keeps `conversation_uuid` in `extra`. The `uuid` is also recorded as a `leg`, which the
//! Conversation API can delete.

use super::payload::Payload;
use crate::error::Result;
use crate::ledger::entry::{EntryKind, LedgerEntry};
use crate::vonage::product::{Direction, Product};
use crate::vonage::transaction_id::TransactionId;

/// A call seen in a create-call response (no time: `at`) or a webhook (time `timestamp`).
pub(crate) fn call(p: &Payload<'_>) -> Result<Vec<LedgerEntry>> {
    let uuid = p.id("uuid")?;
    let created_at = p.created_at(&["timestamp"])?;
    let direction = match p.text("direction") {
        Some(d) => Some(
            d.parse::<Direction>()
                .map_err(|_| p.error("direction", "must be inbound or outbound"))?,
        ),
        None => None,
    };
    let extra = p.extra(&[("conversation_uuid", "conversation_uuid")]);
    Ok(vec![
        p.transaction(
            Product::Voice,
            direction,
            uuid.clone(),
            created_at,
            extra.clone(),
        ),
        p.resource(EntryKind::Leg, uuid, created_at, extra),
    ])
}

/// Record webhook: a recording, its Media API id taken from the last path segment of
/// `recording_url` (unconfirmed mapping: the URL is kept so a later tool can resolve it).
pub(crate) fn recording(p: &Payload<'_>) -> Result<Vec<LedgerEntry>> {
    let url = p
        .text("recording_url")
        .ok_or_else(|| p.error("recording_url", "is missing"))?;
    let file_id = file_id(&url)
        .ok_or_else(|| p.error("recording_url", "has no file id as its last path segment"))?;
    let created_at = p.created_at(&["start_time", "timestamp"])?;
    let extra = p.extra(&[
        ("recording_url", "recording_url"),
        ("recording_uuid", "recording_uuid"),
        ("conversation_uuid", "conversation_uuid"),
    ]);
    Ok(vec![p.resource(
        EntryKind::Recording,
        file_id,
        created_at,
        extra,
    )])
}

fn file_id(url: &str) -> Option<String> {
    let path = url.split(['?', '#']).next()?;
    let rest = path
        .strip_prefix("https://")
        .or_else(|| path.strip_prefix("http://"))?;
    let (_, path) = rest.split_once('/')?;
    let last = path.trim_end_matches('/').rsplit('/').next()?;
    TransactionId::new(last)
        .ok()
        .map(|id| id.as_str().to_owned())
}
