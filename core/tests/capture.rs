//! Replays `tests/vectors/capture.json` through the public capture API.

use erasekit_core::capture;
use serde_json::{json, Value};

#[test]
fn capture_vectors() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/capture.json");
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
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
