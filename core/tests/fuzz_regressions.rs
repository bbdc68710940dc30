//! What fuzzing found (fuzz/README.md), each kept as a test through the public API: the inputs
//! are the fuzzers' findings, reduced to the one value that mattered.

use erasekit_core::{
    capture, receipt_public_key, verify_receipt, ApiBase, Auth, Credentials, CredentialsInput,
    ErasureJob, ErasurePlan, HttpResponse, JobConfig, PlanOptions, TransportFailure,
};
use serde_json::{json, Value};

const T0: u64 = 1_700_000_000_000;
const NOW: u64 = T0 + 2 * 3_600_000;
const KEY: &[u8] = b"0123456789abcdef";

fn creds() -> Credentials {
    Credentials::new(CredentialsInput {
        api_key: Some("k".into()),
        api_secret: Some("s".into()),
        ..Default::default()
    })
    .unwrap()
}

/// A job of two SMS redactions.
fn job(config: JobConfig) -> erasekit_core::Result<ErasureJob> {
    let payload = json!({"messages": [{"message-id": "SMS1"}, {"message-id": "SMS2"}]});
    let entries = capture("sms_send", &payload, Some(T0)).unwrap();
    let plan = ErasurePlan::new("user-1", KEY, &entries, NOW, None, PlanOptions::default())?;
    ErasureJob::new(plan, config)
}

/// The job's snapshot as JSON, to edit as a hostile ledger row would.
fn snapshot(job: &ErasureJob) -> Value {
    serde_json::from_str(&job.snapshot()).unwrap()
}

fn restore(snapshot: &Value) -> erasekit_core::Result<ErasureJob> {
    ErasureJob::restore(&snapshot.to_string())
}

/// Answers every call 204 until nothing more is sent; true when the job finished.
fn run_to_end(job: &mut ErasureJob, mut now: u64) -> bool {
    let base = ApiBase::default();
    let creds = creds();
    let auth = Auth {
        credentials: &creds,
        base: &base,
    };
    let done = HttpResponse {
        status: 204,
        ..Default::default()
    };
    for _ in 0..100 {
        while let Some(call) = job.poll_request(now, auth) {
            job.handle_response(call.call_id, &done, now).unwrap();
        }
        match job.poll_timeout(now) {
            Some(at) => now = at.max(now + 1),
            None => break,
        }
    }
    job.is_finished()
}

#[test]
fn an_operation_in_flight_in_a_snapshot_is_sent_again() {
    // Found by `job_restore`: restored "in_flight", no answer could ever come; the job never
    // finished and never asked to be polled again.
    // Every call is answered 204 here, so the target check (which wants a not-found) is off.
    let config = JobConfig {
        check_target: false,
        ..JobConfig::default()
    };
    let mut s = snapshot(&job(config).unwrap());
    s["ops"][0]["phase"] = json!({"phase": "in_flight"});
    s["ops"][0]["attempts"] = json!(1);
    s["ops"][0]["last_attempt_at"] = json!(NOW);
    let mut job = restore(&s).unwrap();
    assert!(run_to_end(&mut job, NOW), "the restored job never finished");
    assert_eq!(job.counts().done, 2);
}

#[test]
fn a_snapshot_with_out_of_range_state_is_refused_not_run() {
    // Found by `job_restore`: `next_call` at u64::MAX overflowed on the next call (a panic in
    // debug builds, a reused call id in release); the other values overflowed or parked the
    // job for 500 million years.
    let base = snapshot(&job(JobConfig::default()).unwrap());
    let edits: [(&[&str], Value); 9] = [
        (&["next_call"], json!(u64::MAX)),
        (&["next_call"], json!(0)),
        (&["retries"], json!(u64::MAX)),
        (&["limiter", "tat_us"], json!(u64::MAX)),
        (&["limiter", "pace_milli"], json!(u64::MAX)),
        (&["limiter", "paused_until"], json!(u64::MAX)),
        (&["limiter", "limit"], json!(0)),
        (&["finished_at"], json!(NOW)),
        (&["started_at"], json!(u64::MAX)),
    ];
    for (path, value) in edits {
        let mut s = base.clone();
        let mut slot = &mut s;
        for key in path {
            slot = &mut slot[*key];
        }
        *slot = value;
        let err = restore(&s).expect_err(&format!("{path:?} restored"));
        assert_eq!(err.code(), "storage", "{path:?}: {err}");
    }
    for field in ["attempts", "premature", "rate_limited"] {
        let mut s = base.clone();
        s["ops"][1][field] = json!(u32::MAX);
        assert_eq!(restore(&s).unwrap_err().code(), "storage", "{field}");
    }
    let mut s = base.clone();
    s["ops"][1]["phase"] = json!({"phase": "pending", "due": u64::MAX});
    assert_eq!(restore(&s).unwrap_err().code(), "storage");
    // The unedited snapshot still restores.
    restore(&base).unwrap();
}

