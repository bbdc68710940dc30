//! The simulator's in-memory data: records, media, Conversation resources, report jobs, and
//! what has been redacted or deleted.

use crate::record_seed::SeedDocument;
use crate::records::{Record, RecordKey};
use crate::report_jobs::ReportJob;
use crate::report_script::ReportScript;
use crate::resources::{Conversation, Leg, MediaItem, User};
use serde::Serialize;
use std::collections::HashMap;

/// How many things a seed document created.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SeedCounts {
    /// Transaction records.
    pub records: usize,
    /// Media items (including voice recordings).
    pub media: usize,
    /// Users.
    pub users: usize,
    /// Conversations.
    pub conversations: usize,
    /// Events.
    pub events: usize,
    /// Legs (including voice legs).
    pub legs: usize,
}

/// An event deleted through the Conversation API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeletedEvent {
    /// `CON-…`.
    pub conversation_id: String,
    /// Event id.
    pub event_id: u64,
}

/// Everything deleted through the API, in deletion order.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Deletions {
    /// Media ids.
    pub media: Vec<String>,
    /// User ids.
    pub users: Vec<String>,
    /// Conversation ids.
    pub conversations: Vec<String>,
    /// Events.
    pub events: Vec<DeletedEvent>,
    /// Leg ids.
    pub legs: Vec<String>,
}

/// The outcome of a redaction attempt on a found, provisioned record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedactOutcome {
    /// No such record.
    NotFound,
    /// The record is younger than the premature window.
    Premature,
    /// Redacted; this is the n-th successful redaction of the record.
    Redacted(u64),
}

/// All stored data.
#[derive(Debug, Default)]
pub struct Store {
    /// Transaction records.
    pub records: HashMap<RecordKey, Record>,
    /// Successful redactions per record (duplicates count).
    pub redactions: HashMap<RecordKey, u64>,
    /// Live media items.
    pub media: HashMap<String, MediaItem>,
    /// Live users.
    pub users: HashMap<String, User>,
    /// Live conversations.
    pub conversations: HashMap<String, Conversation>,
    /// Live legs.
    pub legs: HashMap<String, Leg>,
    /// Deleted resources.
    pub deleted: Deletions,
    /// Asynchronous report jobs by id.
    pub reports: HashMap<String, ReportJob>,
    /// Report file id → report id.
    pub report_files: HashMap<String, String>,
    /// Endings queued for the next asynchronous reports.
    pub report_script: ReportScript,
}

impl Store {
    /// Loads a seed document: all or nothing (on error nothing is stored).
    pub fn load(
        &mut self,
        doc: SeedDocument,
        account: &str,
        now_ms: i64,
    ) -> Result<SeedCounts, String> {
        let mut records = Vec::with_capacity(doc.records.len());
        let mut media = Vec::new();
        let mut legs = Vec::new();
        for mut seed in doc.records {
            let call_legs = std::mem::take(&mut seed.legs);
            let recordings = std::mem::take(&mut seed.recordings);
            let record = seed.into_record(account, now_ms)?;
            for mut leg in call_legs {
                if leg.conversation_id.is_none() {
                    leg.conversation_id = record.extra().conversation_id.clone();
                }
                legs.push(Leg::from_seed(leg, record.created_ms));
            }
            for rec in recordings {
                media.push(rec.into_item(record.account(account), now_ms)?);
            }
            records.push(record);
        }
        for m in doc.media {
            media.push(m.into_item(account, now_ms)?);
        }
        for l in doc.legs {
            legs.push(Leg::from_seed(l, now_ms));
        }
        let users: Vec<User> = doc.users.into_iter().map(User::from).collect();
        if let Some(u) = users.iter().find(|u| u.id.is_empty()) {
            return Err(format!("user {:?}: id must not be empty", u.name));
        }
        let conversations = doc
            .conversations
            .into_iter()
            .map(|c| c.into_conversation(now_ms))
            .collect::<Result<Vec<_>, _>>()?;
        let counts = SeedCounts {
            records: records.len(),
            media: media.len(),
            users: users.len(),
            conversations: conversations.len(),
            events: conversations.iter().map(|c| c.events.len()).sum(),
            legs: legs.len(),
        };
        self.records.reserve(records.len());
        for r in records {
            self.records.insert(r.key(), r);
        }
        for m in media {
            self.media.insert(m.id.clone(), m);
        }
        for l in legs {
            self.legs.insert(l.id.clone(), l);
        }
        for u in users {
            self.users.insert(u.id.clone(), u);
        }
        for c in conversations {
            self.conversations.insert(c.id.clone(), c);
        }
        Ok(counts)
    }

