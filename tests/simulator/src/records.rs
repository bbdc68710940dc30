//! Transaction records: the CDRs that Redact, Reports and Message Search see.

use serde::{Deserialize, Serialize};

/// The value every redacted field reads afterwards.
pub const REDACTED: &str = "REDACTED";

/// A Redact product, spelled as the Redact API spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Product {
    /// `sms`
    Sms,
    /// `voice`
    Voice,
    /// `number-insight`
    NumberInsight,
    /// `verify`
    Verify,
    /// `verify-sdk`
    VerifySdk,
    /// `messages`
    Messages,
}

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

    /// The Redact spelling.
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

    /// Parses the exact Redact spelling (case-sensitive, as the API is).
    pub fn from_redact(s: &str) -> Option<Product> {
        Product::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

/// `inbound` or `outbound`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Received by Vonage (MO for SMS).
    Inbound,
    /// Sent by Vonage (MT for SMS).
    Outbound,
}

impl Direction {
    /// `inbound` / `outbound`.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Inbound => "inbound",
            Direction::Outbound => "outbound",
        }
    }

    /// Parses `inbound` / `outbound`.
    pub fn parse(s: &str) -> Option<Direction> {
        match s {
            "inbound" => Some(Direction::Inbound),
            "outbound" => Some(Direction::Outbound),
            _ => None,
        }
    }

    /// `MO` / `MT`, the Message Search and Redact 404 spelling.
    pub fn mo_mt(self) -> &'static str {
        match self {
            Direction::Inbound => "MO",
            Direction::Outbound => "MT",
        }
    }
}

/// How a record is found: only SMS records are told apart by direction.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RecordKey {
    /// The product.
    pub product: Product,
    /// The direction for SMS; always outbound for other products.
    pub direction: Direction,
    /// The transaction id.
    pub id: String,
}

impl RecordKey {
    /// The key of `(product, direction, id)`.
    pub fn new(product: Product, direction: Direction, id: &str) -> RecordKey {
        RecordKey {
            product,
            direction: if product == Product::Sms {
                direction
            } else {
                Direction::Outbound
            },
            id: id.to_owned(),
        }
    }
}

/// One transaction record as stored. Fields most records have are inline; the rest live in a
/// boxed [`RecordExtra`] that only records using them allocate, which keeps a million stored
/// records to a few hundred megabytes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Record {
    /// The product.
    pub product: Product,
    /// The direction.
    #[serde(rename = "type")]
    pub direction: Direction,
    /// The transaction id (`message-id`, call `uuid`, `request_id`, `message_uuid`).
    pub id: String,
    /// When Vonage received it, simulator-clock epoch ms.
    pub created_ms: i64,
    /// Sender.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Recipient.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// Message text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// Whether Redact has run on it.
    pub redacted: bool,
    /// Less common fields.
    #[serde(flatten)]
    pub extra: Option<Box<RecordExtra>>,
}

/// The less common fields of a [`Record`].
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RecordExtra {
    /// The account (API key), when not the simulator's own.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    /// The looked-up number (Number Insight) or verified number (Verify).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// Owner first name (Number Insight).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Owner last name (Number Insight).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Delivery / call / verify status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// The client reference.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_ref: Option<String>,
    /// MCCMNC.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network: Option<String>,
    /// ISO country code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// `CON-…` of a voice call.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conversation_id: Option<String>,
    /// Messages channel (`sms`, `whatsapp`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// Call duration in seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration_s: Option<u64>,
    /// Price in EUR.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub price: Option<f64>,
}

const NO_EXTRA: RecordExtra = RecordExtra {
    account_id: None,
    number: None,
    first_name: None,
    last_name: None,
    status: None,
    client_ref: None,
    network: None,
    country: None,
    conversation_id: None,
    provider: None,
    duration_s: None,
    price: None,
};

impl Record {
    /// A record with only the common fields set.
    pub fn new(product: Product, direction: Direction, id: String, created_ms: i64) -> Record {
        Record {
            product,
            direction,
            id,
            created_ms,
            from: None,
            to: None,
            body: None,
            redacted: false,
            extra: None,
        }
    }

    /// The less common fields (all empty when none were set).
    pub fn extra(&self) -> &RecordExtra {
        self.extra.as_deref().unwrap_or(&NO_EXTRA)
    }

    /// The less common fields, for writing (allocated on first use).
    pub fn extra_mut(&mut self) -> &mut RecordExtra {
        self.extra.get_or_insert_with(Box::default)
    }

    /// The record's account, or `default` when it has none of its own.
    pub fn account<'a>(&'a self, default: &'a str) -> &'a str {
        self.extra().account_id.as_deref().unwrap_or(default)
    }

    /// Overwrites personal data with `REDACTED`: phone numbers always; message text for SMS and
    /// Messages; owner details for Number Insight (Vonage's documented scope per product).
    pub fn redact(&mut self) {
        fn wipe(field: &mut Option<String>) {
            if field.is_some() {
                *field = Some(REDACTED.to_owned());
            }
        }
        wipe(&mut self.from);
        wipe(&mut self.to);
        if self.product != Product::Voice {
            wipe(&mut self.body);
            if let Some(extra) = self.extra.as_deref_mut() {
                wipe(&mut extra.number);
                wipe(&mut extra.first_name);
                wipe(&mut extra.last_name);
            }
        }
        self.redacted = true;
    }

    /// The lookup key.
    pub fn key(&self) -> RecordKey {
        RecordKey::new(self.product, self.direction, &self.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn product_spellings() {
        for p in Product::ALL {
            assert_eq!(Product::from_redact(p.as_str()), Some(p));
            let json = serde_json::to_string(&p).expect("serializes");
            assert_eq!(json, format!("\"{}\"", p.as_str()));
        }
        assert_eq!(Product::from_redact("SMS"), None);
        assert_eq!(Product::from_redact("workflow"), None);
    }
}
