//! The guard: checks an outgoing payload (an NCCO, an SMS, a call, a Verify request, an
//! application, a Messages send) against Vonage's field usage guidance, so that personal data
//! never reaches a field Vonage keeps and cannot redact.
//!
//! Hosts call it on what the app sends (the capture integrations' `mode`: off, warn, raise) and
//! the CLI's `lint` on files; the rules and the detection live here only.
//!
//! ```
//! use erasekit_core::{guard_check, GuardKind, Identifier, KnownIdentifiers, PersonalData};
//! use serde_json::json;
//!
//! let known = KnownIdentifiers {
//!     subject_identifiers: vec![Identifier::phone("+447700900123")?],
//!     customer_numbers: vec!["+1 415 555 2600".into()],
//! };
//! let ncco = json!([
//!     { "action": "talk", "text": "Call us on +1 415 555 2600" },
//!     { "action": "record", "eventUrl": ["https://example.com/rec?caller=447700900123"] },
//! ]);
//! let findings = guard_check(GuardKind::Ncco, &ncco, &known)?;
//! assert_eq!(findings.len(), 1);
//! assert_eq!(findings[0].path, "[1].eventUrl[0]");
//! assert_eq!(findings[0].rule, "ncco.eventUrl");
//! assert_eq!(findings[0].found, PersonalData::SubjectIdentifier);
//! assert_eq!(findings[0].masked, "+44********23");
//! # Ok::<(), erasekit_core::Error>(())
//! ```

mod known;
mod rules;
mod scan;

pub use known::KnownIdentifiers;
pub use rules::{guard_rules, GuardExpects, GuardRule};

use crate::capture::form::read_body;
use crate::capture::{check_size, DEFAULT_CAPTURE_MAX_BYTES};
use crate::error::{Error, Result};
use known::Known;
use rules::{Applies, RuleDef, Seg, RULES};
use serde::Serialize;
use serde_json::Value;
use std::collections::HashSet;

/// The kinds of payload the guard checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum GuardKind {
    /// A Call Control Object: a JSON array of actions.
    Ncco,
    /// An SMS API send request (`POST /sms/json`), JSON or form.
    Sms,
    /// A Voice API create-call request (`POST /v1/calls`), its inline `ncco` included; with
    /// `direction: "inbound"`, a call's details (the `to` rule).
    VoiceCall,
    /// A Verify (v1) request.
    Verify,
    /// An Application API (v2) create or update body.
    Application,
    /// A Messages API send request.
    Messages,
}

impl GuardKind {
    /// Every kind, in a fixed order.
    pub const ALL: [GuardKind; 6] = [
        GuardKind::Ncco,
        GuardKind::Sms,
        GuardKind::VoiceCall,
        GuardKind::Verify,
        GuardKind::Application,
        GuardKind::Messages,
    ];

    /// The name: `ncco`, `sms`, `voice-call`, `verify`, `application`, `messages`.
    pub const fn as_str(self) -> &'static str {
        match self {
            GuardKind::Ncco => "ncco",
            GuardKind::Sms => "sms",
            GuardKind::VoiceCall => "voice-call",
            GuardKind::Verify => "verify",
            GuardKind::Application => "application",
            GuardKind::Messages => "messages",
        }
    }

    /// Reads a kind's name; anything else is `invalid_argument` listing the names.
    pub fn parse(name: &str) -> Result<GuardKind> {
        GuardKind::ALL
            .into_iter()
            .find(|k| k.as_str() == name)
            .ok_or_else(|| Error::InvalidArgument {
                field: "kind".into(),
                reason: format!(
                    "unknown guard kind {name:?}; expected one of ncco, sms, voice-call, \
                     verify, application, messages"
                ),
            })
    }
}

/// What kind of personal data a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PersonalData {
    /// A phone number that is not the customer's own nor a placeholder.
    Phone,
    /// An e-mail address outside the reserved example domains.
    Email,
    /// An identifier the ledger links to a subject.
    SubjectIdentifier,
    /// In a field meant for the customer's own number: a number that is not one of them.
    NotCustomerNumber,
}

/// One piece of personal data in a field the guidance reserves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GuardFinding {
    /// Where: the field's path in the payload, e.g. `[1].eventUrl[0]` or `from.number`.
    pub path: String,
    /// The rule's id, e.g. `ncco.eventUrl`.
    pub rule: &'static str,
    /// The rule's source.
    pub source: &'static str,
    /// False when the guide does not list the field.
    pub confirmed: bool,
    /// What was found.
    pub found: PersonalData,
    /// What was found, masked (`+44*******23`, `j***@m***.com`): findings go to logs and CI.
    pub masked: String,
}

/// Checks `payload` (a JSON value) as a payload of `kind`. The findings are in rule order, then
/// in the order of the payload's fields; none means the payload follows the guidance as far as
/// the guard can tell. An NCCO must be an array, every other kind an object
/// (`invalid_argument` otherwise); a customer number that cannot be read is `invalid_phone`.
pub fn check(
    kind: GuardKind,
    payload: &Value,
    known: &KnownIdentifiers,
) -> Result<Vec<GuardFinding>> {
    let known = Known::new(known)?;
    let shape_ok = match kind {
        GuardKind::Ncco => payload.is_array(),
        _ => payload.is_object(),
    };
    if !shape_ok {
        let shape = if kind == GuardKind::Ncco {
            "a JSON array of actions"
        } else {
            "a JSON object"
        };
        return Err(Error::InvalidArgument {
            field: "payload".into(),
            reason: format!("a {} payload must be {shape}", kind.as_str()),
        });
    }
    let mut findings = Vec::new();
    check_rules(kind, payload, "", &known, &mut findings);
    if kind == GuardKind::VoiceCall {
        if let Some(ncco) = payload.get("ncco").filter(|n| n.is_array()) {
            check_rules(GuardKind::Ncco, ncco, "ncco", &known, &mut findings);
        }
    }
    Ok(findings)
}

