//! The erasure receipt: what was done to each operation, signed with Ed25519.
//!
//! The signature (`ed25519-sha512`) is a plain Ed25519 signature over the 64-byte SHA-512
//! digest of the canonical JSON of `receipt` (serde's field order, no spaces): anyone can check
//! it with any Ed25519 library. Hashing first makes signing cost one pass over a receipt
//! instead of Ed25519's two, which is most of what finishing a million-operation job costs.
//! Receipts signed over the JSON itself (`ed25519`, erasekit 0.1.0) still verify.

use crate::erasure::event::{Counts, Terminal};
use crate::erasure::job::ErasureJob;
use crate::erasure::plan::Action;
use crate::erasure::target_check::{CheckResult, TargetCheckRecord};
use crate::error::{Error, Result};
use crate::ledger::subject::hex;
use crate::time::deadline::Deadline;
use crate::time::timestamp::UnixMillis;
use crate::vonage::payload_time::format_payload_time;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha512};

const FORMAT: &str = "erasekit-receipt/1";
/// What receipts are signed with: Ed25519 over the SHA-512 digest of the body's JSON.
const ALGORITHM: &str = "ed25519-sha512";
/// Ed25519 over the body's JSON itself, as erasekit 0.1.0 signed: verified, no longer made.
const ALGORITHM_PLAIN: &str = "ed25519";

/// One operation as the receipt reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ReceiptOperation {
    /// The operation id.
    pub op: u32,
    /// The resource id.
    pub target: String,
    /// What was called.
    #[serde(flatten)]
    pub action: Action,
    /// How it ended.
    pub state: Terminal,
    /// Calls sent.
    pub attempts: u32,
    /// First call.
    pub first_attempt_at: Option<UnixMillis>,
    /// Last call.
    pub last_attempt_at: Option<UnixMillis>,
    /// Last HTTP status.
    pub status: Option<u16>,
    /// Vonage's trace id from the last problem body.
    pub instance: Option<String>,
    /// The last problem (detail or reason), for anything not done.
    pub problem: Option<String>,
}

/// The signed content of a receipt. Names the subject only by its keyed hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ReceiptBody {
    /// `erasekit-receipt/1`.
    pub format: String,
    /// The receipt id (the job id).
    pub receipt_id: String,
    /// HMAC-SHA256 of the subject under the ledger key.
    pub subject_hash: String,
    /// The GDPR deadline.
    pub deadline: Deadline,
    /// When the plan was made.
    pub planned_at: UnixMillis,
    /// First call.
    pub started_at: Option<UnixMillis>,
    /// Last operation settled.
    pub finished_at: UnixMillis,
    /// True when every operation ended `done`, `not_found`, `expired` or `skipped` (none
    /// failed). Absent (`None`) only in receipts of erasekit 0.1, which did not say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complete: Option<bool>,
    /// Whether it finished within the deadline; since `complete` exists, only when complete too.
    pub on_time: bool,
    /// Final counts.
    pub counts: Counts,
    /// Each group's target check (a Redact product, `media`, `conversation`). Absent (`None`)
    /// only in receipts of erasekit 0.1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_checks: Option<Vec<TargetCheckRecord>>,
    /// Every operation.
    pub operations: Vec<ReceiptOperation>,
}

/// The signature block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ReceiptSignature {
    /// `ed25519-sha512` (or `ed25519` for receipts of erasekit 0.1.0).
    pub algorithm: String,
    /// The signer's public key, hex.
    pub public_key: String,
    /// The Ed25519 signature over the SHA-512 digest of the canonical JSON of `receipt`
    /// (`ed25519`: over that JSON itself), hex.
    pub value: String,
}

/// A signed receipt: `{ "receipt": {...}, "signature": {...} }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Receipt {
    /// The content.
    pub receipt: ReceiptBody,
    /// The signature over it.
    pub signature: ReceiptSignature,
}

