//! The JSON seed format: records (with a voice call's legs and recordings), media items,
//! Conversation users, conversations with events, and legs, as `POST /_sim/seed` loads them.

use crate::records::{Direction, Product, Record, RecordExtra};
use crate::resources::{ConversationSeed, LegSeed, MediaSeed, UserSeed};
use crate::timestamp::parse_iso;
use serde::{Deserialize, Serialize};

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
        let mut record = Record::new(
            product,
            self.direction.unwrap_or(Direction::Outbound),
            self.id,
            created_ms,
        );
        record.from = self.from;
        record.to = self.to;
        record.body = self.body;
        let extra = RecordExtra {
            account_id: self.account_id.filter(|a| a != default_account),
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
        };
        if extra != RecordExtra::default() {
            record.extra = Some(Box::new(extra));
        }
        Ok(record)
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
    use crate::records::{Direction, REDACTED};

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
        assert!(voice.extra.is_none());
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
