//! The erasure job against a deterministic fake Vonage: properties over many random worlds.

use erasekit_core::{
    capture, verify_receipt, ApiBase, Auth, Credentials, CredentialsInput, ErasureJob, ErasurePlan,
    HttpResponse, JobConfig, JobEvent, LedgerEntry, PlanOptions, Terminal, TransportFailure,
    TARGET_CHECK_OP,
};
use proptest::prelude::*;
use serde_json::json;
use std::collections::{BTreeMap, HashMap};

const T0: u64 = 1_700_000_000_000;
const HOUR: u64 = 3_600_000;
const KEY: [u8; 16] = *b"ledger-key-16byt";
const SIGNING: [u8; 32] = [42; 32];

/// How the fake answers one target.
#[derive(Debug, Clone)]
struct Behaviour {
    transient: u32, // first n attempts fail (alternating 503 / dropped connection)
    not_found: bool,
    throttle_first: bool, // first attempt answered 429
}

#[derive(Debug)]
struct World {
    entries: Vec<LedgerEntry>,
    behaviour: HashMap<String, Behaviour>,
    latency: u64,
    server_skew: u64, // the server's premature window is longer than an hour by this much
}

#[derive(Default)]
struct Observed {
    sends: Vec<(u64, u32)>, // (time, op)
    finished: BTreeMap<u32, Vec<Terminal>>,
    attempts: HashMap<String, u32>,
}

fn creds() -> Credentials {
    Credentials::new(CredentialsInput {
        api_key: Some("k".into()),
        api_secret: Some("s".into()),
        ..Default::default()
    })
    .unwrap()
}

fn problem(kind: &str) -> Vec<u8> {
    json!({"type": format!("https://developer.nexmo.com/api-errors#{kind}"), "title": kind, "detail": "d", "instance": "trace-1"})
        .to_string()
        .into_bytes()
}

fn answer(
    world: &World,
    obs: &mut Observed,
    target: &str,
    created_at: u64,
    now: u64,
) -> Result<HttpResponse, TransportFailure> {
    let b = &world.behaviour[target];
    let n = obs.attempts.entry(target.to_owned()).or_default();
    *n += 1;
    let resp = |status: u16, body: Vec<u8>| HttpResponse {
        status,
        headers: Default::default(),
        body,
    };
    if now < created_at + HOUR + world.server_skew {
        return Ok(resp(
            403,
            problem("premature-redaction").replace_in("api-errors#", "api-errors/redact#"),
        ));
    }
    if b.throttle_first && *n == 1 {
        let mut r = resp(429, problem("rate-limit"));
        r.headers.insert("Retry-After".into(), "1".into());
        return Ok(r);
    }
    if *n <= b.transient {
        return if *n % 2 == 1 {
            Ok(resp(503, b"<html>busy</html>".to_vec()))
        } else {
            Err(TransportFailure::Connection)
        };
    }
    if b.not_found {
        return Ok(resp(404, problem("invalid-id")));
    }
    Ok(resp(204, Vec::new()))
}

trait ReplaceIn {
    fn replace_in(self, from: &str, to: &str) -> Vec<u8>;
}
impl ReplaceIn for Vec<u8> {
    fn replace_in(self, from: &str, to: &str) -> Vec<u8> {
        String::from_utf8(self)
            .unwrap()
            .replace(from, to)
            .into_bytes()
    }
}

