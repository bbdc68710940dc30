//! The Redact API: build `POST /v1/redact/transaction` and interpret what comes back.

use crate::error::Result;
use crate::time::timestamp::{check_time, UnixMillis};
use crate::vonage::api_base::{ApiBase, ApiFamily};
use crate::vonage::credentials::Credentials;
use crate::vonage::http::{HttpRequest, HttpResponse};
use crate::vonage::problem::Problem;
use crate::vonage::product::{Direction, Product};
use crate::vonage::retry_after::retry_at;
use crate::vonage::transaction_id::TransactionId;
use serde::{Deserialize, Serialize};

/// Vonage refuses to redact a record younger than this (403 premature-redaction).
pub const PREMATURE_WINDOW_MS: UnixMillis = 60 * 60 * 1000;

/// Plain input for [`RedactRequest::new`], as hosts pass it.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RedactInput {
    /// The transaction id.
    pub id: String,
    /// The product, spec spelling.
    pub product: String,
    /// `inbound` or `outbound`; defaults to `outbound`.
    #[serde(default, rename = "type")]
    pub direction: Option<String>,
    /// When the transaction happened, if known; used to compute when a premature redaction may retry.
    #[serde(default, alias = "createdAt")]
    pub created_at: Option<UnixMillis>,
}

/// One validated redaction: which transaction, of which product and direction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RedactRequest {
    /// The transaction id.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub id: TransactionId,
    /// The product.
    pub product: Product,
    /// The direction, always sent (the spec lists `type` as required; SMS needs it).
    #[serde(rename = "type")]
    pub direction: Direction,
    /// When the transaction happened, if known.
    pub created_at: Option<UnixMillis>,
}

impl RedactRequest {
    /// Validates plain input.
    pub fn new(input: RedactInput) -> Result<Self> {
        let id = TransactionId::new(&input.id)?;
        let product = input.product.parse::<Product>()?;
        let direction = match input.direction.as_deref() {
            None => Direction::Outbound,
            Some(d) => d.parse::<Direction>()?,
        };
        let created_at = input
            .created_at
            .map(|t| check_time("created_at", t))
            .transpose()?;
        Ok(RedactRequest {
            id,
            product,
            direction,
            created_at,
        })
    }

    /// The earliest time Vonage will accept this redaction, when the transaction time is known.
    pub fn not_before(&self) -> Option<UnixMillis> {
        self.created_at
            .map(|t| t.saturating_add(PREMATURE_WINDOW_MS))
    }

    /// The JSON body Vonage expects: `{"id", "product", "type"}`.
    pub fn body(&self) -> Vec<u8> {
        body(self.id.as_str(), self.product, self.direction)
    }

    /// The HTTP request: Basic auth (the only scheme the Redact API takes), JSON body.
    pub fn to_http(&self, base: &ApiBase, credentials: &Credentials) -> Result<HttpRequest> {
        http(
            self.id.as_str(),
            self.product,
            self.direction,
            base,
            credentials,
        )
    }

    /// What a response means. Never fails: anything unexpected is [`RedactOutcome::Malformed`].
    pub fn interpret(&self, response: &HttpResponse, now: UnixMillis) -> RedactOutcome {
        interpret(response, self.not_before(), now)
    }
}

/// Which input a 422 (or 400) refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum InvalidInput {
    /// The body was not valid JSON (`invalid-json`).
    Json,
    /// The product was not accepted (`invalid-product`).
    Product,
    /// Something else in the request.
    Request,
}

/// What a Redact API response means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum RedactOutcome {
    /// 204 (documented), or 200 with an empty body: the record is redacted.
    Redacted {
        /// HTTP status.
        status: u16,
    },
    /// 404 with Vonage's `…/api-errors#invalid-id` problem: no such record (already gone,
    /// never existed, or past retention).
    NotFound {
        /// HTTP status.
        status: u16,
        /// The problem body.
        problem: Problem,
    },
    /// 403 premature-redaction: the record is younger than 60 minutes.
    Premature {
        /// HTTP status.
        status: u16,
        /// The problem body.
        problem: Problem,
        /// Transaction time + 60 min, when the transaction time is known.
        earliest_retry_at: Option<UnixMillis>,
    },
    /// 403 (other than premature): the account is not provisioned for this product.
    Unprovisioned {
        /// HTTP status.
        status: u16,
        /// The problem body.
        problem: Problem,
    },
    /// 401: missing or wrong credentials.
    Unauthorized {
        /// HTTP status.
        status: u16,
        /// The problem body, in either documented shape, when present.
        problem: Option<Problem>,
    },
    /// 422 (or 400): Vonage refused the request body.
    Invalid {
        /// HTTP status.
        status: u16,
        /// The problem body, when present.
        problem: Option<Problem>,
        /// Which input was refused.
        input: InvalidInput,
    },
    /// 429: too many requests.
    RateLimited {
        /// HTTP status.
        status: u16,
        /// The problem body, when present.
        problem: Option<Problem>,
        /// When to retry, from `Retry-After` (seconds or HTTP date), if given.
        retry_at: Option<UnixMillis>,
    },
    /// 5xx: Vonage failed; worth retrying.
    ServerError {
        /// HTTP status.
        status: u16,
        /// The problem body, when present.
        problem: Option<Problem>,
    },
    /// Anything else: a 2xx with a body, a 3xx, a 404 without Vonage's invalid-id problem (a
    /// wrong base URL), an unexpected status. Retried, then failed: never a success.
    Malformed {
        /// HTTP status.
        status: u16,
        /// Why the response was not understood.
        reason: String,
    },
}