/// Like [`check`] for a body as the app sends it: JSON or a form (the SMS API takes
/// `application/x-www-form-urlencoded`), told apart by `content_type` or sniffed, at most
/// [`DEFAULT_CAPTURE_MAX_BYTES`] bytes.
pub fn check_body(
    kind: GuardKind,
    body: &[u8],
    content_type: Option<&str>,
    known: &KnownIdentifiers,
) -> Result<Vec<GuardFinding>> {
    check_size(
        kind.as_str(),
        "bytes",
        body.len(),
        DEFAULT_CAPTURE_MAX_BYTES,
    )?;
    check(kind, &read_body(kind.as_str(), body, content_type)?, known)
}

fn check_rules(
    kind: GuardKind,
    root: &Value,
    prefix: &str,
    known: &Known,
    out: &mut Vec<GuardFinding>,
) {
    let inbound = root.get("direction").and_then(Value::as_str) == Some("inbound");
    // Findings already made, so a value seen twice (two patterns, or a field listed in two
    // views) is reported once; a set, as one long text may hold thousands of numbers.
    let mut seen: HashSet<(String, String)> = out
        .iter()
        .map(|f| (f.path.clone(), f.masked.clone()))
        .collect();
    for def in RULES.iter().filter(|d| d.kind == kind) {
        let applies = match def.applies {
            Applies::Always => true,
            Applies::Outbound => !inbound,
            Applies::Inbound => inbound,
        };
        if !applies {
            continue;
        }
        let mut leaves = Vec::new();
        for pattern in def.patterns {
            select(root, pattern, prefix.to_owned(), &mut leaves);
        }
        for (path, text) in leaves {
            for (found, masked) in inspect(def, &text, known) {
                if seen.insert((path.clone(), masked.clone())) {
                    out.push(GuardFinding {
                        path: path.clone(),
                        rule: def.rule.id,
                        source: def.rule.source,
                        confirmed: def.rule.confirmed,
                        found,
                        masked,
                    });
                }
            }
        }
    }
}

/// The text leaves `pattern` reaches, with their paths. Numbers are read as their text; an
/// array where a text is expected (a repeated form field) is read element by element.
fn select(value: &Value, pattern: &[Seg], path: String, out: &mut Vec<(String, String)>) {
    let Some((first, rest)) = pattern.split_first() else {
        match value {
            Value::String(s) => out.push((path, s.clone())),
            Value::Number(n) => out.push((path, n.to_string())),
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    if !item.is_array() {
                        select(item, &[], format!("{path}[{i}]"), out);
                    }
                }
            }
            _ => {}
        }
        return;
    };
    let key_path = |key: &str| {
        if path.is_empty() {
            key.to_owned()
        } else {
            format!("{path}.{key}")
        }
    };
    match (first, value) {
        (Seg::Key(key), Value::Object(map)) => {
            if let Some(v) = map.get(*key) {
                select(v, rest, key_path(key), out);
            }
        }
        (Seg::AnyKey, Value::Object(map)) => {
            for (key, v) in map {
                select(v, rest, key_path(key), out);
            }
        }
        (Seg::Each, Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                select(item, rest, format!("{path}[{i}]"), out);
            }
        }
        (Seg::Each, single) => select(single, rest, path, out),
        _ => {}
    }
}

/// What is personal data in one field's text, by what the field expects.
fn inspect(def: &RuleDef, text: &str, known: &Known) -> Vec<(PersonalData, String)> {
    let mut out: Vec<(PersonalData, String)> = Vec::new();
    let mut seen = HashSet::new();
    let mut push = |found: PersonalData, masked: String| {
        if seen.insert(masked.clone()) {
            out.push((found, masked));
        }
    };
    for view in scan::views(text) {
        for run in scan::digit_runs(&view) {
            if let Some(digits) = known.subject_phone_in(&run) {
                push(
                    PersonalData::SubjectIdentifier,
                    known::mask_phone(&format!("+{digits}")),
                );
            }
        }
        for user in known.subject_users_in(&view) {
            push(
                PersonalData::SubjectIdentifier,
                known::mask_identifier(user),
            );
        }
        for phone in scan::phones(&view) {
            let digits = phone.trim_start_matches('+');
            if known.subject_phone_in(digits).is_some() || known.is_customer(&phone) {
                continue;
            }
            match def.rule.expects {
                _ if known::is_placeholder_phone(&phone) => {}
                GuardExpects::NoPersonalData => {
                    push(PersonalData::Phone, known::mask_phone(&phone))
                }
                GuardExpects::CustomerNumber if known.has_customer_numbers() => {
                    push(PersonalData::NotCustomerNumber, known::mask_phone(&phone))
                }
                GuardExpects::CustomerNumber => {}
            }
        }
        for address in scan::emails(&view) {
            if !known::is_placeholder_email(&address) {
                push(PersonalData::Email, known::mask_email(&address));
            }
        }
    }
    out
}
