//! The job's calls in flight: call id → operation.
//!
//! Call ids are the job's own counter, so they need no protection against chosen collisions;
//! hashing them with one multiplication instead of SipHash takes a visible share off every
//! `poll_request` + `handle_response` pair. A lookup of an id the job never issued just misses.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Fibonacci hashing of a `u64` call id.
#[derive(Default)]
pub(crate) struct CallIdHasher(u64);

impl Hasher for CallIdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only `u64` keys are hashed here; fold anything else in byte by byte all the same.
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_u64(&mut self, id: u64) {
        self.0 = id.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// Calls in flight, by call id.
pub(crate) type CallTable = HashMap<u64, u32, BuildHasherDefault<CallIdHasher>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_what_was_put_and_nothing_else() {
        let mut table = CallTable::default();
        for id in 1..=2000u64 {
            table.insert(id, (id * 3) as u32);
        }
        for id in 1..=2000u64 {
            assert_eq!(table.remove(&id), Some((id * 3) as u32));
        }
        assert_eq!(table.get(&7), None);
        assert!(table.is_empty());
    }
}
