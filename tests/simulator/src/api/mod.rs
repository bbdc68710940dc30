//! The Vonage-compatible routes, assembled into one router with the control plane.

pub mod accounts;
pub mod conversation;
pub mod media;
pub mod records_page;
pub mod redact;
pub mod report_request;
pub mod reports_async;
pub mod reports_records;
pub mod search;

use crate::app::Sim;
use crate::auth::{check_basic, check_bearer, has_basic};
use crate::pipeline::pipeline;
use crate::problem;
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::middleware::from_fn_with_state;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use std::sync::Arc;

/// Every route: Vonage APIs, the control plane under `/_sim/`, and a 404 fallback, all behind
/// the [`pipeline`] middleware.
pub fn router(sim: Arc<Sim>) -> Router {
    Router::new()
        .route("/v1/redact/transaction", post(redact::redact))
        .route("/v3/media", get(media::list))
        .route(
            "/v3/media/{id}",
            get(reports_async::download).delete(media::delete),
        )
        .route("/v3/media/{id}/info", get(media::info))
        .merge(conversation::routes())
        .route("/v2/reports/records", get(reports_records::records))
        .route(
            "/v2/reports",
            post(reports_async::create).get(reports_async::list),
        )
        .route(
            "/v2/reports/{id}",
            get(reports_async::status).delete(reports_async::cancel),
        )
        .route("/accounts/{api_key}/subaccounts", get(accounts::list))
        .route("/search/message", get(search::message))
        .route("/search/messages", get(search::messages))
        .route("/search/rejections", get(search::rejections))
        .nest("/_sim", crate::control::routes())
        .fallback(fallback)
        .layer(from_fn_with_state(sim.clone(), pipeline))
        .with_state(sim)
}

async fn fallback(uri: Uri) -> Response {
    problem::unknown_route(uri.path())
}

/// Checks JWT (or, for Media, Basic) credentials; the error is a ready 401 response.
pub(crate) fn require_jwt(
    sim: &Sim,
    headers: &HeaderMap,
    allow_basic: bool,
) -> Result<(), Response> {
    let result = if allow_basic && has_basic(headers) {
        check_basic(headers, &sim.account)
    } else {
        check_bearer(headers, &sim.jwt, crate::clock::wall_now_ms() / 1000).map(|_| ())
    };
    result.map_err(|e| problem::unauthorized_problem(&e.detail()))
}

/// Shared state extractor alias.
pub(crate) type SimState = State<Arc<Sim>>;
