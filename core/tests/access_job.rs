//! The access job through the job protocol against a small scripted Reports stand-in: sync
//! windows with TRUNCATED pages (a foreign next link refused, rebuilt from the cursor), ids
//! not found going to their second tries, every query terminal, and a snapshot taken mid-run
//! giving the same signed report.

use erasekit_core::{
    verify_access_report, AccessJob, AccessJobConfig, AccessPlanInput, ApiBase, Auth, Credentials,
    CredentialsInput, HttpRequest, HttpResponse,
};
use serde_json::{json, Value};

const NOW: u64 = 1_773_309_600_000; // 2026-03-12T10:00:00Z
const DAY: u64 = 86_400_000;
const SIGNING: [u8; 32] = [7; 32];

fn input() -> AccessPlanInput {
    serde_json::from_value(json!({
        "subject": "user-42",
        "entries": [{"kind": "transaction", "product": "sms", "direction": "outbound", "id": "MSG1",
                     "created_at": NOW - 2 * DAY, "source": "x", "extra": {}},
                    {"kind": "transaction", "product": "sms", "direction": "outbound", "id": "MSG9",
                     "created_at": NOW - 2 * DAY, "source": "x", "extra": {}}],
        "identifiers": [{"kind": "phone", "value": "+447700900123"}],
        "accounts": [{"api_key": "abcd1234", "role": "primary"}],
        "now": NOW,
        "request": {"request_id": "T-1", "received_on": "2026-03-03",
                    "verification": {"method": "otp_sms", "verified_at": NOW},
                    "scope": {"from": NOW - 2 * DAY}},
        "options": {"scan_pairs": ["S1"], "message_search": "off"}
    }))
    .expect("input")
}

fn row(id: &str) -> Value {
    json!({"message_id": id, "direction": "outbound", "from": "Acme", "to": "447700900123",
           "date_received": "2026-03-11T12:00:00Z", "message_body": "hello"})
}

/// By id: MSG1 found, MSG9 not. Windows: three records in pages of one, next links on a
/// foreign host (so the job must rebuild from the cursor).
fn answer(request: &HttpRequest, sent: &mut Vec<String>) -> HttpResponse {
    sent.push(request.url.clone());
    assert!(
        request.url.starts_with("https://api.nexmo.com/"),
        "request to another host: {}",
        request.url
    );
    let body = if request.url.contains("&id=") {
        json!({"request_status": "SUCCESS", "records": [row("MSG1")], "ids_not_found": "MSG9"})
    } else {
        let at = |c: &str| request.url.contains(&format!("cursor={c}"));
        let (n, next) = if at("c2") {
            (2, None)
        } else if at("c1") {
            (1, Some("c2"))
        } else {
            (0, Some("c1"))
        };
        let mut b = json!({"request_status": if next.is_some() { "TRUNCATED" } else { "SUCCESS" },
                           "records": [row(&format!("W{n}"))]});
        if let Some(c) = next {
            b["cursor"] = json!(c);
            b["iv"] = json!("iv0");
            b["_links"] = json!({"next": {"href":
                format!("https://evil.example/v2/reports/records?cursor={c}")}});
        }
        b
    };
    HttpResponse {
        status: 200,
        headers: Default::default(),
        body: body.to_string().into_bytes(),
    }
}

fn run(restore_at: Option<usize>) -> (String, Vec<String>) {
    run_with(restore_at, 0).0
}

/// `storm`: the first calls answered 429 (alternately with `Retry-After: 1` and without).
fn run_with(restore_at: Option<usize>, storm: u32) -> ((String, Vec<String>), Vec<u64>) {
    let creds = Credentials::new(CredentialsInput {
        api_key: Some("abcd1234".into()),
        api_secret: Some("s".into()),
        ..Default::default()
    })
    .expect("credentials");
    let base = ApiBase::default();
    let auth = Auth {
        credentials: &creds,
        base: &base,
    };
    let mut job = AccessJob::new(input(), AccessJobConfig::default()).expect("job");
    let (mut now, mut sent, mut step) = (NOW, Vec::new(), 0usize);
    let (mut storm, mut times, mut finished) = (storm, Vec::new(), Vec::new());
    while !job.is_finished() {
        if Some(step) == restore_at {
            job = AccessJob::restore(&job.snapshot()).expect("restore");
        }
        step += 1;
        assert!(step < 10_000, "the job does not end");
        let mut calls = Vec::new();
        while let Some(call) = job.poll_request(now, auth) {
            calls.push(call);
        }
        for call in calls {
            times.push(now);
            let response = if storm > 0 {
                storm -= 1;
                let mut headers = std::collections::BTreeMap::new();
                if storm % 2 == 0 {
                    headers.insert("retry-after".to_owned(), "1".to_owned());
                }
                HttpResponse {
                    status: 429,
                    headers,
                    body: Vec::new(),
                }
            } else {
                answer(&call.request, &mut sent)
            };
            job.handle_response(call.call_id, &response, now)
                .expect("answer");
        }
        while let Some(e) = job.poll_event() {
            if let erasekit_core::AccessEvent::QueryFinished { query, .. } = e {
                finished.push(query);
            }
        }
        if !job.is_finished() {
            now = job.poll_timeout(now).expect("a wake-up").max(now + 1);
        }
    }
    assert!(job.query_states().iter().all(Option::is_some));
    if restore_at.is_none() {
        // Every query ends in exactly one terminal state, announced once.
        finished.sort_unstable();
        let all: Vec<u32> = (0..job.query_states().len() as u32).collect();
        assert_eq!(finished, all);
    }
    let report = job.report(&SIGNING).expect("report");
    job.finish(&SIGNING).expect("receipt");
    ((report.to_canonical_json().expect("json"), sent), times)
}

