//! `GET /v2/reports/records`: the synchronous Reports API.
//!
//! Checks, in order: Basic (401), the 10/s limit (429), then the query: `product` (required,
//! known), `account_id` (optional; must be this account, else 403), `direction` (required for
//! SMS and MESSAGES, refused where the product has none), `id` (at most 20, not combined with
//! `status`/`date_start`/`date_end`), otherwise `date_start` + `date_end` (ISO-8601, at most
//! `reports.max_window_ms` apart, 24 hours by default), booleans, and the `cursor`/`iv` pair.
//! The page itself is built by [`super::records_page`].

use super::accounts::reports_scope;
use super::records_page::{offset_from, page_body, Page};
use super::SimState;
use crate::auth::check_basic;
use crate::config::{ReportsConfig, SubaccountConfig};
use crate::problem;
use crate::query::Query;
use crate::rate_limit::Admission;
use crate::records::Direction;
use crate::reply::{admitted, base_url, json};
use crate::report_rows::{direction_allowed, direction_required, RecordFilter};
use crate::timestamp::parse_iso;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;

/// Most ids one query may name.
pub const MAX_IDS: usize = 20;
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

/// "24 hours", or the span in the largest unit that divides it.
fn span_words(ms: i64) -> String {
    if ms % 3_600_000 == 0 {
        format!("{} hours", ms / 3_600_000)
    } else if ms % 1000 == 0 {
        format!("{} seconds", ms / 1000)
    } else {
        format!("{ms} milliseconds")
    }
}

/// The validated query, or the 4xx to send.
fn parse_query(
    q: &Query,
    (primary, subaccounts): (&str, &[SubaccountConfig]),
    cfg: &ReportsConfig,
    now_ms: i64,
) -> Result<(RecordFilter, bool, bool, usize), Response> {
    let mut bad: Vec<(&'static str, String)> = Vec::new();
    let product = match q.first("product") {
        None | Some("") => {
            return Err(problem::reports_invalid_parameters(&[(
                "product",
                "Missing required parameter".into(),
            )]))
        }
        Some(p) if cfg.known_products().contains(&p) => p.to_owned(),
        Some(_) => {
            return Err(problem::reports_invalid_parameters(&[(
                "product",
                format!(
                    "Could not resolve product name. Please use one of the following values [{}]",
                    cfg.known_products().join(", ")
                ),
            )]))
        }
    };
    // Sync queries read one account; a subaccount's needs its own query [vonage-facts §4.2].
    let scope = reports_scope(primary, subaccounts, q.first("account_id"), false)?;
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
        matching: cfg.filter_match,
        prefix_len: cfg.prefix_len,
        visible_until: cfg.visible_until(now_ms),
        accounts: scope,
        default_account: primary.to_owned(),
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
            if e - s > cfg.max_window_ms {
                return Err(problem::reports_invalid_filter(&format!(
                    "date_end must be no more than {} later than date_start",
                    span_words(cfg.max_window_ms)
                )));
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
        (Some(c), Some(iv)) => match offset_from(c, iv) {
            None => {
                bad.push(("cursor", "Invalid cursor or iv".into()));
                0
            }
            // Cursor lifetime is not documented (N13): they live for ever unless configured.
            Some((_, issued)) if cfg.cursor_ttl_ms.is_some_and(|ttl| now_ms - issued > ttl) => {
                bad.push(("cursor", "The cursor has expired".into()));
                0
            }
            Some((offset, _)) => offset,
        },
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
    if sim.with_settings(|s| s.reports.unprovisioned) {
        return problem::reports_forbidden();
    }
    let at_us = match sim.records_limiter.check() {
        Admission::Admitted { at_us } => at_us,
        Admission::Limited { retry_after } => {
            return problem::reports_rate_limited(Admission::retry_after_secs(retry_after))
        }
    };
    let q = Query::parse(uri.query());
    let cfg = sim.with_settings(|s| s.reports.clone());
    let subaccounts = sim.with_settings(|s| s.subaccounts.clone());
    let accounts = (sim.account.api_key.as_str(), subaccounts.as_slice());
    let response = match parse_query(&q, accounts, &cfg, sim.clock.now_ms()) {
        Ok((filter, include_message, show_concatenated, offset)) => {
            let page = Page {
                base: base_url(&headers, &sim.base_url),
                path: uri.path(),
                query: uri.query(),
                offset,
                cursor: q
                    .first("cursor")
                    .zip(q.first("iv"))
                    .map(|(c, iv)| (c.to_owned(), iv.to_owned())),
            };
            let body = page_body(
                &sim,
                &cfg,
                &q,
                &page,
                &filter,
                include_message,
                show_concatenated,
            );
            json(StatusCode::OK, &body)
        }
        Err(r) => r,
    };
    admitted(response, Some(at_us))
}
