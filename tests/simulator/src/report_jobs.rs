//! Asynchronous report jobs: `PENDING` → `PROCESSING` → `SUCCESS` (or `TRUNCATED`), driven by the
//! simulator clock, `ABORTED` when cancelled, a scripted `FAILED` / `ABORTED` / `TRUNCATED`
//! ending (see [`crate::report_script`]), and the zip file they produce.

use crate::config::{ArchiveMethod, ReportsConfig};
use crate::report_rows::{csv_columns, row_json, RecordFilter};
use crate::report_script::{Outcome, ScriptEntry};
use crate::store::Store;
use crate::timestamp::{compact_date, reports_format};
use crate::zip_archive::single_file_zip;
use serde_json::{json, Map, Value};
use std::sync::Arc;

/// Where a job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobState {
    /// Accepted, not started.
    Pending,
    /// Being generated.
    Processing,
    /// Finished with a file (`SUCCESS`, or `TRUNCATED` when over the record cap or scripted).
    Done,
    /// Finished without a file (scripted).
    Failed,
    /// Cancelled before it finished, or ended so by the script.
    Aborted,
}

/// A finished report's file.
#[derive(Debug, Clone)]
pub struct ReportOutput {
    /// Rows in the CSV.
    pub items_count: usize,
    /// The job hit the record cap.
    pub truncated: bool,
    /// The zip archive.
    pub zip: Arc<Vec<u8>>,
    /// The zip's file name (`<PRODUCT>_<REPORT_ID>.zip`).
    pub file_name: String,
}

/// One asynchronous report.
#[derive(Debug, Clone)]
pub struct ReportJob {
    /// `request_id`.
    pub id: String,
    /// Id of the file under `/v3/media/{file_id}`.
    pub file_id: String,
    /// Account.
    pub account_id: String,
    /// Which records.
    pub filter: RecordFilter,
    /// Product-specific request fields, echoed in responses.
    pub fields: Map<String, Value>,
    /// Include message bodies (SMS, MESSAGES).
    pub include_message: bool,
    /// Echoed.
    pub include_subaccounts: bool,
    /// Echoed (the simulator never calls it).
    pub callback_url: Option<String>,
    /// Simulator time the request arrived.
    pub received_ms: i64,
    /// Simulator time it was cancelled.
    pub aborted_ms: Option<i64>,
    /// The file, once built.
    pub output: Option<ReportOutput>,
    /// The scripted ending, if one was queued for it.
    pub script: Option<ScriptEntry>,
}

impl ReportJob {
    /// The state at simulator time `now_ms`.
    pub fn state(&self, now_ms: i64, cfg: &ReportsConfig) -> JobState {
        if self.aborted_ms.is_some() {
            return JobState::Aborted;
        }
        let age = now_ms.saturating_sub(self.received_ms);
        let pending = self.pending_ms(cfg);
        if age < pending {
            JobState::Pending
        } else if age < pending.saturating_add(self.processing_ms(cfg)) {
            JobState::Processing
        } else {
            match self.script.as_ref().map(|s| s.outcome) {
                Some(Outcome::Failed) => JobState::Failed,
                Some(Outcome::Aborted) => JobState::Aborted,
                _ => JobState::Done,
            }
        }
    }

    fn pending_ms(&self, cfg: &ReportsConfig) -> i64 {
        self.script
            .as_ref()
            .and_then(|s| s.pending_ms)
            .unwrap_or(cfg.pending_ms)
    }

    fn processing_ms(&self, cfg: &ReportsConfig) -> i64 {
        self.script
            .as_ref()
            .and_then(|s| s.processing_ms)
            .unwrap_or(cfg.processing_ms)
    }

    /// When it finishes (or finished).
    pub fn completed_ms(&self, cfg: &ReportsConfig) -> i64 {
        self.received_ms
            .saturating_add(self.pending_ms(cfg))
            .saturating_add(self.processing_ms(cfg))
    }

    /// Whether Vonage has forgotten it (`metadata_ttl_ms` after it was requested): its status,
    /// cancel and file then answer 404.
    pub fn forgotten(&self, now_ms: i64, cfg: &ReportsConfig) -> bool {
        now_ms >= self.received_ms.saturating_add(cfg.metadata_ttl_ms)
    }

