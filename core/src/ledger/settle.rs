//! What a signed receipt lets a ledger forget, decided once for every backend.
//!
//! The ledger forgets exactly what the receipt proves was settled at Vonage: an entry goes only
//! when its operation ended `done`, `not_found`, `expired` or `skipped` (entry ↔ operation is
//! 1:1 by plan order, matched on kind + product + id). Entries recorded while the job ran are
//! not in the receipt and stay; the subject is forgotten (identifiers, jobs, tombstone) only
//! when no entry remains. A receipt counts only when it names this subject (keyed hash) and
//! verifies with this ledger's own receipt key: nobody else's receipt deletes anything.

use crate::erasure::event::Terminal;
use crate::erasure::plan::Action;
use crate::error::{Error, Result};
use crate::ledger::subject::{check_subject, subject_hash};
use crate::receipt::{receipt_public_key, verify_receipt};
use crate::time::timestamp::{check_time, UnixMillis};

/// A verified receipt and the entry keys it settles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settled {
    /// The receipt id (the job id).
    pub receipt_id: String,
    /// The subject's keyed hash, as the receipt names it.
    pub subject_hash: String,
    /// The signed receipt as given (JSON), to store.
    pub receipt_json: String,
    /// `(kind, product, id)` of every entry the receipt proves settled, in plan order.
    pub keys: Vec<(&'static str, &'static str, String)>,
}

impl Settled {
    /// Checks `receipt_json` against this ledger: it must verify with the public key of
    /// `receipt_key` (the ledger's Ed25519 seed) and name `subject` under `subject_key`.
    /// Anything else is `receipt_mismatch` (a receipt that does not verify at all keeps its
    /// `invalid_receipt` / `bad_signature` code).
    pub fn check(
        receipt_json: &str,
        subject: &str,
        subject_key: &[u8],
        receipt_key: &[u8],
    ) -> Result<Settled> {
        check_subject(subject)?;
        let ours = receipt_public_key(receipt_key)?;
        let body = verify_receipt(receipt_json, None)?;
        let signer: serde_json::Value =
            serde_json::from_str(receipt_json).map_err(|e| Error::InvalidReceipt {
                reason: format!("not JSON: {e}"),
            })?;
        let signer = signer["signature"]["public_key"].as_str().unwrap_or("");
        if !signer.eq_ignore_ascii_case(&ours) {
            return Err(Error::ReceiptMismatch {
                reason: "the receipt is not signed by this ledger's receipt key".into(),
            });
        }
        if body.subject_hash != subject_hash(subject_key, subject)? {
            return Err(Error::ReceiptMismatch {
                reason: "the receipt is for another subject".into(),
            });
        }
        let keys = body
            .operations
            .iter()
            .filter(|op| settles(op.state))
            .map(|op| {
                let (kind, product) = entry_kind(&op.action);
                (kind, product, op.target.clone())
            })
            .collect();
        Ok(Settled {
            receipt_id: body.receipt_id,
            subject_hash: body.subject_hash,
            receipt_json: receipt_json.trim().to_owned(),
            keys,
        })
    }
}

/// Whether an operation in this state leaves nothing at Vonage to erase.
fn settles(state: Terminal) -> bool {
    match state {
        Terminal::Done | Terminal::NotFound | Terminal::Expired | Terminal::Skipped => true,
        Terminal::Failed => false,
    }
}

/// The ledger entry `(kind, product)` an action was planned from (see `erasure_plan`).
fn entry_kind(action: &Action) -> (&'static str, &'static str) {
    match action {
        Action::Redact { product, .. } => ("transaction", product.as_str()),
        Action::DeleteRecording => ("recording", ""),
        Action::DeleteUser | Action::ScrubUser => ("user", ""),
        Action::DeleteEvent => ("event", ""),
        Action::DeleteConversation => ("conversation", ""),
        Action::DeleteLeg => ("leg", ""),
    }
}

/// How long a run's lease on its job lasts unless the host says otherwise.
pub const DEFAULT_LEASE_MS: u64 = 60_000;

/// When a run holding a lease taken (claimed or renewed) at `sent_at` must renew it, and the
/// local deadline after which it starts no Vonage call (`sent_at` + lease − a margin): the
/// database check alone would let a paused run overlap the run that took its job over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LeaseTimes {
    /// The attempt number the database gave this run.
    pub attempt: u64,
    /// When the lease expires in the database.
    pub expires_at: u64,
    /// Renew at or after this time (a third of the lease).
    pub renew_at: u64,
    /// Start no call at or after this time (the lease minus a quarter, at most 15 s).
    pub hold_until: u64,
}

impl LeaseTimes {
    /// The times of a lease of `lease_ms` sent at `sent_at`, held as `attempt`.
    pub fn new(attempt: u64, sent_at: u64, lease_ms: u64) -> LeaseTimes {
        let margin = (lease_ms / 4).min(15_000);
        LeaseTimes {
            attempt,
            expires_at: sent_at.saturating_add(lease_ms),
            renew_at: sent_at.saturating_add(lease_ms / 3),
            hold_until: sent_at.saturating_add(lease_ms - margin),
        }
    }
}

/// Checks a lease length: 1 second to 1 hour.
pub fn check_lease_ms(lease_ms: u64) -> Result<u64> {
    if !(1_000..=3_600_000).contains(&lease_ms) {
        return Err(Error::InvalidArgument {
            field: "lease_ms".into(),
            reason: "must be 1000 to 3600000 milliseconds".into(),
        });
    }
    Ok(lease_ms)
}

/// When a lease renewed at `now` with `state` ends: `running` holds it `lease_ms` more,
/// `stopped` releases it at once (0); any other state is `invalid_argument`. One rule for
/// every backend's `renew`.
pub(crate) fn renewed_lease_expiry(
    state: &str,
    now: UnixMillis,
    lease_ms: u64,
) -> Result<UnixMillis> {
    check_time("now", now)?;
    match state {
        "running" => Ok(now + check_lease_ms(lease_ms)?),
        "stopped" => Ok(0),
        other => Err(Error::InvalidArgument {
            field: "state".into(),
            reason: format!("expected running or stopped, got {other:?}"),
        }),
    }
}

/// Checks a lease owner: 1 to 128 bytes (hosts use random hex).
pub(crate) fn check_owner(owner: &str) -> Result<&str> {
    if owner.is_empty() || owner.len() > 128 {
        return Err(Error::InvalidArgument {
            field: "owner".into(),
            reason: "must be 1 to 128 bytes".into(),
        });
    }
    Ok(owner)
}
