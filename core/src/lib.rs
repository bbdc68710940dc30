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

mod capture;
mod erasure;
mod error;
mod job;
mod ledger;
mod receipt;
mod time;
mod vonage;

pub use capture::{
    capture, capture_json, capture_json_limited, capture_sources, check_capture_size,
    DEFAULT_CAPTURE_MAX_BYTES, MAX_CAPTURE_ENTRIES,
};
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
pub use vonage::http::{HttpRequest, HttpResponse, RequestText, RESPONSE_HEADERS, USER_AGENT};
pub use vonage::jwt::JWT_TTL_SECONDS;
pub use vonage::problem::{Problem, MAX_PROBLEM_BODY};
pub use vonage::product::{Direction, Product};
pub use vonage::redact::{
    InvalidInput, RedactInput, RedactOutcome, RedactRequest, PREMATURE_WINDOW_MS,
};
pub use vonage::retry_after::retry_at;
pub use vonage::transaction_id::{TransactionId, MAX_ID_LEN};
