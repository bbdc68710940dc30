//! What the fuzz targets share: structured generators for JSON values and HTTP answers, and a
//! job with one call of every action in flight (built once: its JWT is signed once, not per run).
//!
//! Generators draw field names, problem types and statuses from what Vonage and the ledger
//! actually use, so most inputs get past the first check and reach the interesting code.

use arbitrary::{Arbitrary, Result, Unstructured};
use erasekit_core::{
    capture, capture_sources, ApiBase, Auth, Call, Credentials, CredentialsInput, ErasureJob,
    ErasurePlan, HttpResponse, JobConfig, LedgerEntry, PlanOptions, TransportFailure,
};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// 2023-11-14T22:13:20Z: when the template's records were made.
pub const T0: u64 = 1_700_000_000_000;
/// The template job's first poll: two hours after its records, so every call is due.
pub const NOW: u64 = T0 + 2 * 3_600_000;
/// The subject key of every ledger and plan here.
pub const LEDGER_KEY: [u8; 16] = *b"fuzz-ledger-key!";
/// The receipt signing seed of every receipt here.
pub const SIGNING_KEY: [u8; 32] = [7; 32];
/// The RSA key of the test vectors, for the JWT calls (Media, Conversation).
pub const PRIVATE_KEY: &str = include_str!("../../tests/vectors/keys/app_private.pem");

/// Field names the capture sources, ledger rows and snapshots read.
const KEYS: &[&str] = &[
    "messages",
    "message-id",
    "status",
    "network",
    "client-ref",
    "messageId",
    "message-timestamp",
    "timestamp",
    "concat-ref",
    "concat-part",
    "concat-total",
    "uuid",
    "conversation_uuid",
    "direction",
    "recording_url",
    "recording_uuid",
    "start_time",
    "request_id",
    "error_text",
    "status_message",
    "message_uuid",
    "channel",
    "client_ref",
    "id",
    "conversation_id",
    "type",
    "created",
    "title",
    "detail",
    "instance",
    "error_title",
];

/// Text values that mean something to some parser.
const TEXTS: &[&str] = &[
    "0",
    "1",
    "",
    "0A0000000123ABCD1",
    "aaaaaaaa-bbbb-cccc-dddd-0123456789ab",
    "USR-1",
    "CON-1",
    "CON-1:5",
    "..",
    ".",
    "inbound",
    "outbound",
    "sms",
    "voice",
    "2020-01-01 12:00:00",
    "2020-01-01T12:00:00.000Z",
    "2020-01-01T13:00:00+01:00",
    "1577880000",
    "https://api.nexmo.com/v1/files/aaaaaaaa-bbbb-cccc-dddd-0123456789ab",
    "https://developer.nexmo.com/api-errors#invalid-id",
    "https://developer.nexmo.com/api-errors/redact#premature-redaction",
    "https://developer.nexmo.com/api-errors#not-found",
    "transaction",
    "recording",
    "user",
    "conversation",
    "event",
    "leg",
    "{}",
    "{\"a\":1}",
    "9007199254740991",
    "9007199254740992",
];

/// A text: mostly one that matters, sometimes anything.
pub fn text(u: &mut Unstructured<'_>) -> Result<String> {
    if u.ratio(3, 4)? {
        Ok((*u.choose(TEXTS)?).to_owned())
    } else {
        String::arbitrary(u)
    }
}

fn key(u: &mut Unstructured<'_>) -> Result<String> {
    if u.ratio(7, 8)? {
        Ok((*u.choose(KEYS)?).to_owned())
    } else {
        String::arbitrary(u)
    }
}

/// A JSON value of at most `depth` levels, without floats (they do not survive a text
/// round trip bit for bit, and no Vonage id or time is a float).
pub fn value(u: &mut Unstructured<'_>, depth: u32) -> Result<Value> {
    let leaf = depth == 0 || u.is_empty();
    Ok(match u.int_in_range(0..=if leaf { 4 } else { 6 })? {
        0 => Value::Null,
        1 => Value::Bool(bool::arbitrary(u)?),
        2 => Value::from(u64::arbitrary(u)?),
        3 => Value::from(i64::arbitrary(u)?),
        4 => Value::String(text(u)?),
        5 => {
            let n = u.int_in_range(0..=4)?;
            Value::Array((0..n).map(|_| value(u, depth - 1)).collect::<Result<_>>()?)
        }
        _ => Value::Object(object(u, depth - 1)?),
    })
}

