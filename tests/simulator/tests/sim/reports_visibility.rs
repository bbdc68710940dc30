//! Which records Reports and Message Search show: nothing younger than the propagation delay
//! (so a lookup right after sending misses, and one later finds it), and calls split between
//! `VOICE-CALL` (answered) and `VOICE-FAILED` (not answered).

use crate::common::*;
use serde_json::json;

const NOW: i64 = 1_700_000_000_000; // 2023-11-14T22:13:20Z
const MINUTE: i64 = 60_000;

#[test]
fn young_records_appear_after_the_propagation_delay() {
    let srv = sim(json!({
        "clock_start_ms": NOW,
        "rate_limits": {"reports_records": 0, "reports_async": 0},
        "reports": {"propagation_ms": 60 * MINUTE, "pending_ms": 0, "processing_ms": 1000}
    }));
    seed(
        &srv,
        json!({"records": [
            {"product": "sms", "id": "YOUNG", "to": "447700900123", "body": "hi", "age_ms": 59 * MINUTE},
            {"product": "sms", "id": "OLD", "to": "447700900123", "body": "yo", "age_ms": 61 * MINUTE}
        ]}),
    );
    let lookup = || {
        get_basic(
            &srv,
            "/v2/reports/records?product=SMS&direction=outbound&id=YOUNG,OLD",
        )
        .json()
    };
    let b = lookup();
    assert_eq!(
        (b["items_count"].as_u64(), b["ids_not_found"].as_str()),
        (Some(1), Some("YOUNG"))
    );
    let search = "/search/messages?api_key=sim-key&api_secret=sim-secret&ids=YOUNG&ids=OLD";
    assert_eq!(get(&srv, search).json()["count"], 1);
    // An async report finishing now holds only what had arrived by its end.
    let r = post_report(
        &srv,
        r#"{"product":"SMS","account_id":"sim-key","direction":"outbound","to":"447700900123"}"#,
    );
    let id = r.json()["request_id"].as_str().expect("id").to_owned();
    advance(&srv, 2 * MINUTE);
    let b = lookup();
    assert_eq!(
        (b["items_count"].as_u64(), b["ids_not_found"].as_str()),
        (Some(2), Some(""))
    );
    assert_eq!(get(&srv, search).json()["count"], 2);
    let s = get_basic(&srv, &format!("/v2/reports/{id}")).json();
    assert_eq!(
        (s["request_status"].as_str(), s["items_count"].as_u64()),
        (Some("SUCCESS"), Some(1))
    );
    // Off (the default), every record shows at once.
    control(&srv, "/_sim/reports/modes", json!({"propagation_ms": 0}));
    seed(
        &srv,
        json!({"records": [{"product": "sms", "id": "NEW", "age_ms": 0}]}),
    );
    let b = get_basic(
        &srv,
        "/v2/reports/records?product=SMS&direction=outbound&id=NEW",
    )
    .json();
    assert_eq!(b["items_count"], 1);
}

#[test]
fn unanswered_calls_are_listed_under_voice_failed() {
    let srv = sim(json!({"rate_limits": {"reports_records": 0}}));
    seed(
        &srv,
        json!({"records": [
            {"product": "voice", "id": "ANSWERED", "from": "447700900000", "to": "447700900123", "status": "completed", "age_ms": 7_200_000},
            {"product": "voice", "id": "BUSY", "from": "447700900000", "to": "447700900123", "status": "busy", "age_ms": 7_200_000}
        ]}),
    );
    let lookup = |product: &str| {
        get_basic(
            &srv,
            &format!("/v2/reports/records?product={product}&id=ANSWERED,BUSY"),
        )
        .json()
    };
    let call = lookup("VOICE-CALL");
    assert_eq!(
        (
            call["records"][0]["call_id"].as_str(),
            call["ids_not_found"].as_str()
        ),
        (Some("ANSWERED"), Some("BUSY"))
    );
    let failed = lookup("VOICE-FAILED");
    assert_eq!(
        (
            failed["records"][0]["call_id"].as_str(),
            failed["records"][0]["status"].as_str(),
            failed["ids_not_found"].as_str()
        ),
        (Some("BUSY"), Some("busy"), Some("ANSWERED"))
    );
}
