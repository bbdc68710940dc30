//! Reading the bodies of Vonage's 200 answers (access.md §8, §9.2, §10, §12.4): records pages,
//! async report statuses in both documented shapes, Message Search's three shapes.

use crate::access::interpret::{AccessEndpoint, RecordsPage, ReportState, ReportStatus, PAGE_SIZE};
use serde_json::{Map, Value};

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_owned)
}

pub(crate) fn report_status(v: &Value) -> Option<ReportStatus> {
    let raw = text(v, "request_status").or_else(|| text(v, "status"))?;
    let state = match raw.to_ascii_uppercase().as_str() {
        "PENDING" => ReportState::Pending,
        "PROCESSING" => ReportState::Processing,
        "SUCCESS" => ReportState::Success,
        "TRUNCATED" => ReportState::Truncated,
        "FAILED" => ReportState::Failed,
        "ABORTED" => ReportState::Aborted,
        _ => ReportState::Unknown(raw.chars().take(40).collect()),
    };
    let download_href = v
        .pointer("/_links/download_report/href")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .or_else(|| text(v, "download_url"));
    Some(ReportStatus {
        request_id: text(v, "request_id"),
        state,
        download_href,
        items_count: v.get("items_count").and_then(|c| {
            c.as_u64()
                .or_else(|| c.as_str().and_then(|s| s.parse().ok()))
        }),
    })
}

/// `ids_not_found` in every shape seen or plausible (E1).
pub fn parse_ids_not_found(v: Option<&Value>) -> Vec<String> {
    let mut ids: Vec<String> = match v {
        Some(Value::String(s)) => s.split(',').map(|i| i.trim().to_owned()).collect(),
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(|i| i.trim().to_owned())
            .collect(),
        _ => Vec::new(),
    };
    ids.retain(|i| !i.is_empty());
    ids.dedup();
    ids
}

/// The Vonage id fields a record may carry, by product family.
pub(crate) const ID_FIELDS: [&str; 4] = ["message_id", "call_id", "request_id", "message-id"];

pub(crate) fn records_page(
    endpoint: AccessEndpoint,
    v: &Value,
) -> Result<RecordsPage, &'static str> {
    let request_status = text(v, "request_status").unwrap_or_default();
    let records = match v.get("records") {
        Some(Value::Array(items)) => items
            .iter()
            .map(|r| r.as_object().cloned().ok_or("a record is not an object"))
            .collect::<Result<Vec<_>, _>>()?,
        None | Some(Value::Null) => Vec::new(),
        Some(_) => return Err("records is not an array"),
    };
    let truncated = request_status.eq_ignore_ascii_case("TRUNCATED");
    let by_id = endpoint == AccessEndpoint::RecordsById;
    if by_id && truncated {
        return Err("a by-id answer cannot be TRUNCATED");
    }
    let found: Vec<&str> = records
        .iter()
        .flat_map(|r| ID_FIELDS.iter().filter_map(|k| r.get(*k)?.as_str()))
        .collect();
    let mut ids_not_found = parse_ids_not_found(v.get("ids_not_found"));
    ids_not_found.retain(|id| !found.contains(&id.as_str()));
    let next_href = v
        .pointer("/_links/next/href")
        .and_then(Value::as_str)
        .map(str::to_owned);
    // A SUCCESS page with a next link is followed only when it is full (§8, .NET mock).
    let has_more = !by_id && (truncated || (next_href.is_some() && records.len() == PAGE_SIZE));
    Ok(RecordsPage {
        request_status,
        records,
        ids_not_found,
        has_more,
        next_href,
        cursor: text(v, "cursor"),
        iv: text(v, "iv"),
    })
}

/// `{count, items[]}`, a single message object, or `{}` (none) [OAS:search; PHP-old].
pub(crate) fn search_items(v: Value) -> Option<Vec<Map<String, Value>>> {
    let Value::Object(map) = v else { return None };
    if map.is_empty() {
        return Some(Vec::new());
    }
    let items = if map.contains_key("message-id") {
        vec![map]
    } else {
        match map.get("items") {
            Some(Value::Array(items)) => items
                .iter()
                .map(|i| i.as_object().cloned())
                .collect::<Option<Vec<_>>>()?,
            None | Some(Value::Null) if map.contains_key("count") => Vec::new(),
            _ => return None,
        }
    };
    // `type` is MT (outbound) or MO (inbound); rejections have none. Anything else: malformed.
    let typed_ok = items.iter().all(|i| match i.get("type") {
        None => true,
        Some(t) => matches!(t.as_str(), Some("MT" | "MO")),
    });
    typed_ok.then_some(items)
}
