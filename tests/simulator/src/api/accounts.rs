//! Subaccounts: `GET /accounts/{api_key}/subaccounts` (Basic), and which accounts a Reports
//! query may read.
//!
//! The list's shape is the one Vonage's Python SDK reads (`_embedded.primary_account`,
//! `_embedded.subaccounts`, `total_balance`, `total_credit_limit`; vonage-python-sdk
//! `subaccounts/src/vonage_subaccounts/subaccounts.py` @ 19168f9b). Primary credentials may
//! query a subaccount's records with `account_id` [vonage-facts §4.1]; a subaccount configured
//! with `reports_forbidden` answers 403, as an account Reports is not provisioned for.

use super::SimState;
use crate::auth::check_basic;
use crate::config::SubaccountConfig;
use crate::problem;
use crate::reply::{base_url, json};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{json, Value};

/// The accounts one Reports query reads: `requested` (default: the primary account), plus
/// every reachable subaccount when `include_subaccounts`; 403 for an unknown or forbidden one.
pub fn reports_scope(
    primary: &str,
    subaccounts: &[SubaccountConfig],
    requested: Option<&str>,
    include_subaccounts: bool,
) -> Result<Vec<String>, Response> {
    let requested = requested.unwrap_or(primary);
    let reachable = |key: &str| {
        key == primary
            || subaccounts
                .iter()
                .any(|s| s.api_key == key && !s.reports_forbidden)
    };
    if !reachable(requested) {
        return Err(problem::reports_forbidden());
    }
    let mut scope = vec![requested.to_owned()];
    if include_subaccounts {
        scope.extend(
            subaccounts
                .iter()
                .filter(|s| !s.reports_forbidden && s.api_key != requested)
                .map(|s| s.api_key.clone()),
        );
    }
    Ok(scope)
}

fn account_json(key: &str, name: &str, primary: Option<&str>) -> Value {
    let mut a = json!({
        "api_key": key,
        "name": name,
        "balance": 10.0,
        "credit_limit": 0.0,
        "suspended": false,
        "created_at": "2023-06-07T10:50:44.000Z",
    });
    if let Some(p) = primary {
        a["primary_account_api_key"] = json!(p);
        a["use_primary_account_balance"] = json!(true);
    }
    a
}

/// `GET /accounts/{api_key}/subaccounts`: the primary account and its subaccounts.
pub async fn list(State(sim): SimState, headers: HeaderMap, Path(key): Path<String>) -> Response {
    if let Err(e) = check_basic(&headers, &sim.account) {
        return problem::unauthorized_problem(&e.detail());
    }
    let primary = &sim.account.api_key;
    if key != *primary {
        return problem::problem(
            StatusCode::FORBIDDEN,
            "https://developer.nexmo.com/api-errors#forbidden",
            "Forbidden",
            "You are not allowed to read the subaccounts of this account.",
        );
    }
    let subs = sim.with_settings(|s| s.subaccounts.clone());
    let listed: Vec<Value> = subs
        .iter()
        .map(|s| {
            let name = s.name.clone().unwrap_or_else(|| s.api_key.clone());
            account_json(&s.api_key, &name, Some(primary))
        })
        .collect();
    let total = 10.0 * (listed.len() + 1) as f64;
    let base = base_url(&headers, &sim.base_url);
    json(
        StatusCode::OK,
        &json!({
            "_links": {"self": {"href": format!("{base}/accounts/{primary}/subaccounts")}},
            "total_balance": total,
            "total_credit_limit": 0.0,
            "_embedded": {
                "primary_account": account_json(primary, "Primary account", None),
                "subaccounts": listed,
            },
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sub(key: &str, forbidden: bool) -> SubaccountConfig {
        SubaccountConfig {
            api_key: key.into(),
            name: None,
            reports_forbidden: forbidden,
        }
    }

    #[test]
    fn scope_follows_the_account_list() {
        let subs = [sub("sub-a", false), sub("sub-b", true)];
        let scope = |req, all| reports_scope("main", &subs, req, all).ok();
        assert_eq!(scope(None, false), Some(vec!["main".to_owned()]));
        assert_eq!(scope(Some("sub-a"), false), Some(vec!["sub-a".to_owned()]));
        assert_eq!(
            scope(Some("main"), true),
            Some(vec!["main".to_owned(), "sub-a".to_owned()])
        );
        assert_eq!(scope(Some("sub-b"), false), None);
        assert_eq!(scope(Some("stranger"), true), None);
    }
}