#[test]
fn a_backoff_longer_than_a_day_is_refused() {
    // A backoff near u64::MAX overflowed `now + backoff` at the first retry.
    let config = JobConfig {
        backoff_base_ms: u64::MAX / 2,
        backoff_max_ms: u64::MAX,
        ..JobConfig::default()
    };
    assert_eq!(job(config).unwrap_err().code(), "invalid_argument");
    let a_day = JobConfig {
        backoff_base_ms: 1_000,
        backoff_max_ms: 86_400_000,
        ..JobConfig::default()
    };
    let mut job = job(a_day).unwrap();
    let (base, creds) = (ApiBase::default(), creds());
    let auth = Auth {
        credentials: &creds,
        base: &base,
    };
    let call = job.poll_request(NOW, auth).unwrap();
    job.handle_failure(call.call_id, &TransportFailure::Timeout, NOW)
        .unwrap();
}

#[test]
fn receipt_keys_and_signatures_are_hex_digits_only() {
    // Found by `receipt_verify`'s check: "+9" read as the byte 0x09, so a receipt verified with
    // a '0' of its signature or key replaced by '+': one signature, many texts.
    let mut job = job(JobConfig::default()).unwrap();
    assert!(run_to_end(&mut job, NOW));
    let signing = [7u8; 32];
    let text = job.receipt_json(&signing).unwrap();
    let key = receipt_public_key(&signing).unwrap();
    verify_receipt(&text, Some(&key)).unwrap();
    let receipt: Value = serde_json::from_str(&text).unwrap();
    for field in ["value", "public_key"] {
        let hex = receipt["signature"][field].as_str().unwrap();
        let zero = (0..hex.len())
            .step_by(2)
            .find(|i| &hex[*i..*i + 1] == "0")
            .expect("a byte below 0x10");
        let mut tampered = receipt.clone();
        tampered["signature"][field] = json!(format!("{}+{}", &hex[..zero], &hex[zero + 1..]));
        let err = verify_receipt(&tampered.to_string(), None).unwrap_err();
        assert_eq!(err.code(), "invalid_receipt", "{field}: {err}");
    }
}

#[test]
fn an_export_with_a_dot_segment_id_is_refused() {
    // Found by an audit: `MemoryLedger::import` took ids that `record` refuses.
    let mut ledger = erasekit_core::MemoryLedger::new(&[7u8; 32], &[9u8; 32]).unwrap();
    let entry = |id: &str| {
        serde_json::from_value::<erasekit_core::LedgerEntry>(json!({
            "kind": "transaction", "product": "sms", "direction": "outbound", "id": id,
            "created_at": NOW, "source": "sms_send", "extra": {}
        }))
        .unwrap()
    };
    ledger.record("user-1", &[entry("SMS-1")]).unwrap();
    let export = ledger.export();
    assert!(erasekit_core::MemoryLedger::import(&export).is_ok());
    for bad in ["..", "%2e%2E", "."] {
        let hostile = export.replace("\"SMS-1\"", &format!("{bad:?}"));
        let err = erasekit_core::MemoryLedger::import(&hostile).unwrap_err();
        assert_eq!(err.code(), "storage", "{bad}");
    }
}

#[test]
fn a_snapshot_with_an_out_of_range_target_check_is_refused() {
    // Found by `job_restore` once snapshots kept target checks: a probe's attempts at u32::MAX
    // overflowed when the probe was sent again; a due time past the last valid time parked it.
    let base = snapshot(&job(JobConfig::default()).unwrap());
    assert!(
        base["checks"].as_array().is_some_and(|c| !c.is_empty()),
        "{base}"
    );
    assert!(restore(&base).is_ok());
    for (field, value) in [
        ("attempts", json!(u32::MAX)),
        ("phase", json!({"phase": "pending", "due": u64::MAX})),
    ] {
        let mut edited = base.clone();
        edited["checks"][0][field] = value;
        let err = restore(&edited).expect_err("refused");
        assert_eq!(err.code(), "storage", "{field}");
    }
}

#[test]
fn a_snapshot_taken_with_a_probe_in_flight_is_a_fixed_point_of_restore() {
    // Found by `job_response`: a probe in flight was saved as in flight and restored as
    // pending, so snapshot -> restore -> snapshot changed the text.
    let mut job = job(JobConfig::default()).unwrap();
    let base = ApiBase::default();
    let creds = creds();
    let auth = Auth {
        credentials: &creds,
        base: &base,
    };
    let probe = job
        .poll_request(NOW, auth)
        .expect("the target check's probe");
    assert_eq!(probe.op, erasekit_core::TARGET_CHECK_OP);
    let text = job.snapshot();
    assert_eq!(ErasureJob::restore(&text).unwrap().snapshot(), text);
}

#[test]
fn a_conversation_event_whose_id_would_be_too_long_is_refused_at_capture() {
    // Found by `capture_json`: a conversation id near the length limit plus `:<event>` made a
    // stored id over MAX_ID_LEN, which the plan could not build a request for.
    let long = format!("CON-{}", "a".repeat(erasekit_core::MAX_ID_LEN - 5));
    let ok = json!({"id": 5, "conversation_id": "CON-1", "timestamp": "2023-11-14T22:13:20.000Z"});
    assert!(capture("conversation_event", &ok, None).is_ok());
    let too_long =
        json!({"id": 12345, "conversation_id": long, "timestamp": "2023-11-14T22:13:20.000Z"});
    let err = capture("conversation_event", &too_long, None).unwrap_err();
    assert_eq!(err.code(), "invalid_payload");
}
