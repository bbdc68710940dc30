//! Writes the seed corpora of the text-shaped targets from the shared vectors and from real
//! snapshots, receipts and exports: `cargo +nightly run --example seeds` in `fuzz/`.
//! (The structured targets' seeds are a merged handful of what a run found; see README.)

use erasekit_core::{
    capture_sources, ErasureJob, GuardKind, HttpResponse, JobConfig, MemoryLedger,
};
use erasekit_fuzz::{auth, plan, sample_ledger, started_job, LEDGER_KEY, NOW, SIGNING_KEY};
use serde_json::Value;
use std::fs;
use std::path::Path;

fn write(target: &str, name: &str, bytes: &[u8]) {
    let dir = Path::new("seeds").join(target);
    fs::create_dir_all(&dir).expect("seeds dir");
    let name: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    fs::write(dir.join(name), bytes).expect("seed written");
}

fn vectors(name: &str) -> Value {
    let text = fs::read_to_string(format!("../tests/vectors/{name}.json")).expect("vectors");
    serde_json::from_str(&text).expect("vectors are JSON")
}

/// Every call (those in flight, then every new one) answered 204 until the job is finished.
fn finish(job: &mut ErasureJob, in_flight: &[u64], mut now: u64) {
    let done = HttpResponse {
        status: 204,
        ..HttpResponse::default()
    };
    for call in in_flight {
        job.handle_response(*call, &done, now).expect("in flight");
    }
    for _ in 0..100 {
        while let Some(call) = job.poll_request(now, auth()) {
            job.handle_response(call.call_id, &done, now)
                .expect("in flight");
        }
        match job.poll_timeout(now) {
            Some(at) => now = at.max(now + 1),
            None => break,
        }
    }
    assert!(job.is_finished());
}

fn main() {
    // capture_json: [source index][at: 1 = given][time selector 2 + 4 zero bytes = NOW] payload.
    // The first case of every source (the README's seeds also keep a few chosen error cases).
    let sources = capture_sources();
    let mut seen = std::collections::HashSet::new();
    for case in vectors("capture")["cases"].as_array().expect("cases") {
        let source = case["source"].as_str().expect("source");
        let Some(index) = sources.iter().position(|s| *s == source) else {
            continue;
        };
        if !seen.insert(source) {
            continue;
        }
        let mut bytes = vec![index as u8, 1, 2, 0, 0, 0, 0];
        bytes.extend(case["payload"].to_string().into_bytes());
        write("capture_json", case["name"].as_str().expect("name"), &bytes);
    }
    // payload_time: every time the capture vectors write.
    for (i, time) in [
        "2020-01-01 12:00:00",
        "2020-01-01T12:00:00.000Z",
        "2020-01-01T13:00:00+01:00",
        "2020-01-01T12:00:00.250",
        "1577880000",
        "2023-11-14T19:00:00Z",
    ]
    .iter()
    .enumerate()
    {
        write("payload_time", &format!("time-{i}"), time.as_bytes());
    }
    // problem_parse and retry_after: the Redact answers of the vectors.
    for case in vectors("redact")["cases"].as_array().expect("cases") {
        let Some(response) = case.get("response") else {
            continue;
        };
        let name = case["name"].as_str().expect("name");
        if let Some(body) = response["body"].as_str().filter(|b| !b.is_empty()) {
            write("problem_parse", name, body.as_bytes());
        }
        if let Some(after) = response["headers"].as_object().and_then(|h| {
            h.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("retry-after"))
                .map(|(_, v)| v.clone())
        }) {
            let mut bytes = case["now"].as_u64().unwrap_or(NOW).to_le_bytes().to_vec();
            bytes.extend(after.as_str().unwrap_or_default().as_bytes());
            write("retry_after", name, &bytes);
        }
    }
    let mut date = 784_111_777_000u64.to_le_bytes().to_vec();
    date.extend(b"Sun, 06 Nov 1994 08:49:37 GMT");
    write("retry_after", "http-date", &date);

    // job_restore: a job before it starts, with every call in flight, and finished.
    let (started, calls) = started_job();
    let fresh = ErasureJob::new(
        plan(),
        JobConfig {
            seed: 1,
            ..JobConfig::default()
        },
    )
    .expect("a job");
    // job_restore: [0] then a snapshot's text, or [1] then edits of the job's own snapshots.
    let text = |snapshot: String| [&[0u8][..], snapshot.as_bytes()].concat();
    write("job_restore", "fresh", &text(fresh.snapshot()));
    write("job_restore", "in-flight", &text(started.snapshot()));
    write("job_restore", "edit-fresh", &[1, 0, 0, 0, 0]);
    write("job_restore", "edit-started", &[1, 1, 0, 0, 0]);
    let mut finished = started.clone();
    let ids: Vec<u64> = calls.iter().map(|c| c.call_id).collect();
    finish(&mut finished, &ids, NOW);
    write("job_restore", "finished", &text(finished.snapshot()));

    // receipt_verify: the finished job's receipt, compact and pretty.
    let receipt = finished.receipt(&SIGNING_KEY).expect("a receipt");
    write(
        "receipt_verify",
        "compact",
        serde_json::to_string(&receipt).expect("json").as_bytes(),
    );
    write("receipt_verify", "pretty", receipt.to_json().as_bytes());

    // ledger_import: [0] then the text of an export (a ledger with every kind of record).
    let text = |export: String| [&[0u8][..], export.as_bytes()].concat();
    write("ledger_import", "ledger", &text(sample_ledger().export()));
    write("ledger_import", "edit", &[1, 0, 0, 0]);
    let empty = MemoryLedger::new(&LEDGER_KEY, &SIGNING_KEY).expect("a ledger");
    write("ledger_import", "empty", &text(empty.export()));

    // capture_body: [source index][content type: 0 none, 1 form][at: 1][time: NOW] body; the
    // form and query vectors, one of each kind per source.
    let mut seen = std::collections::HashSet::new();
    for case in vectors("capture_forms")["cases"].as_array().expect("cases") {
        let source = case["source"].as_str().expect("source");
        let name = case["name"].as_str().expect("name");
        let index = sources.iter().position(|s| *s == source).expect("a source");
        let form = case["content_type"] == "application/x-www-form-urlencoded";
        let kind = name.rsplit('(').next().unwrap_or(name);
        if !case["content_type"].is_null() && !form || !seen.insert((source, kind)) {
            continue;
        }
        let mut bytes = vec![index as u8, u8::from(form), 1, 2, 0, 0, 0, 0];
        bytes.extend(case["body"].as_str().expect("body").bytes());
        write("capture_body", name, &bytes);
    }
    // guard_check: [kind index][known: 1] body; every payload of the guard vectors.
    for case in vectors("guard")["cases"].as_array().expect("cases") {
        let kind = case["kind"].as_str().expect("kind");
        let index = GuardKind::ALL
            .iter()
            .position(|k| k.as_str() == kind)
            .expect("a kind");
        let body = match case.get("body") {
            Some(body) => body.as_str().expect("body").to_owned(),
            None => case["payload"].to_string(),
        };
        let bytes = [&[index as u8, 1][..], body.as_bytes()].concat();
        write("guard_check", case["name"].as_str().expect("name"), &bytes);
    }
    // import_rows: [0 CSV, 1 JSON lines] file; the import vectors.
    for case in vectors("import_rows")["cases"].as_array().expect("cases") {
        let format = u8::from(case["format"] == "jsonl");
        let body = case["body"].as_str().expect("body");
        let bytes = [&[format][..], body.as_bytes()].concat();
        write("import_rows", case["name"].as_str().expect("name"), &bytes);
    }
}
