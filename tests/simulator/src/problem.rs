//! Error bodies, spelled exactly as the Vonage specifications spell them.
//!
//! Newer APIs answer RFC 7807 objects (`type`, `title`, `detail`, `instance`); the Redact 401
//! uses the older gateway shape `{"type":"UNAUTHORIZED","error_title":"Unauthorized"}`;
//! Message Search has its own shapes. `instance` is a trace id, unique per response.

use crate::prng::SplitMix64;
use crate::reply::json;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use serde_json::{json, Map, Value};
use std::sync::atomic::{AtomicU64, Ordering};

const ERRORS: &str = "https://developer.nexmo.com/api-errors";

static TRACE: AtomicU64 = AtomicU64::new(0x5EED);

/// A fresh 32-hex-digit trace id for `instance`.
pub fn trace_id() -> String {
    SplitMix64::new(TRACE.fetch_add(1, Ordering::Relaxed)).hex(32)
}

/// An RFC 7807 body with `type`, `title`, `detail` and `instance`.
pub fn problem(status: StatusCode, type_url: &str, title: &str, detail: &str) -> Response {
    json(
        status,
        &json!({"type": type_url, "title": title, "detail": detail, "instance": trace_id()}),
    )
}

fn with_retry_after(mut response: Response, seconds: u64) -> Response {
    if let Ok(v) = HeaderValue::from_str(&seconds.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, v);
    }
    response
}

// ---- Redact -------------------------------------------------------------------------------

/// Redact 401, gateway shape.
pub fn redact_unauthorized_gateway() -> Response {
    json(
        StatusCode::UNAUTHORIZED,
        &json!({"type": "UNAUTHORIZED", "error_title": "Unauthorized"}),
    )
}

/// 401 in RFC 7807 form (Reports, and Redact when configured so).
pub fn unauthorized_problem(detail: &str) -> Response {
    problem(
        StatusCode::UNAUTHORIZED,
        &format!("{ERRORS}#unauthorized"),
        "Unauthorized",
        detail,
    )
}

/// Redact 422 invalid-json.
pub fn invalid_json(detail: &str) -> Response {
    problem(
        StatusCode::UNPROCESSABLE_ENTITY,
        &format!("{ERRORS}#invalid-json"),
        "Invalid JSON",
        detail,
    )
}

/// Redact 422 invalid-product.
pub fn invalid_product(supplied: &str) -> Response {
    problem(
        StatusCode::UNPROCESSABLE_ENTITY,
        &format!("{ERRORS}/redact#invalid-product"),
        "Invalid Product",
        &format!("No product corresponding to supplied string {supplied}!"),
    )
}

/// Redact 404 invalid-id.
pub fn invalid_id(id: &str, mo_mt: &str) -> Response {
    problem(
        StatusCode::NOT_FOUND,
        &format!("{ERRORS}#invalid-id"),
        "Invalid ID",
        &format!("ID '{id}' could not be found (type={mo_mt})"),
    )
}

/// Redact 403 premature-redaction.
pub fn premature_redaction(id: &str, minutes: i64) -> Response {
    problem(
        StatusCode::FORBIDDEN,
        &format!("{ERRORS}/redact#premature-redaction"),
        "Premature Redaction",
        &format!("You must wait {minutes} minutes before redacting ID '{id}'"),
    )
}

/// Redact 403 unprovisioned.
pub fn unprovisioned(user: &str, product: &str) -> Response {
    problem(
        StatusCode::FORBIDDEN,
        &format!("{ERRORS}#unprovisioned"),
        "Authorisation error",
        &format!(
            "User={user} is not provisioned to redact product={}",
            product.to_ascii_uppercase()
        ),
    )
}

/// Redact 429 rate-limit, with `Retry-After`.
pub fn redact_rate_limited(retry_after_s: u64) -> Response {
    with_retry_after(
        problem(
            StatusCode::TOO_MANY_REQUESTS,
            &format!("{ERRORS}/redact#rate-limit"),
            "Rate Limit Hit",
            "Please wait, then retry your request",
        ),
        retry_after_s,
    )
}

// ---- Reports ------------------------------------------------------------------------------

/// Reports 429 (error code `rate-limit`), with `Retry-After`.
pub fn reports_rate_limited(retry_after_s: u64) -> Response {
    with_retry_after(
        problem(
            StatusCode::TOO_MANY_REQUESTS,
            &format!("{ERRORS}/reports#rate-limit"),
            "Rate Limit Hit",
            "Please wait, then retry your request",
        ),
        retry_after_s,
    )
}

/// Reports 403.
pub fn reports_forbidden() -> Response {
    problem(
        StatusCode::FORBIDDEN,
        &format!("{ERRORS}#forbidden"),
        "Forbidden",
        "User not authorized to query the requested data.",
    )
}

/// Sync Reports 422 listing parameters: `{title, invalid_parameters: [{name, reason}], instance}`.
pub fn reports_invalid_parameters(params: &[(&str, String)]) -> Response {
    let list: Vec<Value> = params
        .iter()
        .map(|(name, reason)| json!({"name": name, "reason": reason}))
        .collect();
    json(
        StatusCode::UNPROCESSABLE_ENTITY,
        &json!({"title": "Unprocessable entity", "invalid_parameters": list, "instance": trace_id()}),
    )
}

/// Sync Reports 422 invalid-filter.
pub fn reports_invalid_filter(detail: &str) -> Response {
    problem(
        StatusCode::UNPROCESSABLE_ENTITY,
        &format!("{ERRORS}/reports#invalid-filter"),
        "Invalid filter",
        detail,
    )
}

