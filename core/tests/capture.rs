//! Replays `tests/vectors/capture.json` through the public capture API.

use erasekit_core::{
    capture, capture_json, capture_json_limited, DEFAULT_CAPTURE_MAX_BYTES, MAX_CAPTURE_ENTRIES,
};
use serde_json::{json, Value};

fn vectors() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/capture.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn capture_vectors() {
    let doc = vectors();
    let cases = doc["cases"].as_array().unwrap();
    let mut failures = Vec::new();
    for case in cases {
        let at = case.get("at").and_then(Value::as_u64);
        let got = match capture(case["source"].as_str().unwrap(), &case["payload"], at) {
            Ok(entries) => json!({ "entries": entries }),
            Err(e) => json!({ "error": e.code(), "field": e.details()["field"] }),
        };
        if got != case["expect"] {
            failures.push(format!(
                "{}:\n  expected {}\n  got      {}",
                case["name"], case["expect"], got
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failing:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn capture_limit_vectors() {
    let doc = vectors();
    let cases = doc["limits"].as_array().unwrap();
    assert!(cases.len() >= 3);
    for case in cases {
        let body = case["body"].as_str().unwrap().as_bytes();
        let max = case["max_bytes"].as_u64().unwrap() as usize;
        let got = match capture_json_limited(case["source"].as_str().unwrap(), body, None, max) {
            Ok(entries) => json!({ "entries": entries }),
            Err(e) => {
                let d = e.details();
                json!({ "error": e.code(), "limit": d["limit"], "size": d["size"] })
            }
        };
        assert_eq!(got, case["expect"], "{}", case["name"]);
    }
}

#[test]
fn the_default_byte_limit_is_one_mebibyte_and_stated_in_the_error() {
    assert_eq!(DEFAULT_CAPTURE_MAX_BYTES, 1 << 20);
    let mut body = vec![b' '; DEFAULT_CAPTURE_MAX_BYTES + 1];
    let e = capture_json("sms_receipt", &body, None).unwrap_err();
    assert_eq!(e.code(), "payload_too_large");
    assert!(e.to_string().contains("1048576"), "{e}");
    assert_eq!(e.details()["source"], "sms_receipt");
    assert_eq!(e.details()["unit"], "bytes");
    // At the limit the body is parsed (and here is not JSON).
    body.pop();
    let e = capture_json("sms_receipt", &body, None).unwrap_err();
    assert_eq!(e.code(), "invalid_payload");
}

#[test]
fn a_zero_byte_limit_is_a_bad_argument() {
    let e = capture_json_limited("sms_receipt", b"{}", None, 0).unwrap_err();
    assert_eq!(e.code(), "invalid_argument");
}

#[test]
fn one_payload_yields_at_most_max_capture_entries() {
    let part = json!({ "message-id": "0A00000001", "status": "0" });
    let at = Some(1_700_000_000_000);
    let ok = json!({ "messages": vec![part.clone(); MAX_CAPTURE_ENTRIES] });
    assert_eq!(
        capture("sms_send", &ok, at).unwrap().len(),
        MAX_CAPTURE_ENTRIES
    );
    let over = json!({ "messages": vec![part; MAX_CAPTURE_ENTRIES + 1] });
    let e = capture("sms_send", &over, at).unwrap_err();
    assert_eq!(e.code(), "payload_too_large");
    assert_eq!(e.details()["unit"], "entries");
    assert!(
        e.to_string().contains(&MAX_CAPTURE_ENTRIES.to_string()),
        "{e}"
    );
}
