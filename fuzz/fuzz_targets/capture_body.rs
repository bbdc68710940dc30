//! Webhook bodies as frameworks hand them over (issue 12): any bytes as JSON, a form body or a
//! query string, with any content type or none, for every capture source (`capture_body`).
//! A form's entries are what capture reads from the object `read_body` makes of it.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use erasekit_core::{
    capture, capture_body, read_body, BodyEncoding, TransactionId, MAX_UNIX_MILLIS,
};
use erasekit_fuzz::{source, time};
use libfuzzer_sys::fuzz_target;

const CONTENT_TYPES: [Option<&str>; 6] = [
    None,
    Some("application/x-www-form-urlencoded"),
    Some("application/json; charset=utf-8"),
    Some("text/plain"),
    Some("application/vnd.x+json"),
    Some("multipart/form-data; boundary=x"),
];

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let (Ok(source), Ok(content_type), Ok(at)) = (
        source(&mut u),
        u.choose(&CONTENT_TYPES),
        Option::<()>::arbitrary(&mut u),
    ) else {
        return;
    };
    let at = at.and_then(|()| time(&mut u).ok());
    let body = u.take_rest();
    let result = capture_body(source, body, *content_type, at);
    if let Ok(entries) = &result {
        for entry in entries {
            assert!(
                TransactionId::new(&entry.id).is_ok(),
                "invalid id {:?}",
                entry.id
            );
            assert!(
                entry.created_at <= MAX_UNIX_MILLIS,
                "time {}",
                entry.created_at
            );
        }
    }
    // The body read once, then captured, is the same as capture_body (one reader, one rule).
    let Ok(encoding) = BodyEncoding::detect(source, body, *content_type) else {
        assert!(result.is_err(), "an unsupported content type was captured");
        return;
    };
    if let Ok(value) = read_body(source, body, *content_type) {
        if encoding == BodyEncoding::Form {
            assert!(value.is_object(), "a form reads as an object");
        }
        assert_eq!(capture(source, &value, at), result);
    }
});
