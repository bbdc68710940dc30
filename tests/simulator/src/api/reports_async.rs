//! The asynchronous Reports API: `POST /v2/reports`, `GET /v2/reports`,
//! `GET`/`DELETE /v2/reports/{id}`, and the file download `GET /v3/media/{file_id}`.
//!
//! A report is `PENDING`, then `PROCESSING`, then `SUCCESS` (or `TRUNCATED` over the record
//! cap) as the simulator clock passes `reports.pending_ms` and `reports.processing_ms`, so tests
//! can finish one by advancing the clock. Cancelling a finished or cancelled report is 409.

use super::accounts::reports_scope;
use super::report_request::build_job;
use super::{require_jwt, SimState};
use crate::app::Sim;
use crate::auth::check_basic;
use crate::problem;
use crate::query::Query;
use crate::rate_limit::Admission;
use crate::reply::{admitted, base_url, json, read_body, BodyError};
use crate::report_jobs::{JobState, ReportJob};
use crate::timestamp::parse_iso;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

/// Basic auth and the 5/s limit shared by every asynchronous operation.
fn gate(sim: &Sim, headers: &HeaderMap) -> Result<u64, Response> {
    check_basic(headers, &sim.account).map_err(|e| problem::unauthorized_problem(&e.detail()))?;
    if sim.with_settings(|s| s.reports.unprovisioned) {
        return Err(problem::reports_forbidden());
    }
    match sim.reports_limiter.check() {
        Admission::Admitted { at_us } => Ok(at_us),
        Admission::Limited { retry_after } => Err(problem::reports_rate_limited(
            Admission::retry_after_secs(retry_after),
        )),
    }
}

/// `POST /v2/reports`.
pub async fn create(State(sim): SimState, headers: HeaderMap, body: Body) -> Response {
    let at_us = match gate(&sim, &headers) {
        Ok(at) => at,
        Err(r) => return r,
    };
    let limit = sim.with_settings(|s| s.max_body_bytes);
    let response = match read_body(body, limit).await {
        Err(BodyError::TooLarge) => problem::payload_too_large(limit),
        Err(BodyError::Broken) => problem::unreadable_body(),
        Ok(bytes) => match serde_json::from_slice::<Value>(&bytes) {
            Ok(Value::Object(map)) => {
                let now = sim.clock.now_ms();
                match build_job(&sim, map, now) {
                    Ok(mut job) => {
                        let cfg = sim.with_settings(|s| s.reports.clone());
                        let mut store = sim.store_mut();
                        job.script = store
                            .report_script
                            .take(&job.filter.product, job.filter.direction);
                        let body = job.to_json(now, &cfg, &base_url(&headers, &sim.base_url));
                        store
                            .report_files
                            .insert(job.file_id.clone(), job.id.clone());
                        store.reports.insert(job.id.clone(), job);
                        json(StatusCode::OK, &body)
                    }
                    Err(r) => r,
                }
            }
            _ => problem::reports_malformed_json(),
        },
    };
    admitted(response, Some(at_us))
}

/// The job as of now, with its file built if it has finished; `None` once unknown or
/// forgotten (`reports.metadata_ttl_ms` after it was requested).
fn observe(sim: &Sim, id: &str) -> Option<ReportJob> {
    let cfg = sim.with_settings(|s| s.reports.clone());
    let now = sim.clock.now_ms();
    let mut job = sim.store().reports.get(id).cloned()?;
    if job.forgotten(now, &cfg) {
        return None;
    }
    if job.state(now, &cfg) == JobState::Done && job.output.is_none() {
        job.ensure_output(&sim.store(), &cfg, &sim.default_app_id);
        if let Some(stored) = sim.store_mut().reports.get_mut(id) {
            if stored.output.is_none() {
                stored.output = job.output.clone();
            }
        }
    }
    Some(job)
}

/// `GET /v2/reports/{id}`.
pub async fn status(State(sim): SimState, headers: HeaderMap, Path(id): Path<String>) -> Response {
    let at_us = match gate(&sim, &headers) {
        Ok(at) => at,
        Err(r) => return r,
    };
    let response = match observe(&sim, &id) {
        Some(job) => {
            let cfg = sim.with_settings(|s| s.reports.clone());
            json(
                StatusCode::OK,
                &job.to_json(sim.clock.now_ms(), &cfg, &base_url(&headers, &sim.base_url)),
            )
        }
        None => problem::report_not_found(&id),
    };
    admitted(response, Some(at_us))
}

/// `DELETE /v2/reports/{id}`: cancels a pending or processing report.
pub async fn cancel(State(sim): SimState, headers: HeaderMap, Path(id): Path<String>) -> Response {
    let at_us = match gate(&sim, &headers) {
        Ok(at) => at,
        Err(r) => return r,
    };
    let cfg = sim.with_settings(|s| s.reports.clone());
    let now = sim.clock.now_ms();
    let response = {
        let mut store = sim.store_mut();
        match store
            .reports
            .get_mut(&id)
            .filter(|j| !j.forgotten(now, &cfg))
        {
            None => problem::report_not_found(&id),
            Some(job) => match job.state(now, &cfg) {
                JobState::Pending | JobState::Processing => {
                    job.aborted_ms = Some(now);
                    json(
                        StatusCode::OK,
                        &job.to_json(now, &cfg, &base_url(&headers, &sim.base_url)),
                    )
                }
                JobState::Done | JobState::Failed | JobState::Aborted => {
                    problem::report_invalid_abort()
                }
            },
        }
    };
    admitted(response, Some(at_us))
}

