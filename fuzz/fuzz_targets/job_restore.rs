//! Job snapshots as read back from a ledger: any text (first byte even), or one of the job's
//! own snapshots (before the start, with calls in flight, finished) with a few values replaced
//! by edge values (first byte odd). A snapshot that restores is run to its end (every call
//! answered in turn by a fixed cycle of answers), saved and restored again.
#![no_main]

use arbitrary::Unstructured;
use erasekit_core::{
    Auth, Credentials, CredentialsInput, ErasureJob, HttpResponse, MAX_UNIX_MILLIS,
};
use erasekit_fuzz::{base, check_receipt, check_snapshot, edit, plan, started_job, NOW};
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// Key and secret only: calls needing a JWT fail to build (no RSA signing per input).
fn credentials() -> &'static Credentials {
    static C: OnceLock<Credentials> = OnceLock::new();
    C.get_or_init(|| {
        Credentials::new(CredentialsInput {
            api_key: Some("abcd1234".into()),
            api_secret: Some("s3cr3t-value".into()),
            ..CredentialsInput::default()
        })
        .expect("valid credentials")
    })
}

fn answers() -> Vec<HttpResponse> {
    let problem = |kind: &str| {
        format!(r#"{{"type":"https://developer.nexmo.com/api-errors#{kind}","title":"t"}}"#)
            .into_bytes()
    };
    let mut retry = BTreeMap::new();
    retry.insert("retry-after".to_owned(), "1".to_owned());
    vec![
        HttpResponse {
            status: 503,
            ..HttpResponse::default()
        },
        HttpResponse {
            status: 429,
            headers: retry,
            body: problem("throttled"),
        },
        HttpResponse {
            status: 403,
            headers: BTreeMap::new(),
            body: problem("premature-redaction"),
        },
        HttpResponse {
            status: 204,
            ..HttpResponse::default()
        },
        HttpResponse {
            status: 404,
            headers: BTreeMap::new(),
            body: problem("invalid-id"),
        },
        HttpResponse {
            status: 401,
            ..HttpResponse::default()
        },
    ]
}

/// The job's own snapshots: fresh, with every call in flight.
fn snapshots() -> &'static [serde_json::Value] {
    static S: OnceLock<Vec<serde_json::Value>> = OnceLock::new();
    S.get_or_init(|| {
        let fresh = ErasureJob::new(plan(), erasekit_core::JobConfig::default()).expect("a job");
        [fresh.snapshot(), started_job().0.snapshot()]
            .iter()
            .map(|s| serde_json::from_str(s).expect("a snapshot is JSON"))
            .collect()
    })
}

fn snapshot_text(data: &[u8]) -> Option<String> {
    let (first, rest) = data.split_first()?;
    if first % 2 == 0 {
        return std::str::from_utf8(rest).ok().map(str::to_owned);
    }
    let mut u = Unstructured::new(rest);
    let base = u.choose(snapshots()).ok()?.clone();
    Some(edit(&mut u, base).ok()?.to_string())
}

fuzz_target!(|data: &[u8]| {
    let Some(snapshot) = snapshot_text(data) else {
        return;
    };
    let Ok(mut job) = ErasureJob::restore(&snapshot) else {
        return;
    };
    check_snapshot(&job);
    let auth = Auth {
        credentials: credentials(),
        base: base(),
    };
    let answers = answers();
    let mut now = job.plan().planned_at.clamp(NOW, MAX_UNIX_MILLIS);
    // Nothing is in flight after a restore: a job with work left must say when to poll.
    assert!(
        job.is_finished() || job.poll_timeout(now).is_some(),
        "a restored job with work left never asks to be polled"
    );
    let mut turn = 0usize;
    for _ in 0..200 {
        let mut calls = Vec::new();
        while let Some(call) = job.poll_request(now, auth) {
            calls.push(call.call_id);
            if calls.len() > 64 {
                break;
            }
        }
        for call in calls {
            let answer = &answers[turn % answers.len()];
            turn += 1;
            job.handle_response(call, answer, now)
                .expect("the call is in flight");
        }
        while job.poll_event().is_some() {}
        match job.poll_timeout(now) {
            Some(at) if at <= MAX_UNIX_MILLIS => now = at.max(now + 1),
            Some(_) => break,
            None => {
                assert!(
                    job.is_finished(),
                    "the job stopped asking to be polled with work left"
                );
                break;
            }
        }
        if now > MAX_UNIX_MILLIS {
            break;
        }
    }
    check_snapshot(&job);
    check_receipt(&job);
});
