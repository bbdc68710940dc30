//! Capture of structured payloads (what the bindings hand over as objects), every source:
//! the object path and the bytes path must agree.
#![no_main]

use arbitrary::Unstructured;
use erasekit_core::{capture, capture_json};
use erasekit_fuzz::{object, source, time};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(source) = source(&mut u) else { return };
    let at = u
        .ratio(1, 2)
        .ok()
        .and_then(|yes| yes.then(|| time(&mut u).ok()).flatten());
    let Ok(payload) = object(&mut u, 4) else {
        return;
    };
    let payload = serde_json::Value::Object(payload);
    let direct = capture(source, &payload, at);
    let text = serde_json::to_vec(&payload).expect("a value writes");
    let parsed = capture_json(source, &text, at);
    assert_eq!(
        format!("{direct:?}"),
        format!("{parsed:?}"),
        "capture and capture_json disagree on {payload}"
    );
});
