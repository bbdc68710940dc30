//! Transaction records (the CDRs that Redact, Reports and Message Search see) and the JSON seed
//! format that loads them, together with media items, Conversation users, events and legs.

use crate::resources::{ConversationSeed, LegSeed, MediaSeed, UserSeed};
use crate::timestamp::parse_iso;
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

/// One transaction record as stored.
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
    /// The account (API key).
    pub account_id: String,
    /// Sender.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Recipient.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// Message text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
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
    /// Whether Redact has run on it.
    pub redacted: bool,
}

impl Record {
    /// Overwrites personal data with `REDACTED`: phone numbers always; message text for SMS and
    /// Messages; owner details for Number Insight (Vonage's documented scope per product).
    pub fn redact(&mut self) {
        fn wipe(field: &mut Option<String>) {
            if field.is_some() {
                *field = Some(REDACTED.to_owned());
            }
        }
        match self.product {
            Product::Voice => {
                wipe(&mut self.from);
                wipe(&mut self.to);
            }
            _ => {
                wipe(&mut self.from);
                wipe(&mut self.to);
                wipe(&mut self.body);
                wipe(&mut self.number);
                wipe(&mut self.first_name);
                wipe(&mut self.last_name);
            }
        }
        self.redacted = true;
    }

    /// The lookup key.
    pub fn key(&self) -> RecordKey {
        RecordKey::new(self.product, self.direction, &self.id)
    }
}

/// A record in a seed document. Give the time as `created_ms` (epoch ms), `date_received`
/// (ISO-8601) or `age_ms` (that long before the simulator clock's now); default: now.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordSeed {
    /// The product (Redact spelling).
    pub product: Option<Product>,
    /// `inbound` / `outbound` (default outbound); `direction` is accepted too.
    #[serde(default, rename = "type", alias = "direction")]
    pub direction: Option<Direction>,
    /// The transaction id.
    pub id: String,
    /// Epoch ms when received.
    #[serde(default)]
    pub created_ms: Option<i64>,
    /// ISO-8601 time when received.
    #[serde(default)]
    pub date_received: Option<String>,
    /// Age relative to the simulator clock at seeding time.
    #[serde(default)]
    pub age_ms: Option<i64>,
    /// Account (default: the configured API key).
    #[serde(default)]
    pub account_id: Option<String>,
    /// See [`Record`].
    #[serde(default)]
    pub from: Option<String>,
    /// See [`Record`].
    #[serde(default)]
    pub to: Option<String>,
    /// See [`Record`].
    #[serde(default)]
    pub body: Option<String>,
    /// See [`Record`].
    #[serde(default)]
    pub number: Option<String>,
    /// See [`Record`].
    #[serde(default)]
    pub first_name: Option<String>,
    /// See [`Record`].
    #[serde(default)]
    pub last_name: Option<String>,
    /// See [`Record`].
    #[serde(default)]
    pub status: Option<String>,
    /// See [`Record`].
    #[serde(default)]
    pub client_ref: Option<String>,
    /// See [`Record`].
    #[serde(default)]
    pub network: Option<String>,
    /// See [`Record`].
    #[serde(default)]
    pub country: Option<String>,
    /// See [`Record`].
    #[serde(default)]
    pub conversation_id: Option<String>,
    /// See [`Record`].
    #[serde(default)]
    pub provider: Option<String>,
    /// See [`Record`].
    #[serde(default)]
    pub duration_s: Option<u64>,
    /// See [`Record`].
    #[serde(default)]
    pub price: Option<f64>,
    /// Voice only: the call's legs (deletable with `DELETE /v0.1/legs/{id}`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub legs: Vec<LegSeed>,
    /// Voice only: the call's recordings (media items).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recordings: Vec<MediaSeed>,
}

/// Resolves a seed's time fields against the simulator clock.
pub fn seed_time(
    created_ms: Option<i64>,
    iso: Option<&str>,
    age_ms: Option<i64>,
    now_ms: i64,
) -> Result<i64, String> {
    if let Some(t) = created_ms {
        return Ok(t);
    }
    if let Some(s) = iso {
        return parse_iso(s).ok_or_else(|| format!("invalid ISO-8601 time {s:?}"));
    }
    Ok(now_ms.saturating_sub(age_ms.unwrap_or(0)))
}

impl RecordSeed {
    /// The stored record, with the time resolved at `now_ms`.
    pub fn into_record(self, default_account: &str, now_ms: i64) -> Result<Record, String> {
        let product = self
            .product
            .ok_or_else(|| format!("record {:?}: product is required", self.id))?;
        if self.id.is_empty() {
            return Err("record id must not be empty".into());
        }
        let created_ms = seed_time(
            self.created_ms,
            self.date_received.as_deref(),
            self.age_ms,
            now_ms,
        )
        .map_err(|e| format!("record {:?}: {e}", self.id))?;
        Ok(Record {
            product,
            direction: self.direction.unwrap_or(Direction::Outbound),
            id: self.id,
            created_ms,
            account_id: self
                .account_id
                .unwrap_or_else(|| default_account.to_owned()),
            from: self.from,
            to: self.to,
            body: self.body,
            number: self.number,
            first_name: self.first_name,
            last_name: self.last_name,
            status: self.status,
            client_ref: self.client_ref,
            network: self.network,
            country: self.country,
            conversation_id: self.conversation_id,
            provider: self.provider,
            duration_s: self.duration_s,
            price: self.price,
            redacted: false,
        })
    }
}

/// Everything `POST /_sim/seed` (or the config's `seed`) can load.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SeedDocument {
    /// Transaction records.
    pub records: Vec<RecordSeed>,
    /// Media items.
    pub media: Vec<MediaSeed>,
    /// Conversation users.
    pub users: Vec<UserSeed>,
    /// Conversations with their events.
    pub conversations: Vec<ConversationSeed>,
    /// Call legs.
    pub legs: Vec<LegSeed>,
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

    #[test]
    fn redaction_scope() {
        let seed: RecordSeed = serde_json::from_str(
            r#"{"product":"voice","id":"c1","from":"447700900001","to":"447700900002","body":"x"}"#,
        )
        .expect("parses");
        let mut voice = seed.into_record("k", 0).expect("record");
        voice.redact();
        assert_eq!(voice.from.as_deref(), Some(REDACTED));
        assert_eq!(voice.body.as_deref(), Some("x"));
        let seed: RecordSeed = serde_json::from_str(
            r#"{"product":"sms","type":"inbound","id":"m1","to":"447700900002","body":"hi","age_ms":10}"#,
        )
        .expect("parses");
        let mut sms = seed.into_record("k", 100).expect("record");
        assert_eq!((sms.created_ms, sms.direction), (90, Direction::Inbound));
        sms.redact();
        assert_eq!(sms.body.as_deref(), Some(REDACTED));
        assert_eq!(sms.from, None);
    }

    #[test]
    fn seed_errors() {
        assert!(serde_json::from_str::<RecordSeed>(r#"{"id":"x","colour":"red"}"#).is_err());
        let no_product: RecordSeed = serde_json::from_str(r#"{"id":"x"}"#).expect("parses");
        assert!(no_product.into_record("k", 0).is_err());
        assert!(seed_time(None, Some("yesterday"), None, 0).is_err());
        assert_eq!(
            seed_time(None, Some("1970-01-01T00:00:01Z"), None, 0),
            Ok(1000)
        );
    }
}
