//! The times Vonage writes in payloads (ISO 8601, `YYYY-MM-DD HH:MM:SS`, Unix seconds), read
//! through every capture field that holds one, and the GDPR deadline computed from them.
#![no_main]

use erasekit_core::{capture, Deadline, MAX_UNIX_MILLIS};
use libfuzzer_sys::fuzz_target;
use serde_json::json;

fuzz_target!(|raw: &str| {
    let payloads = [
        (
            "sms_receipt",
            json!({"messageId": "0A01", "message-timestamp": raw}),
        ),
        (
            "sms_inbound",
            json!({"messageId": "0A01", "timestamp": raw}),
        ),
        (
            "voice_recording",
            json!({"recording_url": "https://h/v1/files/f1", "start_time": raw}),
        ),
        (
            "conversation_user",
            json!({"id": "USR-1", "timestamp": {"created": raw}}),
        ),
    ];
    let mut seen = None;
    for (source, payload) in &payloads {
        let Ok(entries) = capture(source, payload, None) else {
            continue;
        };
        let at = entries[0].created_at;
        assert!(at <= MAX_UNIX_MILLIS, "{raw:?} read as {at}");
        // One reader: every field reads the same text as the same time.
        assert_eq!(
            *seen.get_or_insert(at),
            at,
            "{raw:?} read differently by {source}"
        );
        if let Ok(deadline) = Deadline::new(at) {
            assert!(
                deadline.due_at > at,
                "{raw:?}: due {} not after {at}",
                deadline.due_at
            );
            let _ = deadline.extend(2, "complex request");
        }
    }
});