    /// Builds the file from the store's current records if it is not built yet.
    pub fn ensure_output(&mut self, store: &Store, cfg: &ReportsConfig, app_id: &str) {
        if self.output.is_some() {
            return;
        }
        // The file holds what had reached Reports when the report finished.
        let mut filter = self.filter.clone();
        filter.visible_until = cfg.visible_until(self.completed_ms(cfg));
        let rows = filter.select(store);
        let scripted_cut = self
            .script
            .as_ref()
            .filter(|s| s.outcome == Outcome::Truncated)
            .map(|s| s.truncate_at.unwrap_or(rows.len() / 2));
        let cap = scripted_cut.unwrap_or(cfg.max_records);
        let truncated = scripted_cut.is_some() || rows.len() > cap;
        let cols = csv_columns(
            &self.filter.product,
            self.filter.direction,
            self.include_message,
        );
        let mut csv = csv_line(
            cols.iter()
                .map(|c| Value::String((*c).to_owned()))
                .collect::<Vec<_>>()
                .iter(),
        );
        csv.push_str("\r\n");
        let kept = rows.len().min(cap);
        for src in rows.into_iter().take(kept) {
            let row = row_json(src, &cols, &filter.default_account, app_id);
            // The map is keyed alphabetically; the cells must follow the header's order.
            csv.push_str(&csv_line(cols.iter().map(|c| &row[*c])));
            csv.push_str("\r\n");
        }
        let product = &self.filter.product;
        let done = self.completed_ms(cfg);
        let csv_name = format!(
            "report_{product}_{}_{}.csv",
            self.account_id,
            compact_date(self.received_ms)
        );
        self.output = Some(ReportOutput {
            items_count: kept,
            truncated,
            zip: Arc::new(single_file_zip(
                &csv_name,
                csv.as_bytes(),
                done,
                cfg.archive == ArchiveMethod::Deflate,
            )),
            file_name: format!("{product}_{}.zip", self.id),
        });
    }

    /// The `request_status` spelling.
    pub fn status_text(&self, state: JobState) -> &'static str {
        match state {
            JobState::Pending => "PENDING",
            JobState::Processing => "PROCESSING",
            JobState::Aborted => "ABORTED",
            JobState::Failed => "FAILED",
            JobState::Done if self.output.as_ref().is_some_and(|o| o.truncated) => "TRUNCATED",
            JobState::Done => "SUCCESS",
        }
    }

    /// The report object of the status, cancel and list responses.
    pub fn to_json(&self, now_ms: i64, cfg: &ReportsConfig, base: &str) -> Value {
        let state = self.state(now_ms, cfg);
        let mut m = Map::new();
        m.insert("request_id".into(), json!(self.id));
        m.insert("request_status".into(), json!(self.status_text(state)));
        m.insert("product".into(), json!(self.filter.product));
        m.insert("account_id".into(), json!(self.account_id));
        if let Some(s) = self.filter.date_start {
            m.insert("date_start".into(), json!(reports_format(s)));
        }
        if let Some(e) = self.filter.date_end {
            m.insert("date_end".into(), json!(reports_format(e)));
        }
        m.insert(
            "include_subaccounts".into(),
            json!(self.include_subaccounts),
        );
        if let Some(c) = &self.callback_url {
            m.insert("callback_url".into(), json!(c));
        }
        m.insert(
            "receive_time".into(),
            json!(reports_format(self.received_ms)),
        );
        let reached = self.aborted_ms.unwrap_or(now_ms).min(now_ms);
        let started = self.received_ms.saturating_add(self.pending_ms(cfg));
        if reached >= started {
            m.insert("start_time".into(), json!(reports_format(started)));
        }
        let mut links = Map::new();
        links.insert(
            "self".into(),
            json!({"href": format!("{base}/v2/reports/{}", self.id)}),
        );
        if state == JobState::Done {
            links.insert(
                "download_report".into(),
                json!({"href": format!("{base}/v3/media/{}", self.file_id)}),
            );
            if let Some(o) = &self.output {
                m.insert("items_count".into(), json!(o.items_count));
            }
        }
        m.insert("_links".into(), Value::Object(links));
        for (k, v) in &self.fields {
            m.entry(k.clone()).or_insert_with(|| v.clone());
        }
        Value::Object(m)
    }
}

/// One CSV line (RFC 4180 quoting), without the line break.
pub fn csv_line<'a>(values: impl IntoIterator<Item = &'a Value>) -> String {
    let cells: Vec<String> = values
        .into_iter()
        .map(|v| {
            let text = match v {
                Value::Null => String::new(),
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            if text.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", text.replace('"', "\"\""))
            } else {
                text
            }
        })
        .collect();
    cells.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quoting() {
        let vals = [json!("a,b"), json!("say \"hi\""), Value::Null, json!(1.5)];
        assert_eq!(csv_line(vals.iter()), "\"a,b\",\"say \"\"hi\"\"\",,1.5");
    }
}