/// `GET /v2/reports?account_id=&status=&date_from=&date_to=`.
pub async fn list(State(sim): SimState, headers: HeaderMap, uri: Uri) -> Response {
    let at_us = match gate(&sim, &headers) {
        Ok(at) => at,
        Err(r) => return r,
    };
    admitted(list_inner(&sim, &headers, &uri), Some(at_us))
}

fn list_inner(sim: &Sim, headers: &HeaderMap, uri: &Uri) -> Response {
    const STATUSES: [&str; 6] = [
        "PENDING",
        "PROCESSING",
        "SUCCESS",
        "ABORTED",
        "FAILED",
        "TRUNCATED",
    ];
    let q = Query::parse(uri.query());
    let account = match q.first("account_id") {
        None => return problem::reports_invalid_request("Missing required parameter account_id."),
        Some(a) => a,
    };
    let subaccounts = sim.with_settings(|s| s.subaccounts.clone());
    if let Err(r) = reports_scope(&sim.account.api_key, &subaccounts, Some(account), false) {
        return r;
    }
    let Some(status) = q.first("status") else {
        return problem::reports_invalid_request("Missing required parameter status.");
    };
    let wanted: Vec<&str> = status
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if wanted.is_empty() || wanted.iter().any(|s| !STATUSES.contains(s)) {
        return problem::reports_invalid_request(&format!(
            "status must be a comma-separated list of [{}].",
            STATUSES.join(", ")
        ));
    }
    let mut bounds = [None, None];
    for (i, name) in ["date_from", "date_to"].into_iter().enumerate() {
        if let Some(v) = q.first(name) {
            match parse_iso(v) {
                Some(t) => bounds[i] = Some(t),
                None => {
                    return problem::reports_invalid_request(&format!(
                        "{name} must be an ISO-8601 date-time."
                    ))
                }
            }
        }
    }
    let ids: Vec<String> = sim.store().reports.keys().cloned().collect();
    let cfg = sim.with_settings(|s| s.reports.clone());
    let now = sim.clock.now_ms();
    let base = base_url(headers, &sim.base_url);
    let mut jobs: Vec<ReportJob> = ids
        .iter()
        .filter_map(|id| observe(sim, id))
        .filter(|j| {
            j.account_id == account
                && bounds[0].map_or(true, |f| j.received_ms >= f)
                && bounds[1].map_or(true, |t| j.received_ms <= t)
        })
        .filter(|j| wanted.contains(&j.status_text(j.state(now, &cfg))))
        .collect();
    jobs.sort_by(|a, b| (a.received_ms, &a.id).cmp(&(b.received_ms, &b.id)));
    let reports: Vec<Value> = jobs.iter().map(|j| j.to_json(now, &cfg, &base)).collect();
    json(
        StatusCode::OK,
        &json!({"items_count": reports.len(), "self_link": format!("{base}/v2/reports/"), "reports": reports}),
    )
}

/// `GET /v3/media/{file_id}`: the zip of a finished report (kept `reports.file_ttl_ms` after it
/// finished).
pub async fn download(
    State(sim): SimState,
    headers: HeaderMap,
    Path(file_id): Path<String>,
) -> Response {
    if let Err(r) = require_jwt(&sim, &headers, true) {
        return r;
    }
    // Whether downloads share the 5/s limit is not documented (N9): off unless configured.
    let at_us = if sim.with_settings(|s| s.reports.limit_downloads) {
        match sim.reports_limiter.check() {
            Admission::Admitted { at_us } => Some(at_us),
            Admission::Limited { retry_after } => {
                return problem::reports_rate_limited(Admission::retry_after_secs(retry_after))
            }
        }
    } else {
        None
    };
    admitted(download_file(&sim, &file_id), at_us)
}

fn download_file(sim: &Sim, file_id: &str) -> Response {
    let report_id = sim.store().report_files.get(file_id).cloned();
    let Some(job) = report_id.and_then(|id| observe(sim, &id)) else {
        return problem::not_found(&format!("File {file_id} not found"));
    };
    let cfg = sim.with_settings(|s| s.reports.clone());
    let now = sim.clock.now_ms();
    let expired = now >= job.completed_ms(&cfg).saturating_add(cfg.file_ttl_ms);
    match (&job.output, job.state(now, &cfg)) {
        (Some(out), JobState::Done) if !expired => {
            let disposition = format!("attachment; filename=\"{}\"", out.file_name);
            let mut resp = (StatusCode::OK, out.zip.as_ref().clone()).into_response();
            let h = resp.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/octet-stream"),
            );
            if let Ok(v) = HeaderValue::from_str(&disposition) {
                h.insert(header::CONTENT_DISPOSITION, v);
            }
            resp
        }
        _ => problem::not_found(&format!("File {file_id} not found")),
    }
}
