//! The Vonage contract: hosts, credentials, HTTP messages, products, ids, and how Vonage's
//! answers (problems, `Retry-After`, payload times) read.

pub(crate) mod api_base;
pub(crate) mod credentials;
pub(crate) mod http;
pub(crate) mod jwt;
pub(crate) mod payload_time;
pub(crate) mod problem;
pub(crate) mod product;
pub(crate) mod redact;
pub(crate) mod retry_after;
pub(crate) mod transaction_id;
