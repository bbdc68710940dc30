//! `GET /v2/reports/records`: the synchronous Reports API.
//!
//! Checks, in order: Basic (401), the 10/s limit (429), then the query: `product` (required,
//! known), `account_id` (optional; must be this account, else 403), `direction` (required for
//! SMS and MESSAGES, refused where the product has none), `id` (at most 20, not combined with
//! `status`/`date_start`/`date_end`), otherwise `date_start` + `date_end` (ISO-8601, at most
//! 24 hours apart), booleans, and the `cursor`/`iv` pair. Results come in pages (1000 by
//! default); a page that is not the last says `TRUNCATED` and carries `cursor`, `iv` and
//! `_links.next.href`.

use super::SimState;
use crate::auth::check_basic;
use crate::prng::{fnv1a64, fresh_uuid};
use crate::problem;
use crate::query::Query;
use crate::rate_limit::Admission;
use crate::records::Direction;
use crate::reply::{admitted, base_url, json};
use crate::report_rows::{
    columns, direction_allowed, direction_required, row_json, RecordFilter, RowSource,
    REPORT_PRODUCTS,
};
use crate::timestamp::{parse_iso, reports_format};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Map, Value};

/// Most ids one query may name.
pub const MAX_IDS: usize = 20;
/// Widest date window of one query.
pub const MAX_WINDOW_MS: i64 = 24 * 3_600_000;
const FILTER_FIELDS: [&str; 8] = [
    "from",
    "to",
    "client_ref",
    "conversation_id",
    "network",
    "number",
    "provider",
    "channel",
];

/// The cursor for the page starting at `offset`, and its `iv`.
pub fn cursor_for(offset: usize) -> (String, String) {
    let cursor = URL_SAFE_NO_PAD.encode(format!("offset:{offset}"));
    let iv = format!("{:016x}", fnv1a64(format!("iv/{cursor}").as_bytes()));
    (cursor, iv)
}

fn offset_from(cursor: &str, iv: &str) -> Option<usize> {
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(cursor).ok()?).ok()?;
    let offset = text.strip_prefix("offset:")?.parse().ok()?;
    (cursor_for(offset).1 == iv).then_some(offset)
}

fn parse_bool(q: &Query, name: &'static str, bad: &mut Vec<(&'static str, String)>) -> bool {
    match q.first(name) {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => {
            bad.push((name, "Must be true or false".into()));
            false
        }
    }
}

/// The validated query, or the 4xx to send.
fn parse_query(q: &Query, account: &str) -> Result<(RecordFilter, bool, bool, usize), Response> {
    let mut bad: Vec<(&'static str, String)> = Vec::new();
    let product = match q.first("product") {
        None | Some("") => {
            return Err(problem::reports_invalid_parameters(&[(
                "product",
                "Missing required parameter".into(),
            )]))
        }
        Some(p) if REPORT_PRODUCTS.contains(&p) => p.to_owned(),
        Some(_) => {
            return Err(problem::reports_invalid_parameters(&[(
                "product",
                format!(
                    "Could not resolve product name. Please use one of the following values [{}]",
                    REPORT_PRODUCTS.join(", ")
                ),
            )]))
        }
    };
    if q.first("account_id").is_some_and(|a| a != account) {
        return Err(problem::reports_forbidden());
    }
    let direction = match q.first("direction") {
        None if direction_required(&product) => {
            bad.push(("direction", "Missing required parameter".into()));
            None
        }
        None => None,
        Some(_) if !direction_allowed(&product) => {
            return Err(problem::reports_invalid_filter(&format!(
                "The parameter direction is not supported for product {product}"
            )));
        }
        Some(d) => match Direction::parse(d) {
            Some(d) => Some(d),
            None => {
                bad.push(("direction", "Must be inbound or outbound".into()));
                None
            }
        },
    };
    let include_message = parse_bool(q, "include_message", &mut bad);
    let show_concatenated = parse_bool(q, "show_concatenated", &mut bad);
    let mut filter = RecordFilter {
        product: product.clone(),
        direction,
        ..RecordFilter::default()
    };
    if product == "CONVERSATIONS" {
        match q.first("type") {
            Some(t @ ("ip-voice" | "cs-custom-event")) => {
                filter.conversation_type = Some(t.to_owned())
            }
            Some(_) => bad.push(("type", "Must be ip-voice or cs-custom-event".into())),
            None => bad.push(("type", "Missing required parameter".into())),
        }
    }
    if let Some(ids) = q.first("id") {
        let ids: Vec<String> = ids
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        let clashing: Vec<&str> = ["status", "date_start", "date_end"]
            .into_iter()
            .filter(|p| q.has(p))
            .collect();
        if !clashing.is_empty() {
            return Err(problem::reports_invalid_filter(&format!(
                "When using message_id, the following parameters are not supported: [{}]",
                clashing.join(", ")
            )));
        }
        if ids.len() > MAX_IDS {
            return Err(problem::reports_invalid_filter(&format!(
                "At most {MAX_IDS} ids may be requested at once, got {}",
                ids.len()
            )));
        }
        if ids.is_empty() {
            bad.push(("id", "Must name at least one id".into()));
        }
        filter.ids = Some(ids);
    } else {
        let mut time = |name: &'static str| {
            match q.first(name) {
            None => {
                bad.push((name, "Missing required parameter".into()));
                None
            }
            Some(v) => parse_iso(v).or_else(|| {
                bad.push((name, "Must be an ISO-8601 date-time such as 2020-01-01T00:00:00Z (encode '+' as %2B)".into()));
                None
            }),
        }
        };
        let (start, end) = (time("date_start"), time("date_end"));
        if let (Some(s), Some(e)) = (start, end) {
            if e <= s {
                return Err(problem::reports_invalid_filter(
                    "date_end must be later than date_start",
                ));
            }
            if e - s > MAX_WINDOW_MS {
                return Err(problem::reports_invalid_filter(
                    "date_end must be no more than 24 hours later than date_start",
                ));
            }
        }
        filter.date_start = start;
        filter.date_end = end;
        filter.status = q.first("status").map(str::to_owned);
    }
    if product == "SMS" {
        const SMS_STATUS: [&str; 9] = [
            "delivered",
            "expired",
            "failed",
            "rejected",
            "accepted",
            "buffered",
            "unknown",
            "deleted",
            "submitted",
        ];
        if filter
            .status
            .as_deref()
            .is_some_and(|s| !SMS_STATUS.contains(&s))
        {
            bad.push((
                "status",
                format!("Must be one of [{}]", SMS_STATUS.join(", ")),
            ));
        }
    }
    for name in FILTER_FIELDS {
        if let Some(v) = q.first(name) {
            filter.fields.push((name.to_owned(), v.to_owned()));
        }
    }
    let offset = match (q.first("cursor"), q.first("iv")) {
        (None, None) => 0,
        (Some(c), Some(iv)) => offset_from(c, iv).unwrap_or_else(|| {
            bad.push(("cursor", "Invalid cursor or iv".into()));
            0
        }),
        _ => {
            bad.push(("cursor", "cursor and iv must be sent together".into()));
            0
        }
    };
    if !bad.is_empty() {
        return Err(problem::reports_invalid_parameters(&bad));
    }
    Ok((filter, include_message, show_concatenated, offset))
}

