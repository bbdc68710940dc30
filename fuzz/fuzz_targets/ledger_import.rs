//! Ledger exports handed to `MemoryLedger::import`: any text (first byte even), or a real
//! export with a few values replaced by edge values (first byte odd). A ledger that imports
//! exports to itself, and every read, plan and forget on it works.
#![no_main]

use arbitrary::Unstructured;
use erasekit_core::{ErasurePlan, MemoryLedger, PlanOptions};
use erasekit_fuzz::{edit, sample_ledger, NOW};
use std::sync::OnceLock;

fn export_text(data: &[u8]) -> Option<String> {
    static BASE: OnceLock<serde_json::Value> = OnceLock::new();
    let (first, rest) = data.split_first()?;
    if first % 2 == 0 {
        return std::str::from_utf8(rest).ok().map(str::to_owned);
    }
    let base = BASE.get_or_init(|| serde_json::from_str(&sample_ledger().export()).expect("JSON"));
    Some(
        edit(&mut Unstructured::new(rest), base.clone())
            .ok()?
            .to_string(),
    )
}
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(json) = export_text(data) else {
        return;
    };
    let Ok(mut ledger) = MemoryLedger::import(&json) else {
        return;
    };
    let again = MemoryLedger::import(&ledger.export()).expect("an export imports");
    assert_eq!(again, ledger, "export -> import changed the ledger");
    let key = ledger.key().expect("an imported ledger has a key");
    for subject in ledger.subjects() {
        let entries = ledger.entries(&subject);
        let _ = ledger.identifiers(&subject);
        let _ = ledger.tombstones(&subject);
        if let Ok(entries) = entries {
            let plan =
                ErasurePlan::new(&subject, &key, &entries, NOW, None, PlanOptions::default());
            if let Ok(plan) = plan {
                let _ = plan.describe(erasekit_fuzz::base());
            }
            let _ = ledger.record(&subject, &entries);
        }
        let _ = ledger.forget(&subject, "receipt-1", NOW);
    }
    for job in ledger.jobs() {
        let _ = erasekit_core::ErasureJob::restore(&job.snapshot);
    }
    let _ = ledger.export();
});
