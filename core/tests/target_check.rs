//! What a job may claim: the target check, `complete`, the `started` / `waiting` events and
//! `wait_for_premature`, and ids that would become URL dot segments.

use erasekit_core::{
    capture, verify_receipt, ApiBase, Auth, CheckResult, Credentials, CredentialsInput, ErasureJob,
    ErasurePlan, HttpResponse, JobConfig, JobEvent, LedgerEntry, PlanOptions, Terminal,
    TARGET_CHECK_OP,
};
use serde_json::json;

const T0: u64 = 1_700_000_000_000;
const HOUR: u64 = 3_600_000;
const KEY: [u8; 16] = *b"ledger-key-16byt";
const SIGNING: [u8; 32] = [7; 32];

fn creds() -> Credentials {
    Credentials::new(CredentialsInput {
        api_key: Some("k".into()),
        api_secret: Some("s".into()),
        ..Default::default()
    })
    .unwrap()
}

fn sms(ids: &[&str], at: u64) -> Vec<LedgerEntry> {
    let messages: Vec<_> = ids
        .iter()
        .map(|id| json!({"message-id": id, "status": "0"}))
        .collect();
    capture("sms_send", &json!({ "messages": messages }), Some(at)).unwrap()
}

fn job(entries: &[LedgerEntry], config: JobConfig) -> ErasureJob {
    let plan = ErasurePlan::new("u", &KEY, entries, T0, None, PlanOptions::default()).unwrap();
    ErasureJob::new(plan, config).unwrap()
}

fn answer(status: u16, body: &str) -> HttpResponse {
    HttpResponse {
        status,
        headers: Default::default(),
        body: body.as_bytes().to_vec(),
    }
}

const INVALID_ID: &str = r#"{"type":"https://developer.nexmo.com/api-errors#invalid-id","title":"Invalid ID","detail":"d","instance":"i"}"#;

/// Runs `job` against `base` with a fake Vonage: `server(url, op)` answers each call.
/// Returns every (op, url) sent and every event.
fn drive(
    job: &mut ErasureJob,
    base: &ApiBase,
    mut server: impl FnMut(&str, u32) -> HttpResponse,
) -> (Vec<(u32, String)>, Vec<JobEvent>) {
    let creds = creds();
    let auth = Auth {
        credentials: &creds,
        base,
    };
    let (mut sent, mut events) = (Vec::new(), Vec::new());
    let mut now = T0;
    for _ in 0..10_000 {
        while let Some(call) = job.poll_request(now, auth) {
            sent.push((call.op, call.request.url.clone()));
            let r = server(&call.request.url, call.op);
            job.handle_response(call.call_id, &r, now).unwrap();
        }
        events.extend(std::iter::from_fn(|| job.poll_event()));
        if job.is_finished() {
            return (sent, events);
        }
        now = job
            .poll_timeout(now)
            .expect("something to wait for")
            .max(now + 1);
    }
    panic!("job did not finish");
}

/// A Vonage at `http://127.0.0.1:8080`: Redact answers 204, or 404 invalid-id for the probe;
/// any other path is the 404 a web server gives for a wrong path.
fn vonage(url: &str, op: u32) -> HttpResponse {
    if url != "http://127.0.0.1:8080/v1/redact/transaction" {
        return answer(
            404,
            r#"{"type":"about:blank","title":"Not Found","status":404}"#,
        );
    }
    if op == TARGET_CHECK_OP {
        answer(404, INVALID_ID)
    } else {
        answer(204, "")
    }
}

#[test]
fn a_wrong_base_url_path_fails_every_operation_and_sends_nothing_after_the_probe() {
    let entries = sms(&["A", "B", "C"], T0 - 2 * HOUR);
    let mut job = job(&entries, JobConfig::default());
    // `--base-url $SIM/v1`: every URL gets an extra /v1.
    let base = ApiBase::new("http://127.0.0.1:8080/v1").unwrap();
    let (sent, events) = drive(&mut job, &base, vonage);
    assert_eq!(sent.len(), 1, "only the probe: {sent:?}");
    assert_eq!(sent[0].0, TARGET_CHECK_OP);
    let c = job.counts();
    assert_eq!((c.done, c.not_found, c.failed), (0, 0, 3));
    assert!(events.iter().any(|e| matches!(e,
        JobEvent::TargetChecked { group, ok: false, status: Some(404), .. } if group == "sms")));
    let receipt = job.receipt(&SIGNING).unwrap().receipt;
    assert_eq!(receipt.complete, Some(false));
    assert!(!receipt.on_time, "an incomplete erasure is never on time");
    let checks = receipt.target_checks.unwrap();
    assert_eq!(checks.len(), 1);
    assert_eq!(checks[0].result, CheckResult::Failed);
    assert_eq!(
        checks[0].url.as_deref(),
        Some("http://127.0.0.1:8080/v1/v1/redact/transaction")
    );
    for op in &receipt.operations {
        assert_eq!((op.state, op.attempts), (Terminal::Failed, 0));
        assert!(op
            .problem
            .as_deref()
            .unwrap()
            .contains("target check failed"));
    }
}

