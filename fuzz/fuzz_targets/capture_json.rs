//! Capture payloads as received (webhook bodies, API responses): any bytes, every source.
//! What capture accepts must be ids the plan and the requests accept.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use erasekit_core::{capture_json, ErasurePlan, PlanOptions, TransactionId, MAX_UNIX_MILLIS};
use erasekit_fuzz::{base, source, time, LEDGER_KEY, NOW};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let (Ok(source), Ok(at)) = (source(&mut u), Option::<()>::arbitrary(&mut u)) else {
        return;
    };
    let at = match at {
        Some(()) => time(&mut u).ok(),
        None => None,
    };
    let body = u.take_rest();
    let Ok(entries) = capture_json(source, body, at) else {
        return;
    };
    for entry in &entries {
        assert!(
            TransactionId::new(&entry.id).is_ok(),
            "captured an invalid id {:?}",
            entry.id
        );
        assert!(
            entry.created_at <= MAX_UNIX_MILLIS,
            "captured time {}",
            entry.created_at
        );
    }
    // What was captured can be planned and described (the dry run builds every request).
    let options = PlanOptions {
        delete_legs: true,
        delete_conversations: true,
        ..PlanOptions::default()
    };
    if let Ok(plan) = ErasurePlan::new("subject", &LEDGER_KEY, &entries, NOW, None, options) {
        let _ = plan.describe(base());
        let _ = plan.earliest_finish();
    }
});
