//! Rows the host's database driver hands back (JSON arrays of column values), read by every
//! ledger decoder; what decodes is planned, restored or opened as the drivers would.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use erasekit_core::{Dialect, ErasureJob, ErasurePlan, LedgerSchema, LedgerSql, PlanOptions};
use erasekit_fuzz::{text, LEDGER_KEY, NOW};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

/// A column value as drivers return them: NULL, integers (or BIGINT as text), floats, text.
fn column(u: &mut Unstructured<'_>) -> arbitrary::Result<Value> {
    Ok(match u.int_in_range(0..=5)? {
        0 => Value::Null,
        1 => Value::from(i64::arbitrary(u)?),
        2 => Value::from(u64::arbitrary(u)?),
        3 => Value::from(f64::arbitrary(u)?),
        4 => Value::Bool(bool::arbitrary(u)?),
        _ => Value::String(text(u)?),
    })
}

fn rows(u: &mut Unstructured<'_>) -> arbitrary::Result<Vec<Vec<Value>>> {
    let n = u.int_in_range(0..=8)?;
    (0..n)
        .map(|_| {
            let width = u.int_in_range(0..=8)?;
            (0..width).map(|_| column(u)).collect()
        })
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let (Ok(dialect), Ok(rows)) = (bool::arbitrary(&mut u), rows(&mut u)) else {
        return;
    };
    let dialect = if dialect {
        Dialect::Postgres
    } else {
        Dialect::Sqlite
    };
    let sql = LedgerSql::new(dialect);
    if let Ok(entries) = sql.decode_entries(&rows) {
        let options = PlanOptions {
            delete_legs: true,
            ..PlanOptions::default()
        };
        if let Ok(plan) = ErasurePlan::new("subject", &LEDGER_KEY, &entries, NOW, None, options) {
            let _ = plan.describe(erasekit_fuzz::base());
        }
        // What was read can be written back.
        let _ = sql.record("subject", &entries, NOW);
    }
    if let Ok(identifiers) = sql.decode_identifiers(&rows) {
        let _ = sql.link("subject", &identifiers);
    }
    if let Ok(jobs) = sql.decode_jobs(&rows) {
        for job in jobs {
            let _ = ErasureJob::restore(&job.snapshot);
            let _ = sql.save_job(&job);
        }
    }
    let _ = sql.decode_subjects(&rows);
    let schema = LedgerSchema::new(dialect);
    let _ = schema.open(&rows, &[9; 64]);
    let _ = schema.key_from_meta(&rows);
});
