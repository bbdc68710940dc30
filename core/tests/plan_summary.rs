//! `ErasurePlan::summary`: the dry run in figures (counts per action and product, the time
//! sending takes at the rate, the earliest finish), and `ErasureJob::calls_sent`.

use erasekit_core::{
    ApiBase, Auth, Credentials, CredentialsInput, ErasureJob, ErasurePlan, HttpResponse, JobConfig,
    LedgerEntry, PlanOptions,
};
use serde_json::{json, Value};

const NOW: u64 = 1_700_000_000_000;
const HOUR: u64 = 3_600_000;

fn entry(kind: &str, product: Option<&str>, id: &str, age: u64) -> Value {
    json!({"kind": kind, "product": product, "direction": null, "id": id,
           "created_at": NOW - age, "source": "test", "extra": {}})
}

fn status(status: u16) -> HttpResponse {
    HttpResponse {
        status,
        ..Default::default()
    }
}

fn plan(entries: Vec<Value>) -> ErasurePlan {
    let entries = LedgerEntry::list_from_value(&Value::Array(entries)).unwrap();
    ErasurePlan::new(
        "user-1",
        b"0123456789abcdef",
        &entries,
        NOW,
        None,
        PlanOptions::default(),
    )
    .unwrap()
}

#[test]
fn groups_by_action_and_product_with_the_time_sending_takes() {
    let mut entries: Vec<Value> = (0..2000)
        .map(|i| entry("transaction", Some("sms"), &format!("SMS-{i}"), 2 * HOUR))
        .collect();
    entries.push(entry("transaction", Some("voice"), "CALL-1", 2 * HOUR));
    entries.push(entry(
        "transaction",
        Some("voice"),
        "OLD-1",
        500 * 24 * HOUR,
    ));
    entries.push(entry("leg", None, "leg-1", 2 * HOUR));
    entries.push(entry("user", None, "USR-1", 2 * HOUR));
    let summary = plan(entries).summary(170).unwrap();
    let value = serde_json::to_value(&summary).unwrap();
    assert_eq!(
        value["groups"],
        json!([
            {"action": "redact", "product": "sms", "operations": 2000, "pending": 2000,
             "expired": 0, "skipped": 0, "send_ms": 11_765},
            {"action": "redact", "product": "voice", "operations": 2, "pending": 1,
             "expired": 1, "skipped": 0, "send_ms": 6},
            {"action": "delete_leg", "product": null, "operations": 1, "pending": 0,
             "expired": 0, "skipped": 1, "send_ms": 0},
            {"action": "delete_user", "product": null, "operations": 1, "pending": 1,
             "expired": 0, "skipped": 0, "send_ms": 6},
        ])
    );
    assert_eq!(summary.operations, 2004);
    assert_eq!(summary.pending, 2002);
    assert_eq!(summary.send_ms, 11_777); // 2002 / 170 s, rounded up
                                         // 2002 calls, the first now, then one every 1/170 s: 2001 slots later.
    assert_eq!(summary.estimated_finish, Some(NOW + 11_770));
    assert_eq!(summary.rate_per_second, 170);
    assert!(!summary.late);
}

#[test]
fn the_estimate_waits_for_the_sixty_minute_rule() {
    // Two records of ten minutes ago: nothing goes before created_at + 60 min.
    let p = plan(vec![
        entry("transaction", Some("sms"), "A", 10 * 60_000),
        entry("transaction", Some("sms"), "B", 10 * 60_000),
    ]);
    let summary = p.summary(2).unwrap();
    assert_eq!(summary.estimated_finish, Some(NOW + 50 * 60_000 + 500));
    assert_eq!(
        summary.estimated_finish,
        p.earliest_finish().map(|t| t + 500)
    );
    assert_eq!(summary.send_ms, 1000);
}

#[test]
fn nothing_pending_has_no_finish_and_bad_rates_are_refused() {
    let p = plan(vec![entry("leg", None, "leg-1", 2 * HOUR)]);
    let summary = p.summary(170).unwrap();
    assert_eq!((summary.pending, summary.estimated_finish), (0, None));
    assert_eq!(summary.due_at, p.deadline.due_at);
    for rate in [0, 1_000_001] {
        let err = p.summary(rate).unwrap_err();
        assert_eq!(err.code(), "invalid_argument");
        assert!(err.to_string().contains("rate_per_second"), "{err}");
    }
}

