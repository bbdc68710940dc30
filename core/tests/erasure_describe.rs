//! `ErasurePlan::describe`: the dry run names the same method and URL the job sends.

use erasekit_core::{
    ApiBase, Auth, Credentials, CredentialsInput, ErasureJob, ErasurePlan, Initial, JobConfig,
    LedgerEntry, PlanOptions,
};
use serde_json::json;

const NOW: u64 = 1_700_000_000_000;
const HOUR: u64 = 3_600_000;

fn entries() -> Vec<LedgerEntry> {
    let entry = |kind: &str, product: Option<&str>, id: &str, age: u64| {
        json!({"kind": kind, "product": product, "direction": null, "id": id,
               "created_at": NOW - age, "source": "test", "extra": {}})
    };
    LedgerEntry::list_from_value(&json!([
        entry("transaction", Some("sms"), "SMS-1", 2 * HOUR),
        entry(
            "recording",
            None,
            "bbbbbbbb-aaaa-cccc-dddd-0123456789ab",
            2 * HOUR
        ),
        entry("user", None, "USR-1", 10 * 60_000),
        entry("event", None, "CON-1:7", 2 * HOUR),
        entry("conversation", None, "CON-1", 2 * HOUR),
        entry("leg", None, "leg/../1", 2 * HOUR),
        entry("transaction", Some("voice"), "OLD-1", 500 * 24 * HOUR),
    ]))
    .unwrap()
}

fn plan() -> ErasurePlan {
    ErasurePlan::new(
        "user-1",
        b"0123456789abcdef",
        &entries(),
        NOW,
        None,
        PlanOptions::default(),
    )
    .unwrap()
}

#[test]
fn describe_lists_every_operation_with_method_url_and_schedule() {
    let base = ApiBase::new("http://127.0.0.1:9").unwrap();
    let calls = plan().describe(&base).unwrap();
    let seen: Vec<(&str, &str, Initial)> = calls
        .iter()
        .map(|c| (c.method.as_str(), c.url.as_str(), c.initial))
        .collect();
    assert_eq!(
        seen,
        [
            (
                "POST",
                "http://127.0.0.1:9/v1/redact/transaction",
                Initial::Pending
            ),
            (
                "DELETE",
                "http://127.0.0.1:9/v3/media/bbbbbbbb-aaaa-cccc-dddd-0123456789ab",
                Initial::Pending
            ),
            (
                "DELETE",
                "http://127.0.0.1:9/v1/users/USR-1",
                Initial::Pending
            ),
            (
                "DELETE",
                "http://127.0.0.1:9/v1/conversations/CON-1/events/7",
                Initial::Pending
            ),
            (
                "DELETE",
                "http://127.0.0.1:9/v1/conversations/CON-1",
                Initial::Skipped
            ),
            (
                "DELETE",
                "http://127.0.0.1:9/v0.1/legs/leg%2F%2E%2E%2F1",
                Initial::Skipped
            ),
            (
                "POST",
                "http://127.0.0.1:9/v1/redact/transaction",
                Initial::Expired
            ),
        ]
    );
    assert_eq!(calls[2].not_before, NOW - 10 * 60_000 + HOUR);
    let json = serde_json::to_value(&calls[0]).unwrap();
    assert_eq!(json["action"], "redact");
    assert_eq!(json["product"], "sms");
    assert!(!serde_json::to_string(&calls).unwrap().contains("dry-run"));
}

#[test]
fn describe_matches_what_the_job_sends() {
    let plan = plan();
    let base = ApiBase::default();
    let described = plan.describe(&base).unwrap();
    let pem = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/vectors/keys/app_private.pem"),
    )
    .unwrap();
    let creds = Credentials::new(CredentialsInput {
        api_key: Some("k".into()),
        api_secret: Some("s".into()),
        application_id: Some("aaaaaaaa-bbbb-4ccc-8ddd-0123456789ab".into()),
        private_key: Some(pem),
    })
    .unwrap();
    // Calls are never answered here: without the target check the operations go at once.
    let config = JobConfig {
        check_target: false,
        ..JobConfig::default()
    };
    let mut job = ErasureJob::new(plan, config).unwrap();
    let auth = Auth {
        credentials: &creds,
        base: &base,
    };
    let mut sent = 0;
    // The job paces its calls: poll again whenever it asks to be woken.
    let mut now = NOW + 2 * HOUR;
    loop {
        while let Some(call) = job.poll_request(now, auth) {
            let d = &described[call.op as usize];
            assert_eq!(
                (d.method.as_str(), d.url.as_str()),
                (call.request.method.as_ref(), call.request.url.as_str())
            );
            sent += 1;
        }
        match job.poll_timeout(now) {
            Some(next) => now = next,
            None => break,
        }
    }
    assert_eq!(sent, 4);
}