/// Runs the job to the end; `restore_at` snapshots and restores after that many loop turns.
fn run(world: &World, config: JobConfig, restore_at: Option<usize>) -> (ErasureJob, Observed) {
    let plan = ErasurePlan::new(
        "user-42",
        &KEY,
        &world.entries,
        T0,
        None,
        PlanOptions::default(),
    )
    .unwrap();
    let mut job = ErasureJob::new(plan, config).unwrap();
    let (creds, base) = (creds(), ApiBase::default());
    let auth = Auth {
        credentials: &creds,
        base: &base,
    };
    let mut obs = Observed::default();
    let mut now = T0;
    let mut flying: Vec<(u64, u64, u32)> = Vec::new(); // (done at, call id, op)
    for turn in 0..1_000_000 {
        if restore_at == Some(turn) {
            job = ErasureJob::restore(&job.snapshot()).unwrap();
            flying.clear(); // answers to calls of the old job are lost; restore re-sends them
        }
        while let Some(call) = job.poll_request(now, auth) {
            assert!(!call.request.url.is_empty());
            obs.sends.push((now, call.op));
            flying.push((now + world.latency, call.call_id, call.op));
        }
        while let Some(ev) = job.poll_event() {
            if let JobEvent::OperationFinished { op, state, .. } = ev {
                obs.finished.entry(op).or_default().push(state);
            }
        }
        if job.is_finished() {
            return (job, obs);
        }
        flying.sort();
        let next = [flying.first().map(|f| f.0), job.poll_timeout(now)]
            .into_iter()
            .flatten()
            .min();
        now = next
            .expect("a job that is not finished always has something to wait for")
            .max(now);
        let (due, later): (Vec<_>, Vec<_>) = flying.drain(..).partition(|f| f.0 <= now);
        flying = later;
        for (_, call_id, op) in due {
            if op == TARGET_CHECK_OP {
                // Every target check gets Vonage's answer for an id that does not exist.
                let r = HttpResponse {
                    status: 404,
                    headers: Default::default(),
                    body: problem("invalid-id"),
                };
                job.handle_response(call_id, &r, now).unwrap();
                continue;
            }
            let operation = &job.plan().operations[op as usize];
            let (target, created) = (operation.target.clone(), operation.created_at);
            match answer(world, &mut obs, &target, created, now) {
                Ok(r) => job.handle_response(call_id, &r, now).unwrap(),
                Err(f) => job.handle_failure(call_id, &f, now).unwrap(),
            }
        }
    }
    panic!("job did not finish");
}

