//! What a subject access request starts from (access.md §4.1): the request as the controller
//! received it, the subject's identifiers and accounts, and the options. Plain serde data, the
//! same JSON (snake_case) in every host.

use crate::access::civil_date::CivilDate;
use crate::access::limits::{ArchiveLimits, CsvLimits};
use crate::access::policy::ThirdPartyPolicy;
use crate::error::{Error, Result};
use crate::ledger::entry::LedgerEntry;
use crate::ledger::identifier::Identifier;
use crate::time::timestamp::UnixMillis;
use serde::{Deserialize, Serialize};

/// How the requester's identity was checked (Art. 12(2), 12(6)); erasekit does not verify it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VerificationMethod {
    /// Signed in to the controller's service.
    AuthenticatedSession,
    /// A one-time code sent by SMS to the subject's number.
    OtpSms,
    /// A one-time code read out by a voice call.
    OtpVoice,
    /// A one-time code sent by email.
    OtpEmail,
    /// Seen in person.
    InPerson,
    /// An identity document.
    Document,
    /// An agent with the subject's authority.
    AgentAuthority,
    /// Another method, described in `reference`.
    Other,
    /// Not verified: accepted only with a `reason`, printed in the report and the receipt.
    NotVerified,
}

/// The identity-verification attestation the request must carry (§2.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Verification {
    /// How the identity was checked.
    pub method: VerificationMethod,
    /// When (ms since the epoch).
    pub verified_at: UnixMillis,
    /// The host's own reference (a ticket, a Verify request id, ...).
    #[serde(default)]
    pub reference: Option<String>,
    /// Why the identity was not verified (required with `not_verified`).
    #[serde(default)]
    pub reason: Option<String>,
}

/// An Art. 12(3) extension: when the subject was told, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Extension {
    /// When the subject was told of the extension.
    pub notified_on: CivilDate,
    /// The reason given.
    pub reason: String,
}

/// The period the subject asked about; either end may be open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessScope {
    /// Start (inclusive), ms since the epoch.
    #[serde(default)]
    pub from: Option<UnixMillis>,
    /// End (exclusive), ms since the epoch.
    #[serde(default)]
    pub to: Option<UnixMillis>,
}

/// What the subject asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccessMode {
    /// A copy of the data (Art. 15(3)).
    #[default]
    Full,
    /// Only the categories (a later release; refused by the planner for now).
    CategoriesOnly,
}

/// The request as the controller received it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessRequest {
    /// The host's own id (e.g. a ticket), echoed in the report.
    pub request_id: String,
    /// The day the request arrived, in the controller's zone.
    pub received_on: CivilDate,
    /// The day the clock started, when identity checks delayed it.
    #[serde(default)]
    pub clock_started_on: Option<CivilDate>,
    /// The extension, if the deadline was extended.
    #[serde(default)]
    pub extended: Option<Extension>,
    /// The identity attestation (required).
    pub verification: Verification,
    /// The period asked about.
    #[serde(default)]
    pub scope: Option<AccessScope>,
    /// Full copy or categories only.
    #[serde(default)]
    pub mode: AccessMode,
}

/// A subject's identifier with the period it was theirs (numbers are recycled, §2.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScopedIdentifier {
    /// The identifier (`{"kind": "phone", "value": "+44…"}`).
    #[serde(flatten)]
    pub identifier: Identifier,
    /// From when it was the subject's (inclusive).
    #[serde(default)]
    pub valid_from: Option<UnixMillis>,
    /// Until when it was the subject's (exclusive).
    #[serde(default)]
    pub valid_until: Option<UnixMillis>,
}

/// Whether an account is the primary account or one of its subaccounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountRole {
    /// The primary account.
    Primary,
    /// A subaccount.
    Sub,
}

/// A Vonage account the host lists (§5.8); `api_key` is the Reports `account_id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountRef {
    /// The API key (8 characters).
    pub api_key: String,
    /// A label for the report.
    #[serde(default)]
    pub label: String,
    /// Primary or subaccount.
    pub role: AccountRole,
}

/// When the legacy Message Search is used for SMS (§6.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageSearchUse {
    /// Only when Reports is unavailable for SMS, or for ids Reports did not find.
    #[default]
    Fallback,
    /// Never.
    Off,
    /// Always, besides Reports.
    Always,
}

