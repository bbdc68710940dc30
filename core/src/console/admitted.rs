//! The console proxy's decision: [`ConsoleProxy::admit`] recognises a page's call as one its
//! job kind may send, and the [`AdmittedCall`] it returns is rebuilt by the core from the parts
//! it recognised, then authorised with the server's credentials.

use crate::console::access_calls::{self, AccessCall};
use crate::console::call::{check_label, refused, JobKind, ProxyCall};
use crate::console::erasure_calls::{self, placeholder, ErasureCall};
use crate::erasure::plan::{Action, ErasurePlan, Operation};
use crate::erasure::target_check::{PROBE_MEDIA_ID, PROBE_TRANSACTION_ID, PROBE_USER_ID};
use crate::error::Result;
use crate::time::timestamp::{check_time, UnixMillis};
use crate::vonage::api_base::{ApiBase, ApiFamily};
use crate::vonage::credentials::Credentials;
use crate::vonage::http::HttpRequest;

/// The allow-list of a console server: the Vonage bases it forwards to, and nothing else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsoleProxy {
    base: ApiBase,
}

/// What was recognised.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Recognised {
    Erasure(ErasureCall),
    Access(AccessCall),
}

/// A call the allow-list admitted, held as the parts it was recognised from. Nothing of the
/// page's request is kept: no header, no byte of its URL or body that the core did not check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdmittedCall {
    kind: JobKind,
    job_id: String,
    base: ApiBase,
    call: Recognised,
    /// The rebuilt method and path under the base (no query), computed once for the audit.
    method: String,
    path: String,
}

impl ConsoleProxy {
    /// A proxy that forwards only to `base` (the server's configured Vonage hosts).
    pub fn new(base: ApiBase) -> Self {
        ConsoleProxy { base }
    }

    /// The bases it forwards to.
    pub fn base(&self) -> &ApiBase {
        &self.base
    }

    /// Admits `call` if its job kind may send it: method, host (a configured base), path shape
    /// with checked ids, query and body shape. Else `proxy_refused`, naming the check.
    pub fn admit(&self, call: &ProxyCall) -> Result<AdmittedCall> {
        check_label("job_id", &call.job_id).map_err(|_| {
            refused(
                "job",
                "job_id must be 1 to 128 bytes, no control characters",
            )
        })?;
        let recognised = match call.kind {
            JobKind::Erasure => {
                Recognised::Erasure(erasure_calls::recognise(&call.request, &self.base)?)
            }
            JobKind::Access => {
                Recognised::Access(access_calls::recognise(&call.request, &self.base)?)
            }
        };
        let mut admitted = AdmittedCall {
            kind: call.kind,
            job_id: call.job_id.clone(),
            base: self.base.clone(),
            call: recognised,
            method: String::new(),
            path: String::new(),
        };
        // Placeholder credentials: only the method and the URL of this build are kept.
        let shape = admitted.build(&placeholder()?, &mut || Ok("Bearer placeholder".into()))?;
        let under = shape
            .url
            .strip_prefix(self.base.url(admitted.family()))
            .unwrap_or(&shape.url);
        admitted.path = under.split('?').next().unwrap_or_default().to_owned();
        admitted.method = shape.method.into_owned();
        Ok(admitted)
    }
}

impl AdmittedCall {
    /// The kind of job that asked.
    pub fn kind(&self) -> JobKind {
        self.kind
    }

    /// The id of the job that asked.
    pub fn job_id(&self) -> &str {
        &self.job_id
    }

    /// The API family the call goes to.
    pub fn family(&self) -> ApiFamily {
        match &self.call {
            Recognised::Access(a) => a.family,
            Recognised::Erasure(e) => match e.operation.action {
                Action::Redact { .. } => ApiFamily::Redact,
                Action::DeleteRecording => ApiFamily::Media,
                _ => ApiFamily::Conversation,
            },
        }
    }

    /// The product: the Redact product, `media` or `conversation` for erasure; the Reports
    /// product, `sms` (Message Search) or `reports` (a report's own calls) for access.
    pub fn product(&self) -> &str {
        match &self.call {
            Recognised::Erasure(e) => e.operation.action.group(),
            Recognised::Access(a) => &a.product,
        }
    }

    /// The method sent.
    pub fn method(&self) -> &str {
        &self.method
    }

    /// The path under the family's base, ids percent-encoded; never the query.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The ids the call names: the erasure operation's target, or the transaction, report or
    /// file ids of an access call (never a phone number).
    pub fn ids(&self) -> Vec<String> {
        match &self.call {
            Recognised::Erasure(e) => vec![e.operation.target.clone()],
            Recognised::Access(a) => a.ids.clone(),
        }
    }

    /// The erasure operation this call is (its `op` is 0: the page's numbering is not trusted).
    pub fn operation(&self) -> Option<&Operation> {
        match &self.call {
            Recognised::Erasure(e) => Some(&e.operation),
            Recognised::Access(_) => None,
        }
    }

    /// For an erasure call: refuses (`proxy_refused`, rule `job`) a call the stored job's
    /// `plan` does not hold, except the target-check probes that job sends.
    pub fn check_planned(&self, plan: &ErasurePlan) -> Result<()> {
        let Recognised::Erasure(e) = &self.call else {
            return Err(refused(
                "job",
                "an access call is not part of an erasure plan",
            ));
        };
        let (action, target) = (&e.operation.action, e.operation.target.as_str());
        let version_ok = matches!(
            action,
            Action::Redact { .. } | Action::DeleteRecording | Action::DeleteLeg
        ) || e.api == plan.options.conversation_api;
        let planned = plan
            .operations
            .iter()
            .any(|op| &op.action == action && op.target == target);
        let probe = plan.operations.iter().any(|op| match (action, &op.action) {
            (Action::Redact { product, .. }, Action::Redact { product: p, .. }) => {
                product == p && target == PROBE_TRANSACTION_ID
            }
            (Action::DeleteRecording, Action::DeleteRecording) => target == PROBE_MEDIA_ID,
            (Action::DeleteUser, other) => {
                target == PROBE_USER_ID && other.group() == "conversation"
            }
            _ => false,
        });
        if version_ok && (planned || probe) {
            Ok(())
        } else {
            Err(refused(
                "job",
                "the call is not an operation of this job's plan",
            ))
        }
    }

    /// The request to send: rebuilt by the core and authorised with the server's credentials
    /// (Basic, or a JWT signed at `now` with 16 bytes of `entropy` for its `jti`).
    pub fn to_http(
        &self,
        credentials: &Credentials,
        now: UnixMillis,
        entropy: &[u8],
    ) -> Result<HttpRequest> {
        check_time("now", now)?;
        self.build(credentials, &mut || {
            credentials.bearer_authorization(now, entropy)
        })
    }

    fn build(
        &self,
        credentials: &Credentials,
        bearer: &mut dyn FnMut() -> Result<String>,
    ) -> Result<HttpRequest> {
        match &self.call {
            Recognised::Erasure(e) => erasure_calls::build(e, &self.base, credentials, bearer),
            Recognised::Access(a) => access_calls::build(a, &self.base, credentials),
        }
    }

    /// The base URL of the call's family (no credentials: bases never hold user info).
    pub(crate) fn base_url(&self) -> &str {
        self.base.url(self.family())
    }
}
