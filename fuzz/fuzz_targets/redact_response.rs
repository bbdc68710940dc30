//! Redact API answers: any status, headers and body, for any product, direction and time.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use erasekit_core::{RedactInput, RedactOutcome, RedactRequest};
use erasekit_fuzz::{response, time};
use libfuzzer_sys::fuzz_target;

const PRODUCTS: &[&str] = &[
    "sms",
    "voice",
    "number-insight",
    "verify",
    "verify-sdk",
    "messages",
    "workflow",
    "bogus",
];

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let input = (|| -> arbitrary::Result<RedactInput> {
        Ok(RedactInput {
            id: "0A0000000123ABCD1".into(),
            product: (*u.choose(PRODUCTS)?).to_owned(),
            direction: Option::<bool>::arbitrary(&mut u)?
                .map(|inbound| if inbound { "inbound" } else { "outbound" }.to_owned()),
            created_at: Option::<()>::arbitrary(&mut u)?
                .map(|()| time(&mut u))
                .transpose()?,
        })
    })();
    let Ok(input) = input else { return };
    let Ok(request) = RedactRequest::new(input) else {
        return;
    };
    let (Ok(response), Ok(now)) = (response(&mut u), time(&mut u)) else {
        return;
    };
    let outcome = request.interpret(&response, now);
    // Outcomes cross into JS and Python as JSON: they must serialise and read back.
    let text = serde_json::to_string(&outcome).expect("an outcome serialises");
    let back: RedactOutcome = serde_json::from_str(&text).expect("an outcome reads back");
    assert_eq!(back, outcome);
    assert!(!outcome.name().is_empty());
    if let RedactOutcome::Redacted { status } = outcome {
        assert!((200..300).contains(&status), "{status} counted as redacted");
    }
    if let RedactOutcome::RateLimited {
        retry_at: Some(at), ..
    } = outcome
    {
        assert!(
            at >= now && at - now <= 86_400_000,
            "retry at {at}, now {now}"
        );
    }
});
