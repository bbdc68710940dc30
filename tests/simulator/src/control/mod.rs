//! The control plane under `/_sim/`: seed data, read and set the clock, read state and the
//! request log, install faults, change settings. Never mixed with the Vonage routes, never
//! rate limited, never faulted, and not recorded in the request log.

mod behaviour;
mod data;
mod observe;

use crate::app::Sim;
use crate::reply::{json, read_body, BodyError};
use axum::body::Body;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde::de::DeserializeOwned;
use serde_json::json;
use std::sync::Arc;

/// The `/_sim` routes (to be nested under `/_sim`).
pub fn routes() -> Router<Arc<Sim>> {
    Router::new()
        .route("/health", get(observe::health))
        .route(
            "/settings",
            get(observe::settings).post(observe::update_settings),
        )
        .route("/clock", get(observe::clock).post(observe::set_clock))
        .route("/state", get(observe::state))
        .route("/log", get(observe::log).delete(observe::clear_log))
        .route(
            "/faults",
            get(observe::faults)
                .post(observe::set_faults)
                .delete(observe::clear_faults),
        )
        .route("/seed", post(data::seed))
        .route("/generate", post(data::generate))
        .route("/records", get(data::records))
        .route("/reset", post(data::reset))
        .route(
            "/reports/modes",
            get(behaviour::reports_modes).post(behaviour::set_reports_modes),
        )
        .route(
            "/reports/script",
            get(behaviour::report_script)
                .post(behaviour::script_reports)
                .delete(behaviour::clear_report_script),
        )
        .route(
            "/search/modes",
            get(behaviour::search_modes).post(behaviour::set_search_modes),
        )
}

/// A control-plane error: 400 (or `status`) with `{"error": "..."}`.
pub(crate) fn error(status: StatusCode, message: &str) -> Response {
    json(status, &json!({"error": message}))
}

/// Reads and parses a JSON control body (an empty body parses as `{}`).
pub(crate) async fn body_json<T: DeserializeOwned>(sim: &Sim, body: Body) -> Result<T, Response> {
    let limit = sim.with_settings(|s| s.max_control_body_bytes);
    let bytes = read_body(body, limit).await.map_err(|e| match e {
        BodyError::TooLarge => error(
            StatusCode::PAYLOAD_TOO_LARGE,
            &format!("control bodies are limited to {limit} bytes"),
        ),
        BodyError::Broken => error(StatusCode::BAD_REQUEST, "the body could not be read"),
    })?;
    let bytes: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        &bytes
    };
    serde_json::from_slice(bytes)
        .map_err(|e| error(StatusCode::BAD_REQUEST, &format!("invalid JSON body: {e}")))
}