impl Receipt {
    /// The receipt as JSON text.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// A few human-readable lines; the first says plainly whether the erasure is COMPLETE,
    /// INCOMPLETE (operations failed: nothing is proven for them) and LATE.
    pub fn summary(&self) -> String {
        let r = &self.receipt;
        let c = &r.counts;
        let complete = r.complete.unwrap_or(c.failed == 0);
        let verdict = match (complete, r.on_time) {
            (true, true) => "COMPLETE, on time".to_owned(),
            (true, false) => "COMPLETE but LATE".to_owned(),
            (false, _) => format!(
                "INCOMPLETE: {} of {} operations failed; the erasure is not done",
                c.failed, c.total
            ),
        };
        let late = r.deadline.is_overdue(r.finished_at);
        let mut text = format!(
            "{verdict}\nreceipt {}\nsubject (keyed hash) {}\nfinished {} (due {}{})\n{} operations: {} done, {} not found, {} expired, {} skipped, {} failed; {} retries",
            r.receipt_id,
            r.subject_hash,
            format_payload_time(r.finished_at),
            format_payload_time(r.deadline.due_at),
            if late { ", LATE" } else { "" },
            c.total, c.done, c.not_found, c.expired, c.skipped, c.failed, c.retries
        );
        for check in r.target_checks.iter().flatten() {
            if check.result == CheckResult::Failed {
                text.push_str(&format!(
                    "\ntarget check {} FAILED: {}",
                    check.group,
                    check.reason.as_deref().unwrap_or("no reason given")
                ));
            }
        }
        text
    }
}

impl ErasureJob {
    /// The signed receipt of a finished job. `signing_key` is a 32-byte Ed25519 seed from the host.
    pub fn receipt(&self, signing_key: &[u8]) -> Result<Receipt> {
        let body = self.receipt_body()?;
        let (signature, _) = sign(&body, signing_key)?;
        Ok(Receipt {
            receipt: body,
            signature,
        })
    }

    /// The signed receipt as compact JSON text (what `serde_json::to_string` makes of
    /// [`ErasureJob::receipt`]), for hosts that hand it on as text: the body is written once,
    /// for signing and for the text, which halves the cost for a large job.
    pub fn receipt_json(&self, signing_key: &[u8]) -> Result<String> {
        let body = self.receipt_body()?;
        let (signature, bytes) = sign(&body, signing_key)?;
        let signature = serde_json::to_string(&signature).map_err(|e| Error::Storage {
            reason: e.to_string(),
        })?;
        let body = String::from_utf8(bytes).map_err(|e| Error::Storage {
            reason: e.to_string(),
        })?;
        Ok(format!("{{\"receipt\":{body},\"signature\":{signature}}}"))
    }

    fn receipt_body(&self) -> Result<ReceiptBody> {
        let finished_at = self
            .finished_at
            .filter(|_| self.is_finished())
            .ok_or_else(|| Error::JobNotFinished {
                pending: self.counts.total - self.counts.finished(),
            })?;
        let operations = self
            .plan
            .operations
            .iter()
            .zip(&self.ops)
            .map(|(op, s)| ReceiptOperation {
                op: op.op,
                target: op.target.clone(),
                action: op.action.clone(),
                state: s.terminal().unwrap_or(Terminal::Failed),
                attempts: s.attempts,
                first_attempt_at: s.first_attempt_at,
                last_attempt_at: s.last_attempt_at,
                status: s.status,
                instance: s.instance.as_deref().map(str::to_owned),
                problem: s
                    .problem
                    .as_deref()
                    .map(str::to_owned)
                    .filter(|_| s.terminal() != Some(Terminal::Done)),
            })
            .collect();
        // Every operation is terminal here: complete unless one failed.
        let complete = self.counts.failed == 0;
        let body = ReceiptBody {
            format: FORMAT.into(),
            receipt_id: self.config.job_id.clone(),
            subject_hash: self.plan.subject_hash.clone(),
            deadline: self.plan.deadline.clone(),
            planned_at: self.plan.planned_at,
            started_at: self.started_at,
            finished_at,
            complete: Some(complete),
            on_time: complete && !self.plan.deadline.is_overdue(finished_at),
            counts: self.counts,
            target_checks: Some(self.target_check_records()),
            operations,
        };
        Ok(body)
    }
}

fn key(seed: &[u8]) -> Result<SigningKey> {
    let seed: [u8; 32] = seed.try_into().map_err(|_| Error::InvalidArgument {
        field: "signing_key".into(),
        reason: format!("an Ed25519 key is a 32-byte seed, got {} bytes", seed.len()),
    })?;
    Ok(SigningKey::from_bytes(&seed))
}

