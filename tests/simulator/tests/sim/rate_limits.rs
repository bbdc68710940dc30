//! The limiter, observed from outside through the request log: no 1 s window ever holds more
//! admitted requests than the limit, however hard it is hammered.

use crate::common::*;
use serde_json::json;

fn max_in_window(mut times: Vec<u64>, window_us: u64) -> usize {
    times.sort_unstable();
    let mut best = 0;
    let mut start = 0;
    for end in 0..times.len() {
        while times[end] >= times[start] + window_us {
            start += 1;
        }
        best = best.max(end - start + 1);
    }
    best
}

#[test]
fn redact_limit_holds_under_concurrent_load() {
    let srv = sim(json!({"rate_limits": {"redact": 20}}));
    seed(
        &srv,
        json!({"records": [{"product": "sms", "id": "A", "age_ms": 7_200_000}]}),
    );
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                for _ in 0..60 {
                    redact(&srv, r#"{"id":"A","product":"sms","type":"outbound"}"#);
                }
            });
        }
    });
    let log = get(
        &srv,
        "/_sim/log?route=POST%20/v1/redact/transaction&limit=100000",
    )
    .json();
    let entries = log["entries"].as_array().expect("entries").clone();
    assert_eq!(entries.len(), 240);
    let admitted: Vec<u64> = entries
        .iter()
        .filter(|e| e["status"] != 429)
        .map(|e| e["t_us"].as_u64().expect("t_us"))
        .collect();
    let refused = entries.iter().filter(|e| e["status"] == 429).count();
    assert!(!admitted.is_empty());
    assert_eq!(admitted.len() + refused, 240);
    assert!(max_in_window(admitted, 1_000_000) <= 20);
}

#[test]
fn reports_limits_are_separate_and_configurable() {
    let srv =
        sim(json!({"rate_limits": {"reports_records": 1, "reports_async": 1, "window_ms": 60000}}));
    let q = "/v2/reports/records?product=SMS&direction=outbound&id=X";
    assert_eq!(get_basic(&srv, q).status, 200);
    let r = get_basic(&srv, q);
    assert_eq!(r.status, 429);
    assert_eq!(
        r.json()["type"],
        "https://developer.nexmo.com/api-errors/reports#rate-limit"
    );
    assert!(r.header("retry-after").is_some());
    // The async limiter is its own bucket.
    assert_eq!(
        get_basic(&srv, "/v2/reports?account_id=sim-key&status=SUCCESS").status,
        200
    );
    assert_eq!(
        get_basic(&srv, "/v2/reports?account_id=sim-key&status=SUCCESS").status,
        429
    );
    // Limits can be lifted at run time.
    control(
        &srv,
        "/_sim/settings",
        json!({"rate_limits": {"reports_records": 0, "reports_async": 0}}),
    );
    for _ in 0..5 {
        assert_eq!(get_basic(&srv, q).status, 200);
    }
}
