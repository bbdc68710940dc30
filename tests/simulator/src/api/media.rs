//! The Media API: `GET /v3/media`, `GET /v3/media/{id}/info`, `DELETE /v3/media/{id}`.
//!
//! Authentication is an application JWT (what the SDKs send today) or Basic (the current
//! reference says either is accepted). Deleted items answer 404 afterwards.

use super::{require_jwt, SimState};
use crate::problem;
use crate::query::Query;
use crate::reply::{base_url, empty, json};
use crate::resources::MediaItem;
use crate::timestamp::parse_iso;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use serde_json::json;

/// `GET /v3/media/{id}/info`: the Media object.
pub async fn info(State(sim): SimState, headers: HeaderMap, Path(id): Path<String>) -> Response {
    if let Err(r) = require_jwt(&sim, &headers, true) {
        return r;
    }
    match sim.store().media.get(&id) {
        Some(item) => json(StatusCode::OK, item),
        None => problem::not_found(&format!("Media item {id} not found")),
    }
}

/// `DELETE /v3/media/{id}`: 204, or 404 when unknown (or already deleted).
pub async fn delete(State(sim): SimState, headers: HeaderMap, Path(id): Path<String>) -> Response {
    if let Err(r) = require_jwt(&sim, &headers, true) {
        return r;
    }
    if sim.store_mut().delete_media(&id) {
        empty(StatusCode::NO_CONTENT)
    } else {
        problem::not_found(&format!("Media item {id} not found"))
    }
}

fn int_param(q: &Query, name: &str, default: u64) -> Result<u64, Response> {
    match q.first(name) {
        None => Ok(default),
        Some(v) => v.parse::<u64>().map_err(|_| {
            problem::invalid_params(&format!("{name} must be a non-negative integer"))
        }),
    }
}

/// `GET /v3/media`: pages of media items, filtered by creation time.
pub async fn list(State(sim): SimState, headers: HeaderMap, uri: Uri) -> Response {
    if let Err(r) = require_jwt(&sim, &headers, true) {
        return r;
    }
    let q = Query::parse(uri.query());
    let descending = match q.first("order") {
        None | Some("descending") => true,
        Some("ascending") => false,
        Some(_) => return problem::invalid_params("order must be ascending or descending"),
    };
    let page_index = match int_param(&q, "page_index", 0) {
        Ok(v) => v as usize,
        Err(r) => return r,
    };
    let page_size = match int_param(&q, "page_size", 20) {
        Ok(v) if (1..=1000).contains(&v) => v as usize,
        Ok(_) => return problem::invalid_params("page_size must be between 1 and 1000"),
        Err(r) => return r,
    };
    let now = sim.clock.now_ms();
    let time = |name: &str, default: Option<i64>| -> Result<Option<i64>, Response> {
        match q.first(name) {
            None => Ok(default),
            Some(v) => parse_iso(v).map(Some).ok_or_else(|| {
                problem::invalid_params(&format!("{name} must be an ISO-8601 time"))
            }),
        }
    };
    let start = match time("start_time", Some(now - 7 * 86_400_000)) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let end = match time("end_time", None) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let store = sim.store();
    let mut items: Vec<&MediaItem> = store
        .media
        .values()
        .filter(|m| {
            let t = parse_iso(&m.time_created).unwrap_or(0);
            start.map_or(true, |s| t >= s) && end.map_or(true, |e| t <= e)
        })
        .collect();
    items.sort_by(|a, b| (&a.time_created, &a.id).cmp(&(&b.time_created, &b.id)));
    if descending {
        items.reverse();
    }
    let count = items.len();
    let page: Vec<&MediaItem> = items
        .into_iter()
        .skip(page_index.saturating_mul(page_size))
        .take(page_size)
        .collect();
    let base = base_url(&headers, &sim.base_url);
    let order = if descending {
        "descending"
    } else {
        "ascending"
    };
    let link = |index: usize| json!({"href": format!("{base}/v3/media?page_size={page_size}&page_index={index}&order={order}")});
    let last = count.saturating_sub(1) / page_size;
    let mut links = json!({"self": link(page_index), "first": link(0), "last": link(last)});
    if page_index < last {
        links["next"] = link(page_index + 1);
    }
    json(
        StatusCode::OK,
        &json!({
            "page_size": page.len(),
            "page_index": page_index,
            "_links": links,
            "count": count,
            "_embedded": {"media": page},
        }),
    )
}
