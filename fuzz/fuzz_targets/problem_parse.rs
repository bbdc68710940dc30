//! Error bodies (RFC 7807 problems and the older gateway shape), any bytes.
#![no_main]

use erasekit_core::{Problem, MAX_PROBLEM_BODY};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &[u8]| {
    if let Some(problem) = Problem::parse(body) {
        assert!(body.len() <= MAX_PROBLEM_BODY);
        assert_ne!(problem, Problem::default());
        if let Some(code) = problem.type_code() {
            assert!(
                !code.contains('#'),
                "type code {code:?} still has a fragment mark"
            );
        }
    }
});
