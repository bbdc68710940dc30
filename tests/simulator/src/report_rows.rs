//! Reports API products, record filters and the fields of each product's records.
//!
//! The same rows feed `GET /v2/reports/records` (JSON) and asynchronous reports (CSV in a zip).
//! Field names and order follow the `csv_*` / `json_*` schemas of `reports.yml`. Fields the
//! simulator does not model get fixed plausible values (network `23415`, country `GB`, EUR).

use crate::config::FilterMatch;
use crate::records::{Direction, Product, Record, RecordKey};
use crate::resources::Leg;
use crate::store::Store;
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

/// The record product behind a Reports product, if the simulator stores such records.
fn record_product(product: &str) -> Option<Product> {
    match product {
        "SMS" => Some(Product::Sms),
        "VOICE-CALL" | "VOICE-FAILED" => Some(Product::Voice),
        "VERIFY-API" => Some(Product::Verify),
        "VERIFY-SDK" => Some(Product::VerifySdk),
        "NUMBER-INSIGHT" => Some(Product::NumberInsight),
        "MESSAGES" => Some(Product::Messages),
        _ => None,
    }
}

/// Which records a query selects.
#[derive(Debug, Clone, Default)]
pub struct RecordFilter {
    /// Reports product name.
    pub product: String,
    /// Direction filter.
    pub direction: Option<Direction>,
    /// Exact ids (at most 20 in a sync query).
    pub ids: Option<Vec<String>>,
    /// Inclusive start, epoch ms.
    pub date_start: Option<i64>,
    /// Exclusive end, epoch ms.
    pub date_end: Option<i64>,
    /// Status filter.
    pub status: Option<String>,
    /// Equality filters on record fields: `from`, `to`, `client_ref`, `conversation_id`,
    /// `network`, `number`, `provider`/`channel`.
    pub fields: Vec<(String, String)>,
    /// CONVERSATIONS event type (`ip-voice` or `cs-custom-event`).
    pub conversation_type: Option<String>,
    /// How the subject filters (`to`, `from`, `number`) match.
    pub matching: FilterMatch,
    /// Characters that must agree under [`FilterMatch::Prefix`].
    pub prefix_len: usize,
    /// Records created later than this have not reached Reports yet (propagation delay).
    pub visible_until: Option<i64>,
    /// The accounts whose records are read (empty: any account).
    pub accounts: Vec<String>,
    /// The account of records that name none (the simulator's own).
    pub default_account: String,
}

/// Whether a call ended without being answered: such calls are listed under `VOICE-FAILED`,
/// the others under `VOICE-CALL` (as Vonage splits them today).
fn call_failed(r: &Record) -> bool {
    matches!(
        r.extra().status.as_deref(),
        Some("failed" | "busy" | "timeout" | "rejected" | "cancelled" | "unanswered")
    )
}

/// The filters that name a party, which the matching modes bend.
fn is_party_filter(name: &str) -> bool {
    matches!(name, "to" | "from" | "number")
}

/// One selected row source.
#[derive(Debug, Clone, Copy)]
pub enum RowSource<'a> {
    /// A transaction record.
    Record(&'a Record),
    /// A call leg (CONVERSATIONS ip-voice).
    Leg(&'a Leg),
}

impl RecordFilter {
    fn matches(&self, r: &Record) -> bool {
        if self.direction.is_some_and(|d| d != r.direction) {
            return false;
        }
        if self.visible_until.is_some_and(|t| r.created_ms > t) {
            return false;
        }
        if !self.accounts.is_empty()
            && !self
                .accounts
                .iter()
                .any(|a| a == r.account(&self.default_account))
        {
            return false;
        }
        if r.product == Product::Voice && call_failed(r) != (self.product == "VOICE-FAILED") {
            return false;
        }
        if let Some(ids) = &self.ids {
            if !ids.contains(&r.id) {
                return false;
            }
        }
        if self.date_start.is_some_and(|s| r.created_ms < s)
            || self.date_end.is_some_and(|e| r.created_ms >= e)
        {
            return false;
        }
        if let Some(s) = &self.status {
            if r.extra()
                .status
                .as_deref()
                .unwrap_or(default_status(r.product))
                != s
            {
                return false;
            }
        }
        let extra = r.extra();
        self.fields.iter().all(|(name, value)| {
            // `to` and `number` fall back on each other as the rows do (Verify's `to` is the
            // verified number; Number Insight's `number` the looked-up one).
            let field = match name.as_str() {
                "from" => r.from.as_deref(),
                "to" => r.to.as_deref().or(extra.number.as_deref()),
                "client_ref" => extra.client_ref.as_deref(),
                "conversation_id" => extra.conversation_id.as_deref(),
                "network" => extra.network.as_deref(),
                "number" => extra.number.as_deref().or(r.to.as_deref()),
                "provider" | "channel" => extra.provider.as_deref(),
                _ => return true,
            };
            let Some(field) = field else {
                return self.matching == FilterMatch::Ignore && is_party_filter(name);
            };
            match self.matching {
                _ if !is_party_filter(name) => field == value,
                FilterMatch::Exact => field == value,
                FilterMatch::Ignore => true,
                FilterMatch::Prefix => {
                    let n = self.prefix_len;
                    field.chars().take(n).eq(value.chars().take(n))
                }
            }
        })
    }

    /// The matching rows, oldest first (ties by id).
    pub fn select<'a>(&self, store: &'a Store) -> Vec<RowSource<'a>> {
        if self.product == "CONVERSATIONS" {
            if self.conversation_type.as_deref() != Some("ip-voice") {
                return Vec::new();
            }
            let mut legs: Vec<&Leg> = store
                .legs
                .values()
                .filter(|l| {
                    self.ids.as_ref().map_or(true, |ids| ids.contains(&l.id))
                        && self.date_start.map_or(true, |s| l.created_ms >= s)
                        && self.date_end.map_or(true, |e| l.created_ms < e)
                })
                .collect();
            legs.sort_by(|a, b| (a.created_ms, &a.id).cmp(&(b.created_ms, &b.id)));
            return legs.into_iter().map(RowSource::Leg).collect();
        }
        let Some(product) = record_product(&self.product) else {
            return Vec::new();
        };
        let mut rows: Vec<&Record> = match &self.ids {
            // Id lookups go straight to the keys instead of scanning every record.
            Some(ids) => {
                let directions: &[Direction] = match (product, self.direction) {
                    (Product::Sms, Some(Direction::Inbound)) => &[Direction::Inbound],
                    (Product::Sms, None) => &[Direction::Outbound, Direction::Inbound],
                    _ => &[Direction::Outbound],
                };
                let mut found: Vec<&Record> = ids
                    .iter()
                    .flat_map(|id| {
                        directions
                            .iter()
                            .map(move |d| RecordKey::new(product, *d, id))
                    })
                    .filter_map(|key| store.records.get(&key))
                    .filter(|r| self.matches(r))
                    .collect();
                found.dedup_by(|a, b| std::ptr::eq(*a, *b));
                found
            }
            None => store
                .records
                .values()
                .filter(|r| r.product == product && self.matches(r))
                .collect(),
        };
        rows.sort_by(|a, b| (a.created_ms, &a.id).cmp(&(b.created_ms, &b.id)));
        rows.into_iter().map(RowSource::Record).collect()
    }
}

fn default_status(product: Product) -> &'static str {
    match product {
        Product::Voice => "completed",
        Product::Verify | Product::VerifySdk => "SUCCESS",
        Product::NumberInsight => "Success",
        _ => "delivered",
    }
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
