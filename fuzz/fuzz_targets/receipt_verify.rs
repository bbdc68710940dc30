//! Receipts handed to `verify`: any text. A receipt that verifies against a trusted key also
//! verifies without one, says the same, and names its key in canonical hex.
#![no_main]

use erasekit_core::{receipt_public_key, verify_receipt, Receipt};
use erasekit_fuzz::SIGNING_KEY;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|json: &str| {
    let trusted = receipt_public_key(&SIGNING_KEY).expect("a valid seed");
    let with_key = verify_receipt(json, Some(&trusted));
    let Ok(body) = verify_receipt(json, None) else {
        assert!(with_key.is_err(), "verified with a key but not without");
        return;
    };
    if let Ok(keyed) = &with_key {
        assert_eq!(keyed, &body);
    }
    let receipt: Receipt = serde_json::from_str(json).expect("a verified receipt parses");
    assert_eq!(receipt.receipt, body);
    let hex = |s: &str| s.bytes().all(|b| b.is_ascii_hexdigit());
    assert!(
        hex(&receipt.signature.public_key),
        "key {:?}",
        receipt.signature.public_key
    );
    assert!(
        hex(&receipt.signature.value),
        "signature {:?}",
        receipt.signature.value
    );
    // What a host shows of it must not fail either.
    let _ = receipt.summary();
    let _ = receipt.to_json();
});
