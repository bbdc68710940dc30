//! The job protocol hosts drive: run states, checkpoint cadence, stalled detection, the finish
//! step, resuming from a ledger row, the status rule and the transport failure's shape.

use erasekit_core::{
    capture, check_status, verify_receipt, ApiBase, Auth, Credentials, CredentialsInput,
    ErasureJob, ErasurePlan, HttpResponse, Job, JobConfig, JobState, LedgerEntry, PlanOptions,
    TransportFailure, DEFAULT_CHECKPOINT_EVERY,
};
use serde_json::json;

const T0: u64 = 1_700_000_000_000;
const HOUR: u64 = 3_600_000;
const KEY: [u8; 16] = *b"ledger-key-16byt";
const SIGNING: [u8; 32] = [42; 32];

fn creds() -> Credentials {
    Credentials::new(CredentialsInput {
        api_key: Some("k".into()),
        api_secret: Some("s".into()),
        ..Default::default()
    })
    .unwrap()
}

fn job(n: usize, config: JobConfig) -> ErasureJob {
    let entries: Vec<LedgerEntry> = (0..n)
        .flat_map(|i| {
            capture(
                "sms_send",
                &json!({"messages": [{"message-id": format!("M{i}"), "status": "0"}]}),
                Some(T0 - 2 * HOUR),
            )
            .unwrap()
        })
        .collect();
    let plan = ErasurePlan::new("u", &KEY, &entries, T0, None, PlanOptions::default()).unwrap();
    ErasureJob::new(
        plan,
        JobConfig {
            check_target: false,
            ..config
        },
    )
    .unwrap()
}

/// Drives any job through the protocol only, answering every call with 204 at once, its
/// clock moving to each `poll_timeout`.
fn drive<J: Job>(job: &mut J) -> (u32, Vec<String>) {
    let (creds, base) = (creds(), ApiBase::default());
    let auth = Auth {
        credentials: &creds,
        base: &base,
    };
    let mut checkpoints = 0;
    let mut events = Vec::new();
    let mut now = T0;
    while !job.is_finished() {
        let mut calls = Vec::new();
        while let Some(call) = job.poll_request(now, auth) {
            calls.push(call.call_id);
        }
        for id in calls {
            let ok = HttpResponse {
                status: 204,
                ..Default::default()
            };
            job.handle_response(id, &ok, now).unwrap();
            if job.checkpoint_due() {
                checkpoints += 1;
                job.checkpoint();
            }
        }
        while let Some(event) = job.poll_event() {
            events.push(serde_json::to_value(&event).unwrap()["event"].to_string());
        }
        if !job.is_finished() {
            job.check_idle(now, 0).unwrap();
            now = now.max(job.poll_timeout(now).unwrap());
        }
    }
    (checkpoints, events)
}

#[test]
fn the_checkpoint_cadence_is_the_jobs_own() {
    assert_eq!(
        JobConfig::default().checkpoint_every,
        DEFAULT_CHECKPOINT_EVERY
    );
    assert_eq!(DEFAULT_CHECKPOINT_EVERY, 100);
    let mut every3 = job(
        10,
        JobConfig {
            checkpoint_every: 3,
            ..JobConfig::default()
        },
    );
    assert_eq!(drive(&mut every3).0, 3); // after answers 3, 6 and 9
    let mut default = job(10, JobConfig::default());
    assert_eq!(drive(&mut default).0, 0);
    let bad = ErasureJob::new(
        default.plan().clone(),
        JobConfig {
            checkpoint_every: 0,
            ..JobConfig::default()
        },
    );
    assert_eq!(bad.unwrap_err().code(), "invalid_argument");
}

#[test]
fn finish_returns_the_signed_receipt_and_the_finished_state() {
    let mut job = job(2, JobConfig::default());
    assert_eq!(job.finish(&SIGNING).unwrap_err().code(), "job_not_finished");
    let (_, events) = drive(&mut job);
    assert!(events.contains(&"\"finished\"".to_owned()));
    let end = Job::finish(&job, &SIGNING).unwrap();
    assert_eq!(end.state, JobState::Finished);
    assert_eq!(end.job_id, job.job_id());
    let body = verify_receipt(&end.receipt, None).unwrap();
    assert_eq!(body.receipt_id, job.job_id());
}

#[test]
fn a_job_waiting_on_answers_nobody_sends_is_stalled() {
    let (creds, base) = (creds(), ApiBase::default());
    let auth = Auth {
        credentials: &creds,
        base: &base,
    };
    let mut job = job(1, JobConfig::default());
    let call = job.poll_request(T0, auth).unwrap();
    // The host still has the call out: waiting is right.
    job.check_idle(T0, 1).unwrap();
    // The host lost it (a job object stopped mid-run): nothing will ever come.
    let err = job.check_idle(T0, 0).unwrap_err();
    assert_eq!(err.code(), "job_stalled");
    assert_eq!(err.family(), erasekit_core::ErrorFamily::Job);
    // Its snapshot sends the call again.
    let mut again = ErasureJob::restore(&job.snapshot()).unwrap();
    assert!(again.poll_request(T0 + 10_000, auth).is_some());
    job.handle_failure(call.call_id, &TransportFailure::Timeout, T0)
        .unwrap();
}

#[test]
fn run_states_are_a_closed_set() {
    for (state, text) in [
        (JobState::Running, "running"),
        (JobState::Stopped, "stopped"),
        (JobState::Finished, "finished"),
    ] {
        assert_eq!(state.as_str(), text);
        assert_eq!(text.parse::<JobState>().unwrap(), state);
        assert_eq!(serde_json::to_value(state).unwrap(), json!(text));
    }
    assert_eq!("paused".parse::<JobState>().unwrap_err().code(), "storage");
}

#[test]
fn resume_names_a_missing_job_and_refuses_another_jobs_row() {
    let job = job(1, JobConfig::default());
    let err = ErasureJob::resume("job-x", None).unwrap_err();
    assert_eq!(err.code(), "job_not_found");
    assert_eq!(err.family(), erasekit_core::ErrorFamily::Input);
    let resumed = ErasureJob::resume(job.job_id(), Some(&job.snapshot())).unwrap();
    assert_eq!(resumed.job_id(), job.job_id());
    let other = ErasureJob::resume("job-x", Some(&job.snapshot())).unwrap_err();
    assert_eq!(other.code(), "storage");
}

#[test]
fn one_status_rule_for_every_host() {
    assert_eq!(check_status(204.0).unwrap(), 204);
    assert_eq!(check_status(0.0).unwrap(), 0);
    assert_eq!(check_status(65535.0).unwrap(), 65535);
    for bad in [-1.0, 65536.0, 204.5, f64::NAN, f64::INFINITY] {
        assert_eq!(check_status(bad).unwrap_err().code(), "invalid_argument");
    }
}

#[test]
fn transport_failures_have_the_shape_hosts_pass() {
    let read = |v: serde_json::Value| serde_json::from_value::<TransportFailure>(v);
    assert_eq!(read(json!("timeout")).unwrap(), TransportFailure::Timeout);
    assert_eq!(
        read(json!("connection")).unwrap(),
        TransportFailure::Connection
    );
    assert_eq!(
        read(json!({"other": {"message": "dns"}})).unwrap(),
        TransportFailure::Other {
            message: "dns".into()
        }
    );
    assert!(read(json!({"message": "dns"})).is_err());
    assert!(read(json!("refused")).is_err());
    assert_eq!(
        serde_json::to_value(TransportFailure::Other {
            message: "x".into()
        })
        .unwrap(),
        json!({"other": {"message": "x"}})
    );
}