impl RedactOutcome {
    /// The outcome's snake_case name.
    pub fn name(&self) -> &'static str {
        match self {
            RedactOutcome::Redacted { .. } => "redacted",
            RedactOutcome::NotFound { .. } => "not_found",
            RedactOutcome::Premature { .. } => "premature",
            RedactOutcome::Unprovisioned { .. } => "unprovisioned",
            RedactOutcome::Unauthorized { .. } => "unauthorized",
            RedactOutcome::Invalid { .. } => "invalid",
            RedactOutcome::RateLimited { .. } => "rate_limited",
            RedactOutcome::ServerError { .. } => "server_error",
            RedactOutcome::Malformed { .. } => "malformed",
        }
    }
}

/// The JSON body of a redaction of `id` (already checked as a [`TransactionId`]):
/// `{"id":…,"product":…,"type":…}`, built by hand because the job makes one per operation.
fn body(id: &str, product: Product, direction: Direction) -> Vec<u8> {
    let (product, direction) = (product.as_str(), direction.as_str());
    let mut out = Vec::with_capacity(id.len() + product.len() + direction.len() + 34);
    out.extend_from_slice(b"{\"id\":");
    json_string(&mut out, id);
    out.extend_from_slice(b",\"product\":");
    json_string(&mut out, product);
    out.extend_from_slice(b",\"type\":");
    json_string(&mut out, direction);
    out.push(b'}');
    out
}

/// `text` as a JSON string: as is when nothing needs escaping (the usual id), else by serde_json.
fn json_string(out: &mut Vec<u8>, text: &str) {
    if text.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        out.push(b'"');
        out.extend_from_slice(text.as_bytes());
        out.push(b'"');
    } else {
        // Writing a string into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut *out, text);
    }
}

/// The Redact call for `id` (already checked as a [`TransactionId`]): the job builds one per
/// operation from the plan's ids without copying them into a `RedactRequest` first.
pub(crate) fn http(
    id: &str,
    product: Product,
    direction: Direction,
    base: &ApiBase,
    credentials: &Credentials,
) -> Result<HttpRequest> {
    let root = base.url(ApiFamily::Redact);
    let mut url = String::with_capacity(root.len() + REDACT_PATH.len());
    url.push_str(root);
    url.push_str(REDACT_PATH);
    Ok(HttpRequest::json_api(
        "POST",
        url,
        credentials.basic_authorization()?,
        Some(body(id, product, direction)),
    ))
}

/// The Redact API's path under its base URL.
const REDACT_PATH: &str = "/v1/redact/transaction";

/// Why a 3xx is never an outcome: redirects are not followed (a wrong base URL, a proxy).
pub(crate) const REDIRECT: &str = "redirect (not followed): is the base URL right?";

/// An empty body, or one of whitespace only: what "no body" looks like on the wire.
pub(crate) fn is_empty_body(body: &[u8]) -> bool {
    body.iter().all(u8::is_ascii_whitespace)
}

/// What a Redact response means for a transaction that may be redacted from `not_before`.
pub(crate) fn interpret(
    response: &HttpResponse,
    not_before: Option<UnixMillis>,
    now: UnixMillis,
) -> RedactOutcome {
    let status = response.status;
    let problem = || Problem::parse(&response.body);
    let malformed = |reason: &str| RedactOutcome::Malformed {
        status,
        reason: reason.to_owned(),
    };
    match status {
        // Vonage documents 204 with no body; a 200 with none is taken as the same answer. Any
        // other 2xx body (a proxy's or portal's HTML page) proves nothing.
        204 => RedactOutcome::Redacted { status },
        200 if is_empty_body(&response.body) => RedactOutcome::Redacted { status },
        200..=299 => malformed("2xx other than Vonage's documented 204 (a proxy or login page?)"),
        300..=399 => malformed(REDIRECT),
        401 => RedactOutcome::Unauthorized {
            status,
            problem: problem(),
        },
        403 => match problem() {
            Some(p) if p.type_code() == Some("premature-redaction") => RedactOutcome::Premature {
                status,
                problem: p,
                earliest_retry_at: not_before,
            },
            Some(p) => RedactOutcome::Unprovisioned { status, problem: p },
            None => malformed("403 without a problem body"),
        },
        404 => match problem() {
            Some(p) if p.vonage_code() == Some("invalid-id") => {
                RedactOutcome::NotFound { status, problem: p }
            }
            // Any other 404 is far more likely a wrong base URL than a missing record.
            Some(_) => {
                malformed("404 that is not Vonage's invalid-id problem (is the base URL right?)")
            }
            None => malformed("404 without a problem body (is the base URL right?)"),
        },
        400 | 422 => {
            let problem = problem();
            let input = match problem.as_ref().and_then(Problem::type_code) {
                Some("invalid-json") => InvalidInput::Json,
                Some("invalid-product") => InvalidInput::Product,
                _ => InvalidInput::Request,
            };
            RedactOutcome::Invalid {
                status,
                problem,
                input,
            }
        }
        429 => RedactOutcome::RateLimited {
            status,
            problem: problem(),
            retry_at: retry_at(response.header("retry-after"), now),
        },
        500..=599 => RedactOutcome::ServerError {
            status,
            problem: problem(),
        },
        _ => malformed("unexpected status"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_built_body_is_what_serde_json_writes() {
        for id in ["0A0000001", "a\"b", "back\\slash", "ünï-cödé ✓", "x\u{7f}y"] {
            let expected = serde_json::json!({"id": id, "product": "sms", "type": "outbound"});
            let built = body(id, Product::Sms, Direction::Outbound);
            let parsed: serde_json::Value = serde_json::from_slice(&built).unwrap();
            assert_eq!(parsed, expected, "{}", String::from_utf8_lossy(&built));
            assert_eq!(built, serde_json::to_vec(&expected).unwrap());
        }
    }
}