/// A JSON object whose keys are mostly the ones Vonage payloads carry.
pub fn object(u: &mut Unstructured<'_>, depth: u32) -> Result<Map<String, Value>> {
    let n = u.int_in_range(0..=6)?;
    let mut map = Map::new();
    for _ in 0..n {
        map.insert(key(u)?, value(u, depth)?);
    }
    Ok(map)
}

/// One of the capture sources.
pub fn source(u: &mut Unstructured<'_>) -> Result<&'static str> {
    Ok(*u.choose(&capture_sources())?)
}

/// A time: mostly near the template's, sometimes anywhere in `u64`.
pub fn time(u: &mut Unstructured<'_>) -> Result<u64> {
    Ok(match u.int_in_range(0..=3)? {
        0 => u64::arbitrary(u)?,
        1 => (1u64 << 53) - 1 - u64::from(u8::arbitrary(u)?),
        _ => NOW + u64::from(u32::arbitrary(u)?),
    })
}

/// An HTTP answer: a status Vonage (or a proxy) sends, headers, and a problem body or bytes.
pub fn response(u: &mut Unstructured<'_>) -> Result<HttpResponse> {
    const STATUSES: &[u16] = &[
        200, 201, 202, 204, 206, 301, 302, 304, 400, 401, 403, 404, 409, 410, 422, 429, 500, 502,
        503, 504,
    ];
    const TYPES: &[&str] = &[
        "https://developer.nexmo.com/api-errors#invalid-id",
        "https://developer.nexmo.com/api-errors/redact#premature-redaction",
        "https://developer.nexmo.com/api-errors#not-found",
        "https://developer.vonage.com/api-errors/conversation#not-found",
        "https://developer.nexmo.com/api-errors#unauthorized",
        "https://developer.nexmo.com/api-errors#invalid-json",
        "https://developer.nexmo.com/api-errors#invalid-product",
        "https://developer.nexmo.com/api-errors#throttled",
        "about:blank",
        "UNAUTHORIZED",
    ];
    let status = if u.ratio(7, 8)? {
        *u.choose(STATUSES)?
    } else {
        u16::arbitrary(u)?
    };
    let mut headers = BTreeMap::new();
    for _ in 0..u.int_in_range(0..=2)? {
        let name = if u.ratio(3, 4)? {
            (*u.choose(&["retry-after", "Retry-After", "content-type"])?).to_owned()
        } else {
            String::arbitrary(u)?
        };
        let value = match u.int_in_range(0..=3)? {
            0 => u32::arbitrary(u)?.to_string(),
            1 => "Sun, 06 Nov 1994 08:49:37 GMT".to_owned(),
            2 => "Fri, 31 Dec 9999 23:59:59 GMT".to_owned(),
            _ => String::arbitrary(u)?,
        };
        headers.insert(name, value);
    }
    let body = match u.int_in_range(0..=3)? {
        0 => Vec::new(),
        1 => {
            let mut problem = json!({ "type": *u.choose(TYPES)?, "title": text(u)? });
            if bool::arbitrary(u)? {
                problem["instance"] = Value::String(text(u)?);
            }
            problem.to_string().into_bytes()
        }
        2 => value(u, 3)?.to_string().into_bytes(),
        _ => Vec::<u8>::arbitrary(u)?,
    };
    Ok(HttpResponse {
        status,
        headers,
        body,
    })
}

/// An answer or a transport failure.
pub fn answer(
    u: &mut Unstructured<'_>,
) -> Result<std::result::Result<HttpResponse, TransportFailure>> {
    Ok(match u.int_in_range(0..=7)? {
        0 => Err(TransportFailure::Timeout),
        1 => Err(TransportFailure::Connection),
        2 => Err(TransportFailure::Other {
            message: String::arbitrary(u)?,
        }),
        _ => Ok(response(u)?),
    })
}

/// Key and secret plus an application: every action can be built.
pub fn credentials() -> &'static Credentials {
    static CREDENTIALS: OnceLock<Credentials> = OnceLock::new();
    CREDENTIALS.get_or_init(|| {
        Credentials::new(CredentialsInput {
            api_key: Some("abcd1234".into()),
            api_secret: Some("s3cr3t-value".into()),
            application_id: Some("aaaaaaaa-bbbb-cccc-dddd-0123456789ab".into()),
            private_key: Some(PRIVATE_KEY.into()),
        })
        .expect("the test vectors' key is valid")
    })
}

