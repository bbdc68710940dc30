//! Replays `tests/vectors/erasure.json`: scripted Vonage answers driven through the sans-IO job.
//! Node and Python run the same loop over the same file and must produce the same `expect`.
//! `UPDATE_VECTORS=1 cargo test --test erasure_vectors` rewrites `expect` from
//! `tests/vectors/gen/erasure_cases.json` (review the diff: the properties in erasure/job.rs are
//! what make these outputs right).

use erasekit_core::{
    capture, ApiBase, Auth, Credentials, CredentialsInput, ErasureJob, ErasurePlan, HttpResponse,
    JobConfig, LedgerEntry, PlanOptions, TransportFailure, TARGET_CHECK_OP,
};
use serde_json::{json, Value};
use std::collections::HashMap;

const KEY: &[u8] = b"0123456789abcdef";

fn dir() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors")
}

fn response(step: &Value) -> Result<HttpResponse, TransportFailure> {
    if let Some(f) = step.get("failure") {
        return Err(serde_json::from_value(f.clone()).unwrap());
    }
    let status = step["status"].as_u64().unwrap() as u16;
    let mut headers = std::collections::BTreeMap::new();
    if let Some(ra) = step.get("retry_after").and_then(Value::as_str) {
        headers.insert("retry-after".to_owned(), ra.to_owned());
    }
    let body = if let Some(b) = step.get("body").and_then(Value::as_str) {
        b.to_owned()
    } else if let Some(p) = step.get("problem").and_then(Value::as_str) {
        let t = match p.split_once('#') {
            Some((api, code)) => format!("https://developer.nexmo.com/api-errors/{api}#{code}"),
            None => format!("https://developer.nexmo.com/api-errors#{p}"),
        };
        json!({"type": t, "title": p, "detail": "scripted", "instance": "trace-1"}).to_string()
    } else {
        String::new()
    };
    Ok(HttpResponse {
        status,
        headers,
        body: body.into_bytes(),
    })
}

/// The answer to an unscripted call: 204, or for a target check the documented not-found.
fn default_step(target: &str, url: &str) -> Value {
    match target {
        "@target_check" if url.ends_with("/redact/transaction") => {
            json!({"status": 404, "problem": "invalid-id"})
        }
        "@target_check" => json!({"status": 404, "problem": "not-found"}),
        _ => json!({"status": 204}),
    }
}

fn run(case: &Value) -> Value {
    let now0 = case["now"].as_u64().unwrap();
    let mut entries: Vec<LedgerEntry> = Vec::new();
    for c in case["captures"].as_array().unwrap() {
        entries.extend(
            capture(
                c["source"].as_str().unwrap(),
                &c["payload"],
                c.get("at").and_then(Value::as_u64),
            )
            .unwrap(),
        );
    }
    let options: PlanOptions = serde_json::from_value(case["options"].clone()).unwrap();
    let config: JobConfig = serde_json::from_value(case["config"].clone()).unwrap();
    let plan = ErasurePlan::new("subject-1", KEY, &entries, now0, None, options).unwrap();
    let mut job = ErasureJob::new(plan, config).unwrap();
    let pem = std::fs::read_to_string(dir().join("keys/app_private.pem")).unwrap();
    let creds = Credentials::new(CredentialsInput {
        api_key: Some("abcd1234".into()),
        api_secret: Some("s3cr3t-value".into()),
        application_id: Some("aaaaaaaa-bbbb-4ccc-8ddd-0123456789ab".into()),
        private_key: Some(pem),
    })
    .unwrap();
    let base = ApiBase::default();
    let auth = Auth {
        credentials: &creds,
        base: &base,
    };
    let script = case["script"].as_object().unwrap();
    let mut attempts: HashMap<String, usize> = HashMap::new();
    let mut sends = Vec::new();
    let mut now = now0;
    while !job.is_finished() {
        while let Some(call) = job.poll_request(now, auth) {
            // Target checks are scripted under "@target_check" (all groups share the list).
            let target = if call.op == TARGET_CHECK_OP {
                "@target_check".to_owned()
            } else {
                job.plan().operations[call.op as usize].target.clone()
            };
            sends.push(json!([
                now - now0,
                call.op,
                call.request.method,
                call.request.url
            ]));
            let n = attempts.entry(target.clone()).or_default();
            let step = script
                .get(&target)
                .and_then(|s| s.get(*n))
                .cloned()
                .unwrap_or_else(|| default_step(&target, &call.request.url));
            *n += 1;
            match response(&step) {
                Ok(r) => job.handle_response(call.call_id, &r, now).unwrap(),
                Err(f) => job.handle_failure(call.call_id, &f, now).unwrap(),
            }
        }
        while job.poll_event().is_some() {}
        if job.is_finished() {
            break;
        }
        now = job.poll_timeout(now).expect("waiting on nothing");
    }
    let receipt = job.receipt(&[1u8; 32]).unwrap();
    let states: Vec<Value> = receipt
        .receipt
        .operations
        .iter()
        .map(|o| json!([o.target, o.state, o.attempts, o.status]))
        .collect();
    let checks: Vec<Value> = receipt
        .receipt
        .target_checks
        .iter()
        .flatten()
        .map(|c| json!([c.group, c.result, c.status]))
        .collect();
    json!({
        "sends": sends,
        "states": states,
        "counts": job.counts(),
        "checks": checks,
        "complete": receipt.receipt.complete,
    })
}

#[test]
fn erasure_vectors() {
    if std::env::var_os("UPDATE_VECTORS").is_some() {
        let mut doc: Value = serde_json::from_str(
            &std::fs::read_to_string(dir().join("gen/erasure_cases.json")).unwrap(),
        )
        .unwrap();
        doc["about"] = json!("Erasure job vectors (scripted answers, virtual time) replayed by Rust, Node and Python. Inputs in gen/erasure_cases.json.");
        for case in doc["cases"].as_array_mut().unwrap() {
            case["expect"] = run(case);
        }
        std::fs::write(
            dir().join("erasure.json"),
            serde_json::to_string_pretty(&doc).unwrap() + "\n",
        )
        .unwrap();
    }
    let doc: Value =
        serde_json::from_str(&std::fs::read_to_string(dir().join("erasure.json")).unwrap())
            .unwrap();
    for case in doc["cases"].as_array().unwrap() {
        assert_eq!(run(case), case["expect"], "{}", case["name"]);
    }
}
