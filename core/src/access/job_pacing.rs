//! Pacing per limit class (access.md §7): one [`RateLimiter`] per class (Reports sync 10/s,
//! async and downloads 5/s, Message Search 1/s) and a cap on calls in flight. A 429 pauses and
//! slows its whole class, never the others: the limiter the erasure job uses, one per class.

use crate::access::query::LimitClass;
use crate::job::rate_limiter::RateLimiter;
use crate::time::timestamp::UnixMillis;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The most calls of a class out at once (§7).
pub(crate) fn max_in_flight(class: LimitClass) -> u32 {
    match class {
        LimitClass::ReportsSync => 10,
        LimitClass::ReportsAsync => 5,
        LimitClass::MessageSearch => 1,
    }
}

const CLASSES: [LimitClass; 3] = [
    LimitClass::ReportsSync,
    LimitClass::ReportsAsync,
    LimitClass::MessageSearch,
];

/// The limiters, serialised into the snapshot (a restored job keeps its windows).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Pacing {
    limiters: BTreeMap<LimitClass, RateLimiter>,
    #[serde(skip)]
    in_flight: BTreeMap<LimitClass, u32>,
}

impl Pacing {
    pub(crate) fn new() -> Pacing {
        Pacing {
            limiters: CLASSES
                .iter()
                .map(|c| (*c, RateLimiter::new(c.default_rate())))
                .collect(),
            in_flight: BTreeMap::new(),
        }
    }

    /// Whether restored limiters are ones this job could have reached by `latest`.
    pub(crate) fn is_plausible(&self, latest: UnixMillis) -> bool {
        CLASSES.iter().all(|c| {
            self.limiters
                .get(c)
                .is_some_and(|l| l.is_plausible(c.default_rate(), latest))
        })
    }

    fn limiter(&mut self, class: LimitClass) -> &mut RateLimiter {
        self.limiters
            .entry(class)
            .or_insert_with(|| RateLimiter::new(class.default_rate()))
    }

    /// The earliest a call of `class` may go (ignoring the in-flight cap).
    pub(crate) fn next_allowed(&mut self, class: LimitClass, now: UnixMillis) -> UnixMillis {
        self.limiter(class).next_allowed(now)
    }

    /// Whether a call of `class` may go now.
    pub(crate) fn may_send(&mut self, class: LimitClass, now: UnixMillis) -> bool {
        let out = self.in_flight.get(&class).copied().unwrap_or(0);
        out < max_in_flight(class) && self.next_allowed(class, now) <= now
    }

    /// Whether the in-flight cap holds `class` back.
    pub(crate) fn is_full(&self, class: LimitClass) -> bool {
        self.in_flight.get(&class).copied().unwrap_or(0) >= max_in_flight(class)
    }

    /// A call of `class` goes at `now`.
    pub(crate) fn sent(&mut self, class: LimitClass, now: UnixMillis) {
        self.limiter(class).take(now);
        *self.in_flight.entry(class).or_default() += 1;
    }

    /// A call of `class` came back (`ok`: not a 429, so the pace creeps back up).
    pub(crate) fn answered(&mut self, class: LimitClass, ok: bool) {
        if let Some(n) = self.in_flight.get_mut(&class) {
            *n = n.saturating_sub(1);
        }
        if ok {
            self.limiter(class).recover();
        }
    }

    /// A 429 on `class`: the whole class waits until `until` and slows down.
    pub(crate) fn slow_down(&mut self, class: LimitClass, until: UnixMillis) {
        self.limiter(class).slow_down(until);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_429_slows_its_class_only() {
        let mut p = Pacing::new();
        let now = 1_000_000;
        p.slow_down(LimitClass::ReportsSync, now + 5_000);
        assert!(!p.may_send(LimitClass::ReportsSync, now));
        assert!(p.may_send(LimitClass::ReportsAsync, now));
        assert!(p.may_send(LimitClass::MessageSearch, now));
    }

    #[test]
    fn the_in_flight_cap_holds_a_class_back() {
        let mut p = Pacing::new();
        let mut now = 1_000_000;
        p.sent(LimitClass::MessageSearch, now);
        now += 5_000;
        assert!(p.is_full(LimitClass::MessageSearch));
        assert!(!p.may_send(LimitClass::MessageSearch, now));
        p.answered(LimitClass::MessageSearch, true);
        assert!(p.may_send(LimitClass::MessageSearch, now));
    }
}
