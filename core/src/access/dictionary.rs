//! Words for the person (access.md §12.6, §14.3): the categories of data found, and a
//! dictionary entry for every field the report names, marked `derived` where Vonage computed it
//! rather than observed it (WP242: observed vs derived data).

use crate::access::record::{AccessRecord, ContentState, PartyRole, RecordFamily};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One dictionary entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldDescription {
    /// A short label.
    pub label: String,
    /// What it means.
    pub description: String,
    /// Computed by Vonage (prices, network names, lookup flags), not observed.
    pub derived: bool,
}

/// (name, label, description, derived) for every field erasekit knows.
const KNOWN: &[(&str, &str, &str, bool)] = &[
    (
        "account_id",
        "Account",
        "The Vonage account (API key) the record belongs to.",
        false,
    ),
    (
        "message_id",
        "Message id",
        "Vonage's id of the message.",
        false,
    ),
    ("call_id", "Call id", "Vonage's id of the call.", false),
    (
        "request_id",
        "Request id",
        "Vonage's id of the verification or lookup request.",
        false,
    ),
    ("id", "Record id", "Vonage's id of the usage record.", false),
    (
        "from",
        "From",
        "The sender: a phone number, a sender name or an account.",
        false,
    ),
    (
        "to",
        "To",
        "The recipient: a phone number or an account.",
        false,
    ),
    ("number", "Number", "The phone number looked up.", false),
    ("message_body", "Text", "The text of the message.", false),
    ("body", "Text", "The text of the message.", false),
    (
        "date_received",
        "Received",
        "When Vonage received the request or message (UTC).",
        false,
    ),
    (
        "date_finalized",
        "Finalised",
        "When the delivery outcome was known (UTC).",
        false,
    ),
    (
        "date_start",
        "Started",
        "When the call started (UTC).",
        false,
    ),
    ("date_end", "Ended", "When the call ended (UTC).", false),
    (
        "date-received",
        "Received",
        "When Vonage received the message (UTC).",
        false,
    ),
    (
        "date-closed",
        "Closed",
        "When the delivery outcome was known (UTC).",
        false,
    ),
    (
        "status",
        "Status",
        "The delivery or call status, e.g. delivered, ANSWERED.",
        false,
    ),
    (
        "final-status",
        "Status",
        "The delivery status reported by the network.",
        false,
    ),
    (
        "verify_status",
        "Status",
        "The outcome of the verification.",
        false,
    ),
    (
        "error_code",
        "Error code",
        "A code explaining why delivery failed.",
        false,
    ),
    (
        "error_code_description",
        "Error",
        "The meaning of the error code.",
        false,
    ),
    (
        "status_code",
        "Status code",
        "A telephone (SIP) code explaining a failed call.",
        false,
    ),
    (
        "status_description",
        "Status detail",
        "The meaning of the status code.",
        false,
    ),
    (
        "duration",
        "Duration",
        "How long the call lasted, in seconds.",
        false,
    ),
    (
        "latency",
        "Latency",
        "Milliseconds between sending and the delivery outcome.",
        false,
    ),
    (
        "network",
        "Network code",
        "The mobile network's code (MCC/MNC).",
        false,
    ),
    (
        "network_name",
        "Network",
        "The mobile network's name.",
        true,
    ),
    (
        "network_type",
        "Network type",
        "Mobile, landline or virtual.",
        true,
    ),
    (
        "country",
        "Country",
        "The country code of the number.",
        false,
    ),
    (
        "country_name",
        "Country name",
        "The country of the number.",
        true,
    ),
    (
        "total_price",
        "Price",
        "What Vonage charged the controller.",
        true,
    ),
    (
        "price",
        "Price",
        "What Vonage charged the controller (per minute for calls).",
        true,
    ),
    (
        "estimated_price",
        "Estimated price",
        "Vonage's estimate of the charge.",
        true,
    ),
    ("currency", "Currency", "The currency of the price.", true),
    (
        "concatenated",
        "Multi-part",
        "Whether the SMS was one part of a longer message.",
        false,
    ),
    (
        "client_ref",
        "Controller reference",
        "A reference the controller attached.",
        false,
    ),
    (
        "provider",
        "Channel",
        "The messaging channel (sms, whatsapp, viber, …).",
        false,
    ),
    ("valid", "Valid", "Whether the number is valid.", true),
    (
        "reachable",
        "Reachable",
        "Whether the number was reachable.",
        true,
    ),
    (
        "ported",
        "Ported",
        "Whether the number moved to another network.",
        true,
    ),
    (
        "first_name",
        "Registered first name",
        "The name your mobile operator has on record for this number.",
        false,
    ),
    (
        "last_name",
        "Registered last name",
        "The name your mobile operator has on record for this number.",
        false,
    ),
    ("tier_volume", "Pricing tier", "A pricing detail.", true),
    ("pricing_model", "Pricing model", "A pricing detail.", true),
    ("pricing_type", "Pricing type", "A pricing detail.", true),
    (
        "ip_address",
        "Server address",
        "The controller's server that sent the request (not yours).",
        false,
    ),
    (
        "REDACTED",
        "REDACTED",
        "Vonage erased this value at the controller's request.",
        false,
    ),
];

/// The categories of personal data found (§12.6), in a fixed order.
pub fn categories(records: &[AccessRecord]) -> Vec<String> {
    let any = |f: &dyn Fn(&AccessRecord) -> bool| records.iter().any(f);
    let table: [(&str, bool); 7] = [
        (
            "phone_number",
            any(&|r| r.from.role == PartyRole::Subject || r.to.role == PartyRole::Subject),
        ),
        (
            "message_content",
            any(&|r| {
                matches!(
                    r.content.state,
                    ContentState::Present | ContentState::Redacted
                )
            }),
        ),
        ("communication_metadata", !records.is_empty()),
        ("call_data", any(&|r| r.family == RecordFamily::Call)),
        (
            "verification_data",
            any(&|r| r.family == RecordFamily::Verification),
        ),
        (
            "number_lookup_data",
            any(&|r| r.family == RecordFamily::NumberLookup),
        ),
        (
            "carrier_registered_name",
            any(&|r| {
                r.lookup
                    .as_ref()
                    .is_some_and(|l| l.owner_first_name.is_some() || l.owner_last_name.is_some())
            }),
        ),
    ];
    table
        .into_iter()
        .filter(|(_, found)| *found)
        .map(|(c, _)| c.to_owned())
        .collect()
}

/// An entry for every raw field seen, and for `REDACTED` when a record is redacted.
pub fn field_dictionary(records: &[AccessRecord]) -> BTreeMap<String, FieldDescription> {
    let mut out = BTreeMap::new();
    let entry = |name: &str| match KNOWN.iter().find(|(n, ..)| *n == name) {
        Some((_, label, description, derived)) => FieldDescription {
            label: (*label).into(),
            description: (*description).into(),
            derived: *derived,
        },
        None => FieldDescription {
            label: name.into(),
            description: "A field reported by Vonage.".into(),
            derived: false,
        },
    };
    for r in records {
        for name in r.raw.keys() {
            if !out.contains_key(name) {
                out.insert(name.clone(), entry(name));
            }
        }
        if !r.redaction.fields.is_empty() {
            out.insert("REDACTED".into(), entry("REDACTED"));
        }
    }
    out
}
