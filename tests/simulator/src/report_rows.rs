//! Reports API products and the fields of each product's records (the selection is in
//! [`crate::record_filter`]).
//!
//! The same rows feed `GET /v2/reports/records` (JSON) and asynchronous reports (CSV in a zip).
//! Field names and order follow the `csv_*` / `json_*` schemas of `reports.yml`. Fields the
//! simulator does not model get fixed plausible values (network `23415`, country `GB`, EUR).

use crate::record_filter::default_status;
pub use crate::record_filter::{RecordFilter, RowSource};
use crate::records::{Direction, Record};
use crate::resources::Leg;
use crate::timestamp::reports_format;
use serde_json::{json, Map, Value};

/// Every product name the Reports API accepts (2021 spec plus the current list).
pub const REPORT_PRODUCTS: [&str; 22] = [
    "SMS",
    "VOICE-CALL",
    "VOICE-FAILED",
    "VOICE-TTS",
    "IN-APP-VOICE",
    "WEBSOCKET-CALL",
    "VERIFY-API",
    "VERIFY-SDK",
    "VERIFY-V2",
    "NUMBER-INSIGHT",
    "NUMBER-INSIGHT-V2",
    "MESSAGES",
    "ASR",
    "CONVERSATIONS",
    "CONVERSATION-MESSAGE",
    "CONVERSATION-EVENT",
    "REPORTS-USAGE",
    "MEETINGS",
    "NETWORK-API-EVENT",
    "AMD",
    "SMS-TRAFFIC-CONTROL",
    "VIDEO-API",
];

/// Products for which `direction` is required.
pub fn direction_required(product: &str) -> bool {
    matches!(product, "SMS" | "MESSAGES")
}

/// Products for which `direction` may be given.
pub fn direction_allowed(product: &str) -> bool {
    matches!(
        product,
        "SMS" | "MESSAGES" | "VOICE-CALL" | "VOICE-FAILED" | "ASR"
    )
}

/// The ordered field names of a product's records.
#[rustfmt::skip]
pub fn columns(product: &str, direction: Option<Direction>, include_message: bool) -> Vec<&'static str> {
    let inbound = direction == Some(Direction::Inbound);
    let mut cols: Vec<&'static str> = match product {
        "SMS" if inbound => vec![
            "account_id", "message_id", "direction", "from", "to", "network", "network_name",
            "country", "country_name", "date_received", "currency", "total_price",
        ],
        "SMS" => vec![
            "account_id", "message_id", "client_ref", "concatenated", "direction", "from", "to", "network",
            "network_name", "country", "country_name", "date_received", "date_finalized",
            "latency", "status", "error_code", "error_code_description", "currency", "total_price",
        ],
        "MESSAGES" if inbound => vec![
            "account_id", "message_id", "direction", "from", "to", "provider", "date_received",
            "currency", "total_price",
        ],
        "MESSAGES" => vec![
            "account_id", "message_id", "client_ref", "direction", "from", "to", "country",
            "country_name", "provider", "date_received", "date_finalized", "latency", "status",
            "error_code", "currency", "total_price",
        ],
        "VOICE-CALL" | "VOICE-FAILED" => vec![
            "account_id", "call_id", "direction", "from", "to", "network", "network_name",
            "country", "country_name", "date_start", "date_end", "duration", "status",
            "status_description", "currency", "price", "total_price",
        ],
        "VERIFY-API" | "VERIFY-SDK" => vec![
            "account_id", "request_id", "from", "to", "locale", "number_type", "network",
            "network_name", "country", "country_name", "date_received", "date_finalized",
            "first_event_date", "last_event_date", "verify_status", "sms_event_count",
            "tts_event_count", "currency", "pricing_model", "price", "estimated_price",
        ],
        "NUMBER-INSIGHT" => vec![
            "account_id", "request_id", "product_type", "number", "date_received", "status",
            "response_code", "network", "network_name", "network_type", "country",
            "country_name", "valid", "ported", "reachable", "first_name", "last_name",
            "currency", "total_price",
        ],
        "CONVERSATIONS" => vec![
            "account_id", "request_id", "application_id", "conversation_id", "user_id", "leg_id",
            "date_start", "date_end", "duration", "status", "currency", "price", "total_price",
        ],
        _ => vec!["account_id", "request_id", "date_received", "currency", "total_price"],
    };
    if include_message && matches!(product, "SMS" | "MESSAGES") {
        cols.push("message_body");
    }
    cols
}

