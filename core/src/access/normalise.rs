//! Raw Reports / Message Search records → [`AccessRecord`] (access.md §12.2): first match wins,
//! every input tolerates string, number, bool or null, `""` becomes `null`, and every raw field
//! is kept (withheld values as `null`).

use crate::access::interpret_body::ID_FIELDS;
use crate::access::parties::{detect_redaction, SubjectMatch, REDACTED};
use crate::access::policy::IncludeOrExclude;
use crate::access::record::{
    AccessRecord, Content, ContentState, FoundVia, Lookup, Network, Price, RecordFamily,
    RecordStatus, SmsInfo, SubjectRole, VerificationInfo, WithheldField, WithheldReason,
};
use crate::access::wire_time::{format_rfc3339, parse_wire_time};
use crate::vonage::product::Direction;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Where a raw record came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordSource {
    /// The Reports product queried, or `MESSAGE-SEARCH`.
    pub product: String,
    /// The direction queried, if any.
    pub direction: Option<Direction>,
    /// How it was found.
    pub found_via: FoundVia,
}

/// A field as text: strings as they are, numbers and bools written out, `""`/`null` → `None`.
fn text(raw: &Map<String, Value>, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| match field(raw, k)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    })
}

/// Withholds a raw field in every case spelling it has (a CSV may write `TO`).
fn withheld_null(raw: &mut std::collections::BTreeMap<String, Value>, key: &str) {
    for (k, v) in raw.iter_mut() {
        if k.eq_ignore_ascii_case(key) {
            *v = Value::Null;
        }
    }
}

/// A field by its JSON name, or by the same name in another case: the async CSV's header
/// spelling is NOT CONFIRMED (N7), both readings are accepted.
pub(crate) fn field<'a>(raw: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    raw.get(key).or_else(|| {
        raw.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })
}

fn family_of(product: &str) -> RecordFamily {
    match product {
        "SMS" | "MESSAGE-SEARCH" => RecordFamily::Sms,
        "MESSAGES" => RecordFamily::Message,
        "VERIFY-API" | "VERIFY-V2" | "VERIFY-SDK" => RecordFamily::Verification,
        "NUMBER-INSIGHT" | "NUMBER-INSIGHT-V2" => RecordFamily::NumberLookup,
        "CONVERSATION-EVENT" | "CONVERSATION-MESSAGE" | "CONVERSATIONS" | "CONVERSATION-API" => {
            RecordFamily::Conversation
        }
        "MEDIA-API" => RecordFamily::Recording,
        _ => RecordFamily::Call,
    }
}

fn direction_of(raw: &Map<String, Value>, source: &RecordSource) -> Option<Direction> {
    if let Some(d) = source.direction {
        return Some(d);
    }
    match text(raw, &["direction", "type"])?
        .to_ascii_lowercase()
        .as_str()
    {
        "outbound" | "mt" => Some(Direction::Outbound),
        "inbound" | "mo" => Some(Direction::Inbound),
        _ => None,
    }
}

fn time(
    raw: &Map<String, Value>,
    keys: &[&str],
    warnings: &mut Vec<String>,
) -> (Option<String>, Option<u64>) {
    let Some(t) = text(raw, keys) else {
        return (None, None);
    };
    match parse_wire_time(&t) {
        Some(w) => (Some(format_rfc3339(w.at, w.has_fraction)), Some(w.at)),
        None => {
            if !warnings.iter().any(|w| w == "bad_timestamp") {
                warnings.push("bad_timestamp".into());
            }
            (None, None)
        }
    }
}