fn world_strategy() -> impl Strategy<Value = (World, JobConfig)> {
    let op = (
        0u32..3,
        any::<bool>(),
        any::<bool>(),
        0u64..3 * HOUR,
        0u8..3,
    );
    (
        prop::collection::vec(op, 1..40),
        1u32..40,
        1u32..8,
        0u64..400,
        0u64..120_000,
        any::<u64>(),
    )
        .prop_map(|(ops, rate, in_flight, latency, skew, seed)| {
            let mut entries = Vec::new();
            let mut behaviour = HashMap::new();
            for (i, (transient, not_found, throttle, age, kind)) in ops.into_iter().enumerate() {
                let id = format!("ID{i:04}");
                let at = Some(T0.saturating_sub(age));
                let payload = match kind {
                    0 => json!({"messages": [{"message-id": id, "status": "0"}]}),
                    1 => json!({"message_uuid": id}),
                    _ => json!({"request_id": id, "status": "0"}),
                };
                let source = ["sms_send", "messages_send", "verify"][kind as usize];
                entries.extend(capture(source, &payload, at).unwrap());
                behaviour.insert(
                    id,
                    Behaviour {
                        transient,
                        not_found,
                        throttle_first: throttle,
                    },
                );
            }
            let config = JobConfig {
                rate_per_second: rate,
                max_in_flight: in_flight,
                seed,
                ..JobConfig::default()
            };
            (
                World {
                    entries,
                    behaviour,
                    latency,
                    server_skew: skew,
                },
                config,
            )
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn never_exceeds_the_rate_or_sends_early_and_ends_every_op_once((world, config) in world_strategy()) {
        let rate = config.rate_per_second as usize;
        let (job, obs) = run(&world, config, None);
        // Rate: no 1 s window holds more than the limit.
        for (i, (t, _)) in obs.sends.iter().enumerate() {
            let in_window = obs.sends[i..].iter().take_while(|(s, _)| *s < t + 1000).count();
            prop_assert!(in_window <= rate, "{} sends in the second from {}", in_window, t);
        }
        // Schedule: nothing before created_at + 60 min.
        for (t, op) in obs.sends.iter().filter(|(_, op)| *op != TARGET_CHECK_OP) {
            prop_assert!(*t >= job.plan().operations[*op as usize].not_before);
        }
        // Every operation terminal exactly once, and as the fake decided.
        prop_assert_eq!(obs.finished.len(), job.plan().operations.len());
        for (op, states) in &obs.finished {
            prop_assert_eq!(states.len(), 1, "op {} finished {:?}", op, states);
            let b = &world.behaviour[&job.plan().operations[*op as usize].target];
            let expected = if b.not_found { Terminal::NotFound } else { Terminal::Done };
            prop_assert_eq!(states[0], expected);
        }
        let receipt = job.receipt(&SIGNING).unwrap();
        prop_assert!(verify_receipt(&receipt.to_json(), None).is_ok());
    }

    #[test]
    fn snapshot_and_restore_at_any_step_gives_the_same_states((world, config) in world_strategy(), at in 0usize..60) {
        let (plain, _) = run(&world, config.clone(), None);
        let (restored, _) = run(&world, config, Some(at));
        let states = |job: &ErasureJob| job.receipt(&SIGNING).unwrap().receipt.operations.iter().map(|o| o.state).collect::<Vec<_>>();
        prop_assert_eq!(states(&plain), states(&restored));
    }
}

#[test]
fn a_401_stops_the_product_instead_of_hammering() {
    let entries: Vec<LedgerEntry> = (0..20)
        .flat_map(|i| {
            capture(
                "sms_send",
                &json!({"messages": [{"message-id": format!("M{i}"), "status": "0"}]}),
                Some(T0 - 2 * HOUR),
            )
            .unwrap()
        })
        .chain(
            capture(
                "messages_send",
                &json!({"message_uuid": "U1"}),
                Some(T0 - 2 * HOUR),
            )
            .unwrap(),
        )
        .collect();
    let plan = ErasurePlan::new("u", &KEY, &entries, T0, None, PlanOptions::default()).unwrap();
    let mut job = ErasureJob::new(
        plan,
        JobConfig {
            max_in_flight: 1,
            // A 401 in the middle of a run (the target check would catch it first).
            check_target: false,
            ..JobConfig::default()
        },
    )
    .unwrap();
    let (creds, base) = (creds(), ApiBase::default());
    let auth = Auth {
        credentials: &creds,
        base: &base,
    };
    let mut now = T0;
    let mut sent = 0;
    while !job.is_finished() {
        while let Some(call) = job.poll_request(now, auth) {
            sent += 1;
            let body = String::from_utf8(call.request.body.clone()).unwrap();
            let status = if body.contains("\"sms\"") { 401 } else { 204 };
            job.handle_response(
                call.call_id,
                &HttpResponse {
                    status,
                    headers: Default::default(),
                    body: b"{\"type\":\"UNAUTHORIZED\",\"error_title\":\"Unauthorized\"}".to_vec(),
                },
                now,
            )
            .unwrap();
        }
        now = job.poll_timeout(now).unwrap_or(now + 1).max(now + 1);
    }
    assert_eq!(sent, 2, "one sms call and the messages call");
    let c = job.counts();
    assert_eq!((c.done, c.failed), (1, 20));
    let receipt = job.receipt(&SIGNING).unwrap();
    let stopped = receipt
        .receipt
        .operations
        .iter()
        .filter(|o| {
            o.problem
                .as_deref()
                .is_some_and(|p| p.starts_with("stopped: sms"))
        })
        .count();
    assert_eq!(stopped, 19);
}

#[test]
fn expired_records_are_settled_up_front_and_receipts_detect_edits() {
    let old = capture(
        "verify",
        &json!({"request_id": "OLD", "status": "0"}),
        Some(T0 - 400 * 24 * HOUR),
    )
    .unwrap();
    let plan = ErasurePlan::new("u", &KEY, &old, T0, None, PlanOptions::default()).unwrap();
    let job = ErasureJob::new(plan, JobConfig::default()).unwrap();
    assert!(job.is_finished());
    let receipt = job.receipt(&SIGNING).unwrap();
    assert_eq!(receipt.receipt.operations[0].state, Terminal::Expired);
    let json = receipt.to_json();
    assert!(!json.contains("\"u\""), "the subject never appears");
    verify_receipt(&json, Some(&receipt.signature.public_key)).unwrap();
    for (from, to) in [
        ("\"state\": \"expired\"", "\"state\": \"done\""),
        ("\"total\": 1", "\"total\": 2"),
    ] {
        let edited = json.replacen(from, to, 1);
        assert_ne!(edited, json);
        assert_eq!(
            verify_receipt(&edited, None).unwrap_err().code(),
            "bad_signature",
            "{from}"
        );
    }
    let added = json.replacen("\"format\"", "\"note\": \"x\", \"format\"", 1);
    assert!(verify_receipt(&added, None).is_err());
    assert_eq!(
        verify_receipt(&json, Some(&"00".repeat(32)))
            .unwrap_err()
            .code(),
        "bad_signature"
    );
}

#[test]
fn receipts_are_ed25519_over_the_sha512_of_their_json_and_plain_ed25519_ones_still_verify() {
    use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
    use sha2::{Digest, Sha512};
    let old = capture(
        "verify",
        &json!({"request_id": "OLD", "status": "0"}),
        Some(T0 - 400 * 24 * HOUR),
    )
    .unwrap();
    let plan = ErasurePlan::new("u", &KEY, &old, T0, None, PlanOptions::default()).unwrap();
    let job = ErasureJob::new(plan, JobConfig::default()).unwrap();
    let receipt = job.receipt(&SIGNING).unwrap();
    assert_eq!(receipt.signature.algorithm, "ed25519-sha512");
    // The text form is the same receipt, written once.
    assert_eq!(
        job.receipt_json(&SIGNING).unwrap(),
        serde_json::to_string(&receipt).unwrap()
    );
    // Checked with the Ed25519 library directly: the message is the digest of the body's JSON.
    let body = serde_json::to_vec(&receipt.receipt).unwrap();
    let key = SigningKey::from_bytes(&SIGNING);
    let value: [u8; 64] = (0..64)
        .map(|i| u8::from_str_radix(&receipt.signature.value[2 * i..2 * i + 2], 16).unwrap())
        .collect::<Vec<u8>>()
        .try_into()
        .unwrap();
    let vk: VerifyingKey = key.verifying_key();
    vk.verify(&Sha512::digest(&body), &Signature::from_bytes(&value))
        .unwrap();
    // The same body signed the 0.1.0 way (over the JSON itself) verifies as `ed25519` only.
    let hex = |bytes: &[u8]| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
    let mut plain = receipt.clone();
    plain.signature.algorithm = "ed25519".into();
    plain.signature.value = hex(&key.sign(&body).to_bytes());
    verify_receipt(&plain.to_json(), Some(&receipt.signature.public_key)).unwrap();
    let mut mislabelled = receipt.clone();
    mislabelled.signature.algorithm = "ed25519".into();
    assert_eq!(
        verify_receipt(&mislabelled.to_json(), None)
            .unwrap_err()
            .code(),
        "bad_signature"
    );
    let mut unknown = receipt;
    unknown.signature.algorithm = "rsa".into();
    assert_eq!(
        verify_receipt(&unknown.to_json(), None).unwrap_err().code(),
        "invalid_receipt"
    );
}

#[test]
fn snapshots_hold_no_secret() {
    let entries = capture(
        "conversation_user",
        &json!({"id": "USR-1"}),
        Some(T0 - 2 * HOUR),
    )
    .unwrap();
    let plan = ErasurePlan::new("u", &KEY, &entries, T0, None, PlanOptions::default()).unwrap();
    // The first call is the operation itself (erasure/target_check.rs tests the probes).
    let config = JobConfig {
        check_target: false,
        ..JobConfig::default()
    };
    let mut job = ErasureJob::new(plan, config).unwrap();
    let pem = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/vectors/keys/app_private.pem"
    ))
    .unwrap();
    let creds = Credentials::new(CredentialsInput {
        api_key: Some("k".into()),
        api_secret: Some("secret-value".into()),
        application_id: Some("app".into()),
        private_key: Some(pem),
    })
    .unwrap();
    let base = ApiBase::default();
    let call = job
        .poll_request(
            T0,
            Auth {
                credentials: &creds,
                base: &base,
            },
        )
        .unwrap();
    assert_eq!(call.request.method, "DELETE");
    assert!(call.request.url.ends_with("/v1/users/USR-1"));
    let token = call.request.headers["authorization"]
        .trim_start_matches("Bearer ")
        .to_owned();
    let snap = job.snapshot();
    assert!(!snap.contains(&token) && !snap.contains("secret-value") && !snap.contains("PRIVATE"));
    // The in-flight call is sent again after a restore.
    let mut restored = ErasureJob::restore(&snap).unwrap();
    let at = restored.poll_timeout(T0).unwrap();
    assert!(
        at < T0 + 100,
        "re-sent as soon as the restored limiter allows"
    );
    let again = restored
        .poll_request(
            at,
            Auth {
                credentials: &creds,
                base: &base,
            },
        )
        .unwrap();
    assert_eq!(again.op, call.op);
}
