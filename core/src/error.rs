//! The one error type of erasekit, with stable snake_case codes.
//!
//! Codes never change once published: hosts match on them, and
//! `tests/vectors/error_codes.json` lists every one so each binding can check it maps them all.

use serde::Serialize;

/// Which family an error belongs to; bindings map each family to one exception class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorFamily {
    /// The caller passed a value erasekit cannot accept (product, id, time, URL, ...).
    Input,
    /// Credentials are missing, incomplete or cannot be used.
    Credentials,
    /// A Vonage payload given to a capture function lacks a field or has a malformed one.
    Payload,
    /// The ledger's stored data or a host's database answer is not what the core expects.
    Storage,
    /// An operation asked of a job in the wrong state.
    Job,
    /// A receipt that cannot be read or whose signature does not hold.
    Receipt,
    /// An HTTP exchange a host could not complete (refused, reset, timed out, DNS).
    Transport,
}

/// Every error erasekit reports. Serialises as `{ "code": ..., <fields> }`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Error {
    /// A product string that is not one of the Redact API's exact spellings.
    #[error("invalid product {given:?}: expected one of {expected}")]
    InvalidProduct {
        /// The value that was passed.
        given: String,
        /// The accepted spellings, comma separated.
        expected: &'static str,
    },
    /// A direction (`type`) string that is not `inbound` or `outbound`.
    #[error("invalid type {given:?}: expected one of {expected}")]
    InvalidDirection {
        /// The value that was passed.
        given: String,
        /// The accepted spellings, comma separated.
        expected: &'static str,
    },
    /// A transaction or resource id that is empty, too long or has control characters.
    #[error("invalid id: {reason}")]
    InvalidId {
        /// Why the id was refused.
        reason: String,
    },
    /// A timestamp outside the range erasekit accepts.
    #[error("invalid time for {field}: {reason}")]
    InvalidTime {
        /// The argument that held the time.
        field: &'static str,
        /// Why it was refused.
        reason: String,
    },
    /// A base URL that is not an absolute http(s) URL without query or fragment.
    #[error("invalid base URL {given:?}: {reason}")]
    InvalidBaseUrl {
        /// The value that was passed.
        given: String,
        /// Why it was refused.
        reason: &'static str,
    },
    /// Any other argument that has the wrong shape.
    #[error("invalid argument {field}: {reason}")]
    InvalidArgument {
        /// The argument name.
        field: String,
        /// Why it was refused.
        reason: String,
    },
    /// Credentials given only in part (a key without its secret, an application id without its key).
    #[error("invalid credentials: {reason}")]
    InvalidCredentials {
        /// What is missing or wrong; never contains a secret.
        reason: String,
    },
    /// The call needs a kind of credential the `Credentials` value does not hold.
    #[error("missing credentials: this call needs {needed}")]
    MissingCredentials {
        /// Which pair is needed: `api_key+api_secret` or `application_id+private_key`.
        needed: &'static str,
    },
    /// A Vonage payload lacks a required field or has a malformed one.
    #[error("invalid {source_name} payload: field {field:?} {reason}")]
    InvalidPayload {
        /// The capture source, e.g. `sms_send`.
        #[serde(rename = "source")]
        source_name: String,
        /// The field at fault.
        field: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A payload given to capture that is larger than its stated limit (bytes of the body as
    /// received, or entries one payload may yield): refused before it is read in full, so a
    /// hostile body cannot make a host hold many times its size.
    #[error("{source_name} payload too large: {size} {unit}, over the limit of {limit} {unit}")]
    PayloadTooLarge {
        /// The capture source, e.g. `sms_send`.
        #[serde(rename = "source")]
        source_name: String,
        /// What is counted: `bytes` (the body) or `entries` (parts of one payload).
        unit: &'static str,
        /// The limit that was passed.
        limit: u64,
        /// The size found (at least `limit + 1`).
        size: u64,
    },
    /// A subject that is empty or longer than 256 bytes.
    #[error("invalid subject: {reason}")]
    InvalidSubject {
        /// Why it was refused.
        reason: String,
    },
    /// A phone number that cannot be read as an international (E.164) number.
    #[error("invalid phone number {given:?}: {reason}")]
    InvalidPhone {
        /// The value that was passed.
        given: String,
        /// Why it was refused.
        reason: String,
    },
    /// A stored row, snapshot or host database answer the core cannot read.
    #[error("storage error: {reason}")]
    Storage {
        /// What could not be read.
        reason: String,
    },
    /// A receipt was asked of a job that has not finished.
    #[error("the job has not finished: {pending} operations are not terminal yet")]
    JobNotFinished {
        /// Operations not yet terminal.
        pending: u64,
    },
    /// A receipt that is not valid JSON of the receipt format.
    #[error("invalid receipt: {reason}")]
    InvalidReceipt {
        /// What is wrong.
        reason: String,
    },
    /// A receipt whose signature does not verify (edited, or signed by another key).
    #[error("bad receipt signature: {reason}")]
    BadSignature {
        /// What did not hold.
        reason: String,
    },
    /// A run with `wait_for_premature` off reached a wait for Vonage's one-hour rule: it stops
    /// (its snapshot resumes it) instead of waiting.
    #[error("the job waits until {until} (ms since the epoch) for records younger than an hour; wait_for_premature is off: resume it then")]
    JobWaiting {
        /// When the next call may go (ms since the epoch).
        until: u64,
        /// Operations not yet terminal.
        pending: u64,
    },
    /// The private key is not an RSA key in PEM (PKCS#8 or PKCS#1).
    #[error("invalid private key: expected an RSA private key in PEM (PKCS#8 or PKCS#1)")]
    InvalidPrivateKey,
    /// An erasure was planned for a subject the ledger has no entry for, without `allow_empty`.
    /// The subject itself is not repeated: it is personal data.
    #[error("unknown subject: the ledger has no entry for this subject (plan with allow_empty to erase nothing on purpose)")]
    UnknownSubject,
    /// A ledger opened without `create` does not exist.
    #[error("ledger not found: {reason}")]
    LedgerNotFound {
        /// Which ledger, and how to create it.
        reason: String,
    },
    /// Another erasure of the same subject holds the lease (or the job is held by another run).
    #[error("subject busy: {reason}")]
    SubjectBusy {
        /// Which job holds it.
        reason: String,
    },
    /// The run's lease on its job was taken over (it expired) or the job row is gone.
    #[error("lease lost: {reason}")]
    LeaseLost {
        /// What was found instead.
        reason: String,
    },
    /// A receipt given to `forget` is not for this subject or not signed by this ledger's key.
    #[error("receipt mismatch: {reason}")]
    ReceiptMismatch {
        /// What did not match.
        reason: String,
    },
    /// A row of a backfill import (CSV or JSON lines) that cannot become a ledger entry: names
    /// the row (1 is the first row of data; 0 the CSV header) and the field.
    #[error("invalid row {row}: field {field:?} {reason}")]
    InvalidRow {
        /// The row: the CSV record after the header, or the line of a JSON lines file.
        row: u64,
        /// The column or key at fault (`$` for the row as a whole).
        field: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The user cancelled a run; its snapshot (saved to its ledger, if any) continues it.
    #[error("job {job_id} aborted; its snapshot continues it")]
    Aborted {
        /// The job.
        job_id: String,
    },
    /// A run with nothing to send and no call out, while operations are pending: it would wait
    /// for answers nobody sends (a job stopped mid-run; restore it from its snapshot).
    #[error("job {job_id} waits on calls nobody sends; restore it from its snapshot")]
    JobStalled {
        /// The job.
        job_id: String,
    },
    /// A ledger has no job of this id (to resume).
    #[error("no job {job_id:?} in the ledger")]
    JobNotFound {
        /// The id asked for.
        job_id: String,
    },
    /// A host could not complete an HTTP exchange: nothing was learned from Vonage.
    #[error("transport failed: {reason}")]
    TransportFailed {
        /// What happened, to which host (never a secret).
        reason: String,
    },
    /// The console's allow-list refused a call the page handed its server: nothing was sent.
    #[error("call refused by the console allow-list ({rule}): {reason}")]
    ProxyRefused {
        /// Which check refused it: `job`, `method`, `host`, `path`, `query` or `body`.
        rule: &'static str,
        /// Why, naming fields but never their values (a page's header or body is untrusted).
        reason: String,
    },

    /// Subject access: a request without a usable identity attestation (`not_verified`
    /// without a reason).
    #[error("verification missing: {reason}")]
    VerificationMissing {
        /// What is missing.
        reason: String,
    },
    /// Subject access: an account id that is not an 8-character API key.
    #[error("invalid account id: {reason}")]
    InvalidAccountId {
        /// Why it was refused.
        reason: String,
    },
    /// Subject access: a report archive larger than its limit (bytes, entries, or one entry's
    /// uncompressed bytes).
    #[error("archive too large: {size} {unit}, over the limit of {limit} {unit}")]
    ArchiveTooLarge {
        /// What is counted: `bytes`, `entries` or `uncompressed bytes`.
        unit: &'static str,
        /// The limit.
        limit: u64,
        /// The size found (at least `limit + 1`).
        size: u64,
    },
    /// Subject access: an archive that looks hostile (a compression ratio of a zip bomb, an
    /// encrypted entry, a method other than stored or deflate).
    #[error("archive suspicious: {reason}")]
    ArchiveSuspicious {
        /// What was seen.
        reason: String,
    },
    /// Subject access: bytes that are not a readable zip (truncated, corrupt).
    #[error("archive invalid: {reason}")]
    ArchiveInvalid {
        /// What could not be read.
        reason: String,
    },
    /// Subject access: a report CSV that breaks RFC 4180 or a CSV limit.
    #[error("invalid CSV: {reason}")]
    CsvInvalid {
        /// What is wrong, with the row number.
        reason: String,
    },
    /// Subject access: a link from Vonage (a download or next-page URL) on a host or path
    /// erasekit does not send credentials to.
    #[error("untrusted link: {reason}")]
    UntrustedLink {
        /// Why the link was refused (the host, never the query).
        reason: String,
    },
}

impl Error {
    /// The stable snake_case code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            Error::InvalidProduct { .. } => "invalid_product",
            Error::InvalidDirection { .. } => "invalid_direction",
            Error::InvalidId { .. } => "invalid_id",
            Error::InvalidTime { .. } => "invalid_time",
            Error::InvalidBaseUrl { .. } => "invalid_base_url",
            Error::InvalidArgument { .. } => "invalid_argument",
            Error::InvalidCredentials { .. } => "invalid_credentials",
            Error::MissingCredentials { .. } => "missing_credentials",
            Error::InvalidPrivateKey => "invalid_private_key",
            Error::InvalidPayload { .. } => "invalid_payload",
            Error::PayloadTooLarge { .. } => "payload_too_large",
            Error::InvalidSubject { .. } => "invalid_subject",
            Error::InvalidPhone { .. } => "invalid_phone",
            Error::Storage { .. } => "storage",
            Error::JobNotFinished { .. } => "job_not_finished",
            Error::JobWaiting { .. } => "job_waiting",
            Error::InvalidReceipt { .. } => "invalid_receipt",
            Error::BadSignature { .. } => "bad_signature",
            Error::UnknownSubject => "unknown_subject",
            Error::LedgerNotFound { .. } => "ledger_not_found",
            Error::SubjectBusy { .. } => "subject_busy",
            Error::LeaseLost { .. } => "lease_lost",
            Error::ReceiptMismatch { .. } => "receipt_mismatch",
            Error::InvalidRow { .. } => "invalid_row",
            Error::Aborted { .. } => "aborted",
            Error::JobStalled { .. } => "job_stalled",
            Error::JobNotFound { .. } => "job_not_found",
            Error::TransportFailed { .. } => "transport_failed",
            Error::ProxyRefused { .. } => "proxy_refused",
            Error::VerificationMissing { .. } => "verification_missing",
            Error::InvalidAccountId { .. } => "invalid_account_id",
            Error::ArchiveTooLarge { .. } => "archive_too_large",
            Error::ArchiveSuspicious { .. } => "archive_suspicious",
            Error::ArchiveInvalid { .. } => "archive_invalid",
            Error::CsvInvalid { .. } => "csv_invalid",
            Error::UntrustedLink { .. } => "untrusted_link",
        }
    }

    /// The family of this error.
    pub fn family(&self) -> ErrorFamily {
        match self {
            Error::InvalidProduct { .. }
            | Error::InvalidDirection { .. }
            | Error::InvalidId { .. }
            | Error::InvalidTime { .. }
            | Error::InvalidBaseUrl { .. }
            | Error::InvalidArgument { .. }
            | Error::InvalidSubject { .. }
            | Error::InvalidPhone { .. }
            | Error::UnknownSubject
            | Error::JobNotFound { .. } => ErrorFamily::Input,
            Error::InvalidPayload { .. } | Error::PayloadTooLarge { .. } => ErrorFamily::Payload,
            Error::Storage { .. } | Error::LedgerNotFound { .. } => ErrorFamily::Storage,
            Error::JobNotFinished { .. }
            | Error::JobWaiting { .. }
            | Error::SubjectBusy { .. }
            | Error::LeaseLost { .. }
            | Error::Aborted { .. }
            | Error::JobStalled { .. } => ErrorFamily::Job,
            Error::TransportFailed { .. } => ErrorFamily::Transport,
            Error::InvalidReceipt { .. }
            | Error::BadSignature { .. }
            | Error::ReceiptMismatch { .. } => ErrorFamily::Receipt,
            Error::InvalidCredentials { .. }
            | Error::MissingCredentials { .. }
            | Error::InvalidPrivateKey => ErrorFamily::Credentials,
            Error::InvalidRow { .. } => ErrorFamily::Input,
            Error::ProxyRefused { .. } => ErrorFamily::Input,
            Error::VerificationMissing { .. } | Error::InvalidAccountId { .. } => {
                ErrorFamily::Input
            }
            Error::ArchiveTooLarge { .. }
            | Error::ArchiveSuspicious { .. }
            | Error::ArchiveInvalid { .. }
            | Error::CsvInvalid { .. }
            | Error::UntrustedLink { .. } => ErrorFamily::Payload,
        }
    }

    /// Machine-readable details: the code plus the fields of the variant.
    pub fn details(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_else(|_| serde_json::json!({ "code": self.code() }))
    }

    /// Every code with its family, in a fixed order; the source of `error_codes.json`.
    pub fn catalogue() -> Vec<(&'static str, ErrorFamily)> {
        let samples = [
            Error::InvalidProduct {
                given: String::new(),
                expected: "",
            },
            Error::InvalidDirection {
                given: String::new(),
                expected: "",
            },
            Error::InvalidId {
                reason: String::new(),
            },
            Error::InvalidTime {
                field: "",
                reason: String::new(),
            },
            Error::InvalidBaseUrl {
                given: String::new(),
                reason: "",
            },
            Error::InvalidArgument {
                field: String::new(),
                reason: String::new(),
            },
            Error::InvalidCredentials {
                reason: String::new(),
            },
            Error::MissingCredentials { needed: "" },
            Error::InvalidPrivateKey,
            Error::InvalidPayload {
                source_name: String::new(),
                field: String::new(),
                reason: String::new(),
            },
            Error::PayloadTooLarge {
                source_name: String::new(),
                unit: "",
                limit: 0,
                size: 0,
            },
            Error::InvalidSubject {
                reason: String::new(),
            },
            Error::InvalidPhone {
                given: String::new(),
                reason: String::new(),
            },
            Error::Storage {
                reason: String::new(),
            },
            Error::JobNotFinished { pending: 0 },
            Error::JobWaiting {
                until: 0,
                pending: 0,
            },
            Error::InvalidReceipt {
                reason: String::new(),
            },
            Error::BadSignature {
                reason: String::new(),
            },
            Error::UnknownSubject,
            Error::LedgerNotFound {
                reason: String::new(),
            },
            Error::SubjectBusy {
                reason: String::new(),
            },
            Error::LeaseLost {
                reason: String::new(),
            },
            Error::ReceiptMismatch {
                reason: String::new(),
            },
            Error::InvalidRow {
                row: 0,
                field: String::new(),
                reason: String::new(),
            },
            Error::Aborted {
                job_id: String::new(),
            },
            Error::JobStalled {
                job_id: String::new(),
            },
            Error::JobNotFound {
                job_id: String::new(),
            },
            Error::TransportFailed {
                reason: String::new(),
            },
            Error::ProxyRefused {
                rule: "",
                reason: String::new(),
            },
            Error::VerificationMissing {
                reason: String::new(),
            },
            Error::InvalidAccountId {
                reason: String::new(),
            },
            Error::ArchiveTooLarge {
                unit: "",
                limit: 0,
                size: 0,
            },
            Error::ArchiveSuspicious {
                reason: String::new(),
            },
            Error::ArchiveInvalid {
                reason: String::new(),
            },
            Error::CsvInvalid {
                reason: String::new(),
            },
            Error::UntrustedLink {
                reason: String::new(),
            },
        ];
        samples.iter().map(|e| (e.code(), e.family())).collect()
    }
}

/// Shorthand for results whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