/// The columns of a report CSV: the JSON fields less `concatenated`, which the `csv_*`
/// schemas do not list.
pub fn csv_columns(
    product: &str,
    direction: Option<Direction>,
    include_message: bool,
) -> Vec<&'static str> {
    let mut cols = columns(product, direction, include_message);
    cols.retain(|c| *c != "concatenated");
    cols
}

fn country_name(code: &str) -> &'static str {
    match code {
        "GB" => "United Kingdom",
        "US" => "United States",
        "FR" => "France",
        "DE" => "Germany",
        _ => "Unknown",
    }
}

fn record_field(r: &Record, account: &str, col: &str) -> Value {
    let x = r.extra();
    let price = x.price.unwrap_or(0.0333);
    let country = x.country.as_deref().unwrap_or("GB");
    let finalized = reports_format(r.created_ms + 3000);
    match col {
        "account_id" => json!(r.account(account)),
        "message_id" | "call_id" | "request_id" => json!(r.id),
        // null when unset, as in Vonage's 2020 samples (the 2021 spec types it as a string).
        "client_ref" => json!(x.client_ref),
        "concatenated" => json!(false),
        "direction" => json!(r.direction.as_str()),
        // Strings the spec types as strings are never null: an unseeded party reads "".
        "from" => json!(r.from.as_deref().unwrap_or("")),
        "to" => json!(r.to.as_deref().or(x.number.as_deref()).unwrap_or("")),
        "number" => json!(x.number.as_deref().or(r.to.as_deref()).unwrap_or("")),
        "network" => json!(x.network.as_deref().unwrap_or("23415")),
        "network_name" => json!("Vodafone Limited"),
        "network_type" => json!("mobile"),
        "country" => json!(country),
        "country_name" => json!(country_name(country)),
        "date_received" | "date_start" | "first_event_date" => json!(reports_format(r.created_ms)),
        "date_finalized" | "last_event_date" => json!(finalized),
        "date_end" => json!(reports_format(
            r.created_ms + 1000 * x.duration_s.unwrap_or(0) as i64
        )),
        "latency" => json!(3000),
        "duration" => json!(x.duration_s.unwrap_or(0)),
        "status" | "verify_status" => {
            json!(x.status.as_deref().unwrap_or(default_status(r.product)))
        }
        "status_description" => json!("The call was successful."),
        "error_code" | "response_code" | "pricing_model" => json!("0"),
        "error_code_description" => json!("Delivered"),
        "currency" => json!("EUR"),
        "price" | "total_price" => json!(price),
        "estimated_price" => json!(format!("{price}")),
        "provider" => json!(x.provider.as_deref().unwrap_or("sms")),
        "message_body" => json!(r.body.as_deref().unwrap_or("")),
        "locale" => json!("en-gb"),
        "number_type" => json!("MOBILE"),
        "sms_event_count" => json!(1),
        "tts_event_count" => json!(0),
        "product_type" => json!("HLR-LOOKUP"),
        "valid" => json!("valid"),
        "ported" => json!("not_ported"),
        "reachable" => json!("reachable"),
        "first_name" => json!(x.first_name.as_deref().unwrap_or("")),
        "last_name" => json!(x.last_name.as_deref().unwrap_or("")),
        _ => Value::Null,
    }
}

fn leg_field(l: &Leg, account: &str, app_id: &str, col: &str) -> Value {
    match col {
        "account_id" => json!(account),
        "request_id" | "leg_id" => json!(l.id),
        "application_id" => json!(app_id),
        "conversation_id" => json!(l.conversation_id),
        "user_id" => Value::Null,
        "date_start" | "date_end" => json!(reports_format(l.created_ms)),
        "duration" => json!(0),
        "status" => json!("0"),
        "currency" => json!("EUR"),
        "price" | "total_price" => json!(0.0),
        _ => Value::Null,
    }
}

/// The row as a JSON object with `cols` in order.
pub fn row_json(
    src: RowSource<'_>,
    cols: &[&str],
    account: &str,
    app_id: &str,
) -> Map<String, Value> {
    cols.iter()
        .map(|c| {
            let v = match src {
                RowSource::Record(r) => record_field(r, account, c),
                RowSource::Leg(l) => leg_field(l, account, app_id, c),
            };
            ((*c).to_owned(), v)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_follow_spec() {
        let c = columns("SMS", Some(Direction::Inbound), true);
        assert_eq!(c.first(), Some(&"account_id"));
        assert_eq!(c.last(), Some(&"message_body"));
        assert!(!columns("SMS", Some(Direction::Outbound), false).contains(&"message_body"));
        assert!(columns("VOICE-CALL", None, true).contains(&"call_id"));
        assert!(direction_required("SMS") && !direction_allowed("NUMBER-INSIGHT"));
    }
}