/// Normalises one raw record found by `source` for the subject described by `subject`.
pub fn normalise_record(
    raw: Map<String, Value>,
    source: &RecordSource,
    subject: &SubjectMatch,
) -> AccessRecord {
    let product = source.product.as_str();
    let family = family_of(product);
    let direction = direction_of(&raw, source);
    let mut warnings = Vec::new();
    let (occurred_at, at) = time(
        &raw,
        &[
            "date_received",
            "date_start",
            "date-received",
            "creation_date",
        ],
        &mut warnings,
    );
    let (finalized_at, _) = time(
        &raw,
        &["date_finalized", "date_end", "date-closed"],
        &mut warnings,
    );
    let vonage_id = text(&raw, &ID_FIELDS)
        .or_else(|| text(&raw, &["id"]))
        .unwrap_or_default();
    let is_lookup = family == RecordFamily::NumberLookup;
    let from = subject.party(text(&raw, &["from"]), "from", direction, at);
    let to_key = if is_lookup { "number" } else { "to" };
    let to = subject.party(text(&raw, &[to_key, "to"]), "to", direction, at);
    let mut withheld = Vec::new();
    let mut raw_out: std::collections::BTreeMap<String, Value> = raw.clone().into_iter().collect();
    for (key, p) in [("from", &from), (to_key, &to)] {
        if let Some(reason) = p.withheld {
            withheld_null(&mut raw_out, key);
            // The `to` fallback of a lookup is the same value under its other name.
            withheld_null(&mut raw_out, if key == "number" { "to" } else { key });
            withheld.push(WithheldField {
                field: key.into(),
                reason,
            });
        }
    }
    let subject_role = match (family, from.role, to.role) {
        (RecordFamily::NumberLookup, _, crate::access::record::PartyRole::Subject) => {
            SubjectRole::LookedUp
        }
        (RecordFamily::Verification, _, crate::access::record::PartyRole::Subject) => {
            SubjectRole::Verified
        }
        (RecordFamily::Conversation, _, _) => SubjectRole::Participant,
        (_, crate::access::record::PartyRole::Subject, _) => SubjectRole::Sender,
        (_, _, crate::access::record::PartyRole::Subject) => SubjectRole::Recipient,
        _ => SubjectRole::Unknown,
    };
    let body_key = raw
        .keys()
        .find(|k| k.eq_ignore_ascii_case("message_body") || k.eq_ignore_ascii_case("body"))
        .cloned();
    let body = text(&raw, &["message_body", "body"]);
    let content = match (body, body_key) {
        (Some(b), _) if b.trim() == REDACTED => Content {
            state: ContentState::Redacted,
            text: None,
        },
        (Some(_), Some(key)) if subject.policy.content == IncludeOrExclude::Exclude => {
            withheld_null(&mut raw_out, &key);
            withheld.push(WithheldField {
                field: key,
                reason: WithheldReason::Policy,
            });
            Content {
                state: ContentState::Withheld,
                text: None,
            }
        }
        (Some(b), _) => Content {
            state: ContentState::Present,
            text: Some(b),
        },
        (None, _)
            if matches!(family, RecordFamily::Sms | RecordFamily::Message)
                && !subject.include_message_text =>
        {
            Content {
                state: ContentState::NotRequested,
                text: None,
            }
        }
        (None, _) => Content {
            state: ContentState::None,
            text: None,
        },
    };
    let channel = match product {
        "SMS" | "MESSAGE-SEARCH" => Some("sms".to_owned()),
        "MESSAGES" => text(&raw, &["provider", "channel"]),
        "VERIFY-V2" => text(&raw, &["channel"]),
        p if family_of(p) == RecordFamily::Call => Some("voice".to_owned()),
        _ => None,
    };
    let mut lookup = is_lookup.then(|| Lookup {
        valid: text(&raw, &["valid"]),
        reachable: text(&raw, &["reachable"]),
        ported: text(&raw, &["ported"]),
        owner_first_name: text(&raw, &["first_name"]),
        owner_last_name: text(&raw, &["last_name"]),
    });
    if let Some(l) = lookup.as_mut() {
        if subject.policy.carrier_registered_name == IncludeOrExclude::Exclude {
            for (key, v) in [
                ("first_name", &mut l.owner_first_name),
                ("last_name", &mut l.owner_last_name),
            ] {
                if v.take().is_some() {
                    withheld.push(WithheldField {
                        field: key.into(),
                        reason: WithheldReason::Policy,
                    });
                    withheld_null(&mut raw_out, key);
                }
            }
        }
    }
    let verification = (family == RecordFamily::Verification).then(|| VerificationInfo {
        locale: text(&raw, &["locale"]),
        number_type: text(&raw, &["number_type"]),
        events: raw
            .keys()
            .filter_map(|k| {
                Some((
                    k.strip_suffix("_event_count")?.to_owned(),
                    text(&raw, &[k])?,
                ))
            })
            .collect(),
    });
    let sms = (family == RecordFamily::Sms).then(|| SmsInfo {
        concatenated: text(&raw, &["concatenated"]).and_then(|c| {
            match c.to_ascii_lowercase().as_str() {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            }
        }),
        part: None,
        parts: None,
        udh: text(&raw, &["udh"]),
        dcs: text(&raw, &["dcs"]),
    });
    let related = [
        ("udr_id", "id"),
        ("conversation_id", "conversation_id"),
        ("leg_id", "leg_id"),
        ("user_id", "user_id"),
        ("parent_request_id", "parent_request_id"),
        ("workflow_id", "workflow_id"),
        ("client_ref", "client_ref"),
        ("client_ref", "client-ref"),
        ("account_ref", "account_ref"),
    ]
    .into_iter()
    .filter(|(_, k)| !(product != "MESSAGE-SEARCH" && *k == "id" && vonage_id.is_empty()))
    .filter_map(|(name, k)| Some((name.to_owned(), text(&raw, &[k])?)))
    .collect();
    let direction_label = direction.map_or("-", Direction::as_str);
    let record_key = if product == "MESSAGE-SEARCH" && vonage_id.is_empty() {
        let d = text(&raw, &["date-received"]).unwrap_or_default();
        let t = text(&raw, &["to"]).unwrap_or_default();
        format!("vonage:MESSAGE-SEARCH:rejection:{d}:{t}")
    } else {
        format!("vonage:{product}:{vonage_id}:{direction_label}")
    };
    AccessRecord {
        record_key,
        source_product: product.to_owned(),
        family,
        channel,
        direction,
        vonage_id,
        related,
        account_id: text(&raw, &["account_id", "account-id"]),
        occurred_at,
        finalized_at,
        from,
        to,
        subject_role,
        content,
        status: RecordStatus {
            value: text(&raw, &["final-status", "verify_status", "status"]),
            code: text(
                &raw,
                &[
                    "error_code",
                    "provider_error_code",
                    "status_code",
                    "response_code",
                    "error-code",
                ],
            ),
            description: text(
                &raw,
                &[
                    "error_code_description",
                    "status_description",
                    "error-code-label",
                ],
            ),
        },
        duration_s: text(&raw, &["duration"]).and_then(|d| d.parse().ok()),
        latency_ms: text(&raw, &["latency"]).and_then(|d| d.parse().ok()),
        network: Network {
            code: text(&raw, &["network"]),
            name: text(&raw, &["network_name"]),
            r#type: text(&raw, &["network_type"]),
            country: text(&raw, &["country"]),
            country_name: text(&raw, &["country_name"]),
        },
        price: Price {
            amount: text(&raw, &["total_price", "price"]),
            currency: text(&raw, &["currency"]),
            estimated: text(&raw, &["estimated_price"]),
        },
        lookup,
        verification,
        sms,
        redaction: detect_redaction(&raw),
        withheld,
        found_via: vec![source.found_via],
        ledger: None,
        warnings,
        raw: raw_out,
    }
}
