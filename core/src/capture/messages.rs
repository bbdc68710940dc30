//! Messages API: send responses, inbound and status webhooks (product `messages`).

use super::payload::Payload;
use crate::error::Result;
use crate::ledger::entry::LedgerEntry;
use crate::vonage::product::{Direction, Product};

/// Send response `{ message_uuid }` (no time: `at`).
pub(crate) fn send(p: &Payload<'_>) -> Result<Vec<LedgerEntry>> {
    entry(p, Direction::Outbound)
}

/// Inbound webhook: `message_uuid`, `timestamp`, `channel`.
pub(crate) fn inbound(p: &Payload<'_>) -> Result<Vec<LedgerEntry>> {
    entry(p, Direction::Inbound)
}

/// Status webhook for a message the customer sent: `message_uuid`, `timestamp`, `status`.
pub(crate) fn status(p: &Payload<'_>) -> Result<Vec<LedgerEntry>> {
    entry(p, Direction::Outbound)
}

fn entry(p: &Payload<'_>, direction: Direction) -> Result<Vec<LedgerEntry>> {
    let id = p.id("message_uuid")?;
    let created_at = p.created_at(&["timestamp"])?;
    let extra = p.extra(&[("channel", "channel"), ("client_ref", "client_ref")]);
    Ok(vec![p.transaction(
        Product::Messages,
        Some(direction),
        id,
        created_at,
        extra,
    )])
}
