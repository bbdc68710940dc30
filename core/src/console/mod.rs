//! The privacy console's proxy decision (issue 13): which Vonage calls the console server
//! forwards for the page, rebuilt and authorised by the core, and the audit line of each.
//!
//! The page runs the web build without credentials. It hands the server a [`ProxyCall`]: the
//! request its job built and which job asked. The server asks [`ConsoleProxy::admit`]; an
//! [`AdmittedCall`] is rebuilt from the parts the core recognised (no header, query or body
//! byte of the page's is forwarded as given), authorised with the server's credentials by
//! [`AdmittedCall::to_http`], and recorded by [`AdmittedCall::audit`]. A refusal is the error
//! `proxy_refused` with the check that refused it (`job`, `method`, `host`, `path`, `query`,
//! `body`).
//!
//! ```
//! use erasekit_core::{ApiBase, ConsoleProxy, Credentials, CredentialsInput, ProxyCall};
//!
//! let proxy = ConsoleProxy::new(ApiBase::default());
//! let call: ProxyCall = serde_json::from_value(serde_json::json!({
//!     "kind": "erasure",
//!     "job_id": "job-1",
//!     "request": {
//!         "method": "DELETE",
//!         "url": "https://api.nexmo.com/v3/media/aaaaaaaa-bbbb-cccc-dddd-0123456789ab",
//!         "headers": { "authorization": "Basic from-the-page" },
//!         "body": ""
//!     }
//! })).unwrap();
//! let admitted = proxy.admit(&call)?;
//! let credentials = Credentials::new(CredentialsInput {
//!     api_key: Some("abcd1234".into()),
//!     api_secret: Some("s3cr3t".into()),
//!     ..Default::default()
//! })?;
//! let request = admitted.to_http(&credentials, 1_700_000_000_000, &[0; 16])?;
//! assert_ne!(request.headers["authorization"], "Basic from-the-page");
//! let line = admitted.audit("officer-7", 1_700_000_000_000, Some(204))?;
//! assert_eq!(line.path, "/v3/media/aaaaaaaa-bbbb-cccc-dddd-0123456789ab");
//! assert!(!line.text().contains("s3cr3t"));
//! # Ok::<(), erasekit_core::Error>(())
//! ```

pub(crate) mod access_calls;
pub(crate) mod access_params;
pub(crate) mod admitted;
pub(crate) mod audit;
pub(crate) mod call;
pub(crate) mod erasure_calls;
