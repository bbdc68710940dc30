//! Replays `tests/vectors/import_rows.json` through `import_rows`: each row becomes a ledger
//! entry for its subject, or an `invalid_row` error naming the row and the field.

use erasekit_core::{import_rows, ImportFormat, ImportRow, MemoryLedger};
use serde_json::{json, Value};

fn vectors() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/vectors/import_rows.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn item(result: erasekit_core::Result<ImportRow>) -> Value {
    match result {
        Ok(row) => serde_json::to_value(row).unwrap(),
        Err(e) => {
            let d = e.details();
            json!({ "error": e.code(), "row": d["row"], "field": d["field"] })
        }
    }
}

#[test]
fn import_row_vectors() {
    let doc = vectors();
    let mut failures = Vec::new();
    for case in doc["cases"].as_array().unwrap() {
        let format = ImportFormat::parse(case["format"].as_str().unwrap()).unwrap();
        let body = case["body"].as_str().unwrap().as_bytes();
        let got: Vec<Value> = import_rows(body, format).map(item).collect();
        let got = json!({ "rows": got });
        if got != case["expect"] {
            failures.push(format!(
                "{}:\n  expected {}\n  got      {}",
                case["name"], case["expect"], got
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failing:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn formats_are_named_or_sniffed() {
    assert_eq!(
        ImportFormat::sniff(b"\xEF\xBB\xBF {\"subject\":1}"),
        ImportFormat::JsonLines
    );
    assert_eq!(ImportFormat::sniff(b"subject,product"), ImportFormat::Csv);
    assert_eq!(
        ImportFormat::parse("ndjson").unwrap(),
        ImportFormat::JsonLines
    );
    assert_eq!(
        ImportFormat::parse("xlsx").unwrap_err().code(),
        "invalid_argument"
    );
}

#[test]
fn a_host_row_is_validated_like_a_json_line_and_recording_it_twice_adds_nothing() {
    let value = json!({ "subject": "user-42", "product": "sms", "id": "0A01",
                        "direction": "outbound", "created_at": "2020-01-01 12:00:00" });
    let row = ImportRow::from_value(7, &value).unwrap();
    assert_eq!(row.row, 7);
    let mut ledger = MemoryLedger::new(&[7; 32], &[9; 32]).unwrap();
    assert_eq!(
        ledger
            .record(&row.subject, std::slice::from_ref(&row.entry))
            .unwrap(),
        1
    );
    assert_eq!(
        ledger
            .record(&row.subject, std::slice::from_ref(&row.entry))
            .unwrap(),
        0
    );
    let e = ImportRow::from_value(8, &json!({ "subject": "user-42" })).unwrap_err();
    assert_eq!(e.code(), "invalid_row");
    assert_eq!(e.details()["row"], 8);
    assert_eq!(e.details()["field"], "product");
    assert!(e.to_string().contains("invalid row 8"), "{e}");
}
