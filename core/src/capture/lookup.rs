//! Verify (v1, v2) and Number Insight responses: one `request_id` each.

use super::payload::Payload;
use crate::error::Result;
use crate::ledger::entry::LedgerEntry;
use crate::vonage::product::Product;
use serde_json::Value;

/// Verify v1 start response (`status` "0" and a `request_id`; a failed request has none).
pub(crate) fn verify(p: &Payload<'_>) -> Result<Vec<LedgerEntry>> {
    request(p, Product::Verify, "v1")
}

/// Verify v2 start response. Redact's product for v2 is not confirmed by Vonage; `verify` is used.
pub(crate) fn verify_v2(p: &Payload<'_>) -> Result<Vec<LedgerEntry>> {
    request(p, Product::Verify, "v2")
}

/// Number Insight response or async callback (`request_id`, `status` 0 on success).
pub(crate) fn number_insight(p: &Payload<'_>) -> Result<Vec<LedgerEntry>> {
    request(p, Product::NumberInsight, "v1")
}

fn request(p: &Payload<'_>, product: Product, api: &str) -> Result<Vec<LedgerEntry>> {
    if let Some(status) = p.text("status").filter(|s| s != "0") {
        let why = p
            .text("error_text")
            .or_else(|| p.text("status_message"))
            .unwrap_or_default();
        return Err(p.error(
            "status",
            &format!("is {status} (the request failed: {why}); there is no record to keep"),
        ));
    }
    let id = p.id("request_id")?;
    let created_at = p.created_at(&[])?;
    let mut extra = serde_json::Map::new();
    extra.insert("api".into(), Value::from(api));
    Ok(vec![p.transaction(product, None, id, created_at, extra)])
}
