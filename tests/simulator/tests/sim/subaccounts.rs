//! Subaccounts: the list endpoint, Reports queries for a subaccount (a record found only
//! there), a subaccount Reports refuses (403 for that account only), and async reports with
//! `include_subaccounts` holding rows of several accounts.

use crate::common::*;
use serde_json::{json, Value};

fn seeded() -> erasekit_sim::SimServer {
    let srv = sim(json!({
        "rate_limits": {"reports_records": 0, "reports_async": 0},
        "reports": {"pending_ms": 0, "processing_ms": 0},
        "subaccounts": [{"api_key": "sub-a", "name": "EU brand"}, {"api_key": "sub-b", "reports_forbidden": true}]
    }));
    seed(
        &srv,
        json!({"records": [
            {"product": "sms", "id": "MAIN1", "to": "447700900123", "age_ms": 7_200_000},
            {"product": "sms", "id": "SUBA1", "to": "447700900123", "account_id": "sub-a", "age_ms": 7_200_000},
            {"product": "sms", "id": "SUBB1", "to": "447700900123", "account_id": "sub-b", "age_ms": 7_200_000}
        ]}),
    );
    srv
}

#[test]
fn the_list_names_primary_and_subaccounts() {
    let srv = seeded();
    let r = get_basic(&srv, "/accounts/sim-key/subaccounts");
    assert_eq!(r.status, 200);
    let b = r.json();
    assert_eq!(b["_embedded"]["primary_account"]["api_key"], "sim-key");
    let subs = b["_embedded"]["subaccounts"].as_array().expect("list");
    assert_eq!(subs.len(), 2);
    assert_eq!(
        (
            subs[0]["api_key"].as_str(),
            subs[0]["name"].as_str(),
            subs[0]["primary_account_api_key"].as_str()
        ),
        (Some("sub-a"), Some("EU brand"), Some("sim-key"))
    );
    assert!(b["total_balance"].is_number() && b["total_credit_limit"].is_number());
    assert_eq!(get(&srv, "/accounts/sim-key/subaccounts").status, 401);
    assert_eq!(get_basic(&srv, "/accounts/someone/subaccounts").status, 403);
}

#[test]
fn sync_queries_read_one_account() {
    let srv = seeded();
    let lookup = |account: &str| {
        get_basic(
            &srv,
            &format!("/v2/reports/records?product=SMS&direction=outbound&id=MAIN1,SUBA1{account}"),
        )
    };
    let b = lookup("").json();
    assert_eq!(
        (b["items_count"].as_u64(), b["ids_not_found"].as_str()),
        (Some(1), Some("SUBA1"))
    );
    assert_eq!(b["account_id"], "sim-key");
    let b = lookup("&account_id=sub-a").json();
    assert_eq!(
        (
            b["records"][0]["message_id"].as_str(),
            b["ids_not_found"].as_str()
        ),
        (Some("SUBA1"), Some("MAIN1"))
    );
    assert_eq!(
        (
            b["account_id"].as_str(),
            b["records"][0]["account_id"].as_str()
        ),
        (Some("sub-a"), Some("sub-a"))
    );
    assert_eq!(lookup("&account_id=sub-b").status, 403);
    assert_eq!(lookup("&account_id=stranger").status, 403);
}

fn report_rows(srv: &erasekit_sim::SimServer, body: &str) -> (String, Vec<String>) {
    let r = post_report(srv, body);
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let id = r.json()["request_id"].as_str().expect("id").to_owned();
    let s: Value = get_basic(srv, &format!("/v2/reports/{id}")).json();
    let href = s["_links"]["download_report"]["href"]
        .as_str()
        .expect("link");
    let zip = get_basic(srv, href.strip_prefix(srv.base_url()).expect("here"));
    let (_, csv) = unzip_first(&zip.body);
    let rows = String::from_utf8(csv)
        .expect("UTF-8")
        .lines()
        .skip(1)
        .map(str::to_owned)
        .collect();
    (id, rows)
}

#[test]
fn async_reports_group_subaccounts_on_request() {
    let srv = seeded();
    let body = |account: &str, all: bool| {
        format!(
            r#"{{"product":"SMS","account_id":"{account}","direction":"outbound","to":"447700900123","include_subaccounts":{all}}}"#
        )
    };
    let (_, rows) = report_rows(&srv, &body("sim-key", false));
    assert_eq!(rows.len(), 1);
    assert!(rows[0].starts_with("sim-key,MAIN1,"));
    let (_, rows) = report_rows(&srv, &body("sim-key", true));
    let accounts: Vec<&str> = rows
        .iter()
        .map(|r| r.split(',').next().unwrap_or(""))
        .collect();
    assert_eq!(
        accounts,
        ["sim-key", "sub-a"],
        "sub-b is not reachable: {rows:?}"
    );
    let (sub_report, rows) = report_rows(&srv, &body("sub-a", false));
    assert_eq!(rows.len(), 1);
    assert!(rows[0].starts_with("sub-a,SUBA1,"));
    assert_eq!(post_report(&srv, &body("sub-b", false)).status, 403);
    let list = get_basic(&srv, "/v2/reports?account_id=sub-a&status=SUCCESS").json();
    assert_eq!(list["items_count"], 1);
    assert_eq!(list["reports"][0]["request_id"], sub_report);
    // Subaccounts can change at run time.
    control(&srv, "/_sim/settings", json!({"subaccounts": []}));
    assert_eq!(post_report(&srv, &body("sub-a", false)).status, 403);
}
