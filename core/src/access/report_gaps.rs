//! What the report cannot show, stated in words (access.md §14.1 `gaps`, G1–G10): stores no
//! API reads, records beyond retention, sources that were unavailable, partial windows.

use crate::access::plan::{AccessPlan, NotFoundEntry, NotFoundReason};
use crate::access::query::QueryStrategy;
use crate::access::record::{AccessRecord, RedactionState};
use serde::{Deserialize, Serialize};

/// One gap. `code` is from the fixed list of §14.1.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Gap {
    /// `server_logs_not_retrievable`, `pipeline_logs_not_retrievable`,
    /// `redacted_not_findable_by_number`, `beyond_retention`, `non_phone_channels_by_id_only`,
    /// `source_unavailable`, `partial_window`, `message_search_retired`,
    /// `recordings_expire_30_days`, `conversation_api_not_queried`.
    pub code: String,
    /// Plain words for the person.
    pub detail: String,
    /// The system, for `source_unavailable` and `partial_window`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    /// The account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// The product.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
}

impl Gap {
    /// A gap with only a code and words.
    pub fn new(code: &str, detail: &str) -> Gap {
        Gap {
            code: code.into(),
            detail: detail.into(),
            system: None,
            account: None,
            product: None,
        }
    }
}

/// The gaps every report states, those the plan and records imply, and the run's own.
pub(crate) fn standard_gaps(
    plan: &AccessPlan,
    records: &[AccessRecord],
    not_found: &[NotFoundEntry],
    run: Vec<Gap>,
) -> Vec<Gap> {
    let mut gaps = vec![
        Gap::new(
            "server_logs_not_retrievable",
            "Vonage's server logs hold the same details for about 15 days (at most a month); no API reads them.",
        ),
        Gap::new(
            "pipeline_logs_not_retrievable",
            "Vonage's data-pipeline logs hold phone numbers for 7 days; no API reads them.",
        ),
    ];
    let scanned = plan
        .queries
        .iter()
        .any(|q| q.strategy == QueryStrategy::PhoneScan);
    if records
        .iter()
        .any(|r| r.redaction.state != RedactionState::None)
    {
        gaps.push(Gap::new(
            "redacted_not_findable_by_number",
            "Records Vonage has redacted no longer carry your number, so a search by number cannot find them; only the ids we noted can.",
        ));
    }
    if not_found
        .iter()
        .any(|n| n.reason == NotFoundReason::BeyondRetention)
    {
        gaps.push(Gap::new(
            "beyond_retention",
            "Vonage deletes records after 13 months; older records we noted no longer exist.",
        ));
    }
    if scanned {
        gaps.push(Gap::new(
            "non_phone_channels_by_id_only",
            "Messages on channels that use platform ids instead of numbers (Messenger, Instagram, Viber) are found only by the ids we noted.",
        ));
    }
    if not_found
        .iter()
        .any(|n| n.reason == NotFoundReason::NotQueried && n.product == "recording")
    {
        gaps.push(Gap::new(
            "recordings_expire_30_days",
            "Call recordings are deleted after 30 days and were not read by this release.",
        ));
    }
    gaps.push(Gap::new(
        "conversation_api_not_queried",
        "Conversation API user profiles and live conversation events were not read by this release.",
    ));
    gaps.extend(run);
    gaps.sort();
    gaps.dedup();
    gaps
}
