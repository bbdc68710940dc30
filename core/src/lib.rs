//! erasekit's core: everything about Vonage erasure and access requests, with no I/O.
//!
//! The core builds HTTP requests and interprets responses; the host (Node, a browser,
//! Python, or your own Rust) moves the bytes, reads the clock and supplies entropy.
//!
//! ```
//! use erasekit_core::{ApiBase, Credentials, CredentialsInput, HttpResponse, RedactInput,
//!     RedactOutcome, RedactRequest};
//!
//! let credentials = Credentials::new(CredentialsInput {
//!     api_key: Some("abcd1234".into()),
//!     api_secret: Some("s3cr3t".into()),
//!     ..Default::default()
//! })?;
//! let redaction = RedactRequest::new(RedactInput {
//!     id: "0A000000B0C9A1234".into(),
//!     product: "sms".into(),
//!     direction: Some("outbound".into()),
//!     created_at: Some(1_700_000_000_000),
//! })?;
//! let request = redaction.to_http(&ApiBase::default(), &credentials)?;
//! assert_eq!(request.url, "https://api.nexmo.com/v1/redact/transaction");
//! assert!(!format!("{request:?}").contains("s3cr3t"));
//!
//! // ... the host sends `request` and hands back what came in:
//! let response = HttpResponse { status: 204, ..Default::default() };
//! let now = 1_700_000_000_000 + 2 * 3_600_000;
//! assert_eq!(redaction.interpret(&response, now), RedactOutcome::Redacted { status: 204 });
//! # Ok::<(), erasekit_core::Error>(())
//! ```
#![deny(missing_docs)]
#![warn(unreachable_pub)]

mod access;
mod capture;
mod console;
mod erasure;
mod error;
mod guard;
mod import;
mod job;
mod ledger;
mod receipt;
mod time;
mod vonage;

