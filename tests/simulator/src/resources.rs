//! Media items and Conversation API resources (users, conversations, events, legs), with the
//! seed shapes that create them.

use crate::record_seed::seed_time;
use crate::timestamp::iso_millis_z;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// A media item in a seed document (a call recording, an uploaded file).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MediaSeed {
    /// The media id (a UUID).
    pub id: String,
    /// Original file name (default `recording.mp3`).
    #[serde(default)]
    pub original_file_name: Option<String>,
    /// MIME type (default `audio/mpeg`).
    #[serde(default)]
    pub mime_type: Option<String>,
    /// Size in bytes.
    #[serde(default)]
    pub media_size: Option<u64>,
    /// Creation time, epoch ms.
    #[serde(default)]
    pub created_ms: Option<i64>,
    /// Age relative to the simulator clock.
    #[serde(default)]
    pub age_ms: Option<i64>,
    /// Publicly downloadable.
    #[serde(default)]
    pub public: Option<bool>,
    /// Free metadata.
    #[serde(default)]
    pub metadata_primary: Option<String>,
    /// Free metadata.
    #[serde(default)]
    pub metadata_secondary: Option<String>,
}

/// A stored media item; serializes as the Media API's Media object.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MediaItem {
    /// UUID.
    pub id: String,
    /// Original file name.
    pub original_file_name: String,
    /// MIME type.
    pub mime_type: String,
    /// Account (API key).
    pub account_id: String,
    /// Storage kind.
    pub store_id: String,
    /// Download cap (0 = unlimited).
    pub max_downloads_allowed: u64,
    /// Downloads so far.
    pub times_downloaded: u64,
    /// Content identifier.
    pub etag: String,
    /// Size in bytes.
    pub media_size: u64,
    /// Created, `2020-01-01T14:00:00.000Z`.
    pub time_created: String,
    /// Last updated.
    pub time_last_updated: String,
    /// Publicly downloadable.
    pub public: bool,
    /// Free metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata_primary: Option<String>,
    /// Free metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata_secondary: Option<String>,
}

impl MediaSeed {
    /// The stored item.
    pub fn into_item(self, account: &str, now_ms: i64) -> Result<MediaItem, String> {
        if self.id.is_empty() {
            return Err("media id must not be empty".into());
        }
        let created = seed_time(self.created_ms, None, self.age_ms, now_ms)?;
        let etag = format!("{:032x}", crate::prng::fnv1a64(self.id.as_bytes()) as u128);
        Ok(MediaItem {
            original_file_name: self
                .original_file_name
                .unwrap_or_else(|| "recording.mp3".into()),
            mime_type: self.mime_type.unwrap_or_else(|| "audio/mpeg".into()),
            account_id: account.to_owned(),
            store_id: "s3".into(),
            max_downloads_allowed: 0,
            times_downloaded: 0,
            etag,
            media_size: self.media_size.unwrap_or(0),
            time_created: iso_millis_z(created),
            time_last_updated: iso_millis_z(created),
            public: self.public.unwrap_or(false),
            metadata_primary: self.metadata_primary,
            metadata_secondary: self.metadata_secondary,
            id: self.id,
        })
    }
}

/// A Conversation API user in a seed document (`USR-…`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserSeed {
    /// `USR-<uuid>`.
    pub id: String,
    /// Unique name.
    #[serde(default)]
    pub name: Option<String>,
    /// Display name.
    #[serde(default)]
    pub display_name: Option<String>,
    /// Avatar URL.
    #[serde(default)]
    pub image_url: Option<String>,
    /// Channels object (`pstn`, `sms`, …).
    #[serde(default)]
    pub channels: Option<Value>,
    /// Properties object (`custom_data`).
    #[serde(default)]
    pub properties: Option<Value>,
}

/// A stored user.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct User {
    /// `USR-…`.
    pub id: String,
    /// Unique name.
    pub name: String,
    /// Display name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Avatar URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    /// Channels.
    pub channels: Value,
    /// Properties.
    pub properties: Value,
}

impl From<UserSeed> for User {
    fn from(s: UserSeed) -> User {
        User {
            name: s.name.unwrap_or_else(|| s.id.clone()),
            id: s.id,
            display_name: s.display_name,
            image_url: s.image_url,
            channels: s.channels.unwrap_or_else(|| json!({})),
            properties: s.properties.unwrap_or_else(|| json!({})),
        }
    }
}

/// An event id: a number, or a string of digits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum EventId {
    /// `5`
    Number(u64),
    /// `"5"`
    Text(String),
}

/// An event in a seed document.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventSeed {
    /// Progressive integer id (default: next).
    #[serde(default)]
    pub id: Option<EventId>,
    /// Event type (default `text`).
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    /// Member id of the sender.
    #[serde(default)]
    pub from: Option<String>,
    /// Member id of the recipient.
    #[serde(default)]
    pub to: Option<String>,
    /// Event body (default `{}`).
    #[serde(default)]
    pub body: Option<Value>,
}

