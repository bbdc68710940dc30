//! Property tests for subject access at the core's level (access.md §19): plans are
//! deterministic and never send more than 20 ids, windows tile the range exactly, credentials
//! never follow a link to another host, no row without a subject match survives the filter,
//! hostile text never becomes markup, and a signed report verifies until it is changed.

use erasekit_core::{
    canonical_json, download_file_id, filter_rows, is_trusted_next_link, normalise_record,
    read_report_archive, verify_access_receipt, verify_access_report, windows, AccessPlan,
    AccessPlanInput, AccessReport, ApiBase, ApiFamily, ArchiveLimits, ControllerInfo, FilterField,
    FoundVia, HtmlOptions, NextPage, ProcessingInfo, QueryMode, QueryStrategy, RecordSource,
    ReportParts, SubjectFilter, SubjectMatch, SubjectNumber, TimeRange, MAX_IDS_PER_LOOKUP,
};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

const NOW: u64 = 1_773_309_600_000; // 2026-03-12T10:00:00Z
const DAY: u64 = 86_400_000;
const D: &str = "447700900123";

fn plan_input(ids: &[String], days_ago: &[u64], scope_days: Option<u64>) -> AccessPlanInput {
    let entries: Vec<Value> = ids
        .iter()
        .zip(days_ago.iter().cycle())
        .enumerate()
        .map(|(i, (id, ago))| {
            let product = ["sms", "messages", "voice", "number-insight"][i % 4];
            json!({"kind": "transaction", "product": product,
                   "direction": if product == "voice" || product == "number-insight" { Value::Null } else { json!("outbound") },
                   "id": id, "created_at": NOW - ago * 3_600_000, "source": "x", "extra": {}})
        })
        .collect();
    let mut request = json!({"request_id": "T-1", "received_on": "2026-03-03",
                             "verification": {"method": "otp_sms", "verified_at": NOW}});
    if let Some(d) = scope_days {
        request["scope"] = json!({"from": NOW - d * DAY});
    }
    serde_json::from_value(json!({
        "subject": "user-42", "entries": entries,
        "identifiers": [{"kind": "phone", "value": "+447700900123"}],
        "accounts": [{"api_key": "abcd1234", "role": "primary"}, {"api_key": "efgh5678", "role": "sub"}],
        "now": NOW, "request": request,
        "options": {"scan_mode": "auto"}
    }))
    .expect("input")
}

