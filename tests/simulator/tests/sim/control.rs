//! The control plane: clock, seeding, generation, records, state, log, settings, reset, CORS.

use crate::common::*;
use serde_json::json;

#[test]
fn clock_can_be_read_set_and_advanced() {
    let srv = sim(json!({"clock_start_ms": 1_000_000_000_000_i64}));
    let now = get(&srv, "/_sim/clock").json()["now_ms"]
        .as_i64()
        .expect("now");
    assert!((1_000_000_000_000..1_000_000_060_000).contains(&now));
    let set = control(
        &srv,
        "/_sim/clock",
        json!({"now_ms": 2_000_000_000_000_i64}),
    )["now_ms"]
        .as_i64()
        .expect("now");
    assert!((2_000_000_000_000..2_000_000_060_000).contains(&set));
    let moved = advance(&srv, 3_600_000);
    assert!(moved >= set + 3_600_000);
    let r = request(
        &srv,
        "POST",
        "/_sim/clock",
        &[],
        Some(br#"{"now_ms":1,"advance_ms":1}"#),
    );
    assert_eq!(r.status, 400);
    assert_eq!(
        request(&srv, "POST", "/_sim/clock", &[], Some(b"{}")).status,
        400
    );
}

#[test]
fn generation_is_deterministic() {
    let a = sim(json!({"clock_start_ms": 1_700_000_000_000_i64}));
    let b = sim(json!({"clock_start_ms": 1_700_000_000_000_i64}));
    let params = json!({"count": 500, "seed": 42, "newest_ms": 1_699_990_000_000_i64});
    let ga = control(&a, "/_sim/generate", params.clone());
    let gb = control(&b, "/_sim/generate", params);
    assert_eq!(ga["inserted"], 500);
    assert_eq!(ga["sample"], gb["sample"]);
    let la = get(&a, "/_sim/records?limit=500").json();
    let lb = get(&b, "/_sim/records?limit=500").json();
    assert_eq!(la["total"], 500);
    assert_eq!(la, lb);
    let other = control(
        &a,
        "/_sim/generate",
        json!({"count": 5, "seed": 43, "id_prefix": "x-"}),
    );
    assert_ne!(other["sample"][0]["id"], ga["sample"][0]["id"]);
    // Generated records are old enough to redact at once.
    let first = &ga["sample"][0];
    let body =
        json!({"id": first["id"], "product": first["product"], "type": first["type"]}).to_string();
    assert_eq!(redact(&a, &body).status, 204);
}

#[test]
fn seeding_is_all_or_nothing_and_validated() {
    let srv = sim(json!({}));
    let bad = json!({"records": [{"product": "sms", "id": "ok"}, {"product": "fax", "id": "x"}]});
    let r = request(
        &srv,
        "POST",
        "/_sim/seed",
        &[],
        Some(bad.to_string().as_bytes()),
    );
    assert_eq!(r.status, 400);
    assert!(r.json()["error"].is_string());
    assert_eq!(state(&srv)["records"]["total"], 0);
    assert_eq!(
        request(&srv, "POST", "/_sim/seed", &[], Some(b"{nope")).status,
        400
    );
    assert_eq!(
        request(&srv, "POST", "/_sim/seed", &[], Some(br#"{"recordz":[]}"#)).status,
        400
    );
    let ok = seed(
        &srv,
        json!({"records": [{"product": "sms", "id": "ok"}], "users": [{"id": "USR-1"}]}),
    );
    assert_eq!(ok["inserted"]["records"], 1);
    assert_eq!(ok["inserted"]["users"], 1);
    assert_eq!(
        get(&srv, "/_sim/records?product=sms&id=missing").status,
        404
    );
    assert_eq!(get(&srv, "/_sim/records?product=fax").status, 400);
}

#[test]
fn state_log_settings_and_reset() {
    let srv = sim(json!({"log_capacity": 3}));
    seed(
        &srv,
        json!({"records": [{"product": "sms", "id": "A", "age_ms": 7_200_000}]}),
    );
    for _ in 0..5 {
        redact(&srv, r#"{"id":"A","product":"sms","type":"outbound"}"#);
    }
    get(&srv, "/no/such/route");
    let log = get(&srv, "/_sim/log").json();
    assert_eq!(log["stats"]["capacity"], 3);
    assert_eq!(log["stats"]["total"], 6);
    assert_eq!(log["stats"]["evicted"], 3);
    let entries = log["entries"].as_array().expect("entries");
    assert_eq!(entries.len(), 3);
    assert_eq!(entries[2]["route"], "UNMATCHED");
    assert_eq!(entries[2]["status"], 404);
    for key in ["seq", "t_us", "wall_ms", "sim_ms", "method", "path"] {
        assert!(entries[0].get(key).is_some(), "missing {key}");
    }
    let after = entries[0]["seq"].as_u64().expect("seq");
    assert_eq!(
        get(&srv, &format!("/_sim/log?after={after}")).json()["entries"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    let st = state(&srv);
    assert_eq!(st["routes"]["POST /v1/redact/transaction"]["total"], 5);
    assert_eq!(st["redactions"][0]["count"], 5);
    let settings = control(
        &srv,
        "/_sim/settings",
        json!({"unprovisioned_products": ["sms"], "log_capacity": 10}),
    );
    assert_eq!(settings["unprovisioned_products"], json!(["sms"]));
    assert_eq!(
        redact(&srv, r#"{"id":"A","product":"sms","type":"outbound"}"#).status,
        403
    );
    assert_eq!(
        request(
            &srv,
            "POST",
            "/_sim/settings",
            &[],
            Some(br#"{"api_key":"x"}"#)
        )
        .status,
        400
    );
    assert_eq!(get(&srv, "/_sim/settings").json()["api_key"], "sim-key");
    control(&srv, "/_sim/reset", json!({}));
    let st = state(&srv);
    assert_eq!(
        (st["records"]["total"].as_u64(), st["log"]["len"].as_u64()),
        (Some(0), Some(0))
    );
    assert_eq!(request(&srv, "DELETE", "/_sim/log", &[], None).status, 200);
    assert_eq!(get(&srv, "/_sim/health").json()["ok"], true);
}

#[test]
fn cors_everywhere() {
    let srv = sim(json!({}));
    let r = request(
        &srv,
        "OPTIONS",
        "/v1/redact/transaction",
        &[
            ("Origin", "http://localhost:8000"),
            ("Access-Control-Request-Method", "POST"),
            (
                "Access-Control-Request-Headers",
                "authorization, content-type",
            ),
        ],
        None,
    );
    assert_eq!(r.status, 204);
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    assert!(r
        .header("access-control-allow-methods")
        .is_some_and(|m| m.contains("POST") && m.contains("DELETE")));
    assert!(r
        .header("access-control-allow-headers")
        .is_some_and(|h| h.contains("authorization")));
    for path in [
        "/v3/media/x/info",
        "/v2/reports/records",
        "/_sim/state",
        "/nowhere",
    ] {
        let r = get(&srv, path);
        assert_eq!(r.header("access-control-allow-origin"), Some("*"), "{path}");
    }
    let r = redact(&srv, "{}");
    assert!(r
        .header("access-control-expose-headers")
        .is_some_and(|h| h.contains("retry-after")));
}
