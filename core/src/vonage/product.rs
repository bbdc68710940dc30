//! Redact API products and directions, with the exact wire spellings of the spec.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A product the Redact API accepts (`product` field).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Product {
    /// SMS API messages.
    Sms,
    /// Voice API calls.
    Voice,
    /// Number Insight lookups.
    NumberInsight,
    /// Verify requests.
    Verify,
    /// Verify SDK (mobile) requests.
    VerifySdk,
    /// Messages API messages.
    Messages,
}

const PRODUCT_SPELLINGS: &str = "sms, voice, number-insight, verify, verify-sdk, messages";

impl Product {
    /// Every product, in spec order.
    pub const ALL: [Product; 6] = [
        Product::Sms,
        Product::Voice,
        Product::NumberInsight,
        Product::Verify,
        Product::VerifySdk,
        Product::Messages,
    ];

    /// The exact spelling the Redact API expects.
    pub fn as_str(self) -> &'static str {
        match self {
            Product::Sms => "sms",
            Product::Voice => "voice",
            Product::NumberInsight => "number-insight",
            Product::Verify => "verify",
            Product::VerifySdk => "verify-sdk",
            Product::Messages => "messages",
        }
    }
}

impl FromStr for Product {
    type Err = Error;

    /// Accepts only the spec spellings; `SMS` or `Voice` (what the official Node SDK sends)
    /// are refused so that a request never carries a value the API does not document.
    fn from_str(s: &str) -> Result<Self> {
        Product::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| Error::InvalidProduct {
                given: s.to_owned(),
                expected: PRODUCT_SPELLINGS,
            })
    }
}

impl fmt::Display for Product {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a transaction was sent (`outbound`) or received (`inbound`); the Redact `type`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Received by the customer's number.
    Inbound,
    /// Sent by the customer; the Redact API default.
    #[default]
    Outbound,
}

impl Direction {
    /// The exact spelling the Redact API expects.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Inbound => "inbound",
            Direction::Outbound => "outbound",
        }
    }
}

impl FromStr for Direction {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s {
            "inbound" => Ok(Direction::Inbound),
            "outbound" => Ok(Direction::Outbound),
            _ => Err(Error::InvalidDirection {
                given: s.to_owned(),
                expected: "inbound, outbound",
            }),
        }
    }
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_round_trip_and_sdk_spellings_are_refused() {
        for p in Product::ALL {
            assert_eq!(p.as_str().parse::<Product>(), Ok(p));
        }
        let err = "SMS".parse::<Product>().unwrap_err();
        assert_eq!(err.code(), "invalid_product");
        assert!(err.to_string().contains("number-insight"));
        assert!("Outbound".parse::<Direction>().is_err());
    }
}
