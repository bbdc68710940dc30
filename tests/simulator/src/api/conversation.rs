//! The Conversation API routes erasekit uses, in the current v1 form and the 2021 v0.1 form.
//!
//! v1: `GET`/`PATCH`/`DELETE /v1/users/{id}`, `GET`/`DELETE /v1/conversations/{cid}`,
//! `GET`/`DELETE /v1/conversations/{cid}/events/{eid}` — deletes answer 204.
//! v0.1: `GET`/`PUT`/`DELETE /v0.1/users/{id}`, the same conversation and event paths, and
//! `GET /v0.1/legs`, `DELETE /v0.1/legs/{leg_id}` — deletes answer 200 `{}`.
//! All need an application JWT. Deleted resources answer 404 afterwards.

use super::{require_jwt, SimState};
use crate::app::Sim;
use crate::problem;
use crate::query::Query;
use crate::reply::{base_url, empty, json, read_body, BodyError};
use crate::resources::Leg;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use axum::routing::{delete, get};
use axum::Router;
use serde_json::{json, Map, Value};
use std::sync::Arc;

/// API generation of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Version {
    V1,
    V01,
}

impl Version {
    fn prefix(self) -> &'static str {
        match self {
            Version::V1 => "v1",
            Version::V01 => "v0.1",
        }
    }

    fn deleted(self) -> Response {
        match self {
            Version::V1 => empty(StatusCode::NO_CONTENT),
            Version::V01 => json(StatusCode::OK, &json!({})),
        }
    }
}

/// The Conversation routes.
pub fn routes() -> Router<Arc<Sim>> {
    Router::new()
        .route(
            "/v1/users/{id}",
            get(|s, h, p| get_user(s, h, p, Version::V1))
                .patch(|s, h, p, b| update_user(s, h, p, b, Version::V1))
                .delete(|s, h, p| delete_user(s, h, p, Version::V1)),
        )
        .route(
            "/v0.1/users/{id}",
            get(|s, h, p| get_user(s, h, p, Version::V01))
                .put(|s, h, p, b| update_user(s, h, p, b, Version::V01))
                .delete(|s, h, p| delete_user(s, h, p, Version::V01)),
        )
        .route(
            "/v1/conversations/{cid}",
            get(|s, h, p| get_conversation(s, h, p, Version::V1))
                .delete(|s, h, p| delete_conversation(s, h, p, Version::V1)),
        )
        .route(
            "/v0.1/conversations/{cid}",
            get(|s, h, p| get_conversation(s, h, p, Version::V01))
                .delete(|s, h, p| delete_conversation(s, h, p, Version::V01)),
        )
        .route(
            "/v1/conversations/{cid}/events/{eid}",
            get(|s, h, p| get_event(s, h, p, Version::V1))
                .delete(|s, h, p| delete_event(s, h, p, Version::V1)),
        )
        .route(
            "/v0.1/conversations/{cid}/events/{eid}",
            get(|s, h, p| get_event(s, h, p, Version::V01))
                .delete(|s, h, p| delete_event(s, h, p, Version::V01)),
        )
        .route("/v0.1/legs", get(list_legs))
        .route("/v0.1/legs/{leg_id}", delete(delete_leg))
}

fn user_json(sim: &Sim, headers: &HeaderMap, id: &str, v: Version) -> Option<Value> {
    let store = sim.store();
    let u = store.users.get(id)?;
    let href = format!(
        "{}/{}/users/{}",
        base_url(headers, &sim.base_url),
        v.prefix(),
        u.id
    );
    Some(match v {
        Version::V01 => json!({"id": u.id, "name": u.name, "href": href}),
        Version::V1 => json!({
            "id": u.id,
            "name": u.name,
            "display_name": u.display_name,
            "image_url": u.image_url,
            "properties": u.properties,
            "channels": u.channels,
            "_links": {"self": {"href": href}},
        }),
    })
}

async fn get_user(
    State(sim): SimState,
    headers: HeaderMap,
    Path(id): Path<String>,
    v: Version,
) -> Response {
    if let Err(r) = require_jwt(&sim, &headers, false) {
        return r;
    }
    match user_json(&sim, &headers, &id, v) {
        Some(body) => json(StatusCode::OK, &body),
        None => problem::not_found(&format!("User {id} not found")),
    }
}

/// Reads and checks an update body: a JSON object whose known fields have the right types.
async fn update_fields(sim: &Sim, body: Body, v: Version) -> Result<Map<String, Value>, Response> {
    let limit = sim.with_settings(|s| s.max_body_bytes);
    let bytes = read_body(body, limit).await.map_err(|e| match e {
        BodyError::TooLarge => problem::payload_too_large(limit),
        BodyError::Broken => problem::unreadable_body(),
    })?;
    let value: Value =
        serde_json::from_slice(&bytes).map_err(|e| problem::bad_json(&e.to_string()))?;
    let Value::Object(map) = value else {
        return Err(problem::bad_json("The request body must be a JSON object"));
    };
    for (field, value) in &map {
        let ok = match field.as_str() {
            "name" => value.as_str().is_some_and(|s| !s.is_empty()),
            "display_name" | "image_url" => value.is_string() || value.is_null(),
            "channels" => value.is_object(),
            "properties" if v == Version::V1 => value.is_object(),
            _ => true,
        };
        if !ok {
            return Err(problem::invalid_params(&format!(
                "Field '{field}' has the wrong type or is empty"
            )));
        }
    }
    Ok(map)
}

