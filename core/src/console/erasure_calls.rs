//! The calls an erasure job may send through the console, recognised from their parts.
//!
//! Each shape is the one `erasure::operation_call::build` makes; a recognised call becomes the
//! [`Operation`] it would have come from, and is rebuilt by that same function, so the allow-list
//! and the job can never disagree on a path, a method or a body.

use crate::console::call::{method, no_body, no_query, recognise_with, refused, segments, Located};
use crate::erasure::operation_call;
use crate::erasure::plan::{Action, ConversationApi, Initial, Operation};
use crate::error::Result;
use crate::vonage::api_base::{ApiBase, ApiFamily};
use crate::vonage::credentials::{Credentials, CredentialsInput};
use crate::vonage::http::HttpRequest;
use crate::vonage::product::{Direction, Product};
use serde::Deserialize;

/// The families an erasure job calls.
const FAMILIES: [ApiFamily; 3] = [ApiFamily::Redact, ApiFamily::Media, ApiFamily::Conversation];

/// A recognised erasure call: the operation it is, and the Conversation API version it used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ErasureCall {
    pub(crate) operation: Operation,
    pub(crate) api: ConversationApi,
}

/// The Redact body exactly as the core writes it: all three fields, nothing else.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RedactBody {
    id: String,
    product: String,
    #[serde(rename = "type")]
    direction: String,
}

/// Recognises `request` as one erasure call under `base`, or says why not.
pub(crate) fn recognise(request: &HttpRequest, base: &ApiBase) -> Result<ErasureCall> {
    recognise_with(request, base, &FAMILIES, "an erasure job", shape)
}

fn shape(at: &Located<'_>, request: &HttpRequest) -> Result<ErasureCall> {
    let segs = segments(at.path)?;
    let segs: Vec<&str> = segs.iter().map(String::as_str).collect();
    let m = request.method.as_ref();
    let body = &request.body;
    let (action, target, api) = match (at.family, segs.as_slice()) {
        (ApiFamily::Redact, ["v1", "redact", "transaction"]) => {
            method(m, "POST")?;
            no_query(at.query)?;
            let (id, product, direction) = redact_body(body)?;
            (
                Action::Redact { product, direction },
                id,
                ConversationApi::V1,
            )
        }
        (ApiFamily::Media, ["v3", "media", id]) => {
            method(m, "DELETE")?;
            (Action::DeleteRecording, id.to_string(), ConversationApi::V1)
        }
        (ApiFamily::Conversation, [version, rest @ ..]) => {
            let api = match *version {
                "v1" => ConversationApi::V1,
                "v0.1" => ConversationApi::V0_1,
                _ => {
                    return Err(refused(
                        "path",
                        "not a Conversation API version erasekit uses",
                    ))
                }
            };
            let (action, target) = conversation(m, api, rest)?;
            (action, target, api)
        }
        _ => return Err(refused("path", "not a call an erasure job makes")),
    };
    no_query(at.query)?;
    if !matches!(action, Action::Redact { .. } | Action::ScrubUser) {
        no_body(body)?;
    }
    let call = ErasureCall {
        operation: Operation {
            op: 0,
            target,
            action,
            created_at: 0,
            not_before: 0,
            initial: Initial::Pending,
        },
        api,
    };
    if matches!(call.operation.action, Action::ScrubUser) {
        same_body(&call, body)?;
    }
    Ok(call)
}

/// The Conversation shapes under a version: `users/{id}`, `conversations/{id}[/events/{id}]`,
/// `legs/{id}` (v0.1 only, as the job sends it).
fn conversation(m: &str, api: ConversationApi, rest: &[&str]) -> Result<(Action, String)> {
    let scrub = if api == ConversationApi::V1 {
        "PATCH"
    } else {
        "PUT"
    };
    match rest {
        ["users", id] if m == scrub => Ok((Action::ScrubUser, id.to_string())),
        ["users", id] => method(m, "DELETE").map(|()| (Action::DeleteUser, id.to_string())),
        ["conversations", id] => {
            method(m, "DELETE").map(|()| (Action::DeleteConversation, id.to_string()))
        }
        ["conversations", conversation, "events", event] => {
            method(m, "DELETE")?;
            // The job's target is `CON-…:<event>`, split at the last ':'.
            if event.contains(':') {
                return Err(refused("path", "an event id has no ':'"));
            }
            Ok((Action::DeleteEvent, format!("{conversation}:{event}")))
        }
        ["legs", id] if api == ConversationApi::V0_1 => {
            method(m, "DELETE").map(|()| (Action::DeleteLeg, id.to_string()))
        }
        _ => Err(refused(
            "path",
            "not a Conversation call an erasure job makes",
        )),
    }
}

fn redact_body(body: &[u8]) -> Result<(String, Product, Direction)> {
    let parsed: RedactBody = serde_json::from_slice(body).map_err(|_| {
        refused(
            "body",
            "a Redact body is exactly {\"id\", \"product\", \"type\"} (strings)",
        )
    })?;
    // Fixed reasons: a refusal never repeats what the page sent.
    crate::vonage::transaction_id::TransactionId::check(&parsed.id)
        .map_err(|_| refused("body", "id is not a valid transaction id"))?;
    let product = parsed.product.parse::<Product>().map_err(|_| {
        refused(
            "body",
            "product is not one of sms, voice, number-insight, verify, verify-sdk, messages",
        )
    })?;
    let direction = parsed
        .direction
        .parse::<Direction>()
        .map_err(|_| refused("body", "type is not inbound or outbound"))?;
    Ok((parsed.id, product, direction))
}

/// The page's scrub body must be, as JSON, the one the core writes for that user (the body does
/// not depend on the base, so any base serves to build it).
fn same_body(call: &ErasureCall, body: &[u8]) -> Result<()> {
    let expected = build(call, &ApiBase::default(), &placeholder()?, &mut || {
        Ok("Bearer placeholder".to_owned())
    })?;
    let as_json = |b: &[u8]| serde_json::from_slice::<serde_json::Value>(b).ok();
    match (as_json(body), as_json(&expected.body)) {
        (Some(given), Some(wanted)) if given == wanted => Ok(()),
        _ => Err(refused(
            "body",
            "a user scrub body is exactly the placeholder values the core writes for that user",
        )),
    }
}

/// Credentials for building a request whose headers are thrown away.
pub(crate) fn placeholder() -> Result<Credentials> {
    Credentials::new(CredentialsInput {
        api_key: Some("placeholder".into()),
        api_secret: Some("placeholder".into()),
        ..CredentialsInput::default()
    })
}

/// The call rebuilt by the job's own request builder.
pub(crate) fn build(
    call: &ErasureCall,
    base: &ApiBase,
    credentials: &Credentials,
    bearer: &mut dyn FnMut() -> Result<String>,
) -> Result<HttpRequest> {
    operation_call::build(&call.operation, base, credentials, call.api, bearer)
}
