//! One operation as an HTTP call: building the request and classifying the response.

use crate::erasure::plan::{split_event, Action, ConversationApi, ErasurePlan, Initial, Operation};
use crate::error::Result;
use crate::time::timestamp::UnixMillis;
use crate::vonage::api_base::{ApiBase, ApiFamily};
use crate::vonage::credentials::Credentials;
use crate::vonage::credentials::CredentialsInput;
use crate::vonage::http::{HttpRequest, HttpResponse};
use crate::vonage::problem::Problem;
use crate::vonage::redact::{is_empty_body, RedactOutcome, PREMATURE_WINDOW_MS, REDIRECT};
use crate::vonage::retry_after::retry_at;
use crate::vonage::transaction_id::TransactionId;
use serde::{Deserialize, Serialize};

/// What a response means for an operation, whatever API it went to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum CallResult {
    /// The documented success (Redact 204; Media and Conversation 2xx with no body or, for
    /// Conversation, a JSON object): erased.
    Done,
    /// 404 with the API's documented not-found problem: nothing there (already gone or never existed).
    NotFound,
    /// 403 premature-redaction: retry at `retry_at`.
    Premature {
        /// Transaction time + 60 min, when known.
        retry_at: Option<UnixMillis>,
    },
    /// 401: credentials refused; the operation's group stops.
    Unauthorized,
    /// 403: not provisioned / forbidden; the operation's group stops.
    Unprovisioned,
    /// 400/422: Vonage refused the request; retrying will not help.
    Invalid,
    /// 429: slow down; retry after `retry_at` if given.
    RateLimited {
        /// From `Retry-After`.
        retry_at: Option<UnixMillis>,
    },
    /// 5xx or an answer that proves nothing (malformed: a 2xx page, a 3xx, a foreign 404):
    /// retry with backoff, then fail.
    Retryable {
        /// Why.
        reason: String,
    },
}

/// A classified response with the facts the receipt keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Classified {
    pub(crate) result: CallResult,
    pub(crate) status: u16,
    pub(crate) problem: Option<Problem>,
}

/// One operation as a dry run shows it: what would be called, and from when. No credentials.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PlannedCall {
    /// The operation id.
    pub op: u32,
    /// The resource id.
    pub target: String,
    /// What is called.
    #[serde(flatten)]
    pub action: Action,
    /// The HTTP method.
    pub method: String,
    /// The full URL.
    pub url: String,
    /// Not sent before this time (`created_at` + 60 minutes).
    pub not_before: UnixMillis,
    /// Pending, or settled up front as expired or skipped.
    pub initial: Initial,
}

impl ErasurePlan {
    /// Every operation with the method and URL the job would call against `base`: a dry run.
    /// Built by the same code as the job's requests, with placeholder credentials whose
    /// headers are dropped, so nothing secret is needed or shown.
    pub fn describe(&self, base: &ApiBase) -> Result<Vec<PlannedCall>> {
        let placeholder = Credentials::new(CredentialsInput {
            api_key: Some("dry-run".into()),
            api_secret: Some("dry-run".into()),
            ..CredentialsInput::default()
        })?;
        let mut bearer = || Ok("Bearer dry-run".to_owned());
        self.operations
            .iter()
            .map(|op| {
                let request = build(
                    op,
                    base,
                    &placeholder,
                    self.options.conversation_api,
                    &mut bearer,
                )?;
                Ok(PlannedCall {
                    op: op.op,
                    target: op.target.clone(),
                    action: op.action.clone(),
                    method: request.method.into_owned(),
                    url: request.url,
                    not_before: op.not_before,
                    initial: op.initial,
                })
            })
            .collect()
    }
}

/// Builds the HTTP request for `op`. `bearer` is called only when the call needs a JWT.
pub(crate) fn build(
    op: &Operation,
    base: &ApiBase,
    credentials: &Credentials,
    api: ConversationApi,
    bearer: &mut dyn FnMut() -> Result<String>,
) -> Result<HttpRequest> {
    TransactionId::check(&op.target)?;
    // Checked once: its path segment is only encoded where a URL needs it.
    let target = || crate::vonage::transaction_id::path_segment(&op.target);
    let seg =
        |s: &str| TransactionId::check(s).map(|()| crate::vonage::transaction_id::path_segment(s));
    let version = match api {
        ConversationApi::V1 => "v1",
        ConversationApi::V0_1 => "v0.1",
    };
    let conv = base.url(ApiFamily::Conversation);
    let (method, url, body) = match &op.action {
        Action::Redact { product, direction } => {
            return crate::vonage::redact::http(
                &op.target,
                *product,
                *direction,
                base,
                credentials,
            );
        }
        Action::DeleteRecording => {
            let url = format!("{}/v3/media/{}", base.url(ApiFamily::Media), target());
            // The Media API takes JWT or Basic, not both; JWT is what the Node SDK sends.
            let auth = match credentials.application_id() {
                Some(_) => bearer()?,
                None => credentials.basic_authorization()?,
            };
            return Ok(HttpRequest::json_api("DELETE", url, auth, None));
        }
        Action::DeleteUser => (
            "DELETE",
            format!("{conv}/{version}/users/{}", target()),
            None,
        ),
        Action::ScrubUser => {
            let body = scrub_body(&op.target, api);
            let method = if api == ConversationApi::V1 {
                "PATCH"
            } else {
                "PUT"
            };
            (
                method,
                format!("{conv}/{version}/users/{}", target()),
                Some(body),
            )
        }
        Action::DeleteEvent => {
            let (conversation_id, event_id) =
                split_event(&op.target).ok_or_else(|| crate::error::Error::InvalidId {
                    reason: format!("event target {:?} is not CON-…:<event id>", op.target),
                })?;
            (
                "DELETE",
                format!(
                    "{conv}/{version}/conversations/{}/events/{}",
                    seg(conversation_id)?,
                    seg(event_id)?
                ),
                None,
            )
        }
        Action::DeleteConversation => (
            "DELETE",
            format!("{conv}/{version}/conversations/{}", target()),
            None,
        ),
        // Only the v0.1 spec documents legs.
        Action::DeleteLeg => ("DELETE", format!("{conv}/v0.1/legs/{}", target()), None),
    };
    Ok(HttpRequest::json_api(method, url, bearer()?, body))
}

