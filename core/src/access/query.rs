//! One planned query: what is asked of which Vonage endpoint, for which account and period.

use crate::time::timestamp::UnixMillis;
use crate::vonage::product::Direction;
use serde::{Deserialize, Serialize};

/// How a query finds the subject's records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QueryStrategy {
    /// Ledger ids, ≤ 20 per request (Reports) or ≤ 10 (Message Search).
    ById,
    /// The subject's number as a `to`/`from`/`number` filter over a period.
    PhoneScan,
    /// A `CON-` id the ledger holds, as a `conversation_id` filter.
    ConversationScan,
}

/// Which API answers the query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QueryMode {
    /// `GET /v2/reports/records` (one window or one id batch, paginated).
    Sync,
    /// `POST /v2/reports`, polled, downloaded as a zip of CSV.
    Async,
    /// Legacy `GET /search/messages` on the REST host (SMS only).
    MessageSearch,
}

/// A half-open period `[from, to)` in ms since the epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TimeRange {
    /// Start, inclusive.
    pub from: UnixMillis,
    /// End, exclusive.
    pub to: UnixMillis,
}

/// The query parameter that names the subject in a scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FilterField {
    /// The subject received it.
    To,
    /// The subject sent it.
    From,
    /// The subject's number was looked up.
    Number,
    /// A conversation of the subject's.
    ConversationId,
}

impl FilterField {
    /// The parameter (and record field) name.
    pub fn as_str(self) -> &'static str {
        match self {
            FilterField::To => "to",
            FilterField::From => "from",
            FilterField::Number => "number",
            FilterField::ConversationId => "conversation_id",
        }
    }
}

/// `field = value`: the subject filter of a scan (a number as Vonage writes it, digits only).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SubjectFilter {
    /// The parameter.
    pub field: FilterField,
    /// Its value.
    pub value: String,
}

/// Where ids a by-id query did not find are looked for next (table 5.3).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "via", rename_all = "snake_case")]
pub enum SecondTry {
    /// Reports, with this account, product and direction.
    Reports {
        /// The account.
        account_id: String,
        /// The Reports product.
        product: String,
        /// The direction sent, if any.
        direction: Option<Direction>,
    },
    /// Message Search by ids (SMS).
    MessageSearch {
        /// The account whose credentials are used.
        account_id: String,
    },
}

/// One query of the plan. Sync scans have one query per window; a by-id query one per batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessQuery {
    /// Position in the plan (0-based), also the order the job runs them in.
    pub query: u32,
    /// By id, phone scan or conversation scan.
    pub strategy: QueryStrategy,
    /// Sync, async or Message Search.
    pub mode: QueryMode,
    /// The Reports `account_id` (an API key).
    pub account_id: String,
    /// The Reports product (`SMS`, `VOICE-CALL`, …); `SMS` for Message Search.
    pub product: String,
    /// The direction sent, if any.
    pub direction: Option<Direction>,
    /// The ids looked up (by-id queries).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ids: Vec<String>,
    /// The subject filter (scans).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<SubjectFilter>,
    /// The period (scans).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub range: Option<TimeRange>,
    /// The scan pair of table 5.4 (`S1`…), if a phone scan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pair: Option<String>,
    /// Async: group the primary's subaccounts into this report.
    #[serde(default, skip_serializing_if = "is_false")]
    pub include_subaccounts: bool,
    /// Ask for message bodies (SMS and MESSAGES only).
    #[serde(default, skip_serializing_if = "is_false")]
    pub include_message: bool,
    /// Not before this time: ids younger than the propagation delay wait (§5.2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_before: Option<UnixMillis>,
    /// For by-id queries: where ids not found are looked for next, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub second_tries: Vec<SecondTry>,
    /// `type` of the deprecated `CONVERSATIONS` product (`ip-voice`, `cs-custom-event`), the
    /// retry when `CONVERSATION-EVENT` is refused (§5.6, E19).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation_type: Option<String>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl AccessQuery {
    /// The limit class the query's requests draw from (§7).
    pub fn limit_class(&self) -> LimitClass {
        match self.mode {
            QueryMode::Sync => LimitClass::ReportsSync,
            QueryMode::Async => LimitClass::ReportsAsync,
            QueryMode::MessageSearch => LimitClass::MessageSearch,
        }
    }

    /// `SMS/outbound@abcd1234`: how `not_found.tried` and sources name a query.
    pub fn label(&self) -> String {
        match (self.mode, self.direction) {
            (QueryMode::MessageSearch, _) => "MESSAGE-SEARCH".to_owned(),
            (_, Some(d)) => format!("{}/{}@{}", self.product, d.as_str(), self.account_id),
            (_, None) => format!("{}@{}", self.product, self.account_id),
        }
    }
}

/// The rate-limit classes of access.md §7.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LimitClass {
    /// `GET /v2/reports/records`: 10/s.
    ReportsSync,
    /// Async create, status, cancel and download: 5/s.
    ReportsAsync,
    /// Message Search: 1/s (undocumented).
    MessageSearch,
}

impl LimitClass {
    /// The default rate, requests per second.
    pub fn default_rate(self) -> u32 {
        match self {
            LimitClass::ReportsSync => 10,
            LimitClass::ReportsAsync => 5,
            LimitClass::MessageSearch => 1,
        }
    }
}

impl AccessQuery {
    /// How records this query returns were found, for [`crate::RecordSource`].
    pub fn record_source(&self) -> crate::access::normalise::RecordSource {
        use crate::access::record::FoundVia;
        let found_via = match (self.mode, self.strategy) {
            (QueryMode::MessageSearch, _) => FoundVia::MessageSearch,
            (_, QueryStrategy::ById) => FoundVia::ById,
            (QueryMode::Async, _) => FoundVia::AsyncReport,
            (_, QueryStrategy::ConversationScan) => FoundVia::ConversationScan,
            (_, QueryStrategy::PhoneScan) => FoundVia::PhoneScan,
        };
        let product = match self.mode {
            QueryMode::MessageSearch => "MESSAGE-SEARCH".to_owned(),
            _ => self.product.clone(),
        };
        crate::access::normalise::RecordSource {
            product,
            direction: self.direction,
            found_via,
        }
    }
}