#[test]
fn a_401_to_the_probe_stops_the_group_before_any_operation_and_others_go_on() {
    let mut entries = sms(&["A", "B"], T0 - 2 * HOUR);
    entries.extend(
        capture(
            "verify",
            &json!({"request_id": "V1", "status": "0"}),
            Some(T0 - 2 * HOUR),
        )
        .unwrap(),
    );
    let mut job = job(&entries, JobConfig::default());
    let base = ApiBase::new("http://127.0.0.1:8080").unwrap();
    let mut sms_probe_seen = false;
    let (sent, _) = drive(&mut job, &base, |url, op| {
        // The sms probe is the first call; credentials for sms are refused.
        if op == TARGET_CHECK_OP && !sms_probe_seen {
            sms_probe_seen = true;
            return answer(
                401,
                r#"{"type":"UNAUTHORIZED","error_title":"Unauthorized"}"#,
            );
        }
        vonage(url, op)
    });
    let ops: Vec<u32> = sent
        .iter()
        .map(|s| s.0)
        .filter(|&op| op != TARGET_CHECK_OP)
        .collect();
    assert_eq!(ops, vec![2], "only verify's operation is sent");
    let receipt = job.receipt(&SIGNING).unwrap().receipt;
    let checks = receipt.target_checks.unwrap();
    let results: Vec<_> = checks
        .iter()
        .map(|c| (c.group.as_str(), c.result, c.status))
        .collect();
    assert_eq!(
        results,
        vec![
            ("sms", CheckResult::Failed, Some(401)),
            ("verify", CheckResult::Ok, Some(404))
        ]
    );
    assert_eq!(receipt.complete, Some(false));
    let summary = job.receipt(&SIGNING).unwrap().summary();
    assert!(summary.starts_with("INCOMPLETE"), "{summary}");
    assert!(summary.contains("target check sms FAILED"), "{summary}");
}

#[test]
fn a_right_target_runs_normally_and_the_receipt_is_complete() {
    let entries = sms(&["A", "B"], T0 - 2 * HOUR);
    let mut job = job(&entries, JobConfig::default());
    let base = ApiBase::new("http://127.0.0.1:8080").unwrap();
    let (sent, events) = drive(&mut job, &base, vonage);
    assert_eq!(
        sent.iter().map(|s| s.0).collect::<Vec<_>>(),
        vec![TARGET_CHECK_OP, 0, 1]
    );
    assert!(matches!(events[0], JobEvent::Started { at: T0, .. }));
    let receipt = job.receipt(&SIGNING).unwrap();
    assert_eq!(receipt.receipt.complete, Some(true));
    assert!(receipt.receipt.on_time);
    assert!(receipt.summary().starts_with("COMPLETE, on time"));
    assert_eq!(
        receipt.receipt.target_checks.as_ref().unwrap()[0].result,
        CheckResult::Ok
    );
    // The new fields are signed.
    let json = receipt.to_json();
    assert!(verify_receipt(&json, None).is_ok());
    let edited = json.replacen("\"complete\": true", "\"complete\": false", 1);
    assert_ne!(edited, json);
    assert_eq!(
        verify_receipt(&edited, None).unwrap_err().code(),
        "bad_signature"
    );
}

#[test]
fn with_check_target_off_no_probe_is_sent_and_the_receipt_says_skipped() {
    let entries = sms(&["A"], T0 - 2 * HOUR);
    let config = JobConfig {
        check_target: false,
        ..JobConfig::default()
    };
    let mut job = job(&entries, config);
    let base = ApiBase::new("http://127.0.0.1:8080").unwrap();
    let (sent, _) = drive(&mut job, &base, vonage);
    assert_eq!(sent.iter().map(|s| s.0).collect::<Vec<_>>(), vec![0]);
    let checks = job
        .receipt(&SIGNING)
        .unwrap()
        .receipt
        .target_checks
        .unwrap();
    assert_eq!(checks[0].result, CheckResult::Skipped);
}

