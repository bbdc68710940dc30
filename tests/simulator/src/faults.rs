//! Seeded, reproducible fault injection per route.
//!
//! A [`FaultPlan`] holds a seed and rules. Each rule names a route (`"POST /v1/redact/transaction"`,
//! a bare path template such as `"/v3/media/{id}"` for any method, or `"*"` for every Vonage
//! route) and the faults to inject there: added latency (fixed plus uniform jitter), the
//! probability of a 500/502/503, of a dropped connection, of a truncated body, and 429 storms
//! (a window of simulator time, or a range of request numbers, during which every request gets
//! 429). Every (rule, route) pair has its own generator seeded from the plan seed and the route,
//! and every request draws the same four numbers in the same order, so the same seed and the
//! same request sequence give the same faults.

use crate::prng::{fnv1a64, SplitMix64};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

/// A window during which every request on the rule's routes gets 429.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Storm {
    /// Simulator-clock epoch ms at which the storm starts (inclusive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_ms: Option<i64>,
    /// Simulator-clock epoch ms at which the storm ends (exclusive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_ms: Option<i64>,
    /// First request number (0-based, per route) inside the storm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_request: Option<u64>,
    /// How many requests, from `first_request`, the storm covers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_count: Option<u64>,
    /// `Retry-After` seconds sent during the storm (default 1).
    #[serde(default = "one")]
    pub retry_after_s: u64,
}

fn one() -> u64 {
    1
}

/// Faults for the routes one rule matches. Probabilities are in `[0, 1]`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultRule {
    /// `"METHOD /template"`, `"/template"` (any method) or `"*"` (every Vonage route).
    pub route: String,
    /// Fixed added latency.
    #[serde(default)]
    pub latency_ms: u64,
    /// Extra latency drawn uniformly from `[0, jitter_ms]`.
    #[serde(default)]
    pub jitter_ms: u64,
    /// Probability of a 500 response.
    #[serde(default)]
    pub error_500: f64,
    /// Probability of a 502 response.
    #[serde(default)]
    pub error_502: f64,
    /// Probability of a 503 response.
    #[serde(default)]
    pub error_503: f64,
    /// Probability that the connection is closed without a response.
    #[serde(default)]
    pub drop: f64,
    /// Drop only after the request was processed (its effect happens, the answer is lost).
    #[serde(default)]
    pub drop_after_processing: bool,
    /// Probability that the response body is cut short (the connection then closes).
    #[serde(default)]
    pub truncate: f64,
    /// A 429 storm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storm: Option<Storm>,
}

impl FaultRule {
    fn matches(&self, template: &str, route_key: &str) -> bool {
        if self.route == "*" {
            return true;
        }
        if self.route.starts_with('/') {
            return self.route == template;
        }
        self.route == route_key
    }
}

/// A seed and its rules; the first rule matching a route applies.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultPlan {
    /// The seed of every rule's generator.
    #[serde(default)]
    pub seed: u64,
    /// Rules, first match wins.
    #[serde(default)]
    pub rules: Vec<FaultRule>,
}

/// What to do with one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultAction {
    /// Serve normally.
    None,
    /// Answer 429 with this `Retry-After`.
    Storm {
        /// Seconds for `Retry-After`.
        retry_after_s: u64,
    },
    /// Answer with this 5xx status.
    Status(u16),
    /// Close the connection without answering, before or after processing.
    Drop {
        /// Process the request first.
        after_processing: bool,
    },
    /// Serve, but cut the response body short.
    Truncate,
}

/// The decision for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FaultDecision {
    /// Latency to add before anything else.
    pub delay: Duration,
    /// What to do after the delay.
    pub action: FaultAction,
}

impl FaultDecision {
    /// No fault.
    pub const NONE: FaultDecision = FaultDecision {
        delay: Duration::ZERO,
        action: FaultAction::None,
    };
}

#[derive(Debug)]
struct Stream {
    rng: SplitMix64,
    requests: u64,
}

/// Generators by (rule index, route key).
type Streams = HashMap<(usize, String), Stream>;

/// The active plan and the generators of its (rule, route) pairs.
#[derive(Debug, Default)]
pub struct FaultEngine {
    inner: Mutex<(FaultPlan, Streams)>,
}

impl FaultEngine {
    /// Replaces the plan and restarts every generator.
    pub fn set_plan(&self, plan: FaultPlan) {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        *inner = (plan, HashMap::new());
    }

    /// The active plan.
    pub fn plan(&self) -> FaultPlan {
        self.inner
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .0
            .clone()
    }

