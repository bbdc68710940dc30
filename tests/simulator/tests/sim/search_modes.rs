//! Message Search modes: the retired API (404, 410, 401), the response quirks old SDKs met
//! (`{}`, a bare object, prices as strings, carrier statuses), its optional rate limit, and
//! erase-then-search showing `REDACTED`.

use crate::common::*;
use serde_json::{json, Value};

const KEYS: &str = "api_key=sim-key&api_secret=sim-secret";

fn seeded(config: Value) -> erasekit_sim::SimServer {
    let srv = sim(config);
    seed(
        &srv,
        json!({"records": [
            {"product": "sms", "id": "MT1", "from": "Acme", "to": "447700900001", "body": "hi", "date_received": "2024-03-01T10:00:00Z", "status": "accepted", "price": 0.0333},
            {"product": "sms", "id": "MT2", "from": "Acme", "to": "447700900002", "body": "yo", "date_received": "2024-03-01T11:00:00Z"}
        ]}),
    );
    srv
}

fn modes(srv: &erasekit_sim::SimServer, patch: Value) -> Value {
    control(srv, "/_sim/search/modes", patch)
}

#[test]
fn retired_modes_refuse_every_route() {
    let srv = seeded(json!({}));
    let routes = [
        format!("/search/message?id=MT1&{KEYS}"),
        format!("/search/messages?ids=MT1&{KEYS}"),
        format!("/search/rejections?date=2024-03-01&to=447700900001&{KEYS}"),
    ];
    for (mode, code) in [
        ("retired_404", 404),
        ("retired_410", 410),
        ("retired_401", 401),
    ] {
        assert_eq!(
            modes(&srv, json!({ "availability": mode }))["availability"],
            mode
        );
        for path in &routes {
            let r = get(&srv, path);
            assert_eq!(r.status, code, "{mode} {path}");
            if code == 401 {
                assert_eq!(r.json()["error-code"], "401");
            } else {
                assert!(r.body.is_empty());
            }
        }
    }
    modes(&srv, json!({"availability": "live"}));
    assert_eq!(get(&srv, &routes[0]).status, 200);
    // Reports keeps working with the same key while Message Search is retired.
    modes(&srv, json!({"availability": "retired_410"}));
    let r = get_basic(
        &srv,
        "/v2/reports/records?product=SMS&direction=outbound&id=MT1",
    );
    assert_eq!(r.status, 200);
}

#[test]
fn quirks_bend_the_shapes() {
    let srv = seeded(json!({}));
    let one = format!("/search/messages?ids=MT1&{KEYS}");
    let none = format!("/search/messages?date=2024-03-02&to=447700900001&{KEYS}");
    let plain = get(&srv, &one).json();
    assert_eq!(
        (plain["count"].as_u64(), plain["items"][0]["price"].as_f64()),
        (Some(1), Some(0.0333))
    );
    assert_eq!(plain["items"][0]["status"], "accepted");
    assert_eq!(get(&srv, &none).json(), json!({"count": 0, "items": []}));
    let m = modes(
        &srv,
        json!({"empty_as_object": true, "single_as_object": true, "price_as_string": true, "carrier_status": true}),
    );
    assert_eq!(m["availability"], "live");
    assert_eq!(get(&srv, &none).json(), json!({}));
    let bare = get(&srv, &one).json();
    assert_eq!(bare["message-id"], "MT1", "a bare object: {bare}");
    assert_eq!(bare["price"], "0.03330000");
    assert_eq!(bare["status"], "ACCEPTD");
    // Two results keep the list shape.
    let two = get(&srv, &format!("/search/messages?ids=MT1&ids=MT2&{KEYS}")).json();
    assert_eq!(two["count"], 2);
    assert_eq!(two["items"][1]["status"], "DELIVRD");
    // The single-message route answers the object, with the same quirks.
    assert_eq!(
        get(&srv, &format!("/search/message?id=MT1&{KEYS}")).json()["price"],
        "0.03330000"
    );
    let bad = request(
        &srv,
        "POST",
        "/_sim/search/modes",
        &[("Content-Type", "application/json")],
        Some(br#"{"availability": "gone"}"#),
    );
    assert_eq!(bad.status, 400);
}

#[test]
fn optional_rate_limit_answers_429() {
    let srv = seeded(json!({"rate_limits": {"message_search": 1, "window_ms": 60000}}));
    let path = format!("/search/messages?ids=MT1&{KEYS}");
    assert_eq!(get(&srv, &path).status, 200);
    let r = get(&srv, &path);
    assert_eq!(r.status, 429);
    assert_eq!(r.json()["error-code"], "429");
    assert!(r
        .header("retry-after")
        .is_some_and(|v| v.parse::<u64>().is_ok()));
    // Credentials are checked before the limit.
    assert_eq!(get(&srv, "/search/messages?ids=MT1").status, 401);
}

#[test]
fn erased_messages_read_redacted() {
    let srv = seeded(json!({}));
    assert_eq!(
        redact(&srv, r#"{"id":"MT1","product":"sms","type":"outbound"}"#).status,
        204
    );
    let m = get(&srv, &format!("/search/message?id=MT1&{KEYS}")).json();
    assert_eq!(
        (m["to"].as_str(), m["body"].as_str()),
        (Some("REDACTED"), Some("REDACTED"))
    );
    assert_eq!(m["from"], "REDACTED");
    // A date + to search no longer finds it.
    let r = get(
        &srv,
        &format!("/search/messages?date=2024-03-01&to=447700900001&{KEYS}"),
    )
    .json();
    assert_eq!(r["count"], 0);
}
