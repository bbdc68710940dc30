//! Message Search: query credentials, MO/MT shapes, ids and date searches, rejections.

use crate::common::*;
use serde_json::json;

const KEYS: &str = "api_key=sim-key&api_secret=sim-secret";

fn seeded() -> erasekit_sim::SimServer {
    let srv = sim(json!({}));
    seed(
        &srv,
        json!({"records": [
            {"product": "sms", "id": "MT1", "from": "Acme", "to": "447700900001", "body": "hi", "date_received": "2024-03-01T10:00:00Z", "client_ref": "c1"},
            {"product": "sms", "id": "MT2", "from": "Acme", "to": "447700900001", "body": "again", "date_received": "2024-03-01T11:00:00Z", "status": "rejected"},
            {"product": "sms", "type": "inbound", "id": "MO1", "from": "447700900001", "to": "447700900000", "body": "STOP", "date_received": "2024-03-02T09:00:00Z"},
            {"product": "voice", "id": "MT3", "to": "447700900001", "date_received": "2024-03-01T10:00:00Z"}
        ]}),
    );
    srv
}

#[test]
fn single_message_shapes() {
    let srv = seeded();
    let r = get(&srv, &format!("/search/message?id=MT1&{KEYS}"));
    assert_eq!(r.status, 200);
    let m = r.json();
    assert_eq!(m["type"], "MT");
    assert_eq!(m["date-received"], "2024-03-01 10:00:00");
    assert_eq!(m["client-ref"], "c1");
    for key in [
        "message-id",
        "account-id",
        "network",
        "from",
        "to",
        "body",
        "price",
        "final-status",
        "date-closed",
        "latency",
    ] {
        assert!(m.get(key).is_some(), "missing {key}");
    }
    let mo = get(&srv, &format!("/search/message?id=MO1&{KEYS}")).json();
    assert_eq!(mo["type"], "MO");
    assert!(mo.get("price").is_none());
    assert_eq!(
        get(&srv, &format!("/search/message?id=MT3&{KEYS}")).status,
        404
    );
    let r = get(&srv, &format!("/search/message?{KEYS}"));
    assert_eq!(r.status, 400);
    assert_eq!(
        r.json(),
        json!({"type": "BAD_REQUEST", "error_title": "Bad Request", "invalid_parameters": {"id": "Is required."}})
    );
    // The current SDKs' Basic header works as well.
    assert_eq!(get_basic(&srv, "/search/message?id=MT1").status, 200);
}

#[test]
fn credentials_are_checked() {
    let srv = seeded();
    for q in [
        "id=MT1",
        "id=MT1&api_key=sim-key",
        "id=MT1&api_key=sim-key&api_secret=wrong",
    ] {
        let r = get(&srv, &format!("/search/message?{q}"));
        assert_eq!(r.status, 401, "{q}");
        assert_eq!(
            r.json(),
            json!({"error-code": "401", "error-code-label": "authentication failed"})
        );
    }
}

#[test]
fn messages_by_ids_or_date() {
    let srv = seeded();
    let b = get(
        &srv,
        &format!("/search/messages?ids=MT1&ids=MO1&ids=NOPE&{KEYS}"),
    )
    .json();
    assert_eq!(b["count"], 2);
    let b = get(
        &srv,
        &format!("/search/messages?date=2024-03-01&to=447700900001&{KEYS}"),
    )
    .json();
    assert_eq!(b["count"], 2);
    assert_eq!(b["items"][1]["message-id"], "MT2");
    let ids: String = (0..11).map(|i| format!("ids=i{i}&")).collect();
    assert_eq!(
        get(&srv, &format!("/search/messages?{ids}{KEYS}")).status,
        400
    );
    let r = get(&srv, &format!("/search/messages?date=2024-03-01&{KEYS}"));
    assert_eq!(
        (r.status, r.json()["invalid_parameters"]["to"].as_str()),
        (400, Some("Is required."))
    );
    assert_eq!(
        get(
            &srv,
            &format!("/search/messages?date=01-03-2024&to=1&{KEYS}")
        )
        .status,
        400
    );
}

#[test]
fn rejections() {
    let srv = seeded();
    let b = get(
        &srv,
        &format!("/search/rejections?date=2024-03-01&to=447700900001&{KEYS}"),
    )
    .json();
    assert_eq!(b["count"], 1);
    let item = &b["items"][0];
    for key in [
        "account-id",
        "from",
        "to",
        "date-received",
        "error-code",
        "error-code-label",
    ] {
        assert!(item.get(key).is_some(), "missing {key}");
    }
    assert_eq!(
        get(&srv, &format!("/search/rejections?to=447700900001&{KEYS}")).status,
        400
    );
}
