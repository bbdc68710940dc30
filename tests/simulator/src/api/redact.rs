//! `POST /v1/redact/transaction`: the Redact API.
//!
//! Order of checks: Basic credentials (401), rate limit (429), body (413/422 invalid-json),
//! product (422 invalid-product), provisioning (403 unprovisioned), lookup by id, product and,
//! for SMS, direction (404 invalid-id), age on the simulator clock (403 premature-redaction),
//! then 204. A redacted record's numbers and text read `REDACTED`; every successful redaction is
//! counted, so duplicates are visible in `/_sim/state`.

use super::SimState;
use crate::auth::check_basic;
use crate::problem;
use crate::rate_limit::Admission;
use crate::records::{Direction, Product, RecordKey};
use crate::reply::{admitted, empty, is_json_content_type, read_body, BodyError};
use crate::store::RedactOutcome;
use axum::body::Body;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::Value;

/// The handler.
pub async fn redact(
    axum::extract::State(sim): SimState,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let (gateway_401, max_body, window_ms) = sim.with_settings(|s| {
        (
            s.redact_unauthorized_shape == "gateway",
            s.max_body_bytes,
            s.premature_window_ms,
        )
    });
    if let Err(e) = check_basic(&headers, &sim.account) {
        return if gateway_401 {
            problem::redact_unauthorized_gateway()
        } else {
            problem::unauthorized_problem(&e.detail())
        };
    }
    let at_us = match sim.redact_limiter.check() {
        Admission::Admitted { at_us } => at_us,
        Admission::Limited { retry_after } => {
            return problem::redact_rate_limited(Admission::retry_after_secs(retry_after));
        }
    };
    let response = match parse_and_redact(&sim, &headers, body, max_body, window_ms).await {
        Ok(r) | Err(r) => r,
    };
    admitted(response, Some(at_us))
}

async fn parse_and_redact(
    sim: &crate::app::Sim,
    headers: &HeaderMap,
    body: Body,
    max_body: usize,
    window_ms: i64,
) -> Result<Response, Response> {
    let bytes = read_body(body, max_body).await.map_err(|e| match e {
        BodyError::TooLarge => problem::payload_too_large(max_body),
        BodyError::Broken => problem::unreadable_body(),
    })?;
    if !is_json_content_type(headers) {
        return Err(problem::invalid_json(
            "Content-Type must be application/json",
        ));
    }
    let value: Value =
        serde_json::from_slice(&bytes).map_err(|e| problem::invalid_json(&e.to_string()))?;
    let Value::Object(obj) = value else {
        return Err(problem::invalid_json(
            "The request body must be a JSON object",
        ));
    };
    let id = match obj.get("id") {
        Some(Value::String(s)) if !s.is_empty() => s.as_str(),
        Some(Value::String(_)) => {
            return Err(problem::invalid_json("Field 'id' must not be empty"))
        }
        Some(_) => return Err(problem::invalid_json("Field 'id' must be a string")),
        None => return Err(problem::invalid_json("Missing required field 'id'")),
    };
    let product = match obj.get("product") {
        Some(Value::String(s)) => {
            Product::from_redact(s).ok_or_else(|| problem::invalid_product(s))?
        }
        Some(Value::Null) | None => {
            return Err(problem::invalid_json("Missing required field 'product'"))
        }
        Some(other) => return Err(problem::invalid_product(&other.to_string())),
    };
    let direction = match obj.get("type") {
        None | Some(Value::Null) => Direction::Outbound,
        Some(Value::String(s)) => Direction::parse(s).ok_or_else(|| {
            problem::invalid_json(&format!(
                "Field 'type' must be 'inbound' or 'outbound', not {s:?}"
            ))
        })?,
        Some(_) => return Err(problem::invalid_json("Field 'type' must be a string")),
    };
    let unprovisioned = sim.with_settings(|s| s.unprovisioned_products.contains(&product));
    if unprovisioned {
        return Err(problem::unprovisioned(
            &sim.account.api_key,
            product.as_str(),
        ));
    }
    let key = RecordKey::new(product, direction, id);
    let now = sim.clock.now_ms();
    let outcome = sim.store_mut().redact(&key, now, window_ms);
    match outcome {
        RedactOutcome::Redacted(_) => Ok(empty(StatusCode::NO_CONTENT)),
        RedactOutcome::NotFound => Err(problem::invalid_id(id, direction.mo_mt())),
        RedactOutcome::Premature => Err(problem::premature_redaction(
            id,
            (window_ms / 60_000).max(1),
        )),
    }
}
