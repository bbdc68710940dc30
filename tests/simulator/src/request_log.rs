//! The bounded request log and per-route counters.
//!
//! Every request to a Vonage route is recorded: a ring buffer keeps the most recent entries
//! (capacity configurable, so memory stays flat however long the simulator runs) and counters
//! keep totals per route, per status and per injected fault. Control-plane requests
//! (`/_sim/...`) are not recorded.

use serde::Serialize;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Mutex;

/// Longest path kept in a log entry; longer paths are cut (with `…` appended).
pub const MAX_LOGGED_PATH: usize = 256;

/// One recorded request.
#[derive(Debug, Clone, Serialize)]
pub struct LogEntry {
    /// Sequence number, from 1, never reused.
    pub seq: u64,
    /// Monotonic microseconds since the simulator started: the rate limiter's admission time
    /// when the route is rate limited, else the arrival time.
    pub t_us: u64,
    /// Real wall-clock epoch milliseconds at arrival.
    pub wall_ms: i64,
    /// Simulator-clock epoch milliseconds at arrival.
    pub sim_ms: i64,
    /// HTTP method.
    pub method: String,
    /// Request path (without the query), possibly cut.
    pub path: String,
    /// Route key: `METHOD /template` (e.g. `POST /v1/redact/transaction`) or `UNMATCHED`.
    pub route: String,
    /// Response status; 0 when the connection was dropped before any response.
    pub status: u16,
    /// The injected fault, if any: `latency`, `storm`, `error`, `drop`, `truncate`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fault: Option<&'static str>,
}

/// Totals for one route.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RouteCounts {
    /// Requests seen.
    pub total: u64,
    /// Requests by response status (0 = dropped).
    pub statuses: BTreeMap<u16, u64>,
    /// Requests by injected fault.
    pub faults: BTreeMap<&'static str, u64>,
}

#[derive(Debug)]
struct Inner {
    capacity: usize,
    entries: VecDeque<LogEntry>,
    next_seq: u64,
    evicted: u64,
    routes: HashMap<String, RouteCounts>,
}

/// A summary of the log's size.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct LogStats {
    /// Entries currently held.
    pub len: usize,
    /// Maximum entries held.
    pub capacity: usize,
    /// Entries ever recorded.
    pub total: u64,
    /// Entries pushed out of the ring buffer.
    pub evicted: u64,
}

/// The request log and counters.
#[derive(Debug)]
pub struct RequestLog {
    inner: Mutex<Inner>,
}

impl RequestLog {
    /// A log keeping at most `capacity` entries (at least 1).
    pub fn new(capacity: usize) -> Self {
        RequestLog {
            inner: Mutex::new(Inner {
                capacity: capacity.max(1),
                entries: VecDeque::new(),
                next_seq: 1,
                evicted: 0,
                routes: HashMap::new(),
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Records a request; `entry.seq` is assigned here.
    pub fn record(&self, mut entry: LogEntry) {
        if entry.path.len() > MAX_LOGGED_PATH {
            let mut cut = MAX_LOGGED_PATH;
            while !entry.path.is_char_boundary(cut) {
                cut -= 1;
            }
            entry.path.truncate(cut);
            entry.path.push('…');
        }
        let mut inner = self.lock();
        entry.seq = inner.next_seq;
        inner.next_seq += 1;
        let counts = match inner.routes.get_mut(&entry.route) {
            Some(c) => c,
            None => inner.routes.entry(entry.route.clone()).or_default(),
        };
        counts.total += 1;
        *counts.statuses.entry(entry.status).or_default() += 1;
        if let Some(f) = entry.fault {
            *counts.faults.entry(f).or_default() += 1;
        }
        if inner.entries.len() >= inner.capacity {
            inner.entries.pop_front();
            inner.evicted += 1;
        }
        inner.entries.push_back(entry);
    }

    /// Entries with `seq > after`, optionally only for `route`, at most `limit` of them.
    pub fn entries(&self, after: u64, route: Option<&str>, limit: usize) -> Vec<LogEntry> {
        let inner = self.lock();
        inner
            .entries
            .iter()
            .filter(|e| e.seq > after && route.map_or(true, |r| e.route == r))
            .take(limit)
            .cloned()
            .collect()
    }

    /// Counters per route.
    pub fn route_counts(&self) -> BTreeMap<String, RouteCounts> {
        let inner = self.lock();
        inner
            .routes
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }

    /// Sizes of the log.
    pub fn stats(&self) -> LogStats {
        let inner = self.lock();
        LogStats {
            len: inner.entries.len(),
            capacity: inner.capacity,
            total: inner.next_seq - 1,
            evicted: inner.evicted,
        }
    }

    /// Forgets entries and counters; sequence numbers keep increasing.
    pub fn clear(&self) {
        let mut inner = self.lock();
        inner.entries.clear();
        inner.routes.clear();
        inner.evicted = 0;
    }

    /// Changes the capacity, dropping the oldest entries if needed.
    pub fn set_capacity(&self, capacity: usize) {
        let mut inner = self.lock();
        inner.capacity = capacity.max(1);
        while inner.entries.len() > inner.capacity {
            inner.entries.pop_front();
            inner.evicted += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(route: &str, status: u16) -> LogEntry {
        LogEntry {
            seq: 0,
            t_us: 0,
            wall_ms: 0,
            sim_ms: 0,
            method: "POST".into(),
            path: "/x".into(),
            route: route.into(),
            status,
            fault: None,
        }
    }

    #[test]
    fn ring_buffer_stays_bounded() {
        let log = RequestLog::new(3);
        for i in 0..10 {
            log.record(entry(if i % 2 == 0 { "A" } else { "B" }, 204));
        }
        let stats = log.stats();
        assert_eq!((stats.len, stats.total, stats.evicted), (3, 10, 7));
        let seqs: Vec<u64> = log.entries(0, None, 100).iter().map(|e| e.seq).collect();
        assert_eq!(seqs, vec![8, 9, 10]);
        assert_eq!(log.entries(8, Some("B"), 100).len(), 1);
        let counts = log.route_counts();
        assert_eq!(counts["A"].total, 5);
        assert_eq!(counts["B"].statuses[&204], 5);
    }

    #[test]
    fn long_paths_are_cut() {
        let log = RequestLog::new(2);
        let mut e = entry("A", 404);
        e.path = "é".repeat(400);
        log.record(e);
        let got = &log.entries(0, None, 1)[0].path;
        assert!(got.len() <= MAX_LOGGED_PATH + '…'.len_utf8());
        log.set_capacity(1);
        log.clear();
        assert_eq!(log.stats().len, 0);
    }
}
