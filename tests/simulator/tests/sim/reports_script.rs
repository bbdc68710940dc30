//! Asynchronous reports on a script (FAILED, ABORTED by Vonage, TRUNCATED), the 72-hour file
//! and 4-day metadata lifetimes on the simulator clock, the row-filter modes in the CSV, and
//! erase-then-access: a redacted record reads `REDACTED` in the report.

use crate::common::*;
use serde_json::{json, Value};

const NOW: i64 = 1_700_000_000_000; // 2023-11-14T22:13:20Z
const T0: i64 = 1_699_900_000_000;
const HOUR: i64 = 3_600_000;
const SUBJECT: &str = "447700900123";

fn seeded() -> erasekit_sim::SimServer {
    let srv = sim(json!({
        "clock_start_ms": NOW,
        "rate_limits": {"reports_records": 0, "reports_async": 0},
        "reports": {"pending_ms": 1000, "processing_ms": 2000}
    }));
    let records: Vec<Value> = [SUBJECT, SUBJECT, SUBJECT, "447700900999"]
        .iter()
        .enumerate()
        .map(|(i, to)| {
            json!({"product": "sms", "id": format!("S{i}"), "from": "Acme", "to": to,
                              "body": format!("hello {i}"), "created_ms": T0 + i as i64 * 60_000})
        })
        .collect();
    seed(&srv, json!({ "records": records }));
    srv
}

fn create(srv: &erasekit_sim::SimServer, product_fields: &str) -> String {
    let body = format!(
        r#"{{"product":"SMS","account_id":"sim-key","direction":"outbound","date_start":"2023-11-13T00:00:00Z","date_end":"2023-11-14T00:00:00Z","include_message":true{product_fields}}}"#
    );
    let r = post_report(srv, &body);
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    r.json()["request_id"].as_str().expect("id").to_owned()
}

fn status(srv: &erasekit_sim::SimServer, id: &str) -> Resp {
    get_basic(srv, &format!("/v2/reports/{id}"))
}

