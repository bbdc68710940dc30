//! `Retry-After` values (delay-seconds or an HTTP date): never before now, never more than a day.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use erasekit_core::{retry_at, MAX_UNIX_MILLIS};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(now) = u64::arbitrary(&mut u) else {
        return;
    };
    let now = now % (MAX_UNIX_MILLIS + 1);
    let Ok(value) = std::str::from_utf8(u.take_rest()) else {
        return;
    };
    if let Some(at) = retry_at(Some(value), now) {
        assert!(at >= now, "{value:?} at {now}: {at} is in the past");
        assert!(
            at - now <= 86_400_000,
            "{value:?} at {now}: {at} is more than a day away"
        );
    }
});