/// Vonage's hosts.
pub fn base() -> &'static ApiBase {
    static BASE: OnceLock<ApiBase> = OnceLock::new();
    BASE.get_or_init(ApiBase::default)
}

/// The auth every job here sends with.
pub fn auth() -> Auth<'static> {
    Auth {
        credentials: credentials(),
        base: base(),
    }
}

/// One entry of every kind the plan turns into a call: Redact (SMS, voice), a recording, a
/// user, an event, a conversation and a leg.
pub fn entries() -> Vec<LedgerEntry> {
    let payloads = [
        (
            "sms_send",
            json!({"messages": [{"message-id": "0A0000000123ABCD1", "status": "0"}]}),
        ),
        (
            "voice_call",
            json!({"uuid": "aaaaaaaa-bbbb-cccc-dddd-0123456789ab", "direction": "inbound"}),
        ),
        (
            "voice_recording",
            json!({"recording_url": "https://api.nexmo.com/v1/files/bbbbbbbb-bbbb-cccc-dddd-0123456789ab"}),
        ),
        ("conversation_user", json!({"id": "USR-1"})),
        (
            "conversation_event",
            json!({"id": 5, "conversation_id": "CON-1"}),
        ),
        ("conversation", json!({"id": "CON-1"})),
    ];
    payloads
        .iter()
        .flat_map(|(source, payload)| capture(source, payload, Some(T0)).expect("a valid payload"))
        .collect()
}

/// A plan over [`entries`] that sends every kind of call.
pub fn plan() -> ErasurePlan {
    let options = PlanOptions {
        delete_legs: true,
        delete_conversations: true,
        ..PlanOptions::default()
    };
    ErasurePlan::new(
        "fuzz-subject",
        &LEDGER_KEY,
        &entries(),
        NOW,
        Some(NOW),
        options,
    )
    .expect("a valid plan")
}

/// A job over [`plan`] and the calls it sent at [`NOW`] (all of them, at a high rate).
pub fn started_job() -> &'static (ErasureJob, Vec<Call>) {
    static JOB: OnceLock<(ErasureJob, Vec<Call>)> = OnceLock::new();
    JOB.get_or_init(|| {
        let config = JobConfig {
            rate_per_second: 1_000,
            seed: 42,
            ..JobConfig::default()
        };
        let mut job = ErasureJob::new(plan(), config).expect("a valid config");
        let mut calls = Vec::new();
        while let Some(call) = job.poll_request(NOW, auth()) {
            calls.push(call);
        }
        while job.poll_event().is_some() {}
        (job, calls)
    })
}

/// Feeds an answer or a failure to `call_id`.
pub fn feed(
    job: &mut ErasureJob,
    call_id: u64,
    answer: &std::result::Result<HttpResponse, TransportFailure>,
    now: u64,
) {
    let fed = match answer {
        Ok(response) => job.handle_response(call_id, response, now),
        Err(failure) => job.handle_failure(call_id, failure, now),
    };
    fed.expect("the call is in flight");
}

/// Snapshot, restore and snapshot again: the same text (a snapshot is a fixed point).
pub fn check_snapshot(job: &ErasureJob) {
    let text = job.snapshot();
    let restored = ErasureJob::restore(&text)
        .unwrap_or_else(|e| panic!("a job's own snapshot does not restore: {e}\n{text}"));
    assert_eq!(
        restored.snapshot(),
        text,
        "snapshot -> restore -> snapshot changed"
    );
}

/// A finished job's receipt verifies against the signer's key.
pub fn check_receipt(job: &ErasureJob) {
    if !job.is_finished() {
        return;
    }
    let json = job
        .receipt_json(&SIGNING_KEY)
        .expect("a finished job has a receipt");
    let public_key = erasekit_core::receipt_public_key(&SIGNING_KEY).expect("a valid seed");
    let body = erasekit_core::verify_receipt(&json, Some(&public_key))
        .unwrap_or_else(|e| panic!("the job's own receipt does not verify: {e}\n{json}"));
    assert_eq!(body.operations.len(), job.plan().operations.len());
    assert_eq!(body.counts.total, body.operations.len() as u64);
    assert_eq!(body.counts.finished(), body.counts.total);
}

