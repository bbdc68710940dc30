//! The simulator clock: wall time that tests can set or jump forward.
//!
//! The clock starts at real wall time (or at a configured instant) and then advances in real
//! time from wherever it was last set, so a test can jump an hour ahead to pass the Redact
//! "60 minutes" rule, or a few seconds ahead to finish an asynchronous report.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch according to the host's real clock.
pub fn wall_now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// A settable clock that ticks in real time from its last set point.
#[derive(Debug)]
pub struct SimClock {
    started: Instant,
    /// Simulated epoch milliseconds at `started`.
    offset_ms: AtomicI64,
}

impl SimClock {
    /// A clock reading `start_ms` now (or real wall time when `None`).
    pub fn new(start_ms: Option<i64>) -> Self {
        SimClock {
            started: Instant::now(),
            offset_ms: AtomicI64::new(start_ms.unwrap_or_else(wall_now_ms)),
        }
    }

    fn elapsed_ms(&self) -> i64 {
        i64::try_from(self.started.elapsed().as_millis()).unwrap_or(i64::MAX)
    }

    /// The simulated time, in Unix epoch milliseconds.
    pub fn now_ms(&self) -> i64 {
        self.offset_ms
            .load(Ordering::Relaxed)
            .saturating_add(self.elapsed_ms())
    }

    /// Sets the simulated time; it keeps advancing in real time from there.
    pub fn set(&self, now_ms: i64) -> i64 {
        self.offset_ms
            .store(now_ms.saturating_sub(self.elapsed_ms()), Ordering::Relaxed);
        self.now_ms()
    }

    /// Moves the simulated time by `delta_ms` (negative moves it back) and returns the new time.
    pub fn advance(&self, delta_ms: i64) -> i64 {
        let _ = self
            .offset_ms
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |o| {
                Some(o.saturating_add(delta_ms))
            });
        self.now_ms()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_and_advance() {
        let clock = SimClock::new(Some(1_000_000));
        let t = clock.now_ms();
        assert!((1_000_000..1_000_000 + 60_000).contains(&t));
        let t = clock.set(5_000_000);
        assert!((5_000_000..5_000_000 + 60_000).contains(&t));
        let t = clock.advance(3_600_000);
        assert!((8_600_000..8_600_000 + 60_000).contains(&t));
        assert!(clock.now_ms() >= t);
    }

    #[test]
    fn defaults_to_wall_time() {
        let before = wall_now_ms();
        let clock = SimClock::new(None);
        assert!(clock.now_ms() >= before);
    }
}
