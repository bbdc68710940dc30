//! Fault injection: reproducible from a seed, and each kind of fault as a client sees it.

use crate::common::*;
use serde_json::{json, Value};

const BODY: &str = r#"{"id":"A","product":"sms","type":"outbound"}"#;

fn outcome(r: &Resp) -> String {
    match (r.status, r.complete) {
        (0, _) => "dropped".into(),
        (s, false) => format!("{s}-cut"),
        (s, true) => s.to_string(),
    }
}

fn run(srv: &erasekit_sim::SimServer, plan: &Value, n: usize) -> Vec<String> {
    control(srv, "/_sim/faults", plan.clone());
    (0..n).map(|_| outcome(&redact(srv, BODY))).collect()
}

#[test]
fn same_seed_same_faults() {
    let srv = sim(json!({"rate_limits": {"redact": 0}}));
    seed(
        &srv,
        json!({"records": [{"product": "sms", "id": "A", "age_ms": 7_200_000}]}),
    );
    let plan = |seed: u64| {
        json!({"seed": seed, "rules": [{"route": "POST /v1/redact/transaction", "error_500": 0.1, "error_502": 0.1,
               "error_503": 0.1, "drop": 0.1, "truncate": 0.2, "jitter_ms": 3}]})
    };
    let first = run(&srv, &plan(11), 60);
    let again = run(&srv, &plan(11), 60);
    assert_eq!(first, again);
    let other = run(&srv, &plan(12), 60);
    assert_ne!(first, other);
    for kind in ["dropped", "500", "502", "503", "204"] {
        assert!(first.iter().any(|o| o == kind), "no {kind} in {first:?}");
    }
    // Successful redactions answer 204 with no body, so a truncation fault leaves them whole;
    // error bodies (here from a wrong product) can be cut.
    let st = state(&srv);
    let faults = &st["routes"]["POST /v1/redact/transaction"]["faults"];
    assert!(faults["drop"].as_u64().unwrap_or(0) > 0 && faults["error"].as_u64().unwrap_or(0) > 0);
    control(
        &srv,
        "/_sim/faults",
        json!({"seed": 1, "rules": [{"route": "/v1/redact/transaction", "truncate": 1.0}]}),
    );
    let r = redact(&srv, r#"{"id":"A","product":"fax","type":"outbound"}"#);
    assert_eq!((r.status, r.complete), (422, false));
    assert!(r
        .header("content-length")
        .and_then(|l| l.parse::<usize>().ok())
        .is_some_and(|l| l > r.body.len()));
}

#[test]
fn drops_before_and_after_processing() {
    let srv = sim(json!({}));
    seed(
        &srv,
        json!({"records": [{"product": "sms", "id": "A", "age_ms": 7_200_000}]}),
    );
    control(
        &srv,
        "/_sim/faults",
        json!({"rules": [{"route": "*", "drop": 1.0}]}),
    );
    assert_eq!(redact(&srv, BODY).status, 0);
    assert_eq!(state(&srv)["records"]["redacted"], 0);
    control(
        &srv,
        "/_sim/faults",
        json!({"rules": [{"route": "*", "drop": 1.0, "drop_after_processing": true}]}),
    );
    assert_eq!(redact(&srv, BODY).status, 0);
    // The redaction happened even though the client never heard back.
    assert_eq!(state(&srv)["redactions"][0]["count"], 1);
    request(&srv, "DELETE", "/_sim/faults", &[], None);
    assert_eq!(redact(&srv, BODY).status, 204);
    assert_eq!(state(&srv)["redactions"][0]["count"], 2);
}

#[test]
fn storms_latency_and_scoping() {
    let srv = sim(json!({}));
    seed(
        &srv,
        json!({"records": [{"product": "sms", "id": "A", "age_ms": 7_200_000}]}),
    );
    control(
        &srv,
        "/_sim/faults",
        json!({"rules": [
            {"route": "POST /v1/redact/transaction", "storm": {"first_request": 1, "request_count": 2, "retry_after_s": 7}},
            {"route": "GET /v2/reports/records", "latency_ms": 5}
        ]}),
    );
    let statuses: Vec<u16> = (0..4).map(|_| redact(&srv, BODY).status).collect();
    assert_eq!(statuses, [204, 429, 429, 204]);
    control(
        &srv,
        "/_sim/faults",
        json!({"rules": [{"route": "POST /v1/redact/transaction", "storm": {"retry_after_s": 7, "first_request": 0}}]}),
    );
    let r = redact(&srv, BODY);
    assert_eq!((r.status, r.header("retry-after")), (429, Some("7")));
    assert_eq!(
        r.json()["type"],
        "https://developer.nexmo.com/api-errors/redact#rate-limit"
    );
    // A time-window storm on the simulator clock.
    let now = get(&srv, "/_sim/clock").json()["now_ms"]
        .as_i64()
        .expect("now");
    control(
        &srv,
        "/_sim/faults",
        json!({"rules": [{"route": "*", "storm": {"start_ms": now + 60_000, "end_ms": now + 120_000}}]}),
    );
    assert_eq!(redact(&srv, BODY).status, 204);
    advance(&srv, 90_000);
    assert_eq!(redact(&srv, BODY).status, 429);
    advance(&srv, 60_000);
    assert_eq!(redact(&srv, BODY).status, 204);
    // The control plane is never faulted.
    control(
        &srv,
        "/_sim/faults",
        json!({"rules": [{"route": "*", "drop": 1.0}]}),
    );
    assert_eq!(get(&srv, "/_sim/state").status, 200);
    let plan = get(&srv, "/_sim/faults").json();
    assert_eq!(plan["rules"][0]["drop"], 1.0);
    let bad = request(
        &srv,
        "POST",
        "/_sim/faults",
        &[],
        Some(br#"{"rules":[{"route":"*","drop":2}]}"#),
    );
    assert_eq!(bad.status, 400);
}
