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
mod credentials;
mod error;
mod http;
mod jwt;
mod problem;
mod product;
mod redact;
mod retry_after;
mod timestamp;
mod transaction_id;

pub use api_base::{ApiBase, ApiBaseInput, ApiFamily, DEFAULT_API_HOST, DEFAULT_REST_HOST};
pub use credentials::{Credentials, CredentialsInput};
pub use error::{Error, ErrorFamily, Result};
pub use http::{HttpRequest, HttpResponse, USER_AGENT};
pub use jwt::JWT_TTL_SECONDS;
pub use problem::{Problem, MAX_PROBLEM_BODY};
pub use product::{Direction, Product};
pub use redact::{InvalidInput, RedactInput, RedactOutcome, RedactRequest, PREMATURE_WINDOW_MS};
pub use retry_after::retry_at;
pub use timestamp::{check_time, UnixMillis, MAX_UNIX_MILLIS};
pub use transaction_id::{TransactionId, MAX_ID_LEN};
