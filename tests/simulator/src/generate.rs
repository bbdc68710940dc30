//! Deterministic bulk records for load tests: the same parameters always give the same records.

use crate::prng::SplitMix64;
use crate::records::{Direction, Product, Record};
use serde::{Deserialize, Serialize};

/// Largest `count` one call may generate.
pub const MAX_GENERATE: usize = 5_000_000;

/// Parameters of `POST /_sim/generate` (and the config's `generate`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenerateParams {
    /// How many records.
    pub count: usize,
    /// Generator seed.
    #[serde(default)]
    pub seed: u64,
    /// Products to cycle through, Redact spelling (default: sms, voice, number-insight,
    /// verify, messages). SMS and Messages records alternate between outbound and inbound.
    #[serde(default)]
    pub products: Option<Vec<Product>>,
    /// Newest record time, epoch ms (default: simulator now minus two hours, so records can be
    /// redacted at once).
    #[serde(default)]
    pub newest_ms: Option<i64>,
    /// Records spread over this many ms before `newest_ms` (default 23 h, one Reports window).
    #[serde(default)]
    pub span_ms: Option<i64>,
    /// Prefix for every id (default none), to keep batches apart.
    #[serde(default)]
    pub id_prefix: Option<String>,
}

/// The records `params` describe, one at a time (so a million need not sit in a list first),
/// with times relative to `now_ms` when `newest_ms` is unset.
/// They belong to the simulator's own account.
pub fn generate(params: &GenerateParams, now_ms: i64) -> impl Iterator<Item = Record> {
    let products = params.products.clone().unwrap_or_else(|| {
        vec![
            Product::Sms,
            Product::Voice,
            Product::NumberInsight,
            Product::Verify,
            Product::Messages,
        ]
    });
    let products = if products.is_empty() {
        vec![Product::Sms]
    } else {
        products
    };
    let newest = params.newest_ms.unwrap_or(now_ms - 2 * 3_600_000);
    let span = params.span_ms.unwrap_or(23 * 3_600_000).max(1) as u64;
    let prefix = params.id_prefix.clone().unwrap_or_default();
    let mut rng = SplitMix64::new(params.seed);
    let count = params.count.min(MAX_GENERATE);
    (0..count).map(move |i| {
        let product = products[i % products.len()];
        let round = i / products.len();
        let direction = if matches!(product, Product::Sms | Product::Messages) && round % 2 == 1 {
            Direction::Inbound
        } else {
            Direction::Outbound
        };
        let id = match product {
            Product::Sms => format!("{prefix}{}", rng.hex(16).to_ascii_uppercase()),
            Product::Verify | Product::VerifySdk => format!("{prefix}{}", rng.hex(32)),
            _ => format!("{prefix}{}", rng.uuid()),
        };
        let customer = format!("447700900{}", rng.digits(3));
        let ours = "447700900000".to_owned();
        let (from, to) = match direction {
            Direction::Outbound => (ours, customer.clone()),
            Direction::Inbound => (customer.clone(), ours),
        };
        let created_ms = newest - rng.below(span) as i64;
        let mut r = Record::new(product, direction, id, created_ms);
        r.from = Some(from);
        r.to = Some(to);
        match product {
            Product::Sms | Product::Messages => {
                r.body = Some(format!("Generated message {i}"));
                if product == Product::Messages {
                    r.extra_mut().provider = Some("sms".into());
                }
            }
            Product::Voice => {
                let conversation = format!("CON-{}", rng.uuid());
                let extra = r.extra_mut();
                extra.conversation_id = Some(conversation);
                extra.duration_s = Some(rng.below(600));
            }
            Product::NumberInsight => {
                r.from = None;
                r.to = None;
                let last = format!("Tester{}", rng.digits(3));
                let extra = r.extra_mut();
                extra.number = Some(customer);
                extra.first_name = Some("Alex".into());
                extra.last_name = Some(last);
            }
            Product::Verify | Product::VerifySdk => {
                r.extra_mut().number = Some(customer);
                r.from = None;
            }
        }
        r
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(seed: u64) -> GenerateParams {
        GenerateParams {
            count: 50,
            seed,
            products: None,
            newest_ms: Some(1_000_000_000),
            span_ms: None,
            id_prefix: None,
        }
    }

    #[test]
    fn deterministic() {
        let a: Vec<Record> = generate(&params(1), 0).collect();
        assert_eq!(a, generate(&params(1), 0).collect::<Vec<_>>());
        assert_ne!(a, generate(&params(2), 0).collect::<Vec<_>>());
        assert_eq!(a.len(), 50);
        assert!(a.iter().any(|r| r.direction == Direction::Inbound));
        assert!(a.iter().all(|r| r.created_ms <= 1_000_000_000));
        let ids: std::collections::HashSet<_> = a.iter().map(|r| r.key()).collect();
        assert_eq!(ids.len(), 50);
    }
}