/// Placeholder values for a scrubbed user. The name must stay unique, so it is derived from the id.
fn scrub_body(user_id: &str, api: ConversationApi) -> Vec<u8> {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(user_id.as_bytes());
    let name = format!("erased-{}", crate::ledger::subject::hex(&digest[..8]));
    let mut body = serde_json::json!({
        "name": name,
        "display_name": "REDACTED",
        "image_url": "",
    });
    if api == ConversationApi::V1 {
        body["properties"] = serde_json::json!({ "custom_data": {} });
    }
    body.to_string().into_bytes()
}

/// Classifies a response to `op`.
pub(crate) fn classify(op: &Operation, response: &HttpResponse, now: UnixMillis) -> Classified {
    let status = response.status;
    if let Action::Redact { .. } = &op.action {
        // The target was checked when the request was built: no call goes out for a bad id.
        let not_before = op.created_at.saturating_add(PREMATURE_WINDOW_MS);
        return from_redact(crate::vonage::redact::interpret(
            response,
            Some(not_before),
            now,
        ));
    }
    let problem = Problem::parse(&response.body);
    let malformed = |reason: &str| CallResult::Retryable {
        reason: reason.to_owned(),
    };
    let media = matches!(op.action, Action::DeleteRecording);
    let result = match status {
        // Media documents 204 with no body; Conversation 200 `{}` (v0.1) or 204 (v1). A 2xx
        // with anything else (a proxy's HTML page) proves nothing.
        200..=299 if is_empty_body(&response.body) => CallResult::Done,
        200..=299 if !media && is_json_object(&response.body) => CallResult::Done,
        200..=299 => malformed("2xx with a body Vonage does not send (a proxy or login page?)"),
        300..=399 => malformed(REDIRECT),
        // Only Vonage's own not-found problem says the resource is gone; neither API documents
        // more (vonage-facts §5, §6).
        404 if problem
            .as_ref()
            .and_then(Problem::vonage_code)
            .is_some_and(|code| code.ends_with("not-found")) =>
        {
            CallResult::NotFound
        }
        404 => malformed("404 that is not Vonage's not-found problem (is the base URL right?)"),
        401 => CallResult::Unauthorized,
        403 => CallResult::Unprovisioned,
        400 | 422 => CallResult::Invalid,
        429 => CallResult::RateLimited {
            retry_at: retry_at(response.header("retry-after"), now),
        },
        500..=599 => CallResult::Retryable {
            reason: format!("server error {status}"),
        },
        _ => malformed("unexpected status"),
    };
    Classified {
        result,
        status,
        problem,
    }
}

/// A JSON object (`{}` or more): what Conversation API deletes answer with a 200.
fn is_json_object(body: &[u8]) -> bool {
    body.len() <= crate::vonage::problem::MAX_PROBLEM_BODY
        && serde_json::from_slice::<serde_json::Value>(body).is_ok_and(|v| v.is_object())
}

fn from_redact(outcome: RedactOutcome) -> Classified {
    let (result, status, problem) = match outcome {
        RedactOutcome::Redacted { status } => (CallResult::Done, status, None),
        RedactOutcome::NotFound { status, problem } => {
            (CallResult::NotFound, status, Some(problem))
        }
        RedactOutcome::Premature {
            status,
            problem,
            earliest_retry_at,
        } => (
            CallResult::Premature {
                retry_at: earliest_retry_at,
            },
            status,
            Some(problem),
        ),
        RedactOutcome::Unprovisioned { status, problem } => {
            (CallResult::Unprovisioned, status, Some(problem))
        }
        RedactOutcome::Unauthorized { status, problem } => {
            (CallResult::Unauthorized, status, problem)
        }
        RedactOutcome::Invalid {
            status, problem, ..
        } => (CallResult::Invalid, status, problem),
        RedactOutcome::RateLimited {
            status,
            problem,
            retry_at,
        } => (CallResult::RateLimited { retry_at }, status, problem),
        RedactOutcome::ServerError { status, problem } => (
            CallResult::Retryable {
                reason: format!("server error {status}"),
            },
            status,
            problem,
        ),
        RedactOutcome::Malformed { status, reason } => {
            (CallResult::Retryable { reason }, status, None)
        }
    };
    Classified {
        result,
        status,
        problem,
    }
}