/// The public key (hex) for a 32-byte Ed25519 seed; publish it to let others verify receipts.
pub fn receipt_public_key(signing_key: &[u8]) -> Result<String> {
    Ok(hex(key(signing_key)?.verifying_key().as_bytes()))
}

/// The signature over `body`, and the body's JSON it covers.
fn sign(body: &ReceiptBody, signing_key: &[u8]) -> Result<(ReceiptSignature, Vec<u8>)> {
    let bytes = serde_json::to_vec(body).map_err(|e| Error::Storage {
        reason: e.to_string(),
    })?;
    Ok((sign_bytes(&bytes, signing_key)?, bytes))
}

/// The `ed25519-sha512` signature over `bytes` (the access report and access receipt are
/// signed exactly as erasure receipts are).
pub(crate) fn sign_bytes(bytes: &[u8], signing_key: &[u8]) -> Result<ReceiptSignature> {
    let key = key(signing_key)?;
    let digest = Sha512::digest(bytes);
    Ok(ReceiptSignature {
        algorithm: ALGORITHM.into(),
        public_key: hex(key.verifying_key().as_bytes()),
        value: hex(&key.sign(&digest).to_bytes()),
    })
}

/// Verifies a receipt's signature. With `public_key` (hex) it must also be signed by that key;
/// without, only integrity is proven (anyone can sign with their own key).
pub fn verify_receipt(json: &str, public_key: Option<&str>) -> Result<ReceiptBody> {
    let invalid = |reason: String| Error::InvalidReceipt { reason };
    let value: serde_json::Value =
        serde_json::from_str(json).map_err(|e| invalid(format!("not JSON: {e}")))?;
    let receipt: Receipt =
        serde_json::from_value(value.clone()).map_err(|e| invalid(e.to_string()))?;
    let prehashed = match receipt.signature.algorithm.as_str() {
        ALGORITHM => true,
        ALGORITHM_PLAIN => false,
        _ => return Err(invalid("unknown receipt format or algorithm".into())),
    };
    if receipt.receipt.format != FORMAT {
        return Err(invalid("unknown receipt format or algorithm".into()));
    }
    // Fields this version does not know would not be covered by the signature: refuse them.
    let canonical = serde_json::to_value(&receipt.receipt).map_err(|e| invalid(e.to_string()))?;
    if canonical != value["receipt"] {
        return Err(Error::BadSignature {
            reason: "the receipt has fields that are not signed".into(),
        });
    }
    let bytes = serde_json::to_vec(&receipt.receipt).map_err(|e| invalid(e.to_string()))?;
    verify_bytes(&bytes, &receipt.signature, public_key, prehashed)?;
    Ok(receipt.receipt)
}

/// Checks `signature` over `bytes` (`prehashed`: over their SHA-512 digest, `ed25519-sha512`),
/// and that the signer is `public_key` when given.
pub(crate) fn verify_bytes(
    bytes: &[u8],
    signature: &ReceiptSignature,
    public_key: Option<&str>,
    prehashed: bool,
) -> Result<()> {
    let invalid = |reason: String| Error::InvalidReceipt { reason };
    if let Some(expected) = public_key {
        if !expected.eq_ignore_ascii_case(&signature.public_key) {
            return Err(Error::BadSignature {
                reason: "signed by a different key".into(),
            });
        }
    }
    // Hex digits only (see `unhex`): a sign accepted by `from_str_radix` made one signature
    // verify under many spellings (found by fuzzing).
    let unhex = |s: &str, n: usize| crate::ledger::subject::unhex(s).filter(|v| v.len() == n);
    let pk: [u8; 32] = unhex(&signature.public_key, 32)
        .and_then(|v| v.try_into().ok())
        .ok_or_else(|| invalid("public_key is not 32 bytes of hex".into()))?;
    let sig: [u8; 64] = unhex(&signature.value, 64)
        .and_then(|v| v.try_into().ok())
        .ok_or_else(|| invalid("signature is not 64 bytes of hex".into()))?;
    let vk = VerifyingKey::from_bytes(&pk)
        .map_err(|_| invalid("public_key is not an Ed25519 key".into()))?;
    let message = if prehashed {
        Sha512::digest(bytes).to_vec()
    } else {
        bytes.to_vec()
    };
    vk.verify_strict(&message, &Signature::from_bytes(&sig))
        .map_err(|_| Error::BadSignature {
            reason: "the signature does not match the content".into(),
        })
}
