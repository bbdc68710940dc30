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

mod api_base;
mod call_table;
mod capture;
mod credentials;
mod deadline;
mod erasure_job;
mod erasure_plan;
mod error;
mod http;
mod identifier;
mod job_config;
mod job_event;
mod job_schedule;
mod job_snapshot;
mod job_state;
mod jwt;
mod ledger_entry;
mod ledger_schema;
mod ledger_settle;
mod ledger_sql;
mod ledger_sql_erasure;
mod memory_ledger;
mod operation_call;
mod plan_summary;
mod problem;
mod product;
mod rate_limiter;
mod receipt;
mod redact;
mod retry_after;
mod sql;
mod subject;
mod target_check;
mod timestamp;
mod transaction_id;
mod wire_time;

pub use api_base::{ApiBase, ApiBaseInput, ApiFamily, DEFAULT_API_HOST, DEFAULT_REST_HOST};
pub use capture::{
    capture, capture_json, capture_json_limited, capture_sources, check_capture_size,
    DEFAULT_CAPTURE_MAX_BYTES, MAX_CAPTURE_ENTRIES,
};
pub use credentials::{Credentials, CredentialsInput};
pub use deadline::Deadline;
pub use erasure_job::{
    Auth, Call, ErasureJob, JobConfig, TransportFailure, MAX_RATE_PER_SECOND, WAIT_NOTICE_MS,
};
pub use erasure_plan::{
    Action, ConversationApi, ErasurePlan, Initial, Operation, PlanOptions, UserAction,
};
pub use error::{Error, ErrorFamily, Result};
pub use http::{HttpRequest, HttpResponse, RequestText, RESPONSE_HEADERS, USER_AGENT};
pub use identifier::Identifier;
pub use job_event::{Counts, JobEvent, Terminal};
pub use jwt::JWT_TTL_SECONDS;
pub use ledger_entry::{EntryKind, LedgerEntry};
pub use ledger_schema::{LedgerSchema, SCHEMA_VERSION};
pub use ledger_settle::{check_lease_ms, LeaseTimes, Settled, DEFAULT_LEASE_MS};
pub use ledger_sql::{LedgerSql, StoredJob};
pub use ledger_sql_erasure::{Exchange, Lease, OnEmpty};
pub use memory_ledger::{MemoryLedger, Tombstone};
pub use operation_call::{CallResult, PlannedCall};
pub use plan_summary::{PlanGroup, PlanSummary};
pub use problem::{Problem, MAX_PROBLEM_BODY};
pub use product::{Direction, Product};
pub use receipt::{
    receipt_public_key, verify_receipt, Receipt, ReceiptBody, ReceiptOperation, ReceiptSignature,
};
pub use redact::{InvalidInput, RedactInput, RedactOutcome, RedactRequest, PREMATURE_WINDOW_MS};
pub use retry_after::retry_at;
pub use sql::{Dialect, SqlValue, Statement};
pub use subject::{check_subject, subject_hash, MAX_SUBJECT_LEN};
pub use target_check::{
    CheckResult, TargetCheckRecord, PROBE_MEDIA_ID, PROBE_TRANSACTION_ID, PROBE_USER_ID,
    TARGET_CHECK_OP,
};
pub use timestamp::{check_time, UnixMillis, MAX_UNIX_MILLIS};
pub use transaction_id::{TransactionId, MAX_ID_LEN};
