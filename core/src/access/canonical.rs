//! The canonical JSON of a report (access.md §14.2: keys sorted, no insignificant whitespace,
//! UTF-8, numbers as given) and its signature, made and checked exactly as erasure receipts
//! are (`ed25519-sha512`, [`crate::receipt`]).

use crate::access::record::AccessRecord;
use crate::access::report::AccessReport;
use crate::error::{Error, Result};
use crate::ledger::subject::hex;
use crate::receipt::{sign_bytes, verify_bytes};
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The name of the canonical form.
pub const CANONICAL_FORM: &str = "json-c14n-erasekit-1";

/// `value` written with object keys sorted at every depth and no whitespace.
pub fn canonical_json(value: &Value) -> String {
    let mut out = String::new();
    write(value, &mut out);
    out
}

fn write(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::from(k.as_str()).to_string());
                out.push(':');
                if let Some(v) = map.get(k) {
                    write(v, out);
                }
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(v, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

fn to_value<T: Serialize>(v: &T) -> Result<Value> {
    serde_json::to_value(v).map_err(|e| Error::Storage {
        reason: e.to_string(),
    })
}

/// SHA-256 (hex) of the canonical `records` array.
pub(crate) fn records_sha256(records: &[AccessRecord]) -> String {
    let text = to_value(&records)
        .map(|v| canonical_json(&v))
        .unwrap_or_default();
    hex(&Sha256::digest(text.as_bytes()))
}

impl AccessReport {
    /// The canonical JSON of the report (the JSON rendering, §15.1).
    pub fn to_canonical_json(&self) -> Result<String> {
        Ok(canonical_json(&to_value(self)?))
    }

    /// The bytes the signature covers: the canonical report without `integrity.signature`.
    fn signed_bytes(&self) -> Result<Vec<u8>> {
        let mut unsigned = self.clone();
        unsigned.integrity.signature = None;
        Ok(unsigned.to_canonical_json()?.into_bytes())
    }

    /// Signs the report with the ledger's receipt key (a 32-byte Ed25519 seed).
    pub fn sign(&mut self, signing_key: &[u8]) -> Result<()> {
        let signature = sign_bytes(&self.signed_bytes()?, signing_key)?;
        self.integrity.signature = Some(signature);
        Ok(())
    }

    /// SHA-256 (hex) of the canonical signed report (the access receipt names it).
    pub fn sha256(&self) -> Result<String> {
        Ok(hex(&Sha256::digest(self.to_canonical_json()?.as_bytes())))
    }
}

/// Checks a report's JSON: the records hash, and the signature (by `public_key` when given).
pub fn verify_access_report(json: &str, public_key: Option<&str>) -> Result<AccessReport> {
    let invalid = |reason: String| Error::InvalidReceipt { reason };
    let report: AccessReport =
        serde_json::from_str(json).map_err(|e| invalid(format!("not an access report: {e}")))?;
    let value: Value = serde_json::from_str(json).map_err(|e| invalid(e.to_string()))?;
    if to_value(&report)? != value {
        return Err(Error::BadSignature {
            reason: "the report has fields that are not signed".into(),
        });
    }
    if records_sha256(&report.records) != report.integrity.records_sha256 {
        return Err(Error::BadSignature {
            reason: "records_sha256 does not match the records".into(),
        });
    }
    let signature = report
        .integrity
        .signature
        .clone()
        .ok_or_else(|| invalid("the report is not signed".into()))?;
    if signature.algorithm != "ed25519-sha512" {
        return Err(invalid("unknown signature algorithm".into()));
    }
    verify_bytes(&report.signed_bytes()?, &signature, public_key, true)?;
    Ok(report)
}
