//! Building responses and reading request bodies, shared by every route.

use axum::body::{to_bytes, Body};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde::Serialize;

/// Rate-limiter admission time, attached to a response so the request log records it.
#[derive(Debug, Clone, Copy)]
pub struct AdmittedAt(pub u64);

/// A JSON response.
pub fn json<T: Serialize + ?Sized>(status: StatusCode, value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(bytes) => (
            status,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            bytes,
        )
            .into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// An empty response with `status`.
pub fn empty(status: StatusCode) -> Response {
    status.into_response()
}

/// Attaches the limiter admission time to a response.
pub fn admitted(mut response: Response, at_us: Option<u64>) -> Response {
    if let Some(at) = at_us {
        response.extensions_mut().insert(AdmittedAt(at));
    }
    response
}

/// Why a body could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyError {
    /// Larger than the limit.
    TooLarge,
    /// The connection failed while reading.
    Broken,
}

/// Reads a whole request body of at most `limit` bytes.
pub async fn read_body(body: Body, limit: usize) -> Result<Bytes, BodyError> {
    to_bytes(body, limit).await.map_err(|e| {
        if e.into_inner()
            .downcast_ref::<http_body_util::LengthLimitError>()
            .is_some()
        {
            BodyError::TooLarge
        } else {
            BodyError::Broken
        }
    })
}

/// Whether the `Content-Type` header names JSON (`application/json`, any parameters).
pub fn is_json_content_type(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| {
            let v = v.trim();
            v.eq_ignore_ascii_case("application/json")
                || v.eq_ignore_ascii_case("application/problem+json")
        })
}

/// The base URL clients used to reach the simulator (from `Host`), for links in responses.
pub fn base_url(headers: &axum::http::HeaderMap, fallback: &str) -> String {
    headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.len() <= 255
                && h.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
        })
        .map(|h| format!("http://{h}"))
        .unwrap_or_else(|| fallback.to_owned())
}
