//! Request rate limiting that never admits more than its limit in any window.
//!
//! Vonage documents limits as "N requests per second" (Redact 170/s, Reports 10/s sync and
//! 5/s async). A classic token bucket with a full burst would let through up to 2N requests
//! in some one-second windows, so the simulator keeps the admission times of the last N
//! requests instead: it is a token bucket whose tokens come back exactly one window after
//! they were spent. A request is admitted only when fewer than N requests were admitted in the
//! window that ends now, so every window of that length (wherever it starts) holds at most N.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The outcome of asking for admission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// Admitted at this many microseconds after the limiter's origin.
    Admitted {
        /// Admission time in microseconds since the simulator started.
        at_us: u64,
    },
    /// Refused; the earliest retry is this far away.
    Limited {
        /// Time until a slot frees up.
        retry_after: Duration,
    },
}

impl Admission {
    /// The `Retry-After` value in whole seconds (at least 1) for a refusal.
    pub fn retry_after_secs(retry_after: Duration) -> u64 {
        retry_after.as_millis().div_ceil(1000).max(1) as u64
    }
}

/// The admission times of recent requests, driven by an explicit clock (testable).
#[derive(Debug, Clone)]
pub struct SlidingWindow {
    limit: u32,
    window: Duration,
    admitted: VecDeque<Duration>,
}

impl SlidingWindow {
    /// At most `limit` admissions in any `window`; a limit of 0 admits everything.
    pub fn new(limit: u32, window: Duration) -> Self {
        SlidingWindow {
            limit,
            window,
            admitted: VecDeque::with_capacity(limit.min(4096) as usize),
        }
    }

    /// The configured limit (0 = unlimited).
    pub fn limit(&self) -> u32 {
        self.limit
    }

    /// Asks for admission at `now` (time since an arbitrary origin; must not go backwards).
    /// Returns `Err(retry_after)` when the window is full.
    pub fn try_admit(&mut self, now: Duration) -> Result<(), Duration> {
        if self.limit == 0 {
            return Ok(());
        }
        while let Some(&front) = self.admitted.front() {
            if front + self.window <= now {
                self.admitted.pop_front();
            } else {
                break;
            }
        }
        if self.admitted.len() < self.limit as usize {
            self.admitted.push_back(now);
            Ok(())
        } else {
            let front = self.admitted.front().copied().unwrap_or(now);
            Err((front + self.window).saturating_sub(now))
        }
    }
}

/// A thread-safe limiter reading the real monotonic clock.
#[derive(Debug)]
pub struct RateLimiter {
    origin: Instant,
    inner: Mutex<SlidingWindow>,
}

impl RateLimiter {
    /// A limiter of `limit` requests per `window`, timing from `origin`.
    pub fn new(origin: Instant, limit: u32, window: Duration) -> Self {
        RateLimiter {
            origin,
            inner: Mutex::new(SlidingWindow::new(limit, window)),
        }
    }

    /// Asks for admission now. The time is read while the lock is held, so admission times
    /// are in the same order as admissions.
    pub fn check(&self) -> Admission {
        let mut window = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let now = self.origin.elapsed();
        match window.try_admit(now) {
            Ok(()) => Admission::Admitted {
                at_us: now.as_micros() as u64,
            },
            Err(retry_after) => Admission::Limited { retry_after },
        }
    }

    /// Replaces the limit, forgetting past admissions.
    pub fn reconfigure(&self, limit: u32, window: Duration) {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        *inner = SlidingWindow::new(limit, window);
    }

    /// The current limit (0 = unlimited).
    pub fn limit(&self) -> u32 {
        self.inner.lock().unwrap_or_else(|p| p.into_inner()).limit()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prng::SplitMix64;

    fn ms(v: u64) -> Duration {
        Duration::from_millis(v)
    }

    /// Checks that no window `[t, t + window)` holds more than `limit` admissions.
    fn max_in_window(times: &[Duration], window: Duration) -> usize {
        let mut best = 0;
        let mut start = 0;
        for end in 0..times.len() {
            while times[end] >= times[start] + window {
                start += 1;
            }
            best = best.max(end - start + 1);
        }
        best
    }

    #[test]
    fn admits_up_to_limit_then_refuses() {
        let mut w = SlidingWindow::new(3, ms(1000));
        assert!(w.try_admit(ms(0)).is_ok());
        assert!(w.try_admit(ms(10)).is_ok());
        assert!(w.try_admit(ms(20)).is_ok());
        assert_eq!(w.try_admit(ms(30)), Err(ms(970)));
        assert_eq!(w.try_admit(ms(999)), Err(ms(1)));
        assert!(w.try_admit(ms(1000)).is_ok());
        assert!(w.try_admit(ms(1005)).is_err());
        assert!(w.try_admit(ms(1010)).is_ok());
    }

    #[test]
    fn unlimited_when_zero() {
        let mut w = SlidingWindow::new(0, ms(1000));
        for i in 0..10_000 {
            assert!(w.try_admit(ms(i / 100)).is_ok());
        }
    }

    #[test]
    fn never_more_than_limit_in_any_window() {
        for (seed, limit) in [(1u64, 170u32), (2, 10), (3, 5), (4, 1)] {
            let mut rng = SplitMix64::new(seed);
            let mut w = SlidingWindow::new(limit, ms(1000));
            let mut now = Duration::ZERO;
            let mut admitted = Vec::new();
            for _ in 0..20_000 {
                // Bursts and gaps: mostly tiny steps, sometimes long pauses.
                let step = match rng.below(10) {
                    0 => rng.below(1500) * 1000,
                    1..=3 => rng.below(5000),
                    _ => rng.below(50),
                };
                now += Duration::from_micros(step);
                if w.try_admit(now).is_ok() {
                    admitted.push(now);
                }
            }
            assert!(admitted.len() > limit as usize);
            assert!(max_in_window(&admitted, ms(1000)) <= limit as usize);
        }
    }

    #[test]
    fn retry_after_is_whole_seconds() {
        assert_eq!(Admission::retry_after_secs(ms(1)), 1);
        assert_eq!(Admission::retry_after_secs(ms(1000)), 1);
        assert_eq!(Admission::retry_after_secs(ms(1001)), 2);
        assert_eq!(Admission::retry_after_secs(Duration::ZERO), 1);
    }

    #[test]
    fn limiter_reconfigures() {
        let l = RateLimiter::new(Instant::now(), 1, Duration::from_secs(60));
        assert!(matches!(l.check(), Admission::Admitted { .. }));
        assert!(matches!(l.check(), Admission::Limited { .. }));
        l.reconfigure(0, Duration::from_secs(1));
        assert_eq!(l.limit(), 0);
        assert!(matches!(l.check(), Admission::Admitted { .. }));
    }
}
