//! Capture: turn any Vonage response or webhook body into ledger entries.
//!
//! One source per kind of payload; each names the field it reads the id and the time from.
//! `created_at` is the payload's own time when it has one, else the `at` the host passes.

mod conversation;
mod lookup;
mod messages;
mod payload;
mod sms;
mod voice;

use crate::error::{Error, Result};
use crate::ledger_entry::LedgerEntry;
use crate::timestamp::UnixMillis;
use payload::Payload;
use serde_json::Value;

type CaptureFn = fn(&Payload<'_>) -> Result<Vec<LedgerEntry>>;

/// Every capture source: (name, what it reads).
const SOURCES: [(&str, CaptureFn); 16] = [
    ("sms_send", sms::send),
    ("sms_receipt", sms::receipt),
    ("sms_inbound", sms::inbound),
    ("voice_call", voice::call),
    ("voice_webhook", voice::call),
    ("voice_recording", voice::recording),
    ("verify", lookup::verify),
    ("verify_v2", lookup::verify_v2),
    ("number_insight", lookup::number_insight),
    ("messages_send", messages::send),
    ("messages_inbound", messages::inbound),
    ("messages_status", messages::status),
    ("conversation_user", conversation::user),
    ("conversation", conversation::conversation),
    ("conversation_event", conversation::event),
    ("conversation_leg", conversation::leg),
];

/// The names of every capture source, e.g. `sms_send`; bindings expose one function per name.
pub fn capture_sources() -> Vec<&'static str> {
    SOURCES.iter().map(|(name, _)| *name).collect()
}

/// Reads `payload` as the body of `source` and returns its ledger entries.
///
/// `at` is when the host received the payload; it is used when the payload has no time.
pub fn capture(source: &str, payload: &Value, at: Option<UnixMillis>) -> Result<Vec<LedgerEntry>> {
    let (name, read) = SOURCES
        .iter()
        .find(|(name, _)| *name == source)
        .ok_or_else(|| Error::InvalidArgument {
            field: "source".into(),
            reason: format!(
                "unknown capture source {source:?}; expected one of {}",
                capture_sources().join(", ")
            ),
        })?;
    read(&Payload::new(name, payload, at)?)
}

/// Like [`capture`], reading the payload from JSON text or bytes (webhook bodies as received).
pub fn capture_json(source: &str, body: &[u8], at: Option<UnixMillis>) -> Result<Vec<LedgerEntry>> {
    let value: Value = serde_json::from_slice(body).map_err(|e| Error::InvalidPayload {
        source_name: source.to_owned(),
        field: "$".into(),
        reason: format!("is not JSON ({e})"),
    })?;
    capture(source, &value, at)
}
