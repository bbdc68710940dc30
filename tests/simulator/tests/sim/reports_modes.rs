//! Synchronous Reports under the control modes: subject filters matched exactly, by prefix or
//! not at all; the maximum window; `next` links on a foreign host, a repeating cursor, and a
//! last page that still links on; id batches and `ids_not_found`.

use crate::common::*;
use serde_json::{json, Value};

const NOW: i64 = 1_700_000_000_000; // 2023-11-14T22:13:20Z
const T0: i64 = 1_699_900_000_000; // 2023-11-13T18:26:40Z
const DAY: &str = "date_start=2023-11-13T00:00:00Z&date_end=2023-11-14T00:00:00Z";
const SUBJECT: &str = "447700900123";

fn seeded(page_size: usize) -> erasekit_sim::SimServer {
    let srv = sim(json!({
        "clock_start_ms": NOW,
        "rate_limits": {"reports_records": 0, "reports_async": 0},
        "reports": {"page_size": page_size}
    }));
    // The subject, a neighbour sharing the first 8 digits, a longer number starting with the
    // subject's, and a stranger.
    let numbers = [SUBJECT, "447700900999", "4477009001230", "33612345678"];
    let mut records: Vec<Value> = numbers
        .iter()
        .enumerate()
        .map(|(i, to)| {
            json!({"product": "sms", "id": format!("S{i}"), "from": "Acme", "to": to,
                              "body": format!("text {i}"), "created_ms": T0 + i as i64 * 60_000})
        })
        .collect();
    records.push(json!({"product": "sms", "type": "inbound", "id": "IN1", "from": SUBJECT, "to": "447700900000", "created_ms": T0}));
    records.push(json!({"product": "sms", "type": "inbound", "id": "IN2", "from": "447700900777", "to": "447700900000", "created_ms": T0}));
    records.push(
        json!({"product": "number-insight", "id": "NI1", "number": SUBJECT, "created_ms": T0}),
    );
    records.push(json!({"product": "number-insight", "id": "NI2", "number": "447700900555", "created_ms": T0}));
    seed(&srv, json!({ "records": records }));
    srv
}

fn ids(body: &Value) -> Vec<String> {
    body["records"]
        .as_array()
        .expect("records")
        .iter()
        .map(|r| {
            r.get("message_id")
                .or_else(|| r.get("request_id"))
                .and_then(Value::as_str)
                .expect("id")
                .to_owned()
        })
        .collect()
}

fn modes(srv: &erasekit_sim::SimServer, patch: Value) -> Value {
    control(srv, "/_sim/reports/modes", patch)
}