pub use access::access_receipt::{
    verify_access_receipt, AccessReceipt, AccessReceiptBody, ReceiptRequest, ACCESS_RECEIPT_SCHEMA,
};
pub use access::archive::{read_report_archive, ArchiveEntry, ReportArchive};
pub use access::canonical::{canonical_json, verify_access_report, CANONICAL_FORM};
pub use access::civil_date::{CivilDate, DueDates};
pub use access::csv_rows::{parse_report_csv, CsvTable};
pub use access::dictionary::{categories, field_dictionary, FieldDescription};
pub use access::discovery::DISCOVERED_SOURCE;
pub use access::estimate::{AccessEstimate, RequestCounts, MIN_REQUESTS_PER_ASYNC_REPORT};
pub use access::fallbacks::MAX_SPLIT_DEPTH;
pub use access::html_text::HTML_CSP;
pub use access::input::{
    AccessMode, AccessOptions, AccessPlanInput, AccessRequest, AccessScope, AccountRef,
    AccountRole, Extension, MessageSearchUse, ScanMode, ScopedIdentifier, Verification,
    VerificationMethod, DAY_MS,
};
pub use access::interpret::{
    interpret_access_response, AccessEndpoint, AccessOutcome, FailReason, RecordsPage, ReportState,
    ReportStatus, UnavailableReason, PAGE_SIZE,
};
pub use access::interpret_body::parse_ids_not_found;
pub use access::job::AccessJob;
pub use access::job_event::{AccessEvent, AccessJobConfig, AccessProgress};
pub use access::job_finish::ACCESS_SNAPSHOT_SCHEMA;
pub use access::job_query::QueryState;
pub use access::limits::{ArchiveLimits, CsvLimits};
pub use access::links::{download_file_id, is_trusted_next_link};
pub use access::normalise::{normalise_record, RecordSource};
pub use access::parties::{
    detect_redaction, kind_of, phone_digits, SubjectMatch, SubjectNumber, PII_FIELDS, REDACTED,
};
pub use access::plan::{
    AccessPlan, NotFoundEntry, NotFoundReason, PlanWarning, MAX_RETENTION_MONTHS,
    MIN_SYNC_WINDOW_MS,
};
pub use access::plan_ids::{MAX_IDS_PER_LOOKUP, MAX_IDS_PER_MESSAGE_SEARCH};
pub use access::plan_scans::{windows, ScanPair, CONVERSATION_PRODUCTS, SCAN_PAIRS};
pub use access::policy::{IncludeOrExclude, KeepOrWithhold, ThirdPartyPolicy};
pub use access::query::{
    AccessQuery, FilterField, LimitClass, QueryMode, QueryStrategy, SecondTry, SubjectFilter,
    TimeRange,
};
pub use access::record::{
    AccessRecord, Content, ContentState, FoundVia, LedgerLink, Lookup, Network, Party, PartyKind,
    PartyRole, Price, RecordFamily, RecordStatus, Redaction, RedactionState, SmsInfo, SubjectRole,
    VerificationInfo, WithheldField, WithheldReason,
};
pub use access::render_csv::{CsvOptions, RECORD_COLUMNS};
pub use access::render_html::{HtmlOptions, HTML_SECTIONS};
pub use access::report::{
    AccessReport, Complaint, Confirmation, ControllerInfo, Integrity, ProcessingInfo,
    ReportIdentifier, ReportParts, ReportRange, ReportRequest, ReportSubject, ReportSummary,
    ReportVerification, SourceRecord, ACCESS_REPORT_SCHEMA,
};
pub use access::report_gaps::Gap;
pub use access::requests::{
    redact_search_url, report_cancel_request, report_download_request, report_status_request,
    NextPage,
};
pub use access::row_filter::{filter_rows, link_ledger, merge_records, row_is_subjects};
pub use access::wire_time::{format_rfc3339, normalise_wire_time, parse_wire_time, WireTime};
pub use capture::form::{capture_body, capture_body_limited, parse_form, read_body, BodyEncoding};
pub use capture::{
    capture, capture_json, capture_json_limited, capture_sources, check_capture_size,
    DEFAULT_CAPTURE_MAX_BYTES, MAX_CAPTURE_ENTRIES,
};
pub use console::admitted::{AdmittedCall, ConsoleProxy};
pub use console::audit::AuditLine;
pub use console::call::{JobKind, ProxyCall};
pub use erasure::event::{Counts, JobEvent, Terminal};
pub use erasure::job::{
    Auth, Call, ErasureJob, JobConfig, TransportFailure, MAX_RATE_PER_SECOND, WAIT_NOTICE_MS,
};
pub use erasure::operation_call::{CallResult, PlannedCall};
pub use erasure::plan::{
    Action, ConversationApi, ErasurePlan, Initial, Operation, PlanOptions, UserAction,
};
pub use erasure::plan_summary::{PlanGroup, PlanSummary};
pub use erasure::target_check::{
    CheckResult, TargetCheckRecord, PROBE_MEDIA_ID, PROBE_TRANSACTION_ID, PROBE_USER_ID,
    TARGET_CHECK_OP,
};
pub use error::{Error, ErrorFamily, Result};
pub use guard::{
    check as guard_check, check_body as guard_check_body, guard_rules, GuardExpects, GuardFinding,
    GuardKind, GuardRule, KnownIdentifiers, PersonalData,
};
pub use import::{
    import_rows, ImportFormat, ImportRow, ImportRows, IMPORT_COLUMNS, IMPORT_SOURCE,
    MAX_IMPORT_LINE_BYTES,
};
pub use job::protocol::{Finished, Job, JobState, DEFAULT_CHECKPOINT_EVERY};
pub use ledger::entry::{EntryKind, LedgerEntry, MANUAL_SOURCE};
pub use ledger::erasure_statements::{Exchange, Lease, OnEmpty};
pub use ledger::identifier::Identifier;
pub use ledger::memory::{MemoryLedger, Tombstone};
pub use ledger::request::LedgerRequest;
pub use ledger::schema::{LedgerSchema, SCHEMA_VERSION};
pub use ledger::settle::{check_lease_ms, LeaseTimes, Settled, DEFAULT_LEASE_MS};
pub use ledger::sql::{Dialect, SqlValue, Statement};
pub use ledger::sql_ledger::{SqlCall, SqlLedger, Transaction};
pub use ledger::statements::{LedgerSql, StoredJob};
pub use ledger::subject::{check_subject, subject_hash, MAX_SUBJECT_LEN};
pub use receipt::{
    receipt_public_key, verify_receipt, Receipt, ReceiptBody, ReceiptOperation, ReceiptSignature,
};
pub use time::deadline::Deadline;
pub use time::timestamp::{check_time, UnixMillis, MAX_UNIX_MILLIS};
pub use vonage::api_base::{ApiBase, ApiBaseInput, ApiFamily, DEFAULT_API_HOST, DEFAULT_REST_HOST};
pub use vonage::credentials::{Credentials, CredentialsInput};
pub use vonage::http::{
    check_status, HttpRequest, HttpResponse, RequestText, RESPONSE_HEADERS, USER_AGENT,
};
pub use vonage::jwt::JWT_TTL_SECONDS;
pub use vonage::problem::{Problem, MAX_PROBLEM_BODY};
pub use vonage::product::{Direction, Product};
pub use vonage::redact::{
    InvalidInput, RedactInput, RedactOutcome, RedactRequest, PREMATURE_WINDOW_MS,
};
pub use vonage::retry_after::retry_at;
pub use vonage::transaction_id::{TransactionId, MAX_ID_LEN};