    /// Redacts a record if it exists and is old enough.
    pub fn redact(&mut self, key: &RecordKey, now_ms: i64, window_ms: i64) -> RedactOutcome {
        let Some(record) = self.records.get_mut(key) else {
            return RedactOutcome::NotFound;
        };
        if now_ms.saturating_sub(record.created_ms) < window_ms {
            return RedactOutcome::Premature;
        }
        record.redact();
        let count = match self.redactions.get_mut(key) {
            Some(c) => {
                *c += 1;
                *c
            }
            None => {
                self.redactions.insert(key.clone(), 1);
                1
            }
        };
        RedactOutcome::Redacted(count)
    }

    /// Deletes a media item; `false` if unknown.
    pub fn delete_media(&mut self, id: &str) -> bool {
        let found = self.media.remove(id).is_some();
        if found {
            self.deleted.media.push(id.to_owned());
        }
        found
    }

    /// Deletes a user; `false` if unknown.
    pub fn delete_user(&mut self, id: &str) -> bool {
        let found = self.users.remove(id).is_some();
        if found {
            self.deleted.users.push(id.to_owned());
        }
        found
    }

    /// Deletes a conversation and its events; `false` if unknown.
    pub fn delete_conversation(&mut self, id: &str) -> bool {
        let found = self.conversations.remove(id).is_some();
        if found {
            self.deleted.conversations.push(id.to_owned());
        }
        found
    }

    /// Deletes one event; `false` if the conversation or the event is unknown.
    pub fn delete_event(&mut self, conversation_id: &str, event_id: u64) -> bool {
        let found = self
            .conversations
            .get_mut(conversation_id)
            .and_then(|c| c.events.remove(&event_id))
            .is_some();
        if found {
            self.deleted.events.push(DeletedEvent {
                conversation_id: conversation_id.to_owned(),
                event_id,
            });
        }
        found
    }

    /// Deletes a leg; `false` if unknown.
    pub fn delete_leg(&mut self, id: &str) -> bool {
        let found = self.legs.remove(id).is_some();
        if found {
            self.deleted.legs.push(id.to_owned());
        }
        found
    }

    /// Forgets everything.
    pub fn clear(&mut self) {
        *self = Store::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::{Direction, Product};

    fn doc() -> SeedDocument {
        serde_json::from_str(
            r#"{
              "records": [
                {"product":"sms","type":"inbound","id":"m1","from":"447700900001","age_ms":7200000},
                {"product":"voice","id":"c1","conversation_id":"CON-1","age_ms":100,
                 "legs":[{"id":"leg-1"}],"recordings":[{"id":"rec-1"}]}
              ],
              "users": [{"id":"USR-1","name":"alice"}],
              "conversations": [{"id":"CON-1","events":[{"type":"text","body":{"text":"hi"}},{"id":"7"}]}]
            }"#,
        )
        .expect("seed parses")
    }

    #[test]
    fn loads_and_redacts() {
        let mut s = Store::default();
        let counts = s.load(doc(), "sim-key", 10_000_000).expect("loads");
        assert_eq!(
            (counts.records, counts.media, counts.legs, counts.events),
            (2, 1, 1, 2)
        );
        assert_eq!(s.legs["leg-1"].conversation_id.as_deref(), Some("CON-1"));
        let sms_in = RecordKey::new(Product::Sms, Direction::Inbound, "m1");
        let sms_out = RecordKey::new(Product::Sms, Direction::Outbound, "m1");
        let voice = RecordKey::new(Product::Voice, Direction::Inbound, "c1");
        assert_eq!(
            s.redact(&sms_out, 10_000_000, 3_600_000),
            RedactOutcome::NotFound
        );
        assert_eq!(
            s.redact(&voice, 10_000_000, 3_600_000),
            RedactOutcome::Premature
        );
        assert_eq!(
            s.redact(&sms_in, 10_000_000, 3_600_000),
            RedactOutcome::Redacted(1)
        );
        assert_eq!(
            s.redact(&sms_in, 10_000_000, 3_600_000),
            RedactOutcome::Redacted(2)
        );
        assert_eq!(s.records[&sms_in].from.as_deref(), Some("REDACTED"));
    }

    #[test]
    fn deletes_are_remembered() {
        let mut s = Store::default();
        s.load(doc(), "sim-key", 0).expect("loads");
        assert!(s.delete_event("CON-1", 7));
        assert!(!s.delete_event("CON-1", 7));
        assert!(s.delete_conversation("CON-1"));
        assert!(!s.delete_event("CON-1", 1));
        assert!(s.delete_user("USR-1") && s.delete_media("rec-1") && s.delete_leg("leg-1"));
        assert_eq!(s.deleted.events.len(), 1);
        assert_eq!(s.deleted.media, vec!["rec-1".to_owned()]);
    }

    #[test]
    fn bad_seed_stores_nothing() {
        let mut s = Store::default();
        let bad: SeedDocument = serde_json::from_str(
            r#"{"records":[{"product":"sms","id":"ok"},{"product":"sms","id":"x","date_received":"nope"}]}"#,
        )
        .expect("parses");
        assert!(s.load(bad, "k", 0).is_err());
        assert!(s.records.is_empty());
    }
}
