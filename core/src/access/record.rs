//! One record schema for every product (access.md §12.1): what the report shows, with the raw
//! fields Vonage returned kept beside it (the Art. 15(3) copy).

use crate::time::timestamp::UnixMillis;
use crate::vonage::product::Direction;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// The family a record belongs to (one table each in the HTML).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordFamily {
    /// SMS API messages.
    Sms,
    /// Messages API messages.
    Message,
    /// Voice calls.
    Call,
    /// Verify requests.
    Verification,
    /// Number Insight lookups.
    NumberLookup,
    /// Conversation events and messages.
    Conversation,
    /// Call recordings.
    Recording,
}

impl RecordFamily {
    /// Every family, in the report's order.
    pub const ALL: [RecordFamily; 7] = [
        RecordFamily::Sms,
        RecordFamily::Message,
        RecordFamily::Call,
        RecordFamily::Verification,
        RecordFamily::NumberLookup,
        RecordFamily::Conversation,
        RecordFamily::Recording,
    ];

    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordFamily::Sms => "sms",
            RecordFamily::Message => "message",
            RecordFamily::Call => "call",
            RecordFamily::Verification => "verification",
            RecordFamily::NumberLookup => "number_lookup",
            RecordFamily::Conversation => "conversation",
            RecordFamily::Recording => "recording",
        }
    }
}

/// What a party's value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartyKind {
    /// 7–15 digits.
    Phone,
    /// An alphanumeric sender id (`Vonage APIs`).
    SenderId,
    /// An email address.
    Email,
    /// A Conversation user (`USR-…`).
    User,
    /// Absent or redacted.
    Unknown,
}

/// Who a party is, seen from the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartyRole {
    /// The requester.
    Subject,
    /// The controller (its numbers and sender ids).
    Controller,
    /// Someone else.
    ThirdParty,
    /// Cannot tell.
    Unknown,
}

/// Why a value is not shown (Art. 15(4)); the report counts these, never shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WithheldReason {
    /// Another person's data.
    ThirdParty,
    /// The controller's policy (content excluded, owner names withheld).
    Policy,
    /// Withheld after review (a later release).
    Review,
}

/// A sender or recipient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Party {
    /// The value (`null` when withheld or absent).
    pub value: Option<String>,
    /// What it is.
    pub kind: PartyKind,
    /// Who it is.
    pub role: PartyRole,
    /// Vonage overwrote it with `REDACTED`.
    pub redacted: bool,
    /// Why it is not shown, if withheld.
    pub withheld: Option<WithheldReason>,
}

/// Which side of the record the subject is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectRole {
    /// The subject sent it.
    Sender,
    /// The subject received it.
    Recipient,
    /// The subject's number was looked up.
    LookedUp,
    /// The subject's number was verified.
    Verified,
    /// The subject took part in a conversation.
    Participant,
    /// Cannot tell (e.g. both sides redacted).
    Unknown,
}

/// The state of a message body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContentState {
    /// Shown.
    Present,
    /// Overwritten with `REDACTED` by Vonage.
    Redacted,
    /// Withheld by policy.
    Withheld,
    /// Bodies were not asked for.
    NotRequested,
    /// The product has no body.
    None,
}

/// A message body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Content {
    /// Its state.
    pub state: ContentState,
    /// The text, when present.
    pub text: Option<String>,
}

/// Status fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordStatus {
    /// `status`, `verify_status`, `final-status`.
    pub value: Option<String>,
    /// `error_code`, `status_code`, `response_code`, `error-code`.
    pub code: Option<String>,
    /// `error_code_description`, `status_description`, `error-code-label`.
    pub description: Option<String>,
}

/// The network that carried it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Network {
    /// MCC/MNC.
    pub code: Option<String>,
    /// Name (derived).
    pub name: Option<String>,
    /// Type (Number Insight).
    pub r#type: Option<String>,
    /// Country code.
    pub country: Option<String>,
    /// Country name (derived).
    pub country_name: Option<String>,
}

/// Price fields, as decimal strings (never floats).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Price {
    /// `total_price` (or `price`).
    pub amount: Option<String>,
    /// `currency` (`null` when empty, as SMS always is).
    pub currency: Option<String>,
    /// `estimated_price`.
    pub estimated: Option<String>,
}

