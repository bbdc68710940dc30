//! The deprecated Message Search API: `GET /search/message`, `/search/messages`,
//! `/search/rejections`, authenticated with `api_key` / `api_secret` query parameters (a Basic
//! header is accepted too, as current SDKs send it). Only SMS records are searched.
//!
//! The `search` settings play what old SDKs met in the field: a retired API (404, 410, or 401
//! while Reports works with the same key), `{}` for no result, a bare object for one result,
//! prices as strings and carrier-style statuses; `rate_limits.message_search` adds a 429.

use super::SimState;
use crate::auth::check_key_secret;
use crate::config::{SearchAvailability, SearchConfig};
use crate::problem;
use crate::query::Query;
use crate::rate_limit::Admission;
use crate::records::{Direction, Product, Record};
use crate::reply::{admitted, json};
use crate::timestamp::{parse_date, search_format};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use serde_json::{json, Value};

/// Most `ids` one `/search/messages` request may name.
pub const MAX_IDS: usize = 10;

fn final_status(status: &str) -> (&'static str, &'static str, &'static str) {
    match status {
        "delivered" => ("DELIVRD", "0", "Delivered"),
        "expired" => ("EXPIRED", "1", "Unknown"),
        "failed" => ("UNDELIV", "8", "Network Error"),
        "rejected" => ("REJECTD", "6", "Anti-Spam Rejection"),
        _ => ("UNKNOWN", "99", "General Error"),
    }
}

/// The carrier's word for a status, as some accounts saw it in `status` (outside the enum).
fn carrier_word(status: &str) -> &'static str {
    match status {
        "accepted" | "buffered" => "ACCEPTD",
        other => final_status(other).0,
    }
}

/// A record in the MO / MT shape, bent by the quirks the settings switch on.
fn message_json(r: &Record, account: &str, quirks: &SearchConfig) -> Value {
    let x = r.extra();
    let mut m = json!({
        "type": r.direction.mo_mt(),
        "message-id": r.id,
        "account-id": r.account(account),
        "network": x.network.as_deref().unwrap_or("23415"),
        "from": r.from.as_deref().unwrap_or(""),
        "to": r.to.as_deref().unwrap_or(""),
        "body": r.body.as_deref().unwrap_or(""),
        "date-received": search_format(r.created_ms),
    });
    if r.direction == Direction::Outbound {
        let status = x.status.as_deref().unwrap_or("delivered");
        let (fin, code, label) = final_status(status);
        let price = x.price.unwrap_or(0.0333);
        m["price"] = if quirks.price_as_string {
            json!(format!("{price:.8}"))
        } else {
            json!(price)
        };
        m["final-status"] = json!(fin);
        m["date-closed"] = json!(search_format(r.created_ms + 3000));
        m["latency"] = json!(3000);
        if let Some(c) = &x.client_ref {
            m["client-ref"] = json!(c);
        }
        m["status"] = if quirks.carrier_status {
            json!(carrier_word(status))
        } else {
            json!(status)
        };
        m["error-code"] = json!(code);
        m["error-code-label"] = json!(label);
    }
    m
}

fn sms<'a>(store: &'a crate::store::Store, id: &str, until: Option<i64>) -> Option<&'a Record> {
    [Direction::Outbound, Direction::Inbound]
        .into_iter()
        .find_map(|d| {
            store
                .records
                .get(&crate::records::RecordKey::new(Product::Sms, d, id))
        })
        .filter(|r| visible(r, until))
}

/// Whether a record has reached the search index (`reports.propagation_ms`).
fn visible(r: &Record, until: Option<i64>) -> bool {
    until.map_or(true, |t| r.created_ms <= t)
}

fn visible_until(sim: &crate::app::Sim) -> Option<i64> {
    sim.with_settings(|s| s.reports.visible_until(sim.clock.now_ms()))
}

/// Retirement, credentials, then the rate limit; answers the settings to shape the reply.
fn authorize(
    sim: &crate::app::Sim,
    q: &Query,
    headers: &HeaderMap,
) -> Result<(SearchConfig, Option<u64>), Response> {
    let quirks = sim.with_settings(|s| s.search.clone());
    match quirks.availability {
        SearchAvailability::Live => {}
        SearchAvailability::Retired404 => return Err(crate::reply::empty(StatusCode::NOT_FOUND)),
        SearchAvailability::Retired410 => return Err(crate::reply::empty(StatusCode::GONE)),
        SearchAvailability::Retired401 => return Err(problem::search_unauthorized()),
    }
    check_key_secret(q, headers, &sim.account).map_err(|_| problem::search_unauthorized())?;
    match sim.search_limiter.check() {
        Admission::Admitted { at_us } => Ok((quirks, Some(at_us))),
        Admission::Limited { retry_after } => Err(problem::search_rate_limited(
            Admission::retry_after_secs(retry_after),
        )),
    }
}

