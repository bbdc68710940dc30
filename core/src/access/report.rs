//! The report model `erasekit.access-report/1` (access.md §14): the Art. 15 answer — the
//! confirmation, the copy, the processing information — and what was searched, not found,
//! withheld and not searchable, built from a finished run's parts.

use crate::access::civil_date::CivilDate;
use crate::access::dictionary::{categories, field_dictionary, FieldDescription};
use crate::access::input::{AccessMode, AccessRequest, Extension, VerificationMethod};
use crate::access::plan::{AccessPlan, NotFoundEntry};
use crate::access::record::{AccessRecord, RedactionState};
use crate::access::report_gaps::{standard_gaps, Gap};
use crate::access::wire_time::format_rfc3339;
use crate::receipt::ReceiptSignature;
use crate::time::timestamp::UnixMillis;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The schema name.
pub const ACCESS_REPORT_SCHEMA: &str = "erasekit.access-report/1";

/// Who answers (the controller).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ControllerInfo {
    /// The controller's name.
    pub name: String,
    /// How to reach it.
    pub contact: String,
    /// Its data protection officer, if any.
    pub dpo: Option<String>,
}

/// The supervisory authority (Art. 15(1)(f)).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Complaint {
    /// Its name.
    pub authority: String,
    /// Its web address.
    pub url: String,
}

/// Art. 15(1)(a)–(h) and 15(2), from the controller's configuration; `categories` is
/// completed from the records found (§12.6).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProcessingInfo {
    /// (a) purposes.
    pub purposes: Vec<String>,
    /// Legal bases.
    pub legal_bases: Vec<String>,
    /// (b) categories (derived ones are added).
    pub categories: Vec<String>,
    /// (c) recipients.
    pub recipients: Vec<String>,
    /// (d) storage periods.
    pub retention: Vec<String>,
    /// (g) sources.
    pub sources: Vec<String>,
    /// (e) rights.
    pub rights: String,
    /// (f) complaint.
    pub complaint: Complaint,
    /// (h) automated decisions.
    pub automated_decisions: String,
    /// 15(2) transfers.
    pub transfers: String,
}

/// The verification as the report prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportVerification {
    /// The method.
    pub method: VerificationMethod,
    /// When (RFC 3339 UTC).
    pub verified_at: String,
    /// The reason, for `not_verified`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The period searched, RFC 3339 UTC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportRange {
    /// Start, inclusive.
    pub from: String,
    /// End, exclusive.
    pub to: String,
}

/// The request section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportRequest {
    /// The host's id.
    pub request_id: String,
    /// Received.
    pub received_on: CivilDate,
    /// The clock started.
    pub clock_started_on: CivilDate,
    /// Due.
    pub due_on: CivilDate,
    /// Due on a weekend.
    pub due_on_is_weekend: bool,
    /// Due when extended.
    pub extended_due_on: Option<CivilDate>,
    /// The extension.
    pub extension: Option<Extension>,
    /// The identity check.
    pub verification: ReportVerification,
    /// `full`.
    pub mode: AccessMode,
    /// The period searched.
    pub scope: ReportRange,
}

/// An identifier searched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportIdentifier {
    /// `phone` or `conversation_user`.
    pub kind: String,
    /// The value.
    pub value: String,
    /// From.
    pub valid_from: Option<String>,
    /// Until.
    pub valid_until: Option<String>,
}

/// The subject section: the keyed hash and the identifiers searched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportSubject {
    /// HMAC-SHA256 of the subject under the ledger key.
    pub subject_hash: String,
    /// The identifiers searched.
    pub identifiers: Vec<ReportIdentifier>,
}

/// Whether Vonage holds data on the subject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confirmation {
    /// Whether any record was found.
    pub vonage_holds_data: bool,
    /// How many.
    pub record_count: u64,
}

/// Counts for the summary.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ReportSummary {
    /// Family → direction (`inbound`, `outbound`, `-`) → count.
    pub by_family: BTreeMap<String, BTreeMap<String, u64>>,
    /// The earliest `occurred_at`.
    pub first_record_at: Option<String>,
    /// The latest `occurred_at`.
    pub last_record_at: Option<String>,
    /// Records with any redaction.
    pub redacted_records: u64,
    /// Withheld values by reason.
    pub withheld: BTreeMap<String, u64>,
}

/// One source searched: a query group, as the job accounts for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceRecord {
    /// `vonage.reports.sync`, `vonage.reports.async`, `vonage.message_search`.
    pub system: String,
    /// The account.
    pub account_id: String,
    /// The product.
    pub product: String,
    /// The direction.
    pub direction: Option<String>,
    /// `by_id`, `phone_scan`, `conversation_scan`.
    pub strategy: String,
    /// The period, if a scan.
    pub range: Option<ReportRange>,
    /// Requests sent.
    pub requests: u64,
    /// Records kept.
    pub records_kept: u64,
    /// Rows discarded by the row filter (an anomaly when > 0 on a filtered query).
    pub rows_discarded: u64,
    /// The terminal state (`done`, `partial`, `failed`, `unavailable`, `skipped`).
    pub state: String,
}

/// The integrity block (§14.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Integrity {
    /// SHA-256 (hex) of the canonical `records` array.
    pub records_sha256: String,
    /// `json-c14n-erasekit-1`: keys sorted, no whitespace, UTF-8.
    pub canonical: String,
    /// The signature over the canonical report without this field.
    pub signature: Option<ReceiptSignature>,
}