fn subject() -> SubjectMatch {
    SubjectMatch {
        numbers: vec![SubjectNumber {
            digits: D.into(),
            valid_from: None,
            valid_until: None,
        }],
        ..SubjectMatch::default()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn plans_are_deterministic_and_batches_small(
        ids in prop::collection::vec("[A-Z0-9]{8,16}", 0..70),
        ago in prop::collection::vec(0u64..12_000, 1..5),
        scope in prop::option::of(1u64..40),
    ) {
        let input = plan_input(&ids, &ago, scope);
        let a = AccessPlan::new(&input).expect("plan");
        let b = AccessPlan::new(&input).expect("plan");
        prop_assert_eq!(&a, &b);
        for (i, q) in a.queries.iter().enumerate() {
            prop_assert_eq!(q.query as usize, i);
            prop_assert!(q.ids.len() <= MAX_IDS_PER_LOOKUP);
            if q.mode == QueryMode::Async {
                // Never an unfiltered async report (§5.5).
                prop_assert!(q.filter.is_some() && q.range.is_some());
            }
            if q.strategy == QueryStrategy::ById {
                prop_assert!(q.range.is_none() && q.filter.is_none());
            }
            if let Some(r) = q.range {
                prop_assert!(r.from < r.to && r.from >= a.range.from && r.to <= a.range.to);
            }
        }
        // Every ledger id is looked up once per target, or settled by the plan.
        let settled: Vec<&str> = a.not_found.iter().map(|n| n.ledger_id.as_str()).collect();
        for id in &ids {
            let looked_up = a.queries.iter().any(|q| q.ids.contains(id));
            prop_assert!(looked_up || settled.contains(&id.as_str()), "{} lost", id);
        }
    }

    #[test]
    fn windows_tile_the_range(from in 0u64..4_000_000_000_000, len in 1u64..(40 * DAY), width in 1u64..(2 * DAY)) {
        let range = TimeRange { from, to: from + len };
        let w = windows(range, width);
        prop_assert_eq!(w.first().map(|r| r.from), Some(range.from));
        prop_assert_eq!(w.last().map(|r| r.to), Some(range.to));
        for pair in w.windows(2) {
            prop_assert_eq!(pair[0].to, pair[1].from);
        }
        for r in &w {
            prop_assert!(r.from < r.to && r.to - r.from <= width);
        }
    }

    #[test]
    fn credentials_never_follow_a_foreign_link(host in "[a-z]{1,10}\\.[a-z]{2,5}", path in "/[a-z0-9/]{0,20}") {
        let base = ApiBase::default();
        let href = format!("https://{host}{path}?cursor=abc");
        let trusted = is_trusted_next_link(&href, base.url(ApiFamily::Reports));
        prop_assert!(!trusted || host == "api.nexmo.com");
        match NextPage::choose(Some(&href), Some("c"), None, &base) {
            Some(NextPage::Link(url)) => prop_assert!(url.starts_with("https://api.nexmo.com/")),
            Some(NextPage::Cursor { .. }) | None => {}
        }
        let download = format!("https://{host}/v3/media/abc");
        prop_assert!(download_file_id(&download, base.url(ApiFamily::Reports)).is_err() || host == "api.nexmo.com");
    }

    #[test]
    fn no_row_without_a_subject_match_survives(
        rows in prop::collection::vec(("[0-9]{6,14}", "[A-Z0-9]{4}"), 0..30),
        field in prop::sample::select(vec![FilterField::To, FilterField::From, FilterField::Number]),
    ) {
        let filter = SubjectFilter { field, value: D.into() };
        let rows: Vec<Map<String, Value>> = rows
            .iter()
            .map(|(n, id)| {
                let mut m = Map::new();
                m.insert(field.as_str().into(), json!(n));
                m.insert("message_id".into(), json!(id));
                m
            })
            .collect();
        let before = rows.len() as u64;
        let (kept, discarded) = filter_rows(rows, Some(&filter), &subject());
        prop_assert_eq!(kept.len() as u64 + discarded, before);
        for r in kept {
            prop_assert_eq!(r[field.as_str()].as_str(), Some(D));
        }
    }

    #[test]
    fn hostile_text_never_becomes_markup(body in "\\PC{0,60}", tag in prop::sample::select(vec!["<script>", "</td>", "<img src=x onerror=1>", "\u{202e}", "\u{0}", "<style>"])) {
        let text = format!("{body}{tag}{body}");
        let raw: Map<String, Value> = serde_json::from_value(json!({
            "message_id": "M1", "to": D, "from": "Brand", "message_body": text,
            "date_received": "2026-01-01T00:00:00Z"
        })).expect("raw");
        let source = RecordSource { product: "SMS".into(), direction: None, found_via: FoundVia::ById };
        let record = normalise_record(raw, &source, &subject());
        let report = report_with(vec![record]);
        let html = report.to_html(&HtmlOptions::default());
        let lower = html.to_ascii_lowercase();
        prop_assert!(!lower.contains("<script") && !lower.contains("<img") && !lower.contains("</td></td>"));
        prop_assert!(!html.contains(char::from(0)), "NUL in the page");
        prop_assert_eq!(html.matches("<style>").count(), 1);
    }
}

fn report_with(records: Vec<erasekit_core::AccessRecord>) -> AccessReport {
    let input = plan_input(&[], &[1], None);
    let plan = AccessPlan::new(&input).expect("plan");
    AccessReport::build(ReportParts {
        plan: &plan,
        request: &input.request,
        report_id: "r-1".into(),
        generated_at: NOW,
        subject_hash: "00".repeat(32),
        controller: ControllerInfo::default(),
        processing: ProcessingInfo::default(),
        records,
        not_found: Vec::new(),
        sources: Vec::new(),
        gaps: Vec::new(),
    })
}

const SEED: [u8; 32] = [7; 32];

#[test]
fn a_signed_report_verifies_and_any_change_breaks_it() {
    let raw: Map<String, Value> = serde_json::from_value(
        json!({"message_id": "M1", "to": D, "from": "Brand", "message_body": "hi"}),
    )
    .expect("raw");
    let source = RecordSource {
        product: "SMS".into(),
        direction: None,
        found_via: FoundVia::ById,
    };
    let mut report = report_with(vec![normalise_record(raw, &source, &subject())]);
    report.sign(&SEED).expect("sign");
    let text = report.to_canonical_json().expect("json");
    let pk = erasekit_core::receipt_public_key(&SEED).expect("pk");
    assert_eq!(
        verify_access_report(&text, Some(&pk)).expect("verify"),
        report
    );
    let edited = text.replace("\"hi\"", "\"ho\"");
    assert_eq!(
        verify_access_report(&edited, None).unwrap_err().code(),
        "bad_signature"
    );
    let mut value: Value = serde_json::from_str(&text).expect("json");
    value["records"][0]["vonage_id"] = json!("M2");
    // The records hash no longer matches either.
    let err = verify_access_report(&canonical_json(&value), None).unwrap_err();
    assert_eq!(err.code(), "bad_signature");
    assert_eq!(
        verify_access_report(&text, Some(&"00".repeat(32)))
            .unwrap_err()
            .code(),
        "bad_signature"
    );

    let receipt = report.receipt(None, &SEED).expect("receipt");
    let receipt_text = serde_json::to_string(&receipt).expect("receipt json");
    assert!(!receipt_text.contains(D) && !receipt_text.contains("\"hi\""));
    verify_access_receipt(&receipt_text, Some(&pk)).expect("receipt verifies");
    let forged = receipt_text.replace("\"not_found\":0", "\"not_found\":1");
    assert_eq!(
        verify_access_receipt(&forged, None).unwrap_err().code(),
        "bad_signature"
    );
}

#[test]
fn the_bundle_is_a_stored_zip_with_a_manifest() {
    let mut report = report_with(Vec::new());
    report.sign(&SEED).expect("sign");
    let bytes = report.to_bundle(&HtmlOptions::default()).expect("bundle");
    assert_eq!(
        bytes,
        report.to_bundle(&HtmlOptions::default()).expect("again")
    );
    // The archive reader refuses nothing in it; only .csv entries are read back.
    let read = read_report_archive(&bytes, &ArchiveLimits::default()).expect("readable");
    let names: Vec<&str> = read.csv.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(
        names,
        ["gaps.csv", "not_found.csv", "records.csv", "sources.csv"]
    );
    assert_eq!(read.ignored_entries, 3); // manifest.json, report.html, report.json
    let files = report.bundle_files(&HtmlOptions::default()).expect("files");
    let manifest: Value = serde_json::from_slice(&files["manifest.json"]).expect("manifest");
    assert_eq!(manifest.as_object().map(|m| m.len()), Some(6));
}

#[test]
fn the_message_search_secret_never_shows_in_debug_or_redacted_copies() {
    let credentials = erasekit_core::Credentials::new(erasekit_core::CredentialsInput {
        api_key: Some("abcd1234".into()),
        api_secret: Some("s3cr3tXYZ".into()),
        ..Default::default()
    })
    .expect("credentials");
    let query: erasekit_core::AccessQuery = serde_json::from_value(json!({
        "query": 0, "strategy": "by_id", "mode": "message_search", "account_id": "abcd1234",
        "product": "SMS", "direction": "outbound", "ids": ["A1"]
    }))
    .expect("query");
    let request = query
        .to_http(&ApiBase::default(), &credentials)
        .expect("request");
    assert!(request.url.contains("api_secret=s3cr3tXYZ"));
    assert!(!format!("{request:?}").contains("s3cr3tXYZ"));
    assert!(!request.redacted().url.contains("s3cr3tXYZ"));
    assert!(!erasekit_core::redact_search_url(&request.url).contains("s3cr3tXYZ"));
}

#[test]
fn a_plan_gives_the_subject_match_and_record_sources_the_job_needs() {
    let ids = vec!["LEDGER1".to_owned()];
    let mut input = plan_input(&ids, &[48], Some(2));
    input.options.controller_numbers = vec!["447700900001".into()];
    let plan = AccessPlan::new(&input).expect("plan");
    let subject = SubjectMatch::for_plan(&plan, &input);
    assert_eq!(subject.numbers.len(), 1);
    assert_eq!(subject.numbers[0].digits, D);
    assert_eq!(subject.ledger_ids, ["LEDGER1"]);
    assert_eq!(subject.controller_numbers, ["447700900001"]);
    let by_id = &plan.queries[0];
    assert_eq!(by_id.record_source().found_via, FoundVia::ById);
    let scan = plan
        .queries
        .iter()
        .find(|q| q.strategy == QueryStrategy::PhoneScan)
        .expect("a scan");
    assert_eq!(scan.record_source().found_via, FoundVia::PhoneScan);
    assert_eq!(scan.record_source().product, scan.product);
}