/// The handler.
pub async fn records(State(sim): SimState, headers: HeaderMap, uri: Uri) -> Response {
    if let Err(e) = check_basic(&headers, &sim.account) {
        return problem::unauthorized_problem(&e.detail());
    }
    let at_us = match sim.records_limiter.check() {
        Admission::Admitted { at_us } => at_us,
        Admission::Limited { retry_after } => {
            return problem::reports_rate_limited(Admission::retry_after_secs(retry_after))
        }
    };
    let q = Query::parse(uri.query());
    let response = match parse_query(&q, &sim.account.api_key) {
        Ok((filter, include_message, show_concatenated, offset)) => {
            let page_size = sim.with_settings(|s| s.reports.page_size);
            let base = base_url(&headers, &sim.base_url);
            let now = sim.clock.now_ms();
            let store = sim.store();
            let rows = filter.select(&store);
            let ids_not_found = filter.ids.as_ref().map(|ids| {
                let found = |id: &String| {
                    rows.iter().any(|r| match r {
                        RowSource::Record(rec) => &rec.id == id,
                        RowSource::Leg(leg) => &leg.id == id,
                    })
                };
                ids.iter()
                    .filter(|id| !found(id))
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(",")
            });
            let cols = columns(&filter.product, filter.direction, include_message);
            let page: Vec<Value> = rows
                .iter()
                .skip(offset)
                .take(page_size)
                .map(|r| {
                    Value::Object(row_json(
                        *r,
                        &cols,
                        &sim.account.api_key,
                        &sim.default_app_id,
                    ))
                })
                .collect();
            let truncated = offset.saturating_add(page_size) < rows.len();
            let mut links = Map::new();
            let self_href = match uri.query() {
                Some(qs) => format!("{base}{}?{qs}", uri.path()),
                None => format!("{base}{}", uri.path()),
            };
            links.insert("self".into(), json!({"href": self_href}));
            let mut body = Map::new();
            if truncated {
                let (cursor, iv) = cursor_for(offset + page_size);
                let next = q.encode_with(&[("cursor", &cursor), ("iv", &iv)]);
                links.insert(
                    "next".into(),
                    json!({"href": format!("{base}{}?{next}", uri.path())}),
                );
                body.insert("cursor".into(), json!(cursor));
                body.insert("iv".into(), json!(iv));
            }
            body.insert("_links".into(), Value::Object(links));
            body.insert("request_id".into(), json!(fresh_uuid()));
            body.insert(
                "request_status".into(),
                json!(if truncated { "TRUNCATED" } else { "SUCCESS" }),
            );
            body.insert("received_at".into(), json!(reports_format(now)));
            body.insert(
                "price".into(),
                json!((page.len() as f64 * 0.0004 * 10_000.0).round() / 10_000.0),
            );
            body.insert("currency".into(), json!("EUR"));
            body.insert("account_id".into(), json!(sim.account.api_key));
            if let Some(missing) = ids_not_found {
                body.insert("ids_not_found".into(), json!(missing));
            }
            body.insert("product".into(), json!(filter.product));
            if let Some(d) = filter.direction {
                body.insert("direction".into(), json!(d.as_str()));
            }
            if matches!(filter.product.as_str(), "SMS" | "MESSAGES") {
                body.insert("include_message".into(), json!(include_message));
            }
            if filter.product == "SMS" {
                body.insert("show_concatenated".into(), json!(show_concatenated));
            }
            body.insert("items_count".into(), json!(page.len()));
            body.insert("records".into(), Value::Array(page));
            json(StatusCode::OK, &body)
        }
        Err(r) => r,
    };
    admitted(response, Some(at_us))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_round_trip() {
        let (c, iv) = cursor_for(2000);
        assert_eq!(offset_from(&c, &iv), Some(2000));
        assert_eq!(offset_from(&c, "0000000000000000"), None);
        assert_eq!(offset_from("!!", &iv), None);
    }
}
