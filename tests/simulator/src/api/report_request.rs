//! Validation of a `POST /v2/reports` body into a report job, following the `report_request`
//! schema and the per-product field schemas of `reports.yml`: `product` and `account_id` are
//! required, `direction` is required for SMS and MESSAGES, dates default to the last seven days
//! and may span at most 13 months, and typed fields must have their documented types.

use super::accounts::reports_scope;
use crate::app::Sim;
use crate::prng::fresh_uuid;
use crate::problem;
use crate::records::Direction;
use crate::report_jobs::ReportJob;
use crate::report_rows::{direction_allowed, direction_required, RecordFilter};
use crate::timestamp::parse_iso;
use axum::response::Response;
use serde_json::{json, Map, Value};

/// Widest window of one asynchronous report (13 months, taken as 396 days).
pub const MAX_ASYNC_WINDOW_MS: i64 = 396 * 86_400_000;
const STRING_FIELDS: [&str; 10] = [
    "from",
    "to",
    "client_ref",
    "account_ref",
    "network",
    "number",
    "id",
    "conversation_id",
    "status",
    "callback_url",
];
const SMS_STATUS: [&str; 7] = [
    "delivered",
    "expired",
    "failed",
    "rejected",
    "accepted",
    "buffered",
    "unknown",
];
const VOICE_STATUS: [&str; 10] = [
    "started",
    "ringing",
    "answered",
    "machine",
    "completed",
    "timeout",
    "failed",
    "rejected",
    "cancelled",
    "busy",
];

/// Validates a create body into a job.
pub fn build_job(sim: &Sim, body: Map<String, Value>, now: i64) -> Result<ReportJob, Response> {
    let bad = |detail: String| problem::reports_unprocessable(&detail);
    let known = sim.with_settings(|s| s.reports.known_products());
    let product = match body.get("product") {
        Some(Value::String(p)) if known.contains(&p.as_str()) => p.clone(),
        Some(Value::String(p)) => {
            return Err(bad(format!(
                "Could not resolve product name {p:?}. Please use one of the following values [{}]",
                known.join(", ")
            )))
        }
        Some(_) => return Err(bad("product must be a string".into())),
        None => return Err(bad("Missing required field product".into())),
    };
    let account_id = match body.get("account_id") {
        Some(Value::String(a)) => a.clone(),
        Some(_) => return Err(bad("account_id must be a string".into())),
        None => return Err(bad("Missing required field account_id".into())),
    };
    let subaccounts = sim.with_settings(|s| s.subaccounts.clone());
    let primary = &sim.account.api_key;
    reports_scope(primary, &subaccounts, Some(&account_id), false)?;
    let mut fields = Map::new();
    for name in STRING_FIELDS {
        match body.get(name) {
            None => {}
            Some(Value::String(s)) => {
                fields.insert(name.to_owned(), json!(s));
            }
            Some(_) => return Err(bad(format!("{name} must be a string"))),
        }
    }
    let mut flags = [false; 3];
    for (i, name) in [
        "include_subaccounts",
        "include_message",
        "show_concatenated",
    ]
    .into_iter()
    .enumerate()
    {
        match body.get(name) {
            None => {}
            Some(Value::Bool(b)) => flags[i] = *b,
            Some(_) => return Err(bad(format!("{name} must be a boolean"))),
        }
    }
    let direction = match body.get("direction") {
        None if direction_required(&product) => {
            return Err(bad(format!(
                "Missing required field direction for product {product}"
            )))
        }
        None => None,
        Some(_) if !direction_allowed(&product) => {
            return Err(bad(format!(
                "direction is not supported for product {product}"
            )))
        }
        Some(Value::String(d)) => Some(
            Direction::parse(d)
                .ok_or_else(|| bad("direction must be inbound or outbound".into()))?,
        ),
        Some(_) => return Err(bad("direction must be a string".into())),
    };
    if let Some(d) = direction {
        fields.insert("direction".into(), json!(d.as_str()));
    }
    let status = fields
        .get("status")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let allowed: &[&str] = match product.as_str() {
        "SMS" => &SMS_STATUS,
        "VOICE-CALL" => &VOICE_STATUS,
        _ => &[],
    };
    if let Some(s) = &status {
        if !allowed.is_empty() && !allowed.contains(&s.as_str()) {
            return Err(bad(format!(
                "status must be one of [{}]",
                allowed.join(", ")
            )));
        }
    }
    let conversation_type = match (product.as_str(), body.get("type")) {
        ("CONVERSATIONS", Some(Value::String(t))) if t == "ip-voice" || t == "cs-custom-event" => {
            Some(t.clone())
        }
        ("CONVERSATIONS", _) => {
            return Err(bad(
                "type is required for CONVERSATIONS and must be ip-voice or cs-custom-event".into(),
            ))
        }
        _ => None,
    };
    if let Some(t) = &conversation_type {
        fields.insert("type".into(), json!(t));
    }
    let time = |name: &str, default: i64| -> Result<i64, Response> {
        match body.get(name) {
            None => Ok(default),
            Some(Value::String(s)) => {
                parse_iso(s).ok_or_else(|| bad(format!("{name} must be an ISO-8601 date-time")))
            }
            Some(_) => Err(bad(format!("{name} must be a string"))),
        }
    };
    let start = time("date_start", now - 7 * 86_400_000)?;
    let end = time("date_end", now)?;
    if end <= start {
        return Err(bad("date_end must be later than date_start".into()));
    }
    if end - start > MAX_ASYNC_WINDOW_MS {
        return Err(bad("The report may cover at most 13 months".into()));
    }
    for (i, name) in ["include_message", "show_concatenated"]
        .into_iter()
        .enumerate()
    {
        if body.contains_key(name) {
            fields.insert(name.to_owned(), json!(flags[i + 1]));
        }
    }
    let filter_fields = [
        "from",
        "to",
        "client_ref",
        "network",
        "number",
        "conversation_id",
    ]
    .into_iter()
    .filter_map(|n| {
        fields
            .get(n)
            .and_then(Value::as_str)
            .map(|v| (n.to_owned(), v.to_owned()))
    })
    .collect();
    let ids = fields
        .get("id")
        .and_then(Value::as_str)
        .map(|i| vec![i.to_owned()]);
    let callback_url = fields
        .remove("callback_url")
        .and_then(|v| v.as_str().map(str::to_owned));
    let scope = reports_scope(primary, &subaccounts, Some(&account_id), flags[0])?;
    let id = fresh_uuid();
    let (matching, prefix_len) =
        sim.with_settings(|s| (s.reports.filter_match, s.reports.prefix_len));
    Ok(ReportJob {
        file_id: fresh_uuid(),
        account_id,
        filter: RecordFilter {
            product,
            direction,
            ids,
            date_start: Some(start),
            date_end: Some(end),
            status,
            fields: filter_fields,
            conversation_type,
            matching,
            prefix_len,
            visible_until: None,
            accounts: scope,
            default_account: primary.clone(),
        },
        include_message: flags[1],
        include_subaccounts: flags[0],
        callback_url,
        received_ms: now,
        aborted_ms: None,
        output: None,
        script: None,
        fields,
        id,
    })
}