#[test]
fn the_probe_goes_at_once_for_young_records_then_the_job_announces_its_wait() {
    let entries = sms(&["YOUNG"], T0 - 10 * 60_000);
    let creds = creds();
    let base = ApiBase::default();
    let auth = Auth {
        credentials: &creds,
        base: &base,
    };
    for wait in [true, false] {
        let config = JobConfig {
            wait_for_premature: wait,
            ..JobConfig::default()
        };
        let mut job = job(&entries, config);
        let probe = job
            .poll_request(T0, auth)
            .expect("the probe is not held by the hour");
        assert_eq!(probe.op, TARGET_CHECK_OP);
        assert!(matches!(
            job.poll_event(),
            Some(JobEvent::Started { at: T0, .. })
        ));
        assert!(job.check_wait().is_ok(), "a probe is in flight");
        job.handle_response(probe.call_id, &answer(404, INVALID_ID), T0)
            .unwrap();
        assert!(job.poll_request(T0, auth).is_none());
        let events: Vec<_> = std::iter::from_fn(|| job.poll_event()).collect();
        let until = T0 + 50 * 60_000;
        assert!(
            events
                .iter()
                .any(|e| matches!(e, JobEvent::Waiting { until: u, .. } if *u == until)),
            "{events:?}"
        );
        // Once per distinct `until`.
        assert!(job.poll_request(T0 + 1_000, auth).is_none());
        assert!(job.poll_event().is_none());
        match job.check_wait() {
            Ok(()) => assert!(wait),
            Err(e) => {
                assert!(!wait);
                assert_eq!(e.code(), "job_waiting");
                assert_eq!(e.details()["until"], json!(until));
            }
        }
        // A restored job keeps its probe result (no second probe) and says `started` again.
        let mut restored = ErasureJob::restore(&job.snapshot()).unwrap();
        assert!(restored.poll_request(T0 + 2_000, auth).is_none());
        assert!(matches!(
            restored.poll_event(),
            Some(JobEvent::Started { .. })
        ));
        let call = restored.poll_request(until, auth).unwrap();
        assert_eq!(call.op, 0);
    }
}

#[test]
fn a_snapshot_of_an_earlier_version_without_checks_still_loads() {
    let entries = sms(&["A"], T0 - 2 * HOUR);
    let job = job(&entries, JobConfig::default());
    let mut snapshot: serde_json::Value = serde_json::from_str(&job.snapshot()).unwrap();
    let map = snapshot.as_object_mut().unwrap();
    map.remove("checks");
    let config = map["config"].as_object_mut().unwrap();
    config.remove("check_target");
    config.remove("wait_for_premature");
    let restored = ErasureJob::restore(&snapshot.to_string()).unwrap();
    assert!(restored.config().check_target && restored.config().wait_for_premature);
}

#[test]
fn dot_segment_ids_are_refused_when_planning_and_recording() {
    for id in ["..", ".", "%2e%2E", ".%2e"] {
        let entry = LedgerEntry {
            kind: erasekit_core::EntryKind::User,
            product: None,
            direction: None,
            id: id.into(),
            created_at: T0 - 2 * HOUR,
            source: "conversation_user".into(),
            extra: Default::default(),
        };
        let err = ErasurePlan::new(
            "u",
            &KEY,
            std::slice::from_ref(&entry),
            T0,
            None,
            PlanOptions::default(),
        )
        .unwrap_err();
        assert_eq!(err.code(), "invalid_id", "{id}");
        let value = serde_json::to_value(vec![entry]).unwrap();
        let err = LedgerEntry::list_from_value(&value).unwrap_err();
        assert_eq!(err.details()["field"], "entries[0].id");
        assert!(err.to_string().contains("dot segment"), "{err}");
        // An event's conversation or event part alone is a path segment too.
        for target in [format!("CON-1:{id}"), format!("{id}:5")] {
            let event = LedgerEntry {
                kind: erasekit_core::EntryKind::Event,
                id: target.clone(),
                source: "conversation_event".into(),
                ..serde_json::from_value::<LedgerEntry>(json!({
                    "kind": "event", "product": null, "direction": null, "id": "CON-1:1",
                    "created_at": T0, "source": "x", "extra": {}
                }))
                .unwrap()
            };
            let err = ErasurePlan::new(
                "u",
                &KEY,
                std::slice::from_ref(&event),
                T0,
                None,
                PlanOptions::default(),
            )
            .unwrap_err();
            assert_eq!(err.code(), "invalid_id", "{target}");
            let value = serde_json::to_value(vec![event]).unwrap();
            let err = LedgerEntry::list_from_value(&value).unwrap_err();
            assert_eq!(err.details()["field"], "entries[0].id");
        }
    }
}
