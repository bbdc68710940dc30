//! Data minimisation (access.md §11.3) and de-duplication (§12.7). Every row, sync or async,
//! is kept only if it is the subject's: its filter column equals the subject's number (digits),
//! or its id is a ledger id of the subject, or its user is the subject's. Other rows are dropped
//! at once and counted; a filtered query that drops rows is an anomaly the report states.

use crate::access::interpret_body::ID_FIELDS;
use crate::access::parties::{phone_digits, SubjectMatch};
use crate::access::query::{FilterField, SubjectFilter};
use crate::access::record::{AccessRecord, ContentState};
use serde_json::{Map, Value};

fn text<'a>(row: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    // CSV headers may differ in case from the JSON names (§11.2).
    row.get(key)
        .or_else(|| {
            row.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v)| v)
        })?
        .as_str()
}

/// Whether `row` belongs to the subject for a query with `filter` (none for by-id queries).
pub fn row_is_subjects(
    row: &Map<String, Value>,
    filter: Option<&SubjectFilter>,
    subject: &SubjectMatch,
) -> bool {
    let by_id = ID_FIELDS
        .iter()
        .filter_map(|k| text(row, k))
        .any(|id| subject.ledger_ids.iter().any(|l| l == id));
    if by_id {
        return true;
    }
    let by_user = ["user_id", "from_user_id"]
        .iter()
        .filter_map(|k| text(row, k))
        .any(|u| subject.user_ids.iter().any(|s| s == u));
    if by_user {
        return true;
    }
    match filter {
        Some(f) if f.field == FilterField::ConversationId => {
            text(row, "conversation_id") == Some(f.value.as_str())
        }
        Some(f) => text(row, f.field.as_str())
            .map(phone_digits)
            .is_some_and(|d| !d.is_empty() && d == phone_digits(&f.value)),
        None => false,
    }
}

/// Keeps the subject's rows; returns them and how many were discarded.
pub fn filter_rows(
    rows: Vec<Map<String, Value>>,
    filter: Option<&SubjectFilter>,
    subject: &SubjectMatch,
) -> (Vec<Map<String, Value>>, u64) {
    let before = rows.len() as u64;
    let kept: Vec<_> = rows
        .into_iter()
        .filter(|r| row_is_subjects(r, filter, subject))
        .collect();
    let discarded = before - kept.len() as u64;
    (kept, discarded)
}

/// Merges records found more than once (§12.7): one per `record_key`, the copy with content
/// first, else the later one; `found_via` united; a disagreeing raw value adds
/// `field_conflict`. Sorted by `occurred_at`, then `record_key` (undated last).
pub fn merge_records(records: Vec<AccessRecord>) -> Vec<AccessRecord> {
    let mut out: Vec<AccessRecord> = Vec::new();
    let mut index = std::collections::HashMap::new();
    for r in records {
        match index.get(&r.record_key) {
            None => {
                index.insert(r.record_key.clone(), out.len());
                out.push(r);
            }
            Some(&i) => {
                let Some(kept) = out.get_mut(i) else { continue };
                let conflict = r.raw.iter().any(|(k, v)| {
                    kept.raw
                        .get(k)
                        .is_some_and(|w| !v.is_null() && !w.is_null() && v != w)
                });
                let mut via = kept.found_via.clone();
                via.extend(r.found_via.iter().copied());
                let take_new = kept.content.state != ContentState::Present;
                if take_new {
                    let ledger = kept.ledger.take();
                    *kept = r;
                    kept.ledger = kept.ledger.take().or(ledger);
                }
                via.sort();
                via.dedup();
                kept.found_via = via;
                if conflict && !kept.warnings.iter().any(|w| w == "field_conflict") {
                    kept.warnings.push("field_conflict".into());
                }
            }
        }
    }
    out.sort_by(|a, b| {
        (a.occurred_at.is_none(), &a.occurred_at, &a.record_key).cmp(&(
            b.occurred_at.is_none(),
            &b.occurred_at,
            &b.record_key,
        ))
    });
    out
}

/// Links records to the ledger entries with their id: `ledger` set, SMS part numbers filled.
pub fn link_ledger(records: &mut [AccessRecord], entries: &[crate::ledger::entry::LedgerEntry]) {
    for r in records.iter_mut() {
        let Some(e) = entries.iter().find(|e| e.id == r.vonage_id) else {
            continue;
        };
        r.ledger = Some(crate::access::record::LedgerLink {
            source: e.source.clone(),
            created_at: e.created_at,
        });
        if let Some(sms) = r.sms.as_mut() {
            let n = |k: &str| {
                e.extra
                    .get(k)
                    .and_then(Value::as_u64)
                    .and_then(|v| u16::try_from(v).ok())
            };
            sms.part = n("part");
            sms.parts = n("parts");
        }
    }
}
