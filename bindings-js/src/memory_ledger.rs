//! `MemoryLedger`: a newtype over the core's in-memory ledger, which the JS `Ledger.memory()`
//! wraps (in Node and in browsers). Every rule (dedup, ordering, tombstones, the export format)
//! is the core's; this file only converts arguments and results.

use crate::convert::{bytes_arg, time_arg, to_js};
use crate::error::{invalid_argument, to_js_error};
use crate::ledger::{
    bulk_to_js, entries_arg, identifiers_arg, lease_arg, lease_ms_arg, receipt_arg, subject_arg,
    text_arg,
};
use crate::ledger_sql::stored_job;
use erasekit_core::Error;
use js_sys::Uint8Array;
use serde::Deserialize;

use wasm_bindgen::prelude::*;

/// A ledger held in memory; `export()` / `MemoryLedger.import(json)` move it as JSON.
#[wasm_bindgen]
pub struct MemoryLedger {
    ledger: erasekit_core::MemoryLedger,
    key: Vec<u8>,
}

/// The part of the core's export format it has no accessor for: the subject key (hex), read
/// from the core's own `export()` text.
#[derive(Deserialize)]
struct ExportIndex {
    key: String,
}

#[wasm_bindgen]
impl MemoryLedger {
    /// An empty ledger keyed by `key` (at least 16 random bytes; `crypto.getRandomValues`),
    /// signing receipts with `receiptKey` (a 32-byte Ed25519 seed, random too).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "Uint8Array")] key: JsValue,
        #[wasm_bindgen(js_name = receiptKey, unchecked_param_type = "Uint8Array")]
        receipt_key: JsValue,
    ) -> Result<MemoryLedger, JsValue> {
        let key = bytes_arg(&key, "key")?;
        let receipt_key = bytes_arg(&receipt_key, "receiptKey")?;
        let ledger =
            erasekit_core::MemoryLedger::new(&key, &receipt_key).map_err(|e| to_js_error(&e))?;
        Ok(MemoryLedger { ledger, key })
    }

    /// Reads a ledger written by `export()`; anything else throws `storage`. An export without
    /// a receipt key (erasekit 0.1) gets `receiptKey` (32 random bytes).
    pub fn import(
        #[wasm_bindgen(unchecked_param_type = "string")] json: JsValue,
        #[wasm_bindgen(js_name = receiptKey, unchecked_param_type = "Uint8Array")]
        receipt_key: JsValue,
    ) -> Result<MemoryLedger, JsValue> {
        let json = crate::convert::string_arg(&json, "json")?
            .ok_or_else(|| invalid_argument("json", "expected the JSON text of export()"))?;
        let mut ledger = erasekit_core::MemoryLedger::import(&json).map_err(|e| to_js_error(&e))?;
        ledger
            .ensure_receipt_key(&bytes_arg(&receipt_key, "receiptKey")?)
            .map_err(|e| to_js_error(&e))?;
        let index: ExportIndex = serde_json::from_str(&json).map_err(|e| {
            to_js_error(&Error::Storage {
                reason: format!("not an exported erasekit ledger: {e}"),
            })
        })?;
        let key = unhex(&index.key).ok_or_else(|| {
            to_js_error(&Error::Storage {
                reason: "the ledger key is not hex".into(),
            })
        })?;
        Ok(MemoryLedger { ledger, key })
    }

    /// The whole ledger as JSON text (personal data and the subject key: keep it safe).
    pub fn export(&self) -> String {
        self.ledger.export()
    }

    /// The subject key (keys the tombstone hashes).
    #[wasm_bindgen(getter)]
    pub fn key(&self) -> Uint8Array {
        Uint8Array::from(&self.key[..])
    }

    /// Records entries; returns how many were new.
    pub fn record(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] subject: JsValue,
        #[wasm_bindgen(unchecked_param_type = "LedgerEntry[]")] entries: JsValue,
    ) -> Result<u32, JsValue> {
        let subject = subject_arg(&subject)?;
        let entries = entries_arg(&entries)?;
        let added = self
            .ledger
            .record(&subject, &entries)
            .map_err(|e| to_js_error(&e))?;
        Ok(u32::try_from(added).unwrap_or(u32::MAX))
    }

    /// Links identifiers (idempotent).
    pub fn link(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] subject: JsValue,
        #[wasm_bindgen(unchecked_param_type = "IdentifierInput[]")] identifiers: JsValue,
    ) -> Result<(), JsValue> {
        let subject = subject_arg(&subject)?;
        let identifiers = identifiers_arg(&identifiers)?;
        self.ledger
            .link(&subject, &identifiers)
            .map_err(|e| to_js_error(&e))
    }

    /// A subject's entries, oldest first.
    #[wasm_bindgen(unchecked_return_type = "LedgerEntry[]")]
    pub fn entries(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] subject: JsValue,
    ) -> Result<JsValue, JsValue> {
        let entries = self
            .ledger
            .entries(&subject_arg(&subject)?)
            .map_err(|e| to_js_error(&e))?;
        bulk_to_js(&entries)
    }

    /// A subject's identifiers, sorted.
    #[wasm_bindgen(unchecked_return_type = "Identifier[]")]
    pub fn identifiers(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] subject: JsValue,
    ) -> Result<JsValue, JsValue> {
        let identifiers = self
            .ledger
            .identifiers(&subject_arg(&subject)?)
            .map_err(|e| to_js_error(&e))?;
        to_js(&identifiers, "identifiers")
    }

    /// Every subject with entries or identifiers, sorted.
    pub fn subjects(&self) -> Vec<String> {
        self.ledger.subjects()
    }

    /// Stores the receipt and forgets what it settles: the tombstone, or `null` while entries
    /// remain. `receipt_mismatch` for a receipt of another subject or another signer.
    #[wasm_bindgen(unchecked_return_type = "Tombstone | null")]
    pub fn forget(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] subject: JsValue,
        #[wasm_bindgen(unchecked_param_type = "ReceiptInput")] receipt: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] at: JsValue,
    ) -> Result<JsValue, JsValue> {
        let subject = subject_arg(&subject)?;
        let receipt = receipt_arg(&receipt)?;
        let at = time_arg(&at, "at")?;
        let tombstone = self
            .ledger
            .forget(&subject, &receipt, at)
            .map_err(|e| to_js_error(&e))?;
        to_js(&tombstone, "at")
    }

    /// The receipt signing key (32-byte Ed25519 seed).
    #[wasm_bindgen(getter = receiptKey)]
    pub fn receipt_key(&self) -> Result<Uint8Array, JsValue> {
        let key = self.ledger.receipt_key().map_err(|e| to_js_error(&e))?;
        Ok(Uint8Array::from(&key[..]))
    }

    /// Claims a new job (`existing` false) or takes over a saved one: the lease times.
    #[allow(clippy::too_many_arguments)]
    #[wasm_bindgen(unchecked_return_type = "LeaseTimes")]
    pub fn claim(
        &mut self,
        #[wasm_bindgen(js_name = jobId)] job_id: JsValue,
        subject: JsValue,
        snapshot: JsValue,
        owner: JsValue,
        existing: bool,
        now: JsValue,
        #[wasm_bindgen(js_name = leaseMs)] lease_ms: JsValue,
    ) -> Result<JsValue, JsValue> {
        let times = self
            .ledger
            .claim(
                &text_arg(&job_id, "jobId")?,
                &subject_arg(&subject)?,
                &text_arg(&snapshot, "snapshot")?,
                &text_arg(&owner, "owner")?,
                existing,
                time_arg(&now, "now")?,
                lease_ms_arg(&lease_ms)?,
            )
            .map_err(|e| to_js_error(&e))?;
        to_js(&times, "now")
    }

    /// Renews (`"running"`) or releases (`"stopped"`) a lease, saving the snapshot.
    #[wasm_bindgen(unchecked_return_type = "LeaseTimes")]
    pub fn renew(
        &mut self,
        lease: JsValue,
        state: JsValue,
        snapshot: JsValue,
        now: JsValue,
        #[wasm_bindgen(js_name = leaseMs)] lease_ms: JsValue,
    ) -> Result<JsValue, JsValue> {
        let times = self
            .ledger
            .renew(
                &lease_arg(&lease)?,
                &text_arg(&state, "state")?,
                &text_arg(&snapshot, "snapshot")?,
                time_arg(&now, "now")?,
                lease_ms_arg(&lease_ms)?,
            )
            .map_err(|e| to_js_error(&e))?;
        to_js(&times, "now")
    }

    /// The end of a run under `lease`: the tombstone, or `null` while entries remain.
    #[wasm_bindgen(unchecked_return_type = "Tombstone | null")]
    pub fn finish(
        &mut self,
        lease: JsValue,
        subject: JsValue,
        receipt: JsValue,
        at: JsValue,
    ) -> Result<JsValue, JsValue> {
        let tombstone = self
            .ledger
            .finish(
                &lease_arg(&lease)?,
                &subject_arg(&subject)?,
                &receipt_arg(&receipt)?,
                time_arg(&at, "at")?,
            )
            .map_err(|e| to_js_error(&e))?;
        to_js(&tombstone, "at")
    }

    /// A stored receipt, or `null`.
    #[wasm_bindgen(unchecked_return_type = "Receipt | null")]
    pub fn receipt(
        &self,
        #[wasm_bindgen(js_name = receiptId)] receipt_id: JsValue,
    ) -> Result<JsValue, JsValue> {
        bulk_to_js(&self.ledger.receipt(&text_arg(&receipt_id, "receiptId")?))
    }

    /// Every stored receipt, oldest first.
    #[wasm_bindgen(unchecked_return_type = "Receipt[]")]
    pub fn receipts(&self) -> Result<JsValue, JsValue> {
        bulk_to_js(&self.ledger.receipts())
    }

    /// The tombstones of `subject`.
    #[wasm_bindgen(unchecked_return_type = "Tombstone[]")]
    pub fn tombstones(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] subject: JsValue,
    ) -> Result<JsValue, JsValue> {
        let tombstones = self
            .ledger
            .tombstones(&subject_arg(&subject)?)
            .map_err(|e| to_js_error(&e))?;
        to_js(&tombstones, "forgotten_at")
    }

    /// Saves a job checkpoint.
    #[wasm_bindgen(js_name = saveJob)]
    pub fn save_job(
        &mut self,
        #[wasm_bindgen(js_name = jobId, unchecked_param_type = "string")] job_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] subject: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] state: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] snapshot: JsValue,
        #[wasm_bindgen(js_name = updatedAt, unchecked_param_type = "number")] updated_at: JsValue,
    ) -> Result<(), JsValue> {
        let job = stored_job(&job_id, &subject, &state, &snapshot, &updated_at)?;
        self.ledger.save_job(&job).map_err(|e| to_js_error(&e))
    }

    /// A saved job, or `null`.
    #[wasm_bindgen(unchecked_return_type = "StoredJob | null")]
    pub fn job(
        &self,
        #[wasm_bindgen(js_name = jobId, unchecked_param_type = "string")] job_id: JsValue,
    ) -> Result<JsValue, JsValue> {
        to_js(&self.ledger.job(&text_arg(&job_id, "jobId")?), "updated_at")
    }

    /// Every saved job, least recently saved first (as the SQL ledger orders them).
    #[wasm_bindgen(unchecked_return_type = "StoredJob[]")]
    pub fn jobs(&self) -> Result<JsValue, JsValue> {
        to_js(&self.ledger.jobs(), "updated_at")
    }
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if s.len() % 2 != 0 {
        return None;
    }
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok())
        .collect()
}