/// The CSV rows (header first) of a finished report's file.
fn csv_rows(srv: &erasekit_sim::SimServer, report: &Value) -> Vec<String> {
    let href = report["_links"]["download_report"]["href"]
        .as_str()
        .expect("download link");
    let r = get_basic(srv, href.strip_prefix(srv.base_url()).expect("here"));
    assert_eq!(r.status, 200);
    let (_, csv) = unzip_first(&r.body);
    String::from_utf8(csv)
        .expect("UTF-8")
        .split("\r\n")
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

fn script(srv: &erasekit_sim::SimServer, entries: Value) -> Value {
    control(srv, "/_sim/reports/script", json!({ "reports": entries }))
}

#[test]
fn scripted_endings_walk_the_documented_states() {
    let srv = seeded();
    let queued = script(
        &srv,
        json!([
            {"product": "VOICE-CALL", "outcome": "ABORTED"},
            {"outcome": "FAILED"},
            {"product": "SMS", "outcome": "ABORTED", "pending_ms": 0, "processing_ms": 500},
            {"outcome": "TRUNCATED", "truncate_at": 2}
        ]),
    );
    assert_eq!(queued["reports"].as_array().map(Vec::len), Some(4));
    // 1st SMS report takes "FAILED" (the VOICE-CALL entry does not fit).
    let failed = create(&srv, "");
    advance(&srv, 1500);
    assert_eq!(status(&srv, &failed).json()["request_status"], "PROCESSING");
    advance(&srv, 2000);
    let s = status(&srv, &failed).json();
    assert_eq!(s["request_status"], "FAILED");
    assert!(s["_links"].get("download_report").is_none() && s.get("items_count").is_none());
    assert_eq!(delete_report(&srv, &failed).status, 409);
    // 2nd takes the SMS ABORTED entry with its own timings.
    let aborted = create(&srv, "");
    assert_eq!(
        status(&srv, &aborted).json()["request_status"],
        "PROCESSING"
    );
    advance(&srv, 600);
    assert_eq!(status(&srv, &aborted).json()["request_status"], "ABORTED");
    assert_eq!(delete_report(&srv, &aborted).status, 409);
    // 3rd: TRUNCATED with the first two rows only.
    let truncated = create(&srv, "");
    advance(&srv, 3000);
    let s = status(&srv, &truncated).json();
    assert_eq!(
        (s["request_status"].as_str(), s["items_count"].as_u64()),
        (Some("TRUNCATED"), Some(2))
    );
    let rows = csv_rows(&srv, &s);
    assert_eq!(rows.len(), 3, "header and two rows: {rows:?}");
    assert!(rows[1].contains(",S0,") && rows[2].contains(",S1,"));
    // 4th: nothing fits any more, a plain SUCCESS.
    let plain = create(&srv, "");
    advance(&srv, 3000);
    assert_eq!(status(&srv, &plain).json()["request_status"], "SUCCESS");
    let left = get(&srv, "/_sim/reports/script").json();
    assert_eq!(
        left["reports"],
        json!([{"product": "VOICE-CALL", "outcome": "ABORTED"}])
    );
    let r = request(&srv, "DELETE", "/_sim/reports/script", &[], None);
    assert_eq!(r.status, 200);
    assert_eq!(
        get(&srv, "/_sim/reports/script").json()["reports"],
        json!([])
    );
    // The listing sees the scripted endings.
    let list = get_basic(&srv, "/v2/reports?account_id=sim-key&status=FAILED,ABORTED").json();
    assert_eq!(list["items_count"], 2);
}

#[test]
fn bad_script_entries_are_refused_whole() {
    let srv = seeded();
    for body in [
        r#"{"reports": [{"outcome": "DONE"}]}"#,
        r#"{"reports": [{"outcome": "SUCCESS"}, {"outcome": "FAILED", "truncate_at": 1}]}"#,
        r#"{"reports": [{"outcome": "FAILED", "pending_ms": -1}]}"#,
        r#"{"entries": []}"#,
    ] {
        let r = request(
            &srv,
            "POST",
            "/_sim/reports/script",
            &[("Content-Type", "application/json")],
            Some(body.as_bytes()),
        );
        assert_eq!(r.status, 400, "{body}");
    }
    assert_eq!(
        get(&srv, "/_sim/reports/script").json()["reports"],
        json!([])
    );
}

#[test]
fn file_expires_after_72_hours_and_metadata_after_4_days() {
    let srv = seeded();
    let id = create(&srv, "");
    advance(&srv, 3000);
    let s = status(&srv, &id).json();
    assert_eq!(s["request_status"], "SUCCESS");
    let href = s["_links"]["download_report"]["href"]
        .as_str()
        .expect("link")
        .to_owned();
    let file = href.strip_prefix(srv.base_url()).expect("here").to_owned();
    advance(&srv, 71 * HOUR);
    assert_eq!(get_basic(&srv, &file).status, 200);
    advance(&srv, 2 * HOUR);
    assert_eq!(get_basic(&srv, &file).status, 404, "file gone after 72 h");
    assert_eq!(status(&srv, &id).status, 200, "metadata still there");
    advance(&srv, 24 * HOUR);
    let r = status(&srv, &id);
    assert_eq!(r.status, 404, "metadata gone after 4 days");
    assert_eq!(r.json()["title"], "Invalid report ID");
    assert_eq!(delete_report(&srv, &id).status, 404);
    let list = get_basic(&srv, "/v2/reports?account_id=sim-key&status=SUCCESS").json();
    assert_eq!(list["items_count"], 0);
}

#[test]
fn csv_follows_the_filter_mode_and_shows_redactions() {
    let srv = seeded();
    let subject_filter = format!(r#","to":"{SUBJECT}""#);
    let exact = create(&srv, &subject_filter);
    control(
        &srv,
        "/_sim/reports/modes",
        json!({"filter_match": "prefix"}),
    );
    let prefix = create(&srv, &subject_filter);
    control(
        &srv,
        "/_sim/reports/modes",
        json!({"filter_match": "exact"}),
    );
    // Both finish (their files are built when first seen finished), then S1 is erased and
    // the same questions are asked again.
    advance(&srv, 3000);
    for id in [&exact, &prefix] {
        assert_eq!(status(&srv, id).json()["request_status"], "SUCCESS");
    }
    assert_eq!(
        redact(&srv, r#"{"id":"S1","product":"sms","type":"outbound"}"#).status,
        204
    );
    let after = create(&srv, &subject_filter);
    let by_id = create(&srv, r#","id":"S1""#);
    advance(&srv, 3000);
    let rows_of = |id: &str| csv_rows(&srv, &status(&srv, id).json());
    let exact_rows = rows_of(&exact);
    assert!(exact_rows[0].starts_with("account_id,message_id,client_ref,direction,from,to"));
    assert!(exact_rows[0].ends_with(",message_body"));
    assert_eq!(exact_rows.len(), 4, "header and S0-S2: {exact_rows:?}");
    assert!(
        exact_rows[2].contains(",S1,") && exact_rows[2].ends_with(",hello 1"),
        "{exact_rows:?}"
    );
    let prefix_rows = rows_of(&prefix);
    assert!(
        prefix_rows.iter().any(|r| r.contains("447700900999")),
        "a neighbour's row: {prefix_rows:?}"
    );
    // A phone scan no longer finds the redacted record; an id lookup shows REDACTED.
    let after_rows = rows_of(&after);
    assert!(!after_rows.iter().any(|r| r.contains(",S1,")));
    let by_id_rows = rows_of(&by_id);
    assert_eq!(by_id_rows.len(), 2);
    assert!(
        by_id_rows[1].contains(",S1,") && by_id_rows[1].contains(",outbound,REDACTED,REDACTED,")
    );
    assert!(by_id_rows[1].ends_with(",REDACTED"), "{}", by_id_rows[1]);
}

#[test]
fn downloads_count_against_the_async_limit_only_when_asked() {
    let srv = sim(json!({
        "clock_start_ms": NOW,
        "rate_limits": {"reports_async": 2, "window_ms": 600_000},
        "reports": {"pending_ms": 0, "processing_ms": 0, "limit_downloads": true}
    }));
    let id = create(&srv, "");
    let s = status(&srv, &id).json();
    let href = s["_links"]["download_report"]["href"]
        .as_str()
        .expect("link")
        .to_owned();
    let file = href.strip_prefix(srv.base_url()).expect("here").to_owned();
    let r = get_basic(&srv, &file);
    assert_eq!(r.status, 429);
    assert_eq!(
        r.json()["type"],
        "https://developer.nexmo.com/api-errors/reports#rate-limit"
    );
    control(
        &srv,
        "/_sim/reports/modes",
        json!({"limit_downloads": false}),
    );
    // Changing modes restarts the limiters: use up the window again, then download.
    assert_eq!(status(&srv, &id).status, 200);
    assert_eq!(status(&srv, &id).status, 200);
    assert_eq!(status(&srv, &id).status, 429);
    assert_eq!(get_basic(&srv, &file).status, 200);
}