/// Number Insight results.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lookup {
    /// `valid`.
    pub valid: Option<String>,
    /// `reachable`.
    pub reachable: Option<String>,
    /// `ported`.
    pub ported: Option<String>,
    /// `first_name`: the name the operator has on record (maybe not the requester).
    pub owner_first_name: Option<String>,
    /// `last_name`.
    pub owner_last_name: Option<String>,
}

/// Verify fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerificationInfo {
    /// `locale`.
    pub locale: Option<String>,
    /// `number_type`.
    pub number_type: Option<String>,
    /// `*_event_count` by channel (`sms`, `tts`, …).
    pub events: BTreeMap<String, String>,
}

/// SMS fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmsInfo {
    /// `concatenated` (`"TRUE"` or `true`).
    pub concatenated: Option<bool>,
    /// Part number, from the ledger.
    pub part: Option<u16>,
    /// Parts, from the ledger.
    pub parts: Option<u16>,
    /// `udh`.
    pub udh: Option<String>,
    /// `dcs`.
    pub dcs: Option<String>,
}

/// Whether Vonage redacted the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RedactionState {
    /// No field reads `REDACTED`.
    None,
    /// Some personal fields do (a body redacted, the number kept by a country rule).
    Partial,
    /// Every personal field present does.
    Full,
}

/// Redaction found in a record (§12.8).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Redaction {
    /// The state.
    pub state: RedactionState,
    /// The raw fields that read `REDACTED`.
    pub fields: Vec<String>,
}

/// How a record was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FoundVia {
    /// A ledger id.
    ById,
    /// A sync phone scan.
    PhoneScan,
    /// An async report.
    AsyncReport,
    /// A conversation scan.
    ConversationScan,
    /// Message Search.
    MessageSearch,
    /// A live API (later).
    LiveApi,
}

/// A withheld value: which raw field, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WithheldField {
    /// The raw field name.
    pub field: String,
    /// Why.
    pub reason: WithheldReason,
}

/// The ledger entry a record matches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerLink {
    /// The capture source.
    pub source: String,
    /// The entry's `created_at`.
    pub created_at: UnixMillis,
}

/// One record of the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccessRecord {
    /// `vonage:{source_product}:{vonage_id}:{direction|-}`.
    pub record_key: String,
    /// The Reports product, or `MESSAGE-SEARCH`.
    pub source_product: String,
    /// The family.
    pub family: RecordFamily,
    /// `sms`, `whatsapp`, `voice`, … when known.
    pub channel: Option<String>,
    /// The direction.
    pub direction: Option<Direction>,
    /// The message, call or request id.
    pub vonage_id: String,
    /// Linked ids (`conversation_id`, `client_ref`, …), only those present.
    pub related: BTreeMap<String, String>,
    /// The account (API key) the record belongs to.
    pub account_id: Option<String>,
    /// When it happened (RFC 3339 UTC).
    pub occurred_at: Option<String>,
    /// When it ended or was finalised.
    pub finalized_at: Option<String>,
    /// The sender.
    pub from: Party,
    /// The recipient (or the number looked up).
    pub to: Party,
    /// The subject's side.
    pub subject_role: SubjectRole,
    /// The body.
    pub content: Content,
    /// Status.
    pub status: RecordStatus,
    /// Call duration, seconds.
    pub duration_s: Option<u32>,
    /// Delivery latency, ms.
    pub latency_ms: Option<u64>,
    /// Network.
    pub network: Network,
    /// Price.
    pub price: Price,
    /// Number Insight results.
    pub lookup: Option<Lookup>,
    /// Verify fields.
    pub verification: Option<VerificationInfo>,
    /// SMS fields.
    pub sms: Option<SmsInfo>,
    /// Redaction.
    pub redaction: Redaction,
    /// Values withheld (Art. 15(4)), also `null` in `raw`.
    pub withheld: Vec<WithheldField>,
    /// How it was found (one or more).
    pub found_via: Vec<FoundVia>,
    /// The ledger entry it matches.
    pub ledger: Option<LedgerLink>,
    /// `bad_timestamp`, `field_conflict`.
    pub warnings: Vec<String>,
    /// Every field as Vonage returned it, keys sorted (withheld values `null`).
    pub raw: BTreeMap<String, Value>,
}