#[test]
fn subject_filters_exact_prefix_and_ignored() {
    let srv = seeded(1000);
    let scan = |filter: &str, product: &str| {
        let r = get_basic(
            &srv,
            &format!("/v2/reports/records?product={product}&{DAY}&{filter}"),
        );
        assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
        ids(&r.json())
    };
    let to = format!("direction=outbound&to={SUBJECT}");
    let from = format!("direction=inbound&from={SUBJECT}");
    let number = format!("number={SUBJECT}");
    assert_eq!(scan(&to, "SMS"), ["S0"]);
    assert_eq!(scan(&from, "SMS"), ["IN1"]);
    assert_eq!(scan(&number, "NUMBER-INSIGHT"), ["NI1"]);
    // Prefix: the first 8 characters agree, so neighbours come back (not the stranger).
    let m = modes(&srv, json!({"filter_match": "prefix"}));
    assert_eq!(
        (m["filter_match"].as_str(), m["prefix_len"].as_u64()),
        (Some("prefix"), Some(8))
    );
    assert_eq!(m["page_size"], 1000, "other modes keep their values");
    assert_eq!(scan(&to, "SMS"), ["S0", "S1", "S2"]);
    assert_eq!(scan(&from, "SMS"), ["IN1", "IN2"]);
    assert_eq!(scan(&number, "NUMBER-INSIGHT"), ["NI1", "NI2"]);
    modes(&srv, json!({"prefix_len": 12}));
    assert_eq!(scan(&to, "SMS"), ["S0", "S2"]);
    // Ignored: every row of the product, direction and window.
    modes(&srv, json!({"filter_match": "ignore"}));
    assert_eq!(scan(&to, "SMS"), ["S0", "S1", "S2", "S3"]);
    // Other filters stay exact whatever the mode.
    assert!(scan("direction=outbound&client_ref=none", "SMS").is_empty());
    modes(&srv, json!({"filter_match": "exact"}));
    assert_eq!(scan(&to, "SMS"), ["S0"]);
    // Bad modes are refused and change nothing.
    let r = request(
        &srv,
        "POST",
        "/_sim/reports/modes",
        &[("Content-Type", "application/json")],
        Some(br#"{"filter_match": "fuzzy"}"#),
    );
    assert_eq!(r.status, 400);
    assert_eq!(
        get(&srv, "/_sim/reports/modes").json()["filter_match"],
        "exact"
    );
}

#[test]
fn window_span_is_configurable() {
    let srv = seeded(1000);
    let window = |start: &str, end: &str| {
        get_basic(
            &srv,
            &format!("/v2/reports/records?product=SMS&direction=outbound&date_start={start}&date_end={end}"),
        )
    };
    let wide = window("2023-11-12T00:00:00Z", "2023-11-14T00:00:00Z");
    assert_eq!(wide.status, 422);
    assert_eq!(wide.json()["title"], "Invalid filter");
    assert!(wide.json()["detail"]
        .as_str()
        .unwrap_or("")
        .contains("24 hours"));
    modes(&srv, json!({"max_window_ms": 48 * 3_600_000}));
    let r = window("2023-11-12T00:00:00Z", "2023-11-14T00:00:00Z");
    assert_eq!(r.status, 200);
    assert_eq!(ids(&r.json()).len(), 4);
    modes(&srv, json!({"max_window_ms": 6 * 3_600_000}));
    let r = window("2023-11-13T00:00:00Z", "2023-11-13T07:00:00Z");
    assert_eq!(r.status, 422);
    assert!(r.json()["detail"]
        .as_str()
        .unwrap_or("")
        .contains("6 hours"));
    let bad = request(
        &srv,
        "POST",
        "/_sim/reports/modes",
        &[("Content-Type", "application/json")],
        Some(br#"{"max_window_ms": 0}"#),
    );
    assert_eq!(bad.status, 400);
}

fn first_page(srv: &erasekit_sim::SimServer) -> Value {
    let r = get_basic(
        srv,
        &format!("/v2/reports/records?product=SMS&direction=outbound&{DAY}"),
    );
    assert_eq!(r.status, 200);
    r.json()
}

fn resend(srv: &erasekit_sim::SimServer, page: &Value) -> Value {
    let (c, iv) = (
        page["cursor"].as_str().expect("cursor"),
        page["iv"].as_str().expect("iv"),
    );
    let r = get_basic(
        srv,
        &format!("/v2/reports/records?product=SMS&direction=outbound&{DAY}&cursor={c}&iv={iv}"),
    );
    assert_eq!(r.status, 200);
    r.json()
}

#[test]
fn next_link_on_a_foreign_host_and_rebuilding_from_cursor() {
    let srv = seeded(2);
    modes(&srv, json!({"next_link": "foreign_host"}));
    let port = srv.addr().port();
    let page = first_page(&srv);
    assert_eq!(page["request_status"], "TRUNCATED");
    let next = page["_links"]["next"]["href"].as_str().expect("next");
    assert!(
        next.starts_with(&format!("http://127.0.0.2:{port}/v2/reports/records?")),
        "{next}"
    );
    assert!(next.contains("cursor=") && next.contains("iv="));
    // The self link stays on this host; cursor and iv from the body work here.
    assert!(page["_links"]["self"]["href"]
        .as_str()
        .is_some_and(|h| h.starts_with(srv.base_url())));
    let second = resend(&srv, &page);
    assert_eq!(ids(&second), ["S2", "S3"]);
    assert_eq!(second["request_status"], "SUCCESS");
    modes(&srv, json!({"foreign_base": "https://reports.example.net"}));
    let next = first_page(&srv)["_links"]["next"]["href"]
        .as_str()
        .expect("next")
        .to_owned();
    assert!(next.starts_with("https://reports.example.net/v2/reports/records?"));
    let bad = request(
        &srv,
        "POST",
        "/_sim/reports/modes",
        &[("Content-Type", "application/json")],
        Some(br#"{"foreign_base": "ftp:/x/y"}"#),
    );
    assert_eq!(bad.status, 400);
}

#[test]
fn repeated_cursor_and_success_with_next() {
    let srv = seeded(1);
    modes(&srv, json!({"next_link": "repeat_cursor"}));
    let first = first_page(&srv);
    let second = resend(&srv, &first);
    let third = resend(&srv, &second);
    assert_eq!(first["cursor"], second["cursor"]);
    assert_eq!(second["cursor"], third["cursor"]);
    assert_eq!(ids(&second), ids(&third), "the loop never ends by itself");
    assert_eq!(third["request_status"], "TRUNCATED");

    let srv = seeded(3);
    modes(&srv, json!({"next_link": "success_with_next"}));
    let first = first_page(&srv);
    assert_eq!(first["request_status"], "TRUNCATED");
    let last = resend(&srv, &first);
    assert_eq!(last["request_status"], "SUCCESS");
    assert_eq!(last["items_count"], 1, "fewer than the page size");
    assert!(last.get("cursor").is_none());
    let next = last["_links"]["next"]["href"].as_str().expect("next kept");
    let beyond = get_basic(&srv, next.strip_prefix(srv.base_url()).expect("here")).json();
    assert_eq!(
        (
            beyond["request_status"].as_str(),
            beyond["items_count"].as_u64()
        ),
        (Some("SUCCESS"), Some(0))
    );
    assert!(beyond["_links"].get("next").is_none());
}

#[test]
fn cursors_can_expire() {
    let srv = seeded(2);
    modes(&srv, json!({"cursor_ttl_ms": 60_000}));
    let first = first_page(&srv);
    assert_eq!(resend(&srv, &first)["request_status"], "SUCCESS");
    advance(&srv, 61_000);
    let (c, iv) = (
        first["cursor"].as_str().expect("c"),
        first["iv"].as_str().expect("iv"),
    );
    let r = get_basic(
        &srv,
        &format!("/v2/reports/records?product=SMS&direction=outbound&{DAY}&cursor={c}&iv={iv}"),
    );
    assert_eq!(r.status, 422);
    assert_eq!(
        r.json()["invalid_parameters"][0],
        json!({"name": "cursor", "reason": "The cursor has expired"})
    );
    // Restarting the window gives fresh cursors that work.
    assert_eq!(resend(&srv, &first_page(&srv))["request_status"], "SUCCESS");
}

#[test]
fn id_batches_up_to_twenty() {
    let srv = seeded(1000);
    let mut batch: Vec<String> = (0..4).map(|i| format!("S{i}")).collect();
    batch.extend((0..16).map(|i| format!("MISSING{i}")));
    let path = |ids: &[String]| {
        format!(
            "/v2/reports/records?product=SMS&direction=outbound&id={}",
            ids.join("%2C")
        )
    };
    let b = get_basic(&srv, &path(&batch)).json();
    assert_eq!(b["items_count"], 4);
    let missing = b["ids_not_found"].as_str().expect("a string, not an array");
    assert_eq!(missing.split(',').count(), 16);
    assert!(missing.starts_with("MISSING0,MISSING1,"));
    let b = get_basic(&srv, &path(&batch[..4])).json();
    assert_eq!(b["ids_not_found"], "");
    batch.push("S9".into());
    let r = get_basic(&srv, &path(&batch));
    assert_eq!(r.status, 422);
    assert_eq!(r.json()["title"], "Invalid filter");
    // An id query ignores the subject-filter mode: ids are exact.
    modes(&srv, json!({"filter_match": "ignore"}));
    let b = get_basic(&srv, &path(&batch[..1])).json();
    assert_eq!(ids(&b), ["S0"]);
}

#[test]
fn unprovisioned_account_and_refused_products() {
    let srv = seeded(1000);
    let by_id = "/v2/reports/records?product=SMS&direction=outbound&id=S0";
    let create = r#"{"product":"VOICE-FAILED","account_id":"sim-key"}"#;
    modes(
        &srv,
        json!({"refused_products": ["VOICE-FAILED", "CONVERSATION-EVENT"]}),
    );
    let r = get_basic(&srv, "/v2/reports/records?product=VOICE-FAILED&id=X");
    assert_eq!(r.status, 422);
    let reason = r.json()["invalid_parameters"][0]["reason"]
        .as_str()
        .unwrap_or("")
        .to_owned();
    assert!(
        reason.starts_with("Could not resolve product name") && !reason.contains("VOICE-FAILED")
    );
    assert!(reason.contains("CONVERSATIONS") && reason.contains("VOICE-CALL"));
    assert_eq!(post_report(&srv, create).status, 422);
    assert_eq!(get_basic(&srv, by_id).status, 200);
    modes(&srv, json!({"refused_products": [], "unprovisioned": true}));
    for r in [
        get_basic(&srv, by_id),
        post_report(&srv, create),
        get_basic(&srv, "/v2/reports?account_id=sim-key&status=SUCCESS"),
    ] {
        assert_eq!(r.status, 403);
        assert_eq!(r.json()["title"], "Forbidden");
    }
    // Credentials are still checked first.
    assert_eq!(get(&srv, by_id).status, 401);
    modes(&srv, json!({"unprovisioned": false}));
    assert_eq!(post_report(&srv, create).status, 200);
}