#[test]
fn pages_second_tries_and_a_foreign_link_end_in_a_signed_report() {
    let (text, sent) = run(None);
    let report = verify_access_report(&text, None).expect("verifies");
    let ids: Vec<&str> = report
        .records
        .iter()
        .map(|r| r.vonage_id.as_str())
        .collect();
    for id in ["MSG1", "W0", "W1", "W2"] {
        assert!(ids.contains(&id), "{id} missing from {ids:?}");
    }
    assert!(report
        .not_found
        .iter()
        .any(|n| n.ledger_id == "MSG9" && !n.tried.is_empty()));
    assert!(sent.iter().any(|u| u.contains("cursor=c1&iv=iv0")));
}

#[test]
fn a_snapshot_at_any_step_gives_the_same_report() {
    let (whole, _) = run(None);
    for at in 0..8 {
        let (restored, _) = run(Some(at));
        assert_eq!(restored, whole, "restored at step {at}");
    }
}

#[test]
fn a_429_storm_slows_the_class_and_no_query_fails() {
    let ((stormy, _), times) = run_with(None, 25);
    let report = verify_access_report(&stormy, None).expect("verifies");
    assert!(report
        .sources
        .iter()
        .all(|s| s.state == "done" || s.state == "replaced"));
    // Never more than 10 Reports sync calls in any second.
    for (i, t) in times.iter().enumerate() {
        let in_window = times[i..].iter().take_while(|s| **s < t + 1000).count();
        assert!(in_window <= 10, "{in_window} calls in the second from {t}");
    }
    // Every record of the calm run: MSG1 by id, W0–W2 from the pages.
    assert_eq!(report.records.len(), 4);
}

#[test]
fn a_401_fails_the_accounts_queries_at_once_and_the_report_says_what_is_missing() {
    let creds = Credentials::new(CredentialsInput {
        api_key: Some("abcd1234".into()),
        api_secret: Some("wrong".into()),
        ..Default::default()
    })
    .expect("credentials");
    let base = ApiBase::default();
    let auth = Auth {
        credentials: &creds,
        base: &base,
    };
    let mut job = AccessJob::new(input(), AccessJobConfig::default()).expect("job");
    let (mut now, mut sent) = (NOW, 0u64);
    while !job.is_finished() {
        let mut calls = Vec::new();
        while let Some(call) = job.poll_request(now, auth) {
            calls.push(call);
        }
        for call in calls {
            sent += 1;
            let response = HttpResponse {
                status: 401,
                headers: Default::default(),
                body: Vec::new(),
            };
            job.handle_response(call.call_id, &response, now)
                .expect("answer");
        }
        if !job.is_finished() {
            now = job.poll_timeout(now).expect("a wake-up").max(now + 1);
        }
    }
    let total = job.query_states().len() as u64;
    // No retry storm: at most the calls that were out together when the first 401 came back.
    assert!(sent <= total, "{sent} calls for {total} queries");
    let report = job.report(&SIGNING).expect("report");
    assert!(report.sources.iter().all(|s| s.state == "failed"));
    assert!(report
        .gaps
        .iter()
        .any(|g| g.code == "source_unavailable" && g.detail.contains("unauthorized")));
    assert!(report.not_found.iter().any(|n| n.ledger_id == "MSG1"));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]

    /// Any 429 storm, any restore step: the same report, never over 10 sync calls a second.
    #[test]
    fn storms_and_restores_give_the_same_report(storm in 0u32..40, at in 0usize..12) {
        let ((whole, _), times) = run_with(None, storm);
        let ((restored, _), _) = run_with(Some(at), storm);
        proptest::prop_assert_eq!(&restored, &whole);
        for (i, t) in times.iter().enumerate() {
            let n = times[i..].iter().take_while(|s| **s < t + 1000).count();
            proptest::prop_assert!(n <= 10);
        }
    }
}
