//! Replays `tests/vectors/capture_forms.json` through `capture_body` / `capture_body_limited`:
//! form bodies and query strings capture what their JSON form captures.

use erasekit_core::{capture_body, capture_body_limited, parse_form, read_body, BodyEncoding};
use serde_json::{json, Value};

fn vectors() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/vectors/capture_forms.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn capture_form_vectors() {
    let doc = vectors();
    let cases = doc["cases"].as_array().unwrap();
    assert!(cases.len() >= 80, "{} cases", cases.len());
    let mut failures = Vec::new();
    for case in cases {
        let source = case["source"].as_str().unwrap();
        let body = case["body"].as_str().unwrap().as_bytes();
        let content_type = case["content_type"].as_str();
        let at = case.get("at").and_then(Value::as_u64);
        let result = match case.get("max_bytes").and_then(Value::as_u64) {
            Some(max) => capture_body_limited(source, body, content_type, at, max as usize),
            None => capture_body(source, body, content_type, at),
        };
        let got = match result {
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
fn the_encoding_is_stated_or_sniffed() {
    let detect = |body: &[u8], ct: Option<&str>| BodyEncoding::detect("sms_inbound", body, ct);
    assert_eq!(detect(b"a=1", None).unwrap(), BodyEncoding::Form);
    assert_eq!(detect(b"{}", None).unwrap(), BodyEncoding::Json);
    assert_eq!(
        detect(b"{}", Some("application/x-www-form-urlencoded"))
            .unwrap()
            .as_str(),
        "form"
    );
    let e = detect(b"", Some("image/png")).unwrap_err();
    assert_eq!(e.code(), "invalid_payload");
    assert!(e.to_string().contains("image/png"), "{e}");
}

#[test]
fn read_body_gives_the_object_capture_reads() {
    let v = read_body("x", b"a=%2B44+7700&b=1&b=2", None).unwrap();
    assert_eq!(v, json!({ "a": "+44 7700", "b": ["1", "2"] }));
    assert_eq!(parse_form("x", b"").unwrap(), json!({}));
    assert_eq!(read_body("x", b"[1]", None).unwrap(), json!([1]));
}