/// Values an edit puts into a document: the edges of the integer types, times, and the
/// shapes of the tagged enums (phases, actions) the formats use.
fn edge(u: &mut Unstructured<'_>) -> Result<Value> {
    Ok(match u.int_in_range(0..=9)? {
        0 => Value::from(u64::MAX - u64::from(u8::arbitrary(u)?)),
        1 => Value::from(u64::from(u32::MAX) - u64::from(u8::arbitrary(u)?)),
        2 => Value::from((1u64 << 53) - 1 + u64::from(u8::arbitrary(u)? % 3)),
        3 => Value::from(u64::from(u8::arbitrary(u)?)),
        4 => Value::from(u64::arbitrary(u)?),
        5 => Value::Null,
        6 => json!({"phase": "in_flight"}),
        7 => json!({"phase": "pending", "due": u64::arbitrary(u)?}),
        8 => json!({"phase": *u.choose(&["done", "not_found", "expired", "failed", "skipped"])?}),
        _ => value(u, 2)?,
    })
}

fn leaves<'v>(value: &'v mut Value, out: &mut Vec<&'v mut Value>) {
    match value {
        Value::Array(items) => items.iter_mut().for_each(|v| leaves(v, out)),
        Value::Object(map) => {
            for v in map.values_mut() {
                // A phase object is one leaf: edits replace it whole.
                if v.get("phase").is_some() || !(v.is_object() || v.is_array()) {
                    out.push(v);
                } else {
                    leaves(v, out);
                }
            }
        }
        _ => {}
    }
}

/// A valid document with up to four values replaced by edge values: structure-aware
/// mutation, so the fuzzer tries `next_call: u64::MAX` instead of first learning JSON.
pub fn edit(u: &mut Unstructured<'_>, mut document: Value) -> Result<Value> {
    for _ in 0..u.int_in_range(1..=4)? {
        let mut slots = Vec::new();
        leaves(&mut document, &mut slots);
        if slots.is_empty() {
            break;
        }
        let at = u.choose_index(slots.len())?;
        *slots.swap_remove(at) = edge(u)?;
    }
    Ok(document)
}

/// A ledger with entries of every kind, an identifier, a saved job, a second subject and a
/// tombstone: the base of the ledger seeds and edits.
pub fn sample_ledger() -> erasekit_core::MemoryLedger {
    use erasekit_core::{Identifier, MemoryLedger, StoredJob};
    let mut ledger = MemoryLedger::new(&LEDGER_KEY, &SIGNING_KEY).expect("a ledger");
    ledger.record("fuzz-subject", &entries()).expect("recorded");
    let phone = Identifier::phone("447700900000").expect("a phone");
    ledger.link("fuzz-subject", &[phone]).expect("linked");
    let other = capture("sms_receipt", &json!({"messageId": "0A02"}), Some(T0)).expect("captured");
    ledger.record("someone else", &other).expect("recorded");
    ledger.record("third", &other).expect("recorded");
    let started = &started_job().0;
    let job = StoredJob {
        job_id: started.job_id().to_owned(),
        subject: "fuzz-subject".into(),
        state: erasekit_core::JobState::Running,
        snapshot: started.snapshot(),
        updated_at: NOW,
    };
    ledger.save_job(&job).expect("saved");
    let receipt = erased(&ledger, "someone else");
    ledger
        .forget("someone else", &receipt, NOW)
        .expect("forgotten");
    ledger
}

/// The signed receipt of a run that erased every entry of `subject` in `ledger` (every call
/// answered as Vonage answers a success), signed with the ledger's receipt key.
fn erased(ledger: &erasekit_core::MemoryLedger, subject: &str) -> String {
    let entries = ledger.entries(subject).expect("entries");
    let key = ledger.key().expect("a key");
    let plan = ErasurePlan::new(subject, &key, &entries, NOW, None, PlanOptions::default())
        .expect("a plan");
    let config = JobConfig {
        job_id: "receipt-0".into(),
        check_target: false,
        ..JobConfig::default()
    };
    let mut job = ErasureJob::new(plan, config).expect("a job");
    let done = HttpResponse {
        status: 204,
        ..HttpResponse::default()
    };
    let mut now = NOW;
    while !job.is_finished() {
        while let Some(call) = job.poll_request(now, auth()) {
            job.handle_response(call.call_id, &done, now).expect("an answer");
        }
        now += 1_000;
    }
    job.receipt_json(&ledger.receipt_key().expect("a receipt key"))
        .expect("a receipt")
}
