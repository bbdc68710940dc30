//! The access receipt (access.md §16): the controller's accountability copy. Like the erasure
//! receipt it names the subject only by keyed hash and holds no records, no numbers and no
//! message text; it is kept after the ledger forgets the subject (Art. 5(2)).

use crate::access::report::{AccessReport, SourceRecord};
use crate::access::report_gaps::Gap;
use crate::error::{Error, Result};
use crate::receipt::{sign_bytes, verify_bytes, ReceiptSignature};
use crate::time::timestamp::UnixMillis;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The schema name.
pub const ACCESS_RECEIPT_SCHEMA: &str = "erasekit.access-receipt/1";

/// The request as the receipt keeps it: ids, dates, the verification method.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptRequest {
    /// The host's request id.
    pub request_id: String,
    /// Received.
    pub received_on: String,
    /// Due.
    pub due_on: String,
    /// Due when extended.
    pub extended_due_on: Option<String>,
    /// How the identity was checked.
    pub verification_method: String,
}

/// The signed content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessReceiptBody {
    /// [`ACCESS_RECEIPT_SCHEMA`].
    pub schema: String,
    /// The report's id.
    pub report_id: String,
    /// The subject's keyed hash.
    pub subject_hash: String,
    /// The request.
    pub request: ReceiptRequest,
    /// When the host delivered the report (ms), if it says.
    pub delivered_at: Option<UnixMillis>,
    /// The sources searched (no numbers in them).
    pub sources: Vec<SourceRecord>,
    /// Records per family and direction.
    pub counts: BTreeMap<String, BTreeMap<String, u64>>,
    /// Ledger entries without a record.
    pub not_found: u64,
    /// Withheld values by reason.
    pub withheld: BTreeMap<String, u64>,
    /// Gap codes.
    pub gaps: Vec<String>,
    /// SHA-256 of the canonical signed report.
    pub report_sha256: String,
}

/// A signed access receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessReceipt {
    /// The content.
    pub receipt: AccessReceiptBody,
    /// The signature (`ed25519-sha512`, as erasure receipts).
    pub signature: ReceiptSignature,
}

fn json<T: Serialize>(v: &T) -> Result<Vec<u8>> {
    serde_json::to_vec(v).map_err(|e| Error::Storage {
        reason: e.to_string(),
    })
}

impl AccessReport {
    /// The signed access receipt of this (signed) report.
    pub fn receipt(
        &self,
        delivered_at: Option<UnixMillis>,
        signing_key: &[u8],
    ) -> Result<AccessReceipt> {
        let r = &self.request;
        let method = serde_json::to_value(r.verification.method).map_err(|e| Error::Storage {
            reason: e.to_string(),
        })?;
        let body = AccessReceiptBody {
            schema: ACCESS_RECEIPT_SCHEMA.into(),
            report_id: self.report_id.clone(),
            subject_hash: self.subject.subject_hash.clone(),
            request: ReceiptRequest {
                request_id: r.request_id.clone(),
                received_on: r.received_on.to_string(),
                due_on: r.due_on.to_string(),
                extended_due_on: r.extended_due_on.map(|d| d.to_string()),
                verification_method: method.as_str().unwrap_or_default().to_owned(),
            },
            delivered_at,
            sources: self.sources.clone(),
            counts: self.summary.by_family.clone(),
            not_found: self.not_found.len() as u64,
            withheld: self.summary.withheld.clone(),
            gaps: self.gaps.iter().map(|g: &Gap| g.code.clone()).collect(),
            report_sha256: self.sha256()?,
        };
        let signature = sign_bytes(&json(&body)?, signing_key)?;
        Ok(AccessReceipt {
            receipt: body,
            signature,
        })
    }
}

/// Verifies an access receipt's JSON (signed by `public_key` when given).
pub fn verify_access_receipt(text: &str, public_key: Option<&str>) -> Result<AccessReceiptBody> {
    let invalid = |reason: String| Error::InvalidReceipt { reason };
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| invalid(e.to_string()))?;
    let receipt: AccessReceipt =
        serde_json::from_value(value.clone()).map_err(|e| invalid(e.to_string()))?;
    if receipt.receipt.schema != ACCESS_RECEIPT_SCHEMA
        || receipt.signature.algorithm != "ed25519-sha512"
    {
        return Err(invalid("unknown access receipt schema or algorithm".into()));
    }
    if serde_json::to_value(&receipt.receipt).ok().as_ref() != value.get("receipt") {
        return Err(Error::BadSignature {
            reason: "the receipt has fields that are not signed".into(),
        });
    }
    verify_bytes(
        &json(&receipt.receipt)?,
        &receipt.signature,
        public_key,
        true,
    )?;
    Ok(receipt.receipt)
}