/// The report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccessReport {
    /// [`ACCESS_REPORT_SCHEMA`].
    pub schema: String,
    /// The report id (from the job's entropy).
    pub report_id: String,
    /// When it was made (RFC 3339 UTC).
    pub generated_at: String,
    /// The controller.
    pub controller: ControllerInfo,
    /// The request.
    pub request: ReportRequest,
    /// The subject.
    pub subject: ReportSubject,
    /// The confirmation.
    pub confirmation: Confirmation,
    /// Art. 15(1) information.
    pub processing: ProcessingInfo,
    /// Counts.
    pub summary: ReportSummary,
    /// The records, by `occurred_at` then `record_key`.
    pub records: Vec<AccessRecord>,
    /// Ledger entries without a record.
    pub not_found: Vec<NotFoundEntry>,
    /// What was searched.
    pub sources: Vec<SourceRecord>,
    /// What could not be searched.
    pub gaps: Vec<Gap>,
    /// Every field named, explained.
    pub field_dictionary: BTreeMap<String, FieldDescription>,
    /// Hash and signature.
    pub integrity: Integrity,
}

/// What a report is built from: the plan, the request, and what the run found.
#[derive(Debug, Clone)]
pub struct ReportParts<'a> {
    /// The plan that ran.
    pub plan: &'a AccessPlan,
    /// The request.
    pub request: &'a AccessRequest,
    /// The report id.
    pub report_id: String,
    /// When the report is made.
    pub generated_at: UnixMillis,
    /// The subject's keyed hash.
    pub subject_hash: String,
    /// The controller.
    pub controller: ControllerInfo,
    /// Art. 15(1) information.
    pub processing: ProcessingInfo,
    /// Records, merged ([`crate::merge_records`]).
    pub records: Vec<AccessRecord>,
    /// Not found after the run (the plan's own are added).
    pub not_found: Vec<NotFoundEntry>,
    /// Sources.
    pub sources: Vec<SourceRecord>,
    /// Gaps the run found (unavailable sources, partial windows); the standard ones are added.
    pub gaps: Vec<Gap>,
}

fn rfc(at: UnixMillis) -> String {
    format_rfc3339(at, false)
}

impl AccessReport {
    /// Builds the (unsigned) report; sign it with [`AccessReport::sign`].
    pub fn build(parts: ReportParts<'_>) -> AccessReport {
        let p = parts.plan;
        let r = parts.request;
        let mut summary = ReportSummary::default();
        for rec in &parts.records {
            let d = rec.direction.map_or("-", |d| d.as_str());
            *summary
                .by_family
                .entry(rec.family.as_str().to_owned())
                .or_default()
                .entry(d.to_owned())
                .or_default() += 1;
            summary.redacted_records += u64::from(rec.redaction.state != RedactionState::None);
            for w in &rec.withheld {
                let reason = serde_json::to_value(w.reason).ok();
                let key = reason.as_ref().and_then(|v| v.as_str()).unwrap_or("policy");
                *summary.withheld.entry(key.to_owned()).or_default() += 1;
            }
        }
        summary.first_record_at = parts
            .records
            .iter()
            .filter_map(|r| r.occurred_at.clone())
            .min();
        summary.last_record_at = parts
            .records
            .iter()
            .filter_map(|r| r.occurred_at.clone())
            .max();
        let mut not_found = p.not_found.clone();
        not_found.extend(parts.not_found);
        not_found.sort_by(|a, b| (a.created_at, &a.ledger_id).cmp(&(b.created_at, &b.ledger_id)));
        let mut processing = parts.processing;
        for c in categories(&parts.records) {
            if !processing.categories.contains(&c) {
                processing.categories.push(c);
            }
        }
        let gaps = standard_gaps(p, &parts.records, &not_found, parts.gaps);
        let count = parts.records.len() as u64;
        AccessReport {
            schema: ACCESS_REPORT_SCHEMA.into(),
            report_id: parts.report_id,
            generated_at: rfc(parts.generated_at),
            controller: parts.controller,
            request: ReportRequest {
                request_id: r.request_id.clone(),
                received_on: r.received_on,
                clock_started_on: r.clock_started_on.unwrap_or(r.received_on),
                due_on: p.due.due_on,
                due_on_is_weekend: p.due.due_on_is_weekend,
                extended_due_on: p.due.extended_due_on,
                extension: r.extended.clone(),
                verification: ReportVerification {
                    method: r.verification.method,
                    verified_at: rfc(r.verification.verified_at),
                    reason: r.verification.reason.clone(),
                },
                mode: r.mode,
                scope: ReportRange {
                    from: rfc(p.range.from),
                    to: rfc(p.range.to),
                },
            },
            subject: ReportSubject {
                subject_hash: parts.subject_hash,
                identifiers: p
                    .identifiers
                    .iter()
                    .map(|i| ReportIdentifier {
                        kind: i.identifier.kind().to_owned(),
                        value: i.identifier.value().to_owned(),
                        valid_from: i.valid_from.map(rfc),
                        valid_until: i.valid_until.map(rfc),
                    })
                    .collect(),
            },
            confirmation: Confirmation {
                vonage_holds_data: count > 0,
                record_count: count,
            },
            processing,
            summary,
            field_dictionary: field_dictionary(&parts.records),
            integrity: Integrity {
                records_sha256: String::new(),
                canonical: crate::access::canonical::CANONICAL_FORM.into(),
                signature: None,
            },
            records: parts.records,
            not_found,
            sources: parts.sources,
            gaps,
        }
        .with_records_hash()
    }

    fn with_records_hash(mut self) -> AccessReport {
        self.integrity.records_sha256 = crate::access::canonical::records_sha256(&self.records);
        self
    }
}