async fn update_user(
    State(sim): SimState,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Body,
    v: Version,
) -> Response {
    if let Err(r) = require_jwt(&sim, &headers, false) {
        return r;
    }
    let fields = match update_fields(&sim, body, v).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    {
        let mut store = sim.store_mut();
        let Some(user) = store.users.get_mut(&id) else {
            return problem::not_found(&format!("User {id} not found"));
        };
        for (field, value) in fields {
            match field.as_str() {
                "name" => user.name = value.as_str().unwrap_or_default().to_owned(),
                "display_name" => user.display_name = value.as_str().map(str::to_owned),
                "image_url" => user.image_url = value.as_str().map(str::to_owned),
                "channels" => user.channels = value,
                "properties" if v == Version::V1 => user.properties = value,
                _ => {}
            }
        }
    }
    match (v, user_json(&sim, &headers, &id, v)) {
        (Version::V01, Some(body)) => json(
            StatusCode::OK,
            &json!({"id": body["id"], "href": body["href"]}),
        ),
        (Version::V1, Some(body)) => json(StatusCode::OK, &body),
        (_, None) => problem::not_found(&format!("User {id} not found")),
    }
}

async fn delete_user(
    State(sim): SimState,
    headers: HeaderMap,
    Path(id): Path<String>,
    v: Version,
) -> Response {
    if let Err(r) = require_jwt(&sim, &headers, false) {
        return r;
    }
    if sim.store_mut().delete_user(&id) {
        v.deleted()
    } else {
        problem::not_found(&format!("User {id} not found"))
    }
}

async fn get_conversation(
    State(sim): SimState,
    headers: HeaderMap,
    Path(cid): Path<String>,
    v: Version,
) -> Response {
    if let Err(r) = require_jwt(&sim, &headers, false) {
        return r;
    }
    let store = sim.store();
    let Some(c) = store.conversations.get(&cid) else {
        return problem::not_found(&format!("Conversation {cid} not found"));
    };
    let href = format!(
        "{}/{}/conversations/{}",
        base_url(&headers, &sim.base_url),
        v.prefix(),
        c.id
    );
    let id_field = if v == Version::V1 { "id" } else { "uuid" };
    let mut body = json!({
        "name": c.name,
        "display_name": c.display_name,
        "sequence_number": c.events.keys().next_back().map(|k| k.to_string()).unwrap_or_else(|| "0".into()),
        "_links": {"self": {"href": href}},
    });
    body[id_field] = json!(c.id);
    json(StatusCode::OK, &body)
}

async fn delete_conversation(
    State(sim): SimState,
    headers: HeaderMap,
    Path(cid): Path<String>,
    v: Version,
) -> Response {
    if let Err(r) = require_jwt(&sim, &headers, false) {
        return r;
    }
    if sim.store_mut().delete_conversation(&cid) {
        v.deleted()
    } else {
        problem::not_found(&format!("Conversation {cid} not found"))
    }
}

async fn get_event(
    State(sim): SimState,
    headers: HeaderMap,
    Path((cid, eid)): Path<(String, String)>,
    v: Version,
) -> Response {
    if let Err(r) = require_jwt(&sim, &headers, false) {
        return r;
    }
    let store = sim.store();
    let event = eid
        .parse::<u64>()
        .ok()
        .and_then(|n| store.conversations.get(&cid)?.events.get(&n));
    match event {
        Some(e) => {
            let href = format!(
                "{}/{}/conversations/{cid}/events/{}",
                base_url(&headers, &sim.base_url),
                v.prefix(),
                e.id
            );
            json(StatusCode::OK, &e.to_json(href))
        }
        None => problem::not_found(&format!("Event {eid} not found in conversation {cid}")),
    }
}

async fn delete_event(
    State(sim): SimState,
    headers: HeaderMap,
    Path((cid, eid)): Path<(String, String)>,
    v: Version,
) -> Response {
    if let Err(r) = require_jwt(&sim, &headers, false) {
        return r;
    }
    let deleted = eid
        .parse::<u64>()
        .is_ok_and(|n| sim.store_mut().delete_event(&cid, n));
    if deleted {
        v.deleted()
    } else {
        problem::not_found(&format!("Event {eid} not found in conversation {cid}"))
    }
}

async fn list_legs(State(sim): SimState, headers: HeaderMap, uri: Uri) -> Response {
    if let Err(r) = require_jwt(&sim, &headers, false) {
        return r;
    }
    let q = Query::parse(uri.query());
    let page_size = match q.first("page_size").map(str::parse::<usize>) {
        None => 10,
        Some(Ok(n)) if (1..=100).contains(&n) => n,
        Some(_) => return problem::invalid_params("page_size must be between 1 and 100"),
    };
    let record_index = match q.first("record_index").map(str::parse::<usize>) {
        None => 0,
        Some(Ok(n)) => n,
        Some(Err(_)) => {
            return problem::invalid_params("record_index must be a non-negative integer")
        }
    };
    let base = base_url(&headers, &sim.base_url);
    let store = sim.store();
    let mut legs: Vec<&Leg> = store.legs.values().collect();
    legs.sort_by(|a, b| (a.created_ms, &a.id).cmp(&(b.created_ms, &b.id)));
    let count = legs.len();
    let page: Vec<Value> = legs
        .into_iter()
        .skip(record_index)
        .take(page_size)
        .map(|l| l.to_json(&base))
        .collect();
    json(
        StatusCode::OK,
        &json!({
            "count": count,
            "page_size": page_size,
            "record_index": record_index,
            "_links": {"self": {"href": format!("{base}/v0.1/legs")}},
            "_embedded": {"legs": page},
        }),
    )
}

async fn delete_leg(
    State(sim): SimState,
    headers: HeaderMap,
    Path(leg_id): Path<String>,
) -> Response {
    if let Err(r) = require_jwt(&sim, &headers, false) {
        return r;
    }
    if sim.store_mut().delete_leg(&leg_id) {
        Version::V01.deleted()
    } else {
        problem::not_found(&format!("Leg {leg_id} not found"))
    }
}
