//! Backfill files (issue 12): any bytes as CSV with a header or as JSON lines (`import_rows`).
//! Every row read is an entry `record` accepts; every error names its row.
#![no_main]

use erasekit_core::{check_subject, import_rows, ImportFormat, MemoryLedger, MAX_UNIX_MILLIS};
use erasekit_fuzz::{LEDGER_KEY, SIGNING_KEY};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((first, body)) = data.split_first() else {
        return;
    };
    let format = if first & 1 == 0 {
        ImportFormat::Csv
    } else {
        ImportFormat::JsonLines
    };
    let mut ledger = MemoryLedger::new(&LEDGER_KEY, &SIGNING_KEY).expect("a ledger");
    let mut last_row = 0;
    for (i, result) in import_rows(body, format).enumerate().take(10_000) {
        match result {
            Ok(row) => {
                assert!(
                    row.row >= last_row && row.row > 0,
                    "rows go forward: {}",
                    row.row
                );
                last_row = row.row;
                assert!(check_subject(&row.subject).is_ok());
                assert!(row.entry.created_at <= MAX_UNIX_MILLIS);
                ledger
                    .record(&row.subject, std::slice::from_ref(&row.entry))
                    .expect("an imported row is recorded");
                ledger
                    .link(&row.subject, &row.identifiers)
                    .expect("identifiers link");
            }
            Err(e) => {
                assert_eq!(e.code(), "invalid_row", "{e}");
                assert!(e.details()["row"].is_u64(), "{e}");
                assert!(i < 10_000);
            }
        }
    }
});