/// A stored event.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Progressive integer id.
    pub id: u64,
    /// Event type.
    pub kind: String,
    /// Sender member id.
    pub from: Option<String>,
    /// Recipient member id.
    pub to: Option<String>,
    /// Body.
    pub body: Value,
    /// Created, epoch ms.
    pub created_ms: i64,
}

impl Event {
    /// The Conversation API event object.
    pub fn to_json(&self, href: String) -> Value {
        let mut m = Map::new();
        m.insert("id".into(), json!(self.id.to_string()));
        m.insert("type".into(), json!(self.kind));
        if let Some(f) = &self.from {
            m.insert("from".into(), json!(f));
        }
        if let Some(t) = &self.to {
            m.insert("to".into(), json!(t));
        }
        m.insert("body".into(), self.body.clone());
        m.insert("timestamp".into(), json!(iso_millis_z(self.created_ms)));
        m.insert("href".into(), json!(href));
        Value::Object(m)
    }
}

/// A conversation in a seed document (`CON-…`), with its events.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConversationSeed {
    /// `CON-<uuid>`.
    pub id: String,
    /// Unique name.
    #[serde(default)]
    pub name: Option<String>,
    /// Display name.
    #[serde(default)]
    pub display_name: Option<String>,
    /// Events, in order.
    #[serde(default)]
    pub events: Vec<EventSeed>,
}

/// A stored conversation.
#[derive(Debug, Clone, PartialEq)]
pub struct Conversation {
    /// `CON-…`.
    pub id: String,
    /// Unique name.
    pub name: String,
    /// Display name.
    pub display_name: Option<String>,
    /// Events by id.
    pub events: BTreeMap<u64, Event>,
}

impl ConversationSeed {
    /// The stored conversation.
    pub fn into_conversation(self, now_ms: i64) -> Result<Conversation, String> {
        let mut events = BTreeMap::new();
        let mut next = 1;
        for e in self.events {
            let id = match e.id {
                None => next,
                Some(EventId::Number(n)) => n,
                Some(EventId::Text(t)) => t
                    .parse()
                    .map_err(|_| format!("event id {t:?} is not an integer"))?,
            };
            next = next.max(id + 1);
            events.insert(
                id,
                Event {
                    id,
                    kind: e.kind.unwrap_or_else(|| "text".into()),
                    from: e.from,
                    to: e.to,
                    body: e.body.unwrap_or_else(|| json!({})),
                    created_ms: now_ms,
                },
            );
        }
        Ok(Conversation {
            name: self.name.unwrap_or_else(|| self.id.clone()),
            id: self.id,
            display_name: self.display_name,
            events,
        })
    }
}

/// A call leg in a seed document.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LegSeed {
    /// The leg id (a call `uuid`).
    pub id: String,
    /// `CON-…` (voice records fill it in for their legs).
    #[serde(default)]
    pub conversation_id: Option<String>,
    /// Channel type (default `phone`).
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    /// Endpoint object.
    #[serde(default)]
    pub from: Option<Value>,
    /// Endpoint object.
    #[serde(default)]
    pub to: Option<Value>,
    /// Leg status (default `completed`).
    #[serde(default)]
    pub status: Option<String>,
}

/// A stored leg.
#[derive(Debug, Clone, PartialEq)]
pub struct Leg {
    /// Leg id.
    pub id: String,
    /// `CON-…`.
    pub conversation_id: Option<String>,
    /// Channel type.
    pub kind: String,
    /// Endpoint.
    pub from: Value,
    /// Endpoint.
    pub to: Value,
    /// Status.
    pub status: String,
    /// Created, epoch ms.
    pub created_ms: i64,
}

impl Leg {
    /// A stored leg from its seed.
    pub fn from_seed(s: LegSeed, now_ms: i64) -> Leg {
        Leg {
            id: s.id,
            conversation_id: s.conversation_id,
            kind: s.kind.unwrap_or_else(|| "phone".into()),
            from: s.from.unwrap_or_else(|| json!({"type": "phone"})),
            to: s.to.unwrap_or_else(|| json!({"type": "phone"})),
            status: s.status.unwrap_or_else(|| "completed".into()),
            created_ms: now_ms,
        }
    }

    /// The object listed by `GET /v0.1/legs`.
    pub fn to_json(&self, base: &str) -> Value {
        json!({
            "uuid": self.id,
            "type": self.kind,
            "conversation_uuid": self.conversation_id,
            "status": self.status,
            "from": self.from,
            "to": self.to,
            "start_time": iso_millis_z(self.created_ms),
            "end_time": iso_millis_z(self.created_ms),
            "_links": {"self": {"href": format!("{base}/v0.1/legs/{}", self.id)}},
        })
    }
}
