//! The job's one rate limiter: paced sends, a hard cap per 1 s window, and a shared slowdown.
//!
//! Sends are spaced by `1 / rate` (GCRA) with a small tolerance so a host that wakes late can
//! catch up, and a log of the last `limit` send times enforces that no 1 s window ever holds more
//! than `limit` sends. The tolerance is kept to a few milliseconds: a burst of calls sent at
//! once reaches the server in a clump, and a few milliseconds of network jitter then moves the
//! whole clump across the server's window edge, which answers 429 even though no 1 s window of
//! send times was over the limit. A 429 pauses every call and lowers the pace; successes restore it.

use crate::time::timestamp::UnixMillis;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::VecDeque;

const US_PER_S: u64 = 1_000_000;
/// How late a host may wake and still catch up, in microseconds (about one interval at the
/// Redact limit: no bursts).
const TOLERANCE_US: u64 = 5_000;
/// Sends are paced at 97% of the limit: the hard cap stays at the limit, but arrival jitter on
/// the way to Vonage must not push limit + 1 calls into one of its windows (each 429 pauses the
/// whole job for `Retry-After`). Measured: at 100% pace 0.3–0.5% of calls got 429 and the job
/// reached 0.56–0.72 of the limit; at 97% none did and it reached 0.95–0.96.
const PACE_PERCENT: u64 = 97;

/// Rate limiter state; serialisable so a restored job keeps its window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct RateLimiter {
    limit: u32,
    /// Current pace in thousandths of a request per second (lowered by 429s).
    pace_milli: u64,
    /// Theoretical arrival time of the next send, µs since the epoch.
    tat_us: u64,
    paused_until: UnixMillis,
    window: SendLog,
}

/// The send times of the last `limit` sends, run-length encoded by millisecond: a job at a
/// high rate (a stubbed transport, a benchmark) keeps at most 1,000 runs, not `limit` times.
/// Serialised as `[[time, sends], ...]`; snapshots that hold a plain list of times still load.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct SendLog {
    runs: VecDeque<(UnixMillis, u32)>,
    len: u64,
}

impl SendLog {
    fn push(&mut self, at: UnixMillis) {
        self.push_n(at, 1);
    }

    fn push_n(&mut self, at: UnixMillis, sends: u32) {
        if sends == 0 {
            return;
        }
        match self.runs.back_mut() {
            Some((t, n)) if *t == at => *n = n.saturating_add(sends),
            _ => self.runs.push_back((at, sends)),
        }
        self.len += u64::from(sends);
    }

    fn pop_front(&mut self) {
        if let Some((_, n)) = self.runs.front_mut() {
            *n -= 1;
            if *n == 0 {
                self.runs.pop_front();
            }
            self.len -= 1;
        }
    }

    fn front(&self) -> Option<UnixMillis> {
        self.runs.front().map(|(t, _)| *t)
    }
}

impl Serialize for SendLog {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(&self.runs)
    }
}

impl<'de> Deserialize<'de> for SendLog {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Entry {
            Run(UnixMillis, u32),
            Time(UnixMillis),
        }
        let mut log = SendLog::default();
        for entry in Vec::<Entry>::deserialize(deserializer)? {
            let (at, n) = match entry {
                Entry::Run(at, n) => (at, n),
                Entry::Time(at) => (at, 1),
            };
            log.push_n(at, n);
        }
        Ok(log)
    }
}

impl RateLimiter {
    /// A limiter admitting at most `limit` sends in any 1 s window.
    pub(crate) fn new(limit: u32) -> Self {
        let limit = limit.max(1);
        RateLimiter {
            limit,
            pace_milli: Self::full_pace(limit),
            tat_us: 0,
            paused_until: 0,
            window: SendLog::default(),
        }
    }

    fn full_pace(limit: u32) -> u64 {
        (u64::from(limit) * 1000 * PACE_PERCENT / 100).max(1000)
    }

    fn interval_us(&self) -> u64 {
        (US_PER_S * 1000) / self.pace_milli.max(1)
    }

    /// Whether restored state is one a limiter for `limit` reaches with times up to `latest`:
    /// anything else would overflow its arithmetic or pause the job for ever.
    pub(crate) fn is_plausible(&self, limit: u32, latest: UnixMillis) -> bool {
        self.limit == limit.max(1)
            && (1000..=Self::full_pace(self.limit)).contains(&self.pace_milli)
            && self.tat_us <= latest.saturating_mul(1000)
            && self.paused_until <= latest
            && self.window.runs.iter().all(|(t, _)| *t <= latest)
    }

    /// The earliest time a send is allowed.
    pub(crate) fn next_allowed(&self, now: UnixMillis) -> UnixMillis {
        let paced = self.tat_us.saturating_sub(TOLERANCE_US).div_ceil(1000);
        let windowed = if self.window.len >= u64::from(self.limit) {
            self.window.front().map_or(0, |t| t + 1000)
        } else {
            0
        };
        now.max(paced).max(windowed).max(self.paused_until)
    }

