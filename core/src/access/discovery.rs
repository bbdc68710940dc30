//! Discovery feeds erasure (issue 11): records a scan found that the ledger never held become
//! ledger entries, so `ledger.record(subject, entries)` and then an erasure plan erase what the
//! company never captured ("erase everything Vonage holds for +44 7700 900123").

use crate::access::record::{AccessRecord, FoundVia, RedactionState};
use crate::access::report::AccessReport;
use crate::access::wire_time::parse_wire_time;
use crate::ledger::entry::{EntryKind, LedgerEntry};
use crate::vonage::product::Product;
use crate::vonage::transaction_id::TransactionId;
use serde_json::{Map, Value};

/// The capture source of discovered entries.
pub const DISCOVERED_SOURCE: &str = "access_report";

/// The Redact product (and Verify/NI API) of a Reports product; `None` when Redact has none.
fn redact_product(source_product: &str) -> Option<(Product, Option<&'static str>)> {
    Some(match source_product {
        "SMS" | "MESSAGE-SEARCH" => (Product::Sms, None),
        "MESSAGES" => (Product::Messages, None),
        "VOICE-CALL" | "VOICE-FAILED" => (Product::Voice, None),
        "VERIFY-API" => (Product::Verify, Some("v1")),
        "VERIFY-V2" => (Product::Verify, Some("v2")),
        "NUMBER-INSIGHT" => (Product::NumberInsight, Some("v1")),
        _ => return None,
    })
}

fn entry(record: &AccessRecord, report_id: &str) -> Option<LedgerEntry> {
    if record.ledger.is_some()
        || record.found_via.contains(&FoundVia::ById)
        || record.redaction.state == RedactionState::Full
    {
        return None;
    }
    let (product, api) = redact_product(&record.source_product)?;
    TransactionId::check(&record.vonage_id).ok()?;
    let created_at = parse_wire_time(record.occurred_at.as_deref()?)?.at;
    let mut extra = Map::new();
    if let Some(api) = api {
        extra.insert("api".into(), Value::from(api));
    }
    extra.insert("access_report".into(), Value::from(report_id));
    Some(LedgerEntry {
        kind: EntryKind::Transaction,
        product: Some(product),
        direction: record.direction,
        id: record.vonage_id.clone(),
        created_at,
        source: DISCOVERED_SOURCE.into(),
        extra,
    })
}

impl AccessReport {
    /// Ledger entries for every record found by a scan (not by a ledger id) that the ledger did
    /// not hold and that Redact can erase: fully redacted records, records without a time and
    /// products without a Redact product are left out. No message text goes into `extra`.
    pub fn discovered_entries(&self) -> Vec<LedgerEntry> {
        let mut out: Vec<LedgerEntry> = Vec::new();
        for e in self
            .records
            .iter()
            .filter_map(|r| entry(r, &self.report_id))
        {
            if !out.iter().any(|o| o.key() == e.key()) {
                out.push(e);
            }
        }
        out
    }
}