/// Sync windows, one async report, or chosen per pair (§5.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScanMode {
    /// Async when a pair needs more than `async_when_windows_over` windows.
    #[default]
    Auto,
    /// Always sync windows.
    Sync,
    /// Always one async report.
    Async,
}

/// Options of an access plan; every field has the default of access.md §4.1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AccessOptions {
    /// Look up the ledger's ids.
    pub by_id: bool,
    /// Scan the subject's phone numbers.
    pub phone_scan: bool,
    /// Scan conversations the ledger names (`None`: when a `CON-` id is present).
    pub conversation_scan: Option<bool>,
    /// Message Search use.
    pub message_search: MessageSearchUse,
    /// Ask for message bodies.
    pub include_message_text: bool,
    /// Scan pairs by name (`S1`…`S13`, table 5.4); `None`: the default pairs S1–S11.
    pub scan_pairs: Option<Vec<String>>,
    /// Sync, async or auto.
    pub scan_mode: ScanMode,
    /// Auto picks async above this many windows per pair.
    pub async_when_windows_over: u32,
    /// Width of a sync window.
    pub sync_window_ms: u64,
    /// Allow `sync_window_ms` above 24 h (N1, NOT CONFIRMED).
    pub allow_wide_sync_windows: bool,
    /// Vonage's CDR retention.
    pub retention_months: u32,
    /// How long a record needs to become searchable.
    pub propagation_delay_ms: u64,
    /// Group subaccounts into the primary's async reports.
    pub include_subaccounts_in_async: bool,
    /// Numbers and sender ids the controller owns (digits or text).
    pub controller_numbers: Vec<String>,
    /// Third-party data policy (§13).
    pub third_party: ThirdPartyPolicy,
    /// Archive limits (§11.1).
    pub archive: ArchiveLimits,
    /// CSV limits (§11.2).
    pub csv: CsvLimits,
}

impl Default for AccessOptions {
    fn default() -> Self {
        AccessOptions {
            by_id: true,
            phone_scan: true,
            conversation_scan: None,
            message_search: MessageSearchUse::Fallback,
            include_message_text: true,
            scan_pairs: None,
            scan_mode: ScanMode::Auto,
            async_when_windows_over: 14,
            sync_window_ms: DAY_MS,
            allow_wide_sync_windows: false,
            retention_months: 13,
            propagation_delay_ms: 3_600_000,
            include_subaccounts_in_async: true,
            controller_numbers: Vec::new(),
            third_party: ThirdPartyPolicy::default(),
            archive: ArchiveLimits::default(),
            csv: CsvLimits::default(),
        }
    }
}

/// One day in milliseconds: the sync window Vonage documents (N1).
pub const DAY_MS: u64 = 86_400_000;

/// Everything a plan is made from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessPlanInput {
    /// The ledger subject id.
    pub subject: String,
    /// The subject's ledger entries.
    #[serde(default)]
    pub entries: Vec<LedgerEntry>,
    /// The subject's identifiers.
    #[serde(default)]
    pub identifiers: Vec<ScopedIdentifier>,
    /// The accounts to search, primary first.
    pub accounts: Vec<AccountRef>,
    /// The host's clock.
    pub now: UnixMillis,
    /// The request.
    pub request: AccessRequest,
    /// Options.
    #[serde(default)]
    pub options: AccessOptions,
}

impl AccessPlanInput {
    /// Reads the input from JSON text, as every host passes it.
    pub fn from_json(text: &str) -> Result<Self> {
        serde_json::from_str(text).map_err(|e| Error::InvalidArgument {
            field: "access_plan_input".into(),
            reason: e.to_string(),
        })
    }
}

/// Checks an account id as Reports requires (8 characters, letters and digits).
pub(crate) fn check_account_id(key: &str) -> Result<()> {
    if key.len() == 8 && key.bytes().all(|b| b.is_ascii_alphanumeric()) {
        Ok(())
    } else {
        Err(Error::InvalidAccountId {
            reason: "a Reports account_id is an API key of 8 letters or digits".into(),
        })
    }
}

impl Verification {
    /// Refuses `not_verified` without a reason (§2.3).
    pub(crate) fn check(&self) -> Result<()> {
        let has_reason = self.reason.as_deref().is_some_and(|r| !r.trim().is_empty());
        if self.method == VerificationMethod::NotVerified && !has_reason {
            return Err(Error::VerificationMissing {
                reason: "not_verified needs a reason, printed in the report".into(),
            });
        }
        Ok(())
    }
}
