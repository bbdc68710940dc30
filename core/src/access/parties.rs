//! Who is who in a record (access.md §12.5), what Vonage redacted (§12.8), and what the
//! third-party policy withholds (§13).

use crate::access::policy::{KeepOrWithhold, ThirdPartyPolicy};
use crate::access::record::{
    Party, PartyKind, PartyRole, Redaction, RedactionState, WithheldReason,
};
use crate::time::timestamp::UnixMillis;
use crate::vonage::product::Direction;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// What Vonage writes over a redacted field [WEB-redact].
pub const REDACTED: &str = "REDACTED";

/// Raw fields that hold personal data and are redacted (§12.8).
pub const PII_FIELDS: [&str; 7] = [
    "to",
    "from",
    "message_body",
    "body",
    "number",
    "first_name",
    "last_name",
];

/// One of the subject's numbers (digits, as Vonage writes them) and when it was theirs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubjectNumber {
    /// Digits only.
    pub digits: String,
    /// From (inclusive).
    pub valid_from: Option<UnixMillis>,
    /// Until (exclusive).
    pub valid_until: Option<UnixMillis>,
}

/// What tells the subject's rows and parties from others'.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SubjectMatch {
    /// The subject's numbers.
    pub numbers: Vec<SubjectNumber>,
    /// The subject's Conversation users (`USR-…`).
    pub user_ids: Vec<String>,
    /// The subject's ledger ids (a row with one of these ids is theirs).
    pub ledger_ids: Vec<String>,
    /// The controller's numbers and sender ids.
    pub controller_numbers: Vec<String>,
    /// The third-party policy.
    pub policy: ThirdPartyPolicy,
    /// Bodies were asked for.
    pub include_message_text: bool,
}

/// Digits of a number as written anywhere (`+44 7700…`, `0044…`, `447700…`); empty for text.
pub fn phone_digits(value: &str) -> String {
    let digits: String = value.chars().filter(char::is_ascii_digit).collect();
    let plausible = value
        .chars()
        .all(|c| c.is_ascii_digit() || " +-().".contains(c));
    if !plausible {
        return String::new();
    }
    match (
        value.trim_start().starts_with('+'),
        digits.strip_prefix("00"),
    ) {
        (false, Some(rest)) => rest.to_owned(),
        _ => digits,
    }
}

impl SubjectMatch {
    /// Whether `value` is one of the subject's numbers at `at` (any time when unknown).
    pub fn is_subject_number(&self, value: &str, at: Option<UnixMillis>) -> bool {
        let d = phone_digits(value);
        !d.is_empty()
            && self.numbers.iter().any(|n| {
                n.digits == d
                    && at.map_or(true, |t| {
                        n.valid_from.map_or(true, |f| t >= f)
                            && n.valid_until.map_or(true, |u| t < u)
                    })
            })
    }

    fn is_controller(&self, value: &str) -> bool {
        let d = phone_digits(value);
        self.controller_numbers
            .iter()
            .any(|c| c == value || (!d.is_empty() && phone_digits(c) == d))
    }

    /// The party for `value` on side `side` (`from`/`to`) of a record going `direction`.
    pub(crate) fn party(
        &self,
        value: Option<String>,
        side: &str,
        direction: Option<Direction>,
        at: Option<UnixMillis>,
    ) -> Party {
        let Some(v) = value else {
            return party(None, PartyKind::Unknown, PartyRole::Unknown, false, None);
        };
        if v.trim() == REDACTED {
            return party(Some(v), PartyKind::Unknown, PartyRole::Unknown, true, None);
        }
        let kind = kind_of(&v);
        let a2p_controller = matches!(
            (side, direction),
            ("from", Some(Direction::Outbound)) | ("to", Some(Direction::Inbound))
        );
        let subject_user = kind == PartyKind::User && self.user_ids.contains(&v);
        let role = if subject_user || self.is_subject_number(&v, at) {
            PartyRole::Subject
        } else if self.is_controller(&v) || a2p_controller {
            PartyRole::Controller
        } else if kind == PartyKind::Phone {
            PartyRole::ThirdParty
        } else {
            PartyRole::Unknown
        };
        let withheld = match role {
            PartyRole::ThirdParty
                if self.policy.third_party_numbers == KeepOrWithhold::Withhold =>
            {
                Some(WithheldReason::ThirdParty)
            }
            PartyRole::Controller if self.policy.controller_parties == KeepOrWithhold::Withhold => {
                Some(WithheldReason::Policy)
            }
            _ => None,
        };
        let shown = withheld.is_none().then_some(v);
        party(shown, kind, role, false, withheld)
    }
}

fn party(
    value: Option<String>,
    kind: PartyKind,
    role: PartyRole,
    redacted: bool,
    withheld: Option<WithheldReason>,
) -> Party {
    Party {
        value,
        kind,
        role,
        redacted,
        withheld,
    }
}

/// `phone` for 7–15 digits, `email` with `@`, `user` for `USR-…`, else `sender_id`.
pub fn kind_of(value: &str) -> PartyKind {
    let v = value.trim();
    if v.is_empty() {
        PartyKind::Unknown
    } else if (7..=15).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_digit()) {
        PartyKind::Phone
    } else if v.contains('@') {
        PartyKind::Email
    } else if v.starts_with("USR-") {
        PartyKind::User
    } else {
        PartyKind::SenderId
    }
}

/// The redaction of a raw record (§12.8): `full` when every personal field present reads
/// `REDACTED`, `partial` when some do.
pub fn detect_redaction(raw: &Map<String, Value>) -> Redaction {
    let mut present = 0;
    let mut fields = Vec::new();
    for key in PII_FIELDS {
        let Some(text) = crate::access::normalise::field(raw, key).and_then(Value::as_str) else {
            continue;
        };
        if text.is_empty() {
            continue;
        }
        present += 1;
        if text.trim() == REDACTED {
            fields.push(key.to_owned());
        }
    }
    let state = match (fields.len(), present) {
        (0, _) => RedactionState::None,
        (n, p) if n == p => RedactionState::Full,
        _ => RedactionState::Partial,
    };
    Redaction { state, fields }
}

impl SubjectMatch {
    /// What the row filter and normalisation need for a plan: the plan's numbers (digits, with
    /// their validity), the subject's Conversation users and ledger ids, and the options'
    /// controller numbers, policy and body choice.
    pub fn for_plan(
        plan: &crate::access::plan::AccessPlan,
        input: &crate::access::input::AccessPlanInput,
    ) -> SubjectMatch {
        use crate::ledger::identifier::Identifier;
        let mut numbers = Vec::new();
        let mut user_ids = Vec::new();
        for s in &plan.identifiers {
            match &s.identifier {
                Identifier::Phone(_) => numbers.push(SubjectNumber {
                    digits: s.identifier.msisdn().unwrap_or_default().to_owned(),
                    valid_from: s.valid_from,
                    valid_until: s.valid_until,
                }),
                Identifier::ConversationUser(u) => user_ids.push(u.clone()),
            }
        }
        let mut ledger_ids: Vec<String> = input.entries.iter().map(|e| e.id.clone()).collect();
        ledger_ids.sort();
        ledger_ids.dedup();
        let o = &input.options;
        SubjectMatch {
            numbers,
            user_ids,
            ledger_ids,
            controller_numbers: o.controller_numbers.clone(),
            policy: o.third_party,
            include_message_text: o.include_message_text,
        }
    }
}