#[test]
fn a_plan_that_cannot_finish_by_its_deadline_is_late() {
    // 1,000,000 calls at 1/s take 11.6 days; the deadline of a request received 25 days ago is
    // in about 3 days.
    let entries: Vec<Value> = (0..1_000)
        .map(|i| entry("transaction", Some("sms"), &format!("S{i}"), 2 * HOUR))
        .collect();
    let entries = LedgerEntry::list_from_value(&Value::Array(entries)).unwrap();
    let received = NOW - 25 * 24 * HOUR;
    let p = ErasurePlan::new(
        "user-1",
        b"0123456789abcdef",
        &entries,
        NOW,
        Some(received),
        PlanOptions::default(),
    )
    .unwrap();
    let slow = p.summary(1).unwrap();
    assert_eq!(slow.estimated_finish, Some(NOW + 999_000));
    assert!(!slow.late);
    let late = ErasurePlan::new(
        "user-1",
        b"0123456789abcdef",
        &entries,
        NOW,
        Some(NOW - 31 * 24 * HOUR),
        PlanOptions::default(),
    )
    .unwrap()
    .summary(1)
    .unwrap();
    assert!(late.late);
}

#[test]
fn calls_sent_counts_calls_not_operations_and_survives_a_snapshot() {
    let p = plan(vec![
        entry("transaction", Some("sms"), "A", 2 * HOUR),
        entry("transaction", Some("sms"), "B", 2 * HOUR),
        entry("leg", None, "leg-1", 2 * HOUR),
    ]);
    let mut job = ErasureJob::new(
        p,
        JobConfig {
            seed: 1,
            // Calls here are operations only (the target check's probe is a call of its own).
            check_target: false,
            ..JobConfig::default()
        },
    )
    .unwrap();
    let credentials = Credentials::new(CredentialsInput {
        api_key: Some("k".into()),
        api_secret: Some("s".into()),
        ..Default::default()
    })
    .unwrap();
    let base = ApiBase::default();
    let auth = Auth {
        credentials: &credentials,
        base: &base,
    };
    assert_eq!(job.calls_sent(), 0);
    let mut t = NOW;
    let mut calls = Vec::new();
    while calls.len() < 2 {
        if let Some(call) = job.poll_request(t, auth) {
            calls.push(call);
        } else {
            t = job.poll_timeout(t).unwrap();
        }
    }
    assert_eq!(job.calls_sent(), 2);
    // A 503 and a retry: three calls for two operations; the skipped leg is never sent.
    job.handle_response(calls[0].call_id, &status(503), t)
        .unwrap();
    job.handle_response(calls[1].call_id, &status(204), t)
        .unwrap();
    let restored = ErasureJob::restore(&job.snapshot()).unwrap();
    assert_eq!(restored.calls_sent(), 2);
    let mut job = restored;
    loop {
        if let Some(call) = job.poll_request(t, auth) {
            job.handle_response(call.call_id, &status(204), t).unwrap();
        } else if let Some(next) = job.poll_timeout(t) {
            t = next;
        } else {
            break;
        }
    }
    assert!(job.is_finished());
    assert_eq!(job.calls_sent(), 3);
    assert_eq!(job.counts().finished(), 3);
}

#[test]
fn plan_summary_vectors() {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/vectors/plan_summary.json");
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    for case in doc["cases"].as_array().unwrap() {
        let entries = LedgerEntry::list_from_value(&case["entries"]).unwrap();
        let plan = ErasurePlan::new(
            "user-1",
            b"0123456789abcdef",
            &entries,
            case["now"].as_u64().unwrap(),
            case.get("received_at").and_then(Value::as_u64),
            // The vectors are about the summary; an empty plan is asked for on purpose.
            PlanOptions {
                allow_empty: true,
                ..PlanOptions::default()
            },
        )
        .unwrap();
        let rate = u32::try_from(case["rate_per_second"].as_u64().unwrap()).unwrap();
        let got = match plan.summary(rate) {
            Ok(summary) => serde_json::to_value(summary).unwrap(),
            Err(e) => json!({ "error": e.code() }),
        };
        assert_eq!(got, case["expect"], "{}", case["name"]);
    }
}
