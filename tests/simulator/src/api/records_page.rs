//! One page of `GET /v2/reports/records`: the selected rows from an offset, `ids_not_found`,
//! and, when more rows follow, `TRUNCATED` with `cursor`, `iv` and `_links.next` — bent by the
//! `reports.next_link` mode (a foreign host, a repeating cursor, a last page that links on).

use crate::app::Sim;
use crate::config::{NextLink, ReportsConfig};
use crate::prng::{fnv1a64, fresh_uuid};
use crate::query::Query;
use crate::report_rows::{columns, row_json, RecordFilter, RowSource};
use crate::timestamp::reports_format;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Map, Value};

/// The cursor for the page starting at `offset`, issued at simulator time `issued_ms` (so it
/// can expire), and its `iv`.
pub fn cursor_for(offset: usize, issued_ms: i64) -> (String, String) {
    let cursor = URL_SAFE_NO_PAD.encode(format!("offset:{offset}:at:{issued_ms}"));
    let iv = format!("{:016x}", fnv1a64(format!("iv/{cursor}").as_bytes()));
    (cursor, iv)
}

/// The offset a cursor stands for and when it was issued, if its `iv` is the one it was
/// issued with.
pub fn offset_from(cursor: &str, iv: &str) -> Option<(usize, i64)> {
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(cursor).ok()?).ok()?;
    let (offset, issued) = text.strip_prefix("offset:")?.split_once(":at:")?;
    let (offset, issued) = (offset.parse().ok()?, issued.parse().ok()?);
    (cursor_for(offset, issued).1 == iv).then_some((offset, issued))
}

/// Where the page was asked for.
pub struct Page<'a> {
    /// Scheme and host the client used.
    pub base: String,
    /// The request path.
    pub path: &'a str,
    /// The raw query string.
    pub query: Option<&'a str>,
    /// Rows before this page.
    pub offset: usize,
    /// The `cursor` and `iv` the request carried, if any.
    pub cursor: Option<(String, String)>,
}

/// The base URL of `foreign_host` links: the configured one, else this port on 127.0.0.2.
fn foreign_base(sim: &Sim, cfg: &ReportsConfig) -> String {
    cfg.foreign_base.clone().unwrap_or_else(|| {
        let port = sim.base_url.rsplit(':').next().unwrap_or("80");
        format!("http://127.0.0.2:{port}")
    })
}

/// One page of records, with `TRUNCATED` and its links as the `next_link` mode says.
pub fn page_body(
    sim: &Sim,
    cfg: &ReportsConfig,
    q: &Query,
    at: &Page<'_>,
    filter: &RecordFilter,
    include_message: bool,
    show_concatenated: bool,
) -> Map<String, Value> {
    let page_size = cfg.page_size;
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
        .skip(at.offset)
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
    let more = at.offset.saturating_add(page_size) < rows.len();
    let mut links = Map::new();
    let self_href = match at.query {
        Some(qs) => format!("{}{}?{qs}", at.base, at.path),
        None => format!("{}{}", at.base, at.path),
    };
    links.insert("self".into(), json!({"href": self_href}));
    let mut body = Map::new();
    let last_with_next = cfg.next_link == NextLink::SuccessWithNext && !more && !page.is_empty();
    if more || last_with_next {
        // RepeatCursor hands the cursor it was given straight back (the first page's is fresh).
        let (cursor, iv) = match (&at.cursor, cfg.next_link) {
            (Some(given), NextLink::RepeatCursor) => given.clone(),
            _ => cursor_for(at.offset + page_size, now),
        };
        let next = q.encode_with(&[("cursor", &cursor), ("iv", &iv)]);
        let host = match cfg.next_link {
            NextLink::ForeignHost => foreign_base(sim, cfg),
            _ => at.base.clone(),
        };
        links.insert(
            "next".into(),
            json!({"href": format!("{host}{}?{next}", at.path)}),
        );
        if more {
            body.insert("cursor".into(), json!(cursor));
            body.insert("iv".into(), json!(iv));
        }
    }
    body.insert("_links".into(), Value::Object(links));
    body.insert("request_id".into(), json!(fresh_uuid()));
    body.insert(
        "request_status".into(),
        json!(if more { "TRUNCATED" } else { "SUCCESS" }),
    );
    body.insert("received_at".into(), json!(reports_format(now)));
    body.insert(
        "price".into(),
        json!((page.len() as f64 * 0.0004 * 10_000.0).round() / 10_000.0),
    );
    body.insert("currency".into(), json!("EUR"));
    let account = filter.accounts.first().unwrap_or(&filter.default_account);
    body.insert("account_id".into(), json!(account));
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
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_round_trip() {
        let (c, iv) = cursor_for(2000, 1_700_000_000_000);
        assert_eq!(offset_from(&c, &iv), Some((2000, 1_700_000_000_000)));
        assert_eq!(offset_from(&c, "0000000000000000"), None);
        assert_eq!(offset_from("!!", &iv), None);
    }
}