/// Async Reports 400 malformed JSON.
pub fn reports_malformed_json() -> Response {
    problem(
        StatusCode::BAD_REQUEST,
        &format!("{ERRORS}#invalid-json"),
        "Malformed JSON",
        "Malformed JSON payload.",
    )
}

/// Reports 400 invalid-request-parameters (list reports).
pub fn reports_invalid_request(detail: &str) -> Response {
    problem(
        StatusCode::BAD_REQUEST,
        &format!("{ERRORS}/reports#invalid-request-parameters"),
        "Invalid request parameter",
        detail,
    )
}

/// Async Reports 422.
pub fn reports_unprocessable(detail: &str) -> Response {
    problem(
        StatusCode::UNPROCESSABLE_ENTITY,
        &format!("{ERRORS}/reports#invalid-request-parameters"),
        "Unprocessable entity",
        detail,
    )
}

/// Reports 404 (unknown report or file).
pub fn report_not_found(id: &str) -> Response {
    problem(
        StatusCode::NOT_FOUND,
        &format!("{ERRORS}#not-found"),
        "Invalid report ID",
        &format!("Report {id} does not exist, or you do not have access."),
    )
}

/// Reports 409 invalid-abort-operation.
pub fn report_invalid_abort() -> Response {
    problem(
        StatusCode::CONFLICT,
        &format!("{ERRORS}/reports#invalid-abort-operation"),
        "Invalid Abort Operation",
        "The job is already in a terminated state such as `SUCCESS`, `TRUNCATED`, `FAILED` or `ABORTED`.",
    )
}

// ---- Message Search -----------------------------------------------------------------------

/// Message Search 400: `{type: "BAD_REQUEST", error_title, invalid_parameters: {name: reason}}`.
pub fn search_bad_request(params: &[(&str, &str)]) -> Response {
    let map: Map<String, Value> = params
        .iter()
        .map(|(k, v)| ((*k).to_owned(), json!(v)))
        .collect();
    json(
        StatusCode::BAD_REQUEST,
        &json!({"type": "BAD_REQUEST", "error_title": "Bad Request", "invalid_parameters": map}),
    )
}

/// Message Search 401: `{error-code: "401", error-code-label}`.
pub fn search_unauthorized() -> Response {
    json(
        StatusCode::UNAUTHORIZED,
        &json!({"error-code": "401", "error-code-label": "authentication failed"}),
    )
}

/// Message Search 429: no shape is documented; this one mirrors its 401 body with the words
/// PHP's SDK met ("too many concurrent requests").
pub fn search_rate_limited(retry_after_s: u64) -> Response {
    with_retry_after(
        json(
            StatusCode::TOO_MANY_REQUESTS,
            &json!({"error-code": "429", "error-code-label": "too many concurrent requests"}),
        ),
        retry_after_s,
    )
}

// ---- Generic ------------------------------------------------------------------------------

/// 404 for Media and Conversation resources (`…/api-errors#not-found`).
pub fn not_found(detail: &str) -> Response {
    problem(
        StatusCode::NOT_FOUND,
        &format!("{ERRORS}#not-found"),
        "Not Found",
        detail,
    )
}

/// 400 for an unparseable JSON body on Media / Conversation routes.
pub fn bad_json(detail: &str) -> Response {
    problem(
        StatusCode::BAD_REQUEST,
        &format!("{ERRORS}#invalid-json"),
        "Invalid JSON",
        detail,
    )
}

/// 422 for a JSON body that breaks the request schema on Conversation routes.
pub fn invalid_params(detail: &str) -> Response {
    problem(
        StatusCode::UNPROCESSABLE_ENTITY,
        &format!("{ERRORS}#invalid-params"),
        "Invalid parameters",
        detail,
    )
}

/// 413 for a body over the configured limit.
pub fn payload_too_large(limit: usize) -> Response {
    problem(
        StatusCode::PAYLOAD_TOO_LARGE,
        "about:blank",
        "Payload Too Large",
        &format!("Request bodies are limited to {limit} bytes"),
    )
}

/// 400 when the body could not be read.
pub fn unreadable_body() -> Response {
    problem(
        StatusCode::BAD_REQUEST,
        "about:blank",
        "Bad Request",
        "The request body could not be read",
    )
}

/// 404 for a path no route serves.
pub fn unknown_route(path: &str) -> Response {
    problem(
        StatusCode::NOT_FOUND,
        "about:blank",
        "Not Found",
        &format!("The simulator serves no route at {path}"),
    )
}

/// An injected 5xx.
pub fn injected_status(status: StatusCode) -> Response {
    problem(
        status,
        "about:blank",
        status.canonical_reason().unwrap_or("Server Error"),
        "Injected by the simulator's fault plan",
    )
}

/// An injected 429 storm: the rate-limit body of the API the route belongs to.
pub fn injected_storm(route_template: &str, retry_after_s: u64) -> Response {
    if route_template.starts_with("/v2/reports") {
        reports_rate_limited(retry_after_s)
    } else if route_template.starts_with("/v1/redact") {
        redact_rate_limited(retry_after_s)
    } else {
        with_retry_after(
            problem(
                StatusCode::TOO_MANY_REQUESTS,
                &format!("{ERRORS}#rate-limit"),
                "Rate Limit Hit",
                "Please wait, then retry your request",
            ),
            retry_after_s,
        )
    }
}
