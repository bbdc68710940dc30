//! Reading fields out of a Vonage payload with errors that name the field and the source.

use crate::error::{Error, Result};
use crate::ledger::entry::{EntryKind, LedgerEntry};
use crate::time::timestamp::{check_time, UnixMillis};
use crate::vonage::payload_time::parse_payload_time;
use crate::vonage::product::{Direction, Product};
use crate::vonage::transaction_id::TransactionId;
use serde_json::{Map, Value};

/// A payload being captured, with the source name and the host's `at` for error messages.
pub(crate) struct Payload<'a> {
    pub(crate) source: &'static str,
    pub(crate) object: &'a Map<String, Value>,
    pub(crate) at: Option<UnixMillis>,
}

impl<'a> Payload<'a> {
    /// Checks the payload is a JSON object.
    pub(crate) fn new(
        source: &'static str,
        value: &'a Value,
        at: Option<UnixMillis>,
    ) -> Result<Self> {
        let object = value.as_object().ok_or_else(|| Error::InvalidPayload {
            source_name: source.to_owned(),
            field: "$".into(),
            reason: "must be a JSON object".into(),
        })?;
        if let Some(at) = at {
            check_time("at", at)?;
        }
        Ok(Payload { source, object, at })
    }

    /// The same source reading a nested object (e.g. one part of `messages[]`).
    pub(crate) fn nested(&self, object: &'a Map<String, Value>) -> Payload<'a> {
        Payload {
            source: self.source,
            object,
            at: self.at,
        }
    }

    /// An `invalid_payload` error for `field`.
    pub(crate) fn error(&self, field: &str, reason: &str) -> Error {
        Error::InvalidPayload {
            source_name: self.source.to_owned(),
            field: field.to_owned(),
            reason: reason.to_owned(),
        }
    }

    /// A text field; numbers are accepted as their decimal text (query-string webhooks send text).
    pub(crate) fn text(&self, field: &str) -> Option<String> {
        match self.object.get(field)? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }

    /// A required id field, validated as a Vonage id.
    pub(crate) fn id(&self, field: &str) -> Result<String> {
        let raw = match self.object.get(field) {
            None | Some(Value::Null) => return Err(self.error(field, "is missing")),
            Some(_) => self
                .text(field)
                .ok_or_else(|| self.error(field, "must be a string"))?,
        };
        TransactionId::new(&raw)
            .map(|id| id.as_str().to_owned())
            .map_err(|e| self.error(field, &e.to_string()))
    }

    /// The first of `fields` present, as a time; else the host's `at`; else an error.
    pub(crate) fn created_at(&self, fields: &[&str]) -> Result<UnixMillis> {
        for field in fields {
            if let Some(raw) = self.text(field) {
                return parse_payload_time(&raw).ok_or_else(|| {
                    self.error(field, "is not a time Vonage writes (ISO 8601, YYYY-MM-DD HH:MM:SS or Unix seconds)")
                });
            }
        }
        self.at.ok_or_else(|| {
            let names = if fields.is_empty() {
                "this payload carries no time".to_owned()
            } else {
                format!("none of {} is present", fields.join(", "))
            };
            self.error("at", &format!("{names}; pass `at`"))
        })
    }

    /// Copies the named fields (when present) into an `extra` map, with their stored names.
    pub(crate) fn extra(&self, fields: &[(&str, &str)]) -> Map<String, Value> {
        fields
            .iter()
            .filter_map(|(from, to)| {
                let v = self.object.get(*from)?;
                (!v.is_null()).then(|| ((*to).to_owned(), v.clone()))
            })
            .collect()
    }

    /// A Redact-able transaction entry.
    pub(crate) fn transaction(
        &self,
        product: Product,
        direction: Option<Direction>,
        id: String,
        created_at: UnixMillis,
        extra: Map<String, Value>,
    ) -> LedgerEntry {
        LedgerEntry {
            kind: EntryKind::Transaction,
            product: Some(product),
            direction,
            id,
            created_at,
            source: self.source.to_owned(),
            extra,
        }
    }

    /// A non-transaction entry (recording, user, conversation, event, leg).
    pub(crate) fn resource(
        &self,
        kind: EntryKind,
        id: String,
        created_at: UnixMillis,
        extra: Map<String, Value>,
    ) -> LedgerEntry {
        LedgerEntry {
            kind,
            product: None,
            direction: None,
            id,
            created_at,
            source: self.source.to_owned(),
            extra,
        }
    }
}