/// The list body: `{count, items}`, or `{}` / the bare item when those quirks are on.
fn list_body(items: Vec<Value>, quirks: &SearchConfig) -> Value {
    match items.len() {
        0 if quirks.empty_as_object => json!({}),
        1 if quirks.single_as_object => items.into_iter().next().unwrap_or(Value::Null),
        n => json!({"count": n, "items": items}),
    }
}

/// The `date` + `to` pair, or the 400 naming what is missing or malformed.
fn date_and_to(q: &Query) -> Result<(i64, String), Response> {
    let mut bad = Vec::new();
    let date = match q.first("date") {
        None | Some("") => {
            bad.push(("date", "Is required."));
            None
        }
        Some(d) => parse_date(d).or_else(|| {
            bad.push(("date", "Must be a date in the format YYYY-MM-DD."));
            None
        }),
    };
    let to = match q.first("to") {
        None | Some("") => {
            bad.push(("to", "Is required."));
            None
        }
        Some(t) => Some(t.to_owned()),
    };
    match (date, to) {
        (Some(d), Some(t)) if bad.is_empty() => Ok((d, t)),
        _ => Err(problem::search_bad_request(&bad)),
    }
}

fn on_day(r: &Record, day_ms: i64, to: &str) -> bool {
    r.product == Product::Sms
        && r.created_ms >= day_ms
        && r.created_ms < day_ms + 86_400_000
        && r.to.as_deref() == Some(to)
}

/// `GET /search/message?id=`.
pub async fn message(State(sim): SimState, headers: HeaderMap, uri: Uri) -> Response {
    let q = Query::parse(uri.query());
    let (quirks, at_us) = match authorize(&sim, &q, &headers) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let Some(id) = q.first("id").filter(|i| !i.is_empty()) else {
        return admitted(
            problem::search_bad_request(&[("id", "Is required.")]),
            at_us,
        );
    };
    let store = sim.store();
    let response = match sms(&store, id, visible_until(&sim)) {
        Some(r) => json(
            StatusCode::OK,
            &message_json(r, &sim.account.api_key, &quirks),
        ),
        None => crate::reply::empty(StatusCode::NOT_FOUND),
    };
    admitted(response, at_us)
}

/// `GET /search/messages?ids=…&ids=…` or `?date=YYYY-MM-DD&to=…`.
pub async fn messages(State(sim): SimState, headers: HeaderMap, uri: Uri) -> Response {
    let q = Query::parse(uri.query());
    let (quirks, at_us) = match authorize(&sim, &q, &headers) {
        Ok(v) => v,
        Err(r) => return r,
    };
    admitted(messages_inner(&sim, &q, &quirks), at_us)
}

fn messages_inner(sim: &crate::app::Sim, q: &Query, quirks: &SearchConfig) -> Response {
    let until = visible_until(sim);
    let ids = q.all("ids");
    let store = sim.store();
    let items: Vec<Value> = if !ids.is_empty() {
        if ids.len() > MAX_IDS {
            return problem::search_bad_request(&[("ids", "A maximum of 10 ids may be given.")]);
        }
        ids.iter()
            .filter_map(|id| sms(&store, id, until))
            .map(|r| message_json(r, &sim.account.api_key, quirks))
            .collect()
    } else {
        let (day, to) = match date_and_to(q) {
            Ok(v) => v,
            Err(r) => return r,
        };
        let mut found: Vec<&Record> = store
            .records
            .values()
            .filter(|r| on_day(r, day, &to) && visible(r, until))
            .collect();
        found.sort_by(|a, b| (a.created_ms, &a.id).cmp(&(b.created_ms, &b.id)));
        found
            .into_iter()
            .map(|r| message_json(r, &sim.account.api_key, quirks))
            .collect()
    };
    json(StatusCode::OK, &list_body(items, quirks))
}

/// `GET /search/rejections?date=YYYY-MM-DD&to=…`.
pub async fn rejections(State(sim): SimState, headers: HeaderMap, uri: Uri) -> Response {
    let q = Query::parse(uri.query());
    let (quirks, at_us) = match authorize(&sim, &q, &headers) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let (day, to) = match date_and_to(&q) {
        Ok(v) => v,
        Err(r) => return admitted(r, at_us),
    };
    let store = sim.store();
    let mut found: Vec<&Record> = store
        .records
        .values()
        .filter(|r| {
            on_day(r, day, &to)
                && visible(r, visible_until(&sim))
                && r.extra().status.as_deref() == Some("rejected")
        })
        .collect();
    found.sort_by(|a, b| (a.created_ms, &a.id).cmp(&(b.created_ms, &b.id)));
    let items: Vec<Value> = found
        .into_iter()
        .map(|r| {
            json!({
                "account-id": r.account(&sim.account.api_key),
                "from": r.from.as_deref().unwrap_or(""),
                "to": r.to.as_deref().unwrap_or(""),
                "date-received": search_format(r.created_ms),
                "error-code": "6",
                "error-code-label": "Anti-Spam Rejection",
            })
        })
        .collect();
    admitted(json(StatusCode::OK, &list_body(items, &quirks)), at_us)
}
