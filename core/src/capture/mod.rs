//! Capture: turn any Vonage response or webhook body into ledger entries.
//!
//! One source per kind of payload; each names the field it reads the id and the time from.
//! `created_at` is the payload's own time when it has one, else the `at` the host passes.
//!
//! Limits (issue 9, item 16): a body as received is refused with `payload_too_large` before it
//! is parsed when it is longer than `max_bytes` (default [`DEFAULT_CAPTURE_MAX_BYTES`]), and no
//! payload yields more than [`MAX_CAPTURE_ENTRIES`] entries. Parsing a JSON body costs several
//! times its size (a 50 MB `sms_send` body of a million parts took 2.9 GB in Python: the parsed
//! tree, one entry per part with copies of its fields, then one dict per entry), so the byte
//! limit bounds the memory a hostile or mistaken body can take.

mod conversation;
pub(crate) mod form;
mod lookup;
mod messages;
mod payload;
mod sms;
mod voice;

use crate::error::{Error, Result};
use crate::ledger::entry::LedgerEntry;
use crate::time::timestamp::UnixMillis;
use payload::Payload;
use serde_json::Value;

/// The longest body, in bytes, the capture functions read unless the host states another limit:
/// 1 MiB. Vonage's own bodies are a few kilobytes (an SMS of 255 parts is about 60 KB).
pub const DEFAULT_CAPTURE_MAX_BYTES: usize = 1 << 20;

/// The most entries one payload may yield. A real SMS send response has one part per entry and
/// at most 255 parts; hosts also capture synthetic batches (benchmarks and tests record 10,000
/// parts at a time, about 600 KB). With the byte limit, this bounds what one payload costs.
pub const MAX_CAPTURE_ENTRIES: usize = 10_000;

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
    let (name, read) = find(source)?;
    read(&Payload::new(name, payload, at)?)
}

/// Checks a body of `size` bytes of capture source `source` against `max_bytes` (what
/// [`capture_json_limited`] does first), for a host that knows the size before it has the
/// bytes (a JS string's length, a file's): over it is `payload_too_large`.
pub fn check_capture_size(source: &str, size: usize, max_bytes: usize) -> Result<()> {
    check_size(source_name(source)?, "bytes", size, max_bytes)
}

/// Checks a capture limit stated by the host or the core: `size` over `limit` (or a `limit` of
/// 0, which nothing could pass) is `payload_too_large` / `invalid_argument`.
pub(crate) fn check_size(
    source: &'static str,
    unit: &'static str,
    size: usize,
    limit: usize,
) -> Result<()> {
    if limit == 0 {
        return Err(Error::InvalidArgument {
            field: "max_bytes".into(),
            reason: "must be at least 1".into(),
        });
    }
    if size > limit {
        return Err(Error::PayloadTooLarge {
            source_name: source.to_owned(),
            unit,
            limit: limit as u64,
            size: size as u64,
        });
    }
    Ok(())
}

fn find(source: &str) -> Result<&'static (&'static str, CaptureFn)> {
    SOURCES
        .iter()
        .find(|(name, _)| *name == source)
        .ok_or_else(|| Error::InvalidArgument {
            field: "source".into(),
            reason: format!(
                "unknown capture source {source:?}; expected one of {}",
                capture_sources().join(", ")
            ),
        })
}

/// The static name of a known source (for errors raised before the payload is read).
fn source_name(source: &str) -> Result<&'static str> {
    find(source).map(|(name, _)| *name)
}

/// Like [`capture`], reading the payload from JSON text or bytes (webhook bodies as received),
/// at most [`DEFAULT_CAPTURE_MAX_BYTES`] of them.
pub fn capture_json(source: &str, body: &[u8], at: Option<UnixMillis>) -> Result<Vec<LedgerEntry>> {
    capture_json_limited(source, body, at, DEFAULT_CAPTURE_MAX_BYTES)
}

/// Like [`capture_json`] with the host's own limit: a body longer than `max_bytes` is refused
/// with `payload_too_large` (naming the limit) before it is parsed. `max_bytes` must be at
/// least 1.
pub fn capture_json_limited(
    source: &str,
    body: &[u8],
    at: Option<UnixMillis>,
    max_bytes: usize,
) -> Result<Vec<LedgerEntry>> {
    check_capture_size(source, body.len(), max_bytes)?;
    let value: Value = serde_json::from_slice(body).map_err(|e| Error::InvalidPayload {
        source_name: source.to_owned(),
        field: "$".into(),
        reason: format!("is not JSON ({e})"),
    })?;
    capture(source, &value, at)
}
