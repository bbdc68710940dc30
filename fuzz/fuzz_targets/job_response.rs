//! The job's classification of answers for every action (Redact, Media, Conversation) and
//! what it does next: a sequence of answers and transport failures in any order, with time
//! moving on. The job's own snapshot must restore to itself and a finished job's receipt
//! must verify.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use erasekit_fuzz::{answer, auth, check_receipt, check_snapshot, feed, started_job, NOW};
use erasekit_core::TARGET_CHECK_OP;
use libfuzzer_sys::fuzz_target;

/// The last time a step may reach: the template's JWT is renewed a minute before it expires.
const LAST: u64 = NOW + (erasekit_core::JWT_TTL_SECONDS - 90) * 1000;

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let (template, calls) = started_job();
    let mut job = template.clone();
    // Calls in flight, and whether each is a target-check probe (not an operation: the job's
    // counts leave probes out).
    let mut in_flight: Vec<(u64, bool)> = calls
        .iter()
        .map(|c| (c.call_id, c.op == TARGET_CHECK_OP))
        .collect();
    let mut now = NOW;
    for _ in 0..64 {
        if u.is_empty() {
            break;
        }
        let Ok(pick) = u8::arbitrary(&mut u) else {
            break;
        };
        let Ok(answer) = answer(&mut u) else { break };
        let Ok(wait) = u32::arbitrary(&mut u) else {
            break;
        };
        if !in_flight.is_empty() {
            let (call, _) = in_flight.remove(usize::from(pick) % in_flight.len());
            feed(&mut job, call, &answer, now);
        }
        while job.poll_event().is_some() {}
        // Time moves on: by the answer's wait, or to when the job next wants to act; within
        // the template's JWT lifetime, so no input pays for RSA signing (100 runs/s instead of
        // thousands).
        now = match (wait % 4, job.poll_timeout(now)) {
            (0, Some(at)) => at.max(now),
            _ => now + u64::from(wait % 600_000),
        }
        .min(LAST);
        while let Some(call) = job.poll_request(now, auth()) {
            in_flight.push((call.call_id, call.op == TARGET_CHECK_OP));
        }
        while job.poll_event().is_some() {}
        let counts = job.counts();
        let operations = in_flight.iter().filter(|(_, probe)| !probe).count();
        assert_eq!(counts.in_flight, operations as u64);
        assert!(counts.finished() + counts.in_flight <= counts.total);
    }
    check_snapshot(&job);
    check_receipt(&job);
});