    /// Records a send at `now` (the caller checked [`RateLimiter::next_allowed`]).
    pub(crate) fn take(&mut self, now: UnixMillis) {
        self.tat_us = self.tat_us.max(now * 1000) + self.interval_us();
        if self.window.len >= u64::from(self.limit) {
            self.window.pop_front();
        }
        self.window.push(now);
    }

    /// A 429: pause everything until `until` and lower the pace by a fifth.
    pub(crate) fn slow_down(&mut self, until: UnixMillis) {
        self.paused_until = self.paused_until.max(until);
        self.pace_milli = (self.pace_milli * 4 / 5).max(1000);
    }

    /// A success: creep back towards the configured pace (2% of it per success).
    pub(crate) fn recover(&mut self) {
        let full = Self::full_pace(self.limit);
        self.pace_milli = (self.pace_milli + full / 50).min(full);
    }

    /// The current pace in requests per second.
    pub(crate) fn pace(&self) -> f64 {
        self.pace_milli as f64 / 1000.0
    }
}

/// A small deterministic generator (SplitMix64) for backoff jitter and JWT ids; its whole
/// state is one `u64`, so it goes into snapshots exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Jitter(pub(crate) u64);

impl Jitter {
    /// The next 64 random bits.
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Exponential backoff with full jitter: uniform in [base·2^(n-1) / 2, base·2^(n-1)], capped.
    pub(crate) fn backoff(&mut self, attempt: u32, base_ms: u64, max_ms: u64) -> u64 {
        let ceiling = base_ms
            .saturating_mul(1u64 << attempt.saturating_sub(1).min(20))
            .min(max_ms)
            .max(1);
        ceiling / 2 + self.next() % (ceiling - ceiling / 2 + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_more_than_limit_in_a_second() {
        let mut rl = RateLimiter::new(10);
        let mut sent = Vec::new();
        let mut now = 1_000_000;
        while sent.len() < 100 {
            now = rl.next_allowed(now);
            rl.take(now);
            sent.push(now);
        }
        for (i, t) in sent.iter().enumerate() {
            let in_window = sent[i..].iter().take_while(|s| **s < t + 1000).count();
            assert!(in_window <= 10, "{in_window} sends in the second from {t}");
        }
    }

    #[test]
    fn sends_are_paced_not_bunched() {
        // A host polling every millisecond at the Redact limit: no 20 ms holds more than 5 sends
        // (20 ms at 170/s is 3.4 sends; the tolerance allows one more after a late wake).
        let mut rl = RateLimiter::new(170);
        let mut sent = Vec::new();
        for now in 1_000_000..1_003_000 {
            while rl.next_allowed(now) <= now {
                rl.take(now);
                sent.push(now);
            }
        }
        // 3 s at 97% of 170/s is 494.7.
        assert!(sent.len() >= 490, "{} sends in 3 s", sent.len());
        for (i, t) in sent.iter().enumerate() {
            let clump = sent[i..].iter().take_while(|s| **s < t + 20).count();
            assert!(clump <= 5, "{clump} sends in the 20 ms from {t}");
        }
    }

    #[test]
    fn window_survives_serialisation_in_both_formats() {
        let mut rl = RateLimiter::new(3);
        for now in [1_000, 1_000, 1_500] {
            rl.take(now);
        }
        let text = serde_json::to_string(&rl).unwrap();
        assert!(text.contains("\"window\":[[1000,2],[1500,1]]"), "{text}");
        let back: RateLimiter = serde_json::from_str(&text).unwrap();
        assert_eq!(back, rl);
        let old = text.replace("[[1000,2],[1500,1]]", "[1000,1000,1500]");
        let back: RateLimiter = serde_json::from_str(&old).unwrap();
        assert_eq!(back, rl);
        // Full: the next send waits at least for the oldest to leave the window.
        assert!(rl.next_allowed(1_600) >= 2_000);
    }

    #[test]
    fn a_high_rate_keeps_one_run_per_millisecond() {
        let mut rl = RateLimiter::new(1_000_000);
        let mut now = 5_000_000;
        for _ in 0..200_000 {
            now = rl.next_allowed(now);
            rl.take(now);
        }
        assert!(
            rl.window.runs.len() <= 1_000,
            "{} runs",
            rl.window.runs.len()
        );
        assert_eq!(rl.window.len, 200_000);
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let mut j = Jitter(7);
        for attempt in 1..30 {
            let d = j.backoff(attempt, 500, 60_000);
            let ceiling = (500u64 << (attempt - 1).min(20)).min(60_000);
            assert!(d >= ceiling / 2 && d <= ceiling, "{attempt}: {d}");
        }
    }
}
