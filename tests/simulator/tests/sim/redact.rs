//! `POST /v1/redact/transaction`: every documented status.

use crate::common::*;
use serde_json::json;

const OLD: i64 = 2 * 3_600_000;

fn seeded() -> erasekit_sim::SimServer {
    let srv = sim(json!({"unprovisioned_products": ["verify-sdk"]}));
    seed(
        &srv,
        json!({"records": [
            {"product": "sms", "id": "MT1", "from": "Acme", "to": "447700900001", "body": "Your code is 1234", "age_ms": OLD},
            {"product": "sms", "type": "inbound", "id": "MO1", "from": "447700900002", "to": "447700900000", "body": "STOP", "age_ms": OLD},
            {"product": "voice", "id": "CALL1", "from": "447700900000", "to": "447700900003", "age_ms": OLD},
            {"product": "messages", "id": "MSG1", "to": "447700900004", "body": "hi", "age_ms": 60_000},
            {"product": "number-insight", "id": "NI1", "number": "447700900005", "first_name": "Ann", "age_ms": OLD}
        ]}),
    );
    srv
}

#[test]
fn success_redacts_fields_and_counts_duplicates() {
    let srv = seeded();
    let r = redact(&srv, r#"{"id":"MT1","product":"sms","type":"outbound"}"#);
    assert_eq!(r.status, 204);
    assert!(r.body.is_empty());
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    let rec = get(&srv, "/_sim/records?product=sms&type=outbound&id=MT1").json();
    assert_eq!(rec["record"]["to"], "REDACTED");
    assert_eq!(rec["record"]["body"], "REDACTED");
    assert_eq!(rec["record"]["from"], "REDACTED");
    // Type defaults to outbound; a second redaction is still 204 and is counted.
    assert_eq!(redact(&srv, r#"{"id":"MT1","product":"sms"}"#).status, 204);
    assert_eq!(
        redact(
            &srv,
            r#"{"id":"CALL1","product":"voice","type":"outbound"}"#
        )
        .status,
        204
    );
    assert_eq!(
        redact(
            &srv,
            r#"{"id":"NI1","product":"number-insight","type":"outbound"}"#
        )
        .status,
        204
    );
    let st = state(&srv);
    let mt1 = st["redactions"]
        .as_array()
        .expect("list")
        .iter()
        .find(|r| r["id"] == "MT1")
        .expect("MT1 listed")
        .clone();
    assert_eq!(mt1["count"], 2);
    assert_eq!(st["records"]["redacted"], 3);
    assert_eq!(
        st["routes"]["POST /v1/redact/transaction"]["statuses"]["204"],
        4
    );
    let ni = get(&srv, "/_sim/records?product=number-insight&id=NI1").json();
    assert_eq!(ni["record"]["number"], "REDACTED");
    assert_eq!(ni["record"]["first_name"], "REDACTED");
}

#[test]
fn unauthorized_in_both_shapes() {
    let srv = seeded();
    let body = br#"{"id":"MT1","product":"sms","type":"outbound"}"#;
    for auth in [
        None,
        Some("Basic c2ltLWtleTpub3Bl"),
        Some("Bearer abc"),
        Some("Basic %%%"),
    ] {
        let mut headers = vec![("Content-Type", "application/json")];
        if let Some(a) = auth {
            headers.push(("Authorization", a));
        }
        let r = request(&srv, "POST", "/v1/redact/transaction", &headers, Some(body));
        assert_eq!(r.status, 401);
        assert_eq!(
            r.json(),
            json!({"type": "UNAUTHORIZED", "error_title": "Unauthorized"})
        );
    }
    control(
        &srv,
        "/_sim/settings",
        json!({"redact_unauthorized_shape": "problem"}),
    );
    let r = request(
        &srv,
        "POST",
        "/v1/redact/transaction",
        &[("Content-Type", "application/json")],
        Some(body),
    );
    assert_eq!(r.status, 401);
    assert_eq!(
        r.json()["type"],
        "https://developer.nexmo.com/api-errors#unauthorized"
    );
    assert_eq!(r.json()["title"], "Unauthorized");
}

#[test]
fn forbidden_premature_and_unprovisioned() {
    let srv = seeded();
    let r = redact(
        &srv,
        r#"{"id":"MSG1","product":"messages","type":"outbound"}"#,
    );
    assert_eq!(r.status, 403);
    let b = r.json();
    assert_eq!(
        b["type"],
        "https://developer.nexmo.com/api-errors/redact#premature-redaction"
    );
    assert_eq!(b["title"], "Premature Redaction");
    assert_eq!(
        b["detail"],
        "You must wait 60 minutes before redacting ID 'MSG1'"
    );
    assert!(b["instance"].as_str().is_some_and(|i| i.len() == 32));
    // An hour later on the simulator clock it works.
    advance(&srv, 3_600_000);
    assert_eq!(
        redact(
            &srv,
            r#"{"id":"MSG1","product":"messages","type":"outbound"}"#
        )
        .status,
        204
    );

    let r = redact(
        &srv,
        r#"{"id":"X","product":"verify-sdk","type":"outbound"}"#,
    );
    assert_eq!(r.status, 403);
    let b = r.json();
    assert_eq!(
        b["type"],
        "https://developer.nexmo.com/api-errors#unprovisioned"
    );
    assert_eq!(b["title"], "Authorisation error");
    assert_eq!(
        b["detail"],
        "User=sim-key is not provisioned to redact product=VERIFY-SDK"
    );
}

#[test]
fn not_found_including_wrong_direction() {
    let srv = seeded();
    let r = redact(&srv, r#"{"id":"NOPE","product":"sms","type":"outbound"}"#);
    assert_eq!(r.status, 404);
    let b = r.json();
    assert_eq!(
        b["type"],
        "https://developer.nexmo.com/api-errors#invalid-id"
    );
    assert_eq!(b["title"], "Invalid ID");
    assert_eq!(b["detail"], "ID 'NOPE' could not be found (type=MT)");
    // Seeded inbound, redacted as outbound: not found.
    let r = redact(&srv, r#"{"id":"MO1","product":"sms","type":"outbound"}"#);
    assert_eq!(r.status, 404);
    assert_eq!(
        redact(&srv, r#"{"id":"MO1","product":"sms","type":"inbound"}"#).status,
        204
    );
    // Right id, wrong product.
    assert_eq!(
        redact(&srv, r#"{"id":"MT1","product":"voice","type":"outbound"}"#).status,
        404
    );
}

#[test]
fn unprocessable_json_and_product() {
    let srv = seeded();
    for bad in [
        "{",
        "",
        "[]",
        "\"sms\"",
        r#"{"product":"sms"}"#,
        r#"{"id":5,"product":"sms"}"#,
        r#"{"id":"MT1","product":"sms","type":"sideways"}"#,
        r#"{"id":"MT1"}"#,
    ] {
        let r = redact(&srv, bad);
        assert_eq!(r.status, 422, "{bad}");
        let b = r.json();
        assert_eq!(
            b["type"], "https://developer.nexmo.com/api-errors#invalid-json",
            "{bad}"
        );
        assert_eq!(b["title"], "Invalid JSON");
        assert!(b["detail"].is_string() && b["instance"].is_string());
    }
    for (product, shown) in [
        ("sms2", "sms2"),
        ("SMS", "SMS"),
        ("workflow", "workflow"),
        ("message", "message"),
    ] {
        let r = redact(
            &srv,
            &format!(r#"{{"id":"MT1","product":"{product}","type":"outbound"}}"#),
        );
        assert_eq!(r.status, 422);
        let b = r.json();
        assert_eq!(
            b["type"],
            "https://developer.nexmo.com/api-errors/redact#invalid-product"
        );
        assert_eq!(b["title"], "Invalid Product");
        assert_eq!(
            b["detail"],
            format!("No product corresponding to supplied string {shown}!")
        );
    }
    // JSON without the JSON content type does not conform either.
    let r = request(
        &srv,
        "POST",
        "/v1/redact/transaction",
        &[("Authorization", &basic()), ("Content-Type", "text/plain")],
        Some(br#"{"id":"MT1","product":"sms","type":"outbound"}"#),
    );
    assert_eq!(r.status, 422);
}

#[test]
fn rate_limited_with_retry_after() {
    // A long window makes the third request certain to be refused, whatever the timing.
    let srv = sim(json!({"rate_limits": {"redact": 2, "window_ms": 60000}}));
    seed(
        &srv,
        json!({"records": [{"product": "sms", "id": "A", "age_ms": OLD}]}),
    );
    let body = r#"{"id":"A","product":"sms","type":"outbound"}"#;
    assert_eq!(redact(&srv, body).status, 204);
    assert_eq!(redact(&srv, body).status, 204);
    let r = redact(&srv, body);
    assert_eq!(r.status, 429);
    let b = r.json();
    assert_eq!(
        b["type"],
        "https://developer.nexmo.com/api-errors/redact#rate-limit"
    );
    assert_eq!(b["title"], "Rate Limit Hit");
    assert_eq!(b["detail"], "Please wait, then retry your request");
    let retry: u64 = r
        .header("retry-after")
        .expect("Retry-After")
        .parse()
        .expect("seconds");
    assert!((1..=60).contains(&retry));
}
