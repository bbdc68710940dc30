//! SMS API: send responses, delivery receipts and inbound webhooks (product `sms`).

use super::payload::Payload;
use super::{check_size, MAX_CAPTURE_ENTRIES};
use crate::error::Result;
use crate::ledger::entry::LedgerEntry;
use crate::vonage::product::{Direction, Product};
use serde_json::Value;

/// `POST /sms/json` response: one entry per accepted part of `messages[]` (`message-id`).
/// Parts with a non-zero `status` were rejected and have no id; they are skipped.
pub(crate) fn send(p: &Payload<'_>) -> Result<Vec<LedgerEntry>> {
    let parts = p
        .object
        .get("messages")
        .and_then(Value::as_array)
        .ok_or_else(|| p.error("messages", "must be an array"))?;
    // Before any entry is made: a million parts would be a million entries (and dicts).
    check_size(p.source, "entries", parts.len(), MAX_CAPTURE_ENTRIES)?;
    // The send response has no time of its own.
    let created_at = p.created_at(&[])?;
    let mut out = Vec::with_capacity(parts.len());
    for (i, part) in parts.iter().enumerate() {
        let part = part
            .as_object()
            .ok_or_else(|| p.error(&format!("messages[{i}]"), "must be an object"))?;
        let part = p.nested(part);
        if part.text("status").is_some_and(|s| s != "0") {
            continue;
        }
        let id = part.id("message-id").map_err(|_| {
            p.error(
                &format!("messages[{i}].message-id"),
                "is missing or not a valid id",
            )
        })?;
        let mut extra = part.extra(&[("network", "network"), ("client-ref", "client_ref")]);
        extra.insert("part".into(), Value::from(i + 1));
        extra.insert("parts".into(), Value::from(parts.len()));
        out.push(p.transaction(
            Product::Sms,
            Some(Direction::Outbound),
            id,
            created_at,
            extra,
        ));
    }
    Ok(out)
}

/// Delivery receipt webhook: `messageId` of the outbound message, time `message-timestamp`.
pub(crate) fn receipt(p: &Payload<'_>) -> Result<Vec<LedgerEntry>> {
    let id = p.id("messageId")?;
    let created_at = p.created_at(&["message-timestamp"])?;
    let extra = p.extra(&[("status", "status"), ("client-ref", "client_ref")]);
    Ok(vec![p.transaction(
        Product::Sms,
        Some(Direction::Outbound),
        id,
        created_at,
        extra,
    )])
}

/// Inbound SMS webhook: `messageId`, time `message-timestamp` (else signed `timestamp`).
/// Each part of a concatenated message arrives with its own id and is recorded on its own.
pub(crate) fn inbound(p: &Payload<'_>) -> Result<Vec<LedgerEntry>> {
    let id = p.id("messageId")?;
    let created_at = p.created_at(&["message-timestamp", "timestamp"])?;
    let extra = p.extra(&[
        ("concat-ref", "concat_ref"),
        ("concat-part", "concat_part"),
        ("concat-total", "concat_total"),
    ]);
    Ok(vec![p.transaction(
        Product::Sms,
        Some(Direction::Inbound),
        id,
        created_at,
        extra,
    )])
}
