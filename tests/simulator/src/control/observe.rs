//! Control routes that read or steer the simulator: health, settings, clock, state, log, faults.

use super::{body_json, error};
use crate::api::SimState;
use crate::app::SettingsPatch;
use crate::faults::FaultPlan;
use crate::query::Query;
use crate::reply::json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use serde::Deserialize;
use serde_json::{json, Value};

/// `GET /_sim/health`.
pub async fn health(State(sim): SimState) -> Response {
    json(
        StatusCode::OK,
        &json!({"ok": true, "name": "erasekit-sim", "version": env!("CARGO_PKG_VERSION"), "base_url": sim.base_url}),
    )
}

/// `GET /_sim/settings`: the live settings plus the fixed account and applications.
pub async fn settings(State(sim): SimState) -> Response {
    let mut body = serde_json::to_value(sim.settings()).unwrap_or(Value::Null);
    body["api_key"] = json!(sim.account.api_key);
    body["application_id"] = json!(sim.default_app_id);
    json(StatusCode::OK, &body)
}

/// `POST /_sim/settings`: a partial update; answers the new settings.
pub async fn update_settings(State(sim): SimState, body: Body) -> Response {
    let patch: SettingsPatch = match body_json(&sim, body).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    match sim.apply_settings(patch) {
        Ok(s) => json(StatusCode::OK, &s),
        Err(e) => error(StatusCode::BAD_REQUEST, &e),
    }
}

/// `GET /_sim/clock`: `{now_ms}`.
pub async fn clock(State(sim): SimState) -> Response {
    json(StatusCode::OK, &json!({"now_ms": sim.clock.now_ms()}))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClockChange {
    now_ms: Option<i64>,
    advance_ms: Option<i64>,
}

/// `POST /_sim/clock` with `{now_ms}` or `{advance_ms}`: answers `{now_ms}`.
pub async fn set_clock(State(sim): SimState, body: Body) -> Response {
    let change: ClockChange = match body_json(&sim, body).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let now = match (change.now_ms, change.advance_ms) {
        (Some(t), None) => sim.clock.set(t),
        (None, Some(d)) => sim.clock.advance(d),
        _ => {
            return error(
                StatusCode::BAD_REQUEST,
                "send exactly one of now_ms or advance_ms",
            )
        }
    };
    json(StatusCode::OK, &json!({"now_ms": now}))
}

/// `GET /_sim/state`: records, redactions (with duplicate counts), deletions, per-route counts.
pub async fn state(State(sim): SimState) -> Response {
    let store = sim.store();
    let mut redactions: Vec<Value> = store
        .redactions
        .iter()
        .map(|(k, n)| json!({"product": k.product, "type": k.direction, "id": k.id, "count": n}))
        .collect();
    redactions.sort_by_key(|v| v.to_string());
    let redacted = store.records.values().filter(|r| r.redacted).count();
    let cfg = sim.with_settings(|s| s.reports.clone());
    let now = sim.clock.now_ms();
    let mut reports: Vec<Value> = store
        .reports
        .values()
        .map(|j| json!({"request_id": j.id, "request_status": j.status_text(j.state(now, &cfg)), "file_id": j.file_id}))
        .collect();
    reports.sort_by_key(|v| v.to_string());
    let body = json!({
        "now_ms": now,
        "records": {"total": store.records.len(), "redacted": redacted},
        "redactions": redactions,
        "live": {
            "media": store.media.len(),
            "users": store.users.len(),
            "conversations": store.conversations.len(),
            "legs": store.legs.len(),
        },
        "deleted": store.deleted,
        "reports": reports,
        "routes": sim.log.route_counts(),
        "log": sim.log.stats(),
        "faults_active": sim.faults_active(),
    });
    drop(store);
    json(StatusCode::OK, &body)
}

/// `GET /_sim/log?after=SEQ&route=ROUTE&limit=N`: entries newer than `after`.
pub async fn log(State(sim): SimState, uri: Uri) -> Response {
    let q = Query::parse(uri.query());
    let after = match q.first("after").map(str::parse::<u64>) {
        None => 0,
        Some(Ok(n)) => n,
        Some(Err(_)) => return error(StatusCode::BAD_REQUEST, "after must be an integer"),
    };
    let limit = match q.first("limit").map(str::parse::<usize>) {
        None => 1000,
        Some(Ok(n)) => n.min(1_000_000),
        Some(Err(_)) => return error(StatusCode::BAD_REQUEST, "limit must be an integer"),
    };
    let entries = sim.log.entries(after, q.first("route"), limit);
    let next_after = entries.last().map_or(after, |e| e.seq);
    json(
        StatusCode::OK,
        &json!({"entries": entries, "next_after": next_after, "stats": sim.log.stats()}),
    )
}

/// `DELETE /_sim/log`: forgets entries and counters.
pub async fn clear_log(State(sim): SimState) -> Response {
    sim.log.clear();
    json(StatusCode::OK, &json!({"ok": true}))
}

/// `GET /_sim/faults`: the active plan.
pub async fn faults(State(sim): SimState) -> Response {
    json(StatusCode::OK, &sim.faults.plan())
}

/// `POST /_sim/faults`: installs a plan (restarting its generators); answers it.
pub async fn set_faults(State(sim): SimState, body: Body) -> Response {
    let plan: FaultPlan = match body_json(&sim, body).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    for rule in &plan.rules {
        let probabilities = [
            rule.error_500,
            rule.error_502,
            rule.error_503,
            rule.drop,
            rule.truncate,
        ];
        if probabilities.iter().any(|p| !(0.0..=1.0).contains(p)) {
            return error(
                StatusCode::BAD_REQUEST,
                "probabilities must be between 0 and 1",
            );
        }
        if rule.route.is_empty() {
            return error(StatusCode::BAD_REQUEST, "every rule needs a route");
        }
    }
    sim.set_faults(plan.clone());
    json(StatusCode::OK, &plan)
}

/// `DELETE /_sim/faults`: switches faults off.
pub async fn clear_faults(State(sim): SimState) -> Response {
    sim.set_faults(FaultPlan::default());
    json(StatusCode::OK, &json!({"ok": true}))
}
