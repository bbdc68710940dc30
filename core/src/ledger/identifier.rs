//! Identifiers that link a data subject to what Vonage stores: phone numbers and Conversation users.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// An identifier of a subject, as stored: `{ "kind": "phone", "value": "+447700900123" }`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Identifier {
    /// A phone number in E.164 form (`+` and 8 to 15 digits).
    Phone(String),
    /// A Conversation API user id (`USR-…`).
    ConversationUser(String),
}

impl Identifier {
    /// A phone number from common input forms: `+44 7700 900123`, `0044-7700-900123`,
    /// `(+44) 7700.900.123`, or Vonage's bare `447700900123`.
    pub fn phone(raw: &str) -> Result<Identifier> {
        normalise_phone(raw).map(Identifier::Phone)
    }

    /// A Conversation API user id; must start with `USR-`.
    pub fn conversation_user(raw: &str) -> Result<Identifier> {
        let id = crate::vonage::transaction_id::TransactionId::new(raw)?;
        if !id.as_str().starts_with("USR-") {
            return Err(Error::InvalidArgument {
                field: "conversation_user".into(),
                reason: format!("{raw:?} is not a Conversation user id (USR-…)"),
            });
        }
        Ok(Identifier::ConversationUser(id.as_str().to_owned()))
    }

    /// An identifier as a user writes it: a Conversation user id (`USR-…`) or else a phone
    /// number in any common form.
    pub fn parse(raw: &str) -> Result<Identifier> {
        if raw.starts_with("USR-") {
            Identifier::conversation_user(raw)
        } else {
            Identifier::phone(raw)
        }
    }

    /// Identifiers as hosts pass them: an array of strings (see [`Identifier::parse`]) or of
    /// `{ kind, value }` objects as the ledger lists them; the item at fault is named.
    pub fn list_from_value(value: &serde_json::Value) -> Result<Vec<Identifier>> {
        let items = value.as_array().ok_or_else(|| Error::InvalidArgument {
            field: "identifiers".into(),
            reason: "expected a list of phone numbers, USR- ids or { kind, value } objects".into(),
        })?;
        items
            .iter()
            .enumerate()
            .map(|(i, item)| match item {
                serde_json::Value::String(raw) => Identifier::parse(raw),
                serde_json::Value::Object(o) => {
                    let part = |name: &str| {
                        o.get(name)
                            .and_then(|v| v.as_str())
                            .ok_or_else(|| Error::InvalidArgument {
                                field: format!("identifiers[{i}].{name}"),
                                reason: "expected a string".into(),
                            })
                    };
                    Identifier::from_parts(part("kind")?, part("value")?)
                }
                _ => Err(Error::InvalidArgument {
                    field: format!("identifiers[{i}]"),
                    reason:
                        "expected a phone number or USR- id (string) or a { kind, value } object"
                            .into(),
                }),
            })
            .collect()
    }

    /// The stored kind name: `phone` or `conversation_user`.
    pub fn kind(&self) -> &'static str {
        match self {
            Identifier::Phone(_) => "phone",
            Identifier::ConversationUser(_) => "conversation_user",
        }
    }

    /// The stored value.
    pub fn value(&self) -> &str {
        match self {
            Identifier::Phone(v) | Identifier::ConversationUser(v) => v,
        }
    }

    /// Rebuilds an identifier from its stored kind and value, validating again.
    pub fn from_parts(kind: &str, value: &str) -> Result<Identifier> {
        match kind {
            "phone" => Identifier::phone(value),
            "conversation_user" => Identifier::conversation_user(value),
            other => Err(Error::InvalidArgument {
                field: "kind".into(),
                reason: format!(
                    "unknown identifier kind {other:?}; expected phone or conversation_user"
                ),
            }),
        }
    }

    /// The number without `+`, as Vonage writes it (`msisdn`, `to`, `from`); `None` for users.
    pub fn msisdn(&self) -> Option<&str> {
        match self {
            Identifier::Phone(v) => v.strip_prefix('+'),
            Identifier::ConversationUser(_) => None,
        }
    }
}

fn normalise_phone(raw: &str) -> Result<String> {
    let bad = |reason: &str| Error::InvalidPhone {
        given: raw.to_owned(),
        reason: reason.to_owned(),
    };
    let trimmed = raw.trim();
    let mut digits = String::with_capacity(trimmed.len());
    let mut plus = false;
    for (i, c) in trimmed.chars().enumerate() {
        match c {
            '0'..='9' => digits.push(c),
            '+' if digits.is_empty() && !plus => plus = true,
            ' ' | '-' | '.' | '(' | ')' | '/' | '\u{a0}' => {}
            _ => return Err(bad(&format!("unexpected character {c:?} at position {i}"))),
        }
    }
    if !plus {
        if let Some(rest) = digits.strip_prefix("00") {
            digits = rest.to_owned();
        } else if digits.starts_with('0') {
            return Err(bad(
                "a national number (leading 0); give it with its country code, e.g. +44…",
            ));
        }
    }
    if digits.starts_with('0') {
        return Err(bad("country codes never start with 0"));
    }
    if !(8..=15).contains(&digits.len()) {
        return Err(bad("E.164 numbers have 8 to 15 digits"));
    }
    Ok(format!("+{digits}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_common_forms() {
        for raw in [
            "+44 7700 900123",
            "0044-7700-900123",
            "(+44) 7700.900.123",
            "447700900123",
            " +447700900123 ",
        ] {
            assert_eq!(
                Identifier::phone(raw).unwrap().value(),
                "+447700900123",
                "{raw}"
            );
        }
        for raw in [
            "07700 900123",
            "abc",
            "+44 7700 900123 ext 5",
            "+1234",
            "++447700900123",
            "",
            "+0447700900123",
        ] {
            assert_eq!(
                Identifier::phone(raw).unwrap_err().code(),
                "invalid_phone",
                "{raw}"
            );
        }
    }

    #[test]
    fn conversation_users_need_the_prefix() {
        assert!(Identifier::conversation_user("USR-aaaaaaaa-bbbb-cccc-dddd-0123456789ab").is_ok());
        assert!(Identifier::conversation_user("CON-1").is_err());
    }
}