    /// Decides the fault for one request on `route_key` (`METHOD /template`) at simulator time
    /// `now_ms`.
    pub fn decide(&self, template: &str, route_key: &str, now_ms: i64) -> FaultDecision {
        let mut guard = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let (plan, streams) = &mut *guard;
        let Some((index, rule)) = plan
            .rules
            .iter()
            .enumerate()
            .find(|(_, r)| r.matches(template, route_key))
        else {
            return FaultDecision::NONE;
        };
        let seed = plan.seed;
        let stream = streams
            .entry((index, route_key.to_owned()))
            .or_insert_with(|| Stream {
                rng: SplitMix64::new(
                    seed ^ fnv1a64(route_key.as_bytes()) ^ (index as u64).wrapping_mul(0x9E37),
                ),
                requests: 0,
            });
        let request_no = stream.requests;
        stream.requests += 1;
        // Always draw the same four numbers so outcomes depend only on the request sequence.
        let u_jitter = stream.rng.next_f64();
        let u_drop = stream.rng.next_f64();
        let u_error = stream.rng.next_f64();
        let u_truncate = stream.rng.next_f64();
        let jitter = (u_jitter * (rule.jitter_ms as f64 + 1.0)).floor() as u64;
        let delay =
            Duration::from_millis(rule.latency_ms.saturating_add(jitter.min(rule.jitter_ms)));
        let action = if let Some(storm) = rule
            .storm
            .as_ref()
            .filter(|s| in_storm(s, now_ms, request_no))
        {
            FaultAction::Storm {
                retry_after_s: storm.retry_after_s.max(1),
            }
        } else if u_drop < rule.drop {
            FaultAction::Drop {
                after_processing: rule.drop_after_processing,
            }
        } else if u_error < rule.error_500 {
            FaultAction::Status(500)
        } else if u_error < rule.error_500 + rule.error_502 {
            FaultAction::Status(502)
        } else if u_error < rule.error_500 + rule.error_502 + rule.error_503 {
            FaultAction::Status(503)
        } else if u_truncate < rule.truncate {
            FaultAction::Truncate
        } else {
            FaultAction::None
        };
        FaultDecision { delay, action }
    }
}

fn in_storm(storm: &Storm, now_ms: i64, request_no: u64) -> bool {
    let by_time = (storm.start_ms.is_some() || storm.end_ms.is_some())
        && storm.start_ms.map_or(true, |s| now_ms >= s)
        && storm.end_ms.map_or(true, |e| now_ms < e);
    let by_count = storm.first_request.is_some() && {
        let first = storm.first_request.unwrap_or(0);
        request_no >= first
            && storm
                .request_count
                .map_or(true, |c| request_no < first.saturating_add(c))
    };
    by_time || by_count
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROUTE: &str = "POST /v1/redact/transaction";
    const TEMPLATE: &str = "/v1/redact/transaction";

    fn plan(seed: u64) -> FaultPlan {
        FaultPlan {
            seed,
            rules: vec![FaultRule {
                route: ROUTE.into(),
                jitter_ms: 20,
                error_500: 0.1,
                error_503: 0.1,
                drop: 0.1,
                truncate: 0.1,
                ..FaultRule::default()
            }],
        }
    }

    fn run(engine: &FaultEngine) -> Vec<FaultDecision> {
        (0..200)
            .map(|_| engine.decide(TEMPLATE, ROUTE, 0))
            .collect()
    }

    #[test]
    fn same_seed_same_faults() {
        let engine = FaultEngine::default();
        engine.set_plan(plan(7));
        let first = run(&engine);
        engine.set_plan(plan(7));
        assert_eq!(first, run(&engine));
        engine.set_plan(plan(8));
        assert_ne!(first, run(&engine));
        let kinds = |a: fn(&FaultAction) -> bool| first.iter().filter(|d| a(&d.action)).count();
        assert!(kinds(|a| matches!(a, FaultAction::Status(500))) > 0);
        assert!(kinds(|a| matches!(a, FaultAction::Drop { .. })) > 0);
        assert!(kinds(|a| matches!(a, FaultAction::Truncate)) > 0);
        assert!(first.iter().all(|d| d.delay <= Duration::from_millis(20)));
    }

    #[test]
    fn other_routes_are_untouched() {
        let engine = FaultEngine::default();
        engine.set_plan(plan(1));
        let d = engine.decide("/v3/media/{id}/info", "GET /v3/media/{id}/info", 0);
        assert_eq!(d, FaultDecision::NONE);
    }

    #[test]
    fn storms_by_time_and_count() {
        let engine = FaultEngine::default();
        engine.set_plan(FaultPlan {
            seed: 0,
            rules: vec![FaultRule {
                route: "*".into(),
                storm: Some(Storm {
                    first_request: Some(2),
                    request_count: Some(2),
                    retry_after_s: 3,
                    ..Storm::default()
                }),
                ..FaultRule::default()
            }],
        });
        let got: Vec<bool> = (0..6)
            .map(|_| {
                matches!(
                    engine.decide(TEMPLATE, ROUTE, 0).action,
                    FaultAction::Storm { retry_after_s: 3 }
                )
            })
            .collect();
        assert_eq!(got, vec![false, false, true, true, false, false]);
        let timed = Storm {
            start_ms: Some(100),
            end_ms: Some(200),
            ..Storm::default()
        };
        assert!(!in_storm(&timed, 99, 0));
        assert!(in_storm(&timed, 100, 0));
        assert!(!in_storm(&timed, 200, 0));
    }
}
