//! Control routes that bend how Reports and Message Search behave: their modes (a JSON merge
//! over the `reports` / `search` settings, so one field can change alone) and the queue of
//! scripted endings for asynchronous reports.

use super::{body_json, error};
use crate::api::SimState;
use crate::app::SettingsPatch;
use crate::reply::json;
use crate::report_script::ScriptEntry;
use axum::body::Body;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

/// `current` with the fields of `patch` laid over it (one level: every mode is a scalar).
fn merged<T: Serialize + DeserializeOwned>(current: &T, patch: Value) -> Result<T, String> {
    let Value::Object(fields) = patch else {
        return Err("the body must be a JSON object".into());
    };
    let mut value = serde_json::to_value(current).map_err(|e| e.to_string())?;
    if let Value::Object(map) = &mut value {
        map.extend(fields);
    }
    serde_json::from_value(value).map_err(|e| e.to_string())
}

/// `GET /_sim/reports/modes`: the `reports` settings.
pub async fn reports_modes(State(sim): SimState) -> Response {
    json(StatusCode::OK, &sim.with_settings(|s| s.reports.clone()))
}

/// `POST /_sim/reports/modes`: changes only the fields sent; answers the new `reports` settings.
pub async fn set_reports_modes(State(sim): SimState, body: Body) -> Response {
    let patch: Value = match body_json(&sim, body).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let next = match merged(&sim.with_settings(|s| s.reports.clone()), patch) {
        Ok(n) => n,
        Err(e) => return error(StatusCode::BAD_REQUEST, &e),
    };
    let patch = SettingsPatch {
        reports: Some(next),
        ..SettingsPatch::default()
    };
    match sim.apply_settings(patch) {
        Ok(s) => json(StatusCode::OK, &s.reports),
        Err(e) => error(StatusCode::BAD_REQUEST, &e),
    }
}

/// `GET /_sim/search/modes`: the `search` settings.
pub async fn search_modes(State(sim): SimState) -> Response {
    json(StatusCode::OK, &sim.with_settings(|s| s.search.clone()))
}

/// `POST /_sim/search/modes`: changes only the fields sent; answers the new `search` settings.
pub async fn set_search_modes(State(sim): SimState, body: Body) -> Response {
    let patch: Value = match body_json(&sim, body).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let next = match merged(&sim.with_settings(|s| s.search.clone()), patch) {
        Ok(n) => n,
        Err(e) => return error(StatusCode::BAD_REQUEST, &e),
    };
    let patch = SettingsPatch {
        search: Some(next),
        ..SettingsPatch::default()
    };
    match sim.apply_settings(patch) {
        Ok(s) => json(StatusCode::OK, &s.search),
        Err(e) => error(StatusCode::BAD_REQUEST, &e),
    }
}

/// `GET /_sim/reports/script`: `{"reports": [entries still queued]}`.
pub async fn report_script(State(sim): SimState) -> Response {
    let pending = sim.store().report_script.pending();
    json(StatusCode::OK, &json!({ "reports": pending }))
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ScriptBody {
    reports: Vec<ScriptEntry>,
}

/// `POST /_sim/reports/script` with `{"reports": [entries]}`: appends them (all or nothing);
/// answers the whole queue.
pub async fn script_reports(State(sim): SimState, body: Body) -> Response {
    let doc: ScriptBody = match body_json(&sim, body).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    let mut store = sim.store_mut();
    match store.report_script.extend(doc.reports) {
        Ok(()) => json(
            StatusCode::OK,
            &json!({ "reports": store.report_script.pending() }),
        ),
        Err(e) => error(StatusCode::BAD_REQUEST, &e),
    }
}

/// `DELETE /_sim/reports/script`: forgets every queued entry.
pub async fn clear_report_script(State(sim): SimState) -> Response {
    sim.store_mut().report_script.clear();
    json(StatusCode::OK, &json!({"ok": true}))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{FilterMatch, ReportsConfig};

    #[test]
    fn merge_changes_only_the_fields_sent() {
        let cfg = ReportsConfig {
            page_size: 3,
            ..ReportsConfig::default()
        };
        let next = merged(&cfg, json!({"filter_match": "prefix"})).expect("merges");
        assert_eq!(
            (next.page_size, next.filter_match),
            (3, FilterMatch::Prefix)
        );
        assert!(merged(&cfg, json!({"filter_match": "fuzzy"})).is_err());
        assert!(merged(&cfg, json!({"page_sise": 1})).is_err());
        assert!(merged(&cfg, json!([1])).is_err());
    }
}
