//! Scripted endings for asynchronous reports (`POST /_sim/reports/script`).
//!
//! Vonage's reports can end `FAILED`, `ABORTED` (by Vonage) or `TRUNCATED` ("exceeded the maximum
//! allowed size") for reasons a client cannot cause, so tests queue the ending they want: each
//! new `POST /v2/reports` takes the first queued entry whose `product` (and `direction`) fit,
//! and reports with no entry end `SUCCESS` (or `TRUNCATED` over `reports.max_records`).

use crate::records::Direction;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// How a scripted report ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Outcome {
    /// A file with every selected row.
    Success,
    /// No file.
    Failed,
    /// Ended by Vonage, not by the client: no file.
    Aborted,
    /// A file with only the first `truncate_at` rows.
    Truncated,
}

/// One queued ending.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScriptEntry {
    /// Only a report of this Reports product takes the entry (any product when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    /// Only a report of this direction takes the entry (any when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<Direction>,
    /// The ending.
    pub outcome: Outcome,
    /// Rows kept by a `TRUNCATED` ending (default: half of the selected rows).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub truncate_at: Option<usize>,
    /// Simulator ms in `PENDING` (default: `reports.pending_ms`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending_ms: Option<i64>,
    /// Simulator ms in `PROCESSING` (default: `reports.processing_ms`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processing_ms: Option<i64>,
}

impl ScriptEntry {
    /// Checks values serde cannot.
    pub fn validate(&self) -> Result<(), String> {
        if self.pending_ms.is_some_and(|v| v < 0) || self.processing_ms.is_some_and(|v| v < 0) {
            return Err("pending_ms and processing_ms must not be negative".into());
        }
        if self.truncate_at.is_some() && self.outcome != Outcome::Truncated {
            return Err("truncate_at only goes with the TRUNCATED outcome".into());
        }
        Ok(())
    }

    fn fits(&self, product: &str, direction: Option<Direction>) -> bool {
        self.product.as_deref().map_or(true, |p| p == product)
            && self.direction.map_or(true, |d| Some(d) == direction)
    }
}

/// The queue of endings not yet taken.
#[derive(Debug, Clone, Default)]
pub struct ReportScript {
    entries: VecDeque<ScriptEntry>,
}

impl ReportScript {
    /// Appends entries (all validated first, so a bad one adds nothing).
    pub fn extend(&mut self, entries: Vec<ScriptEntry>) -> Result<(), String> {
        for (i, e) in entries.iter().enumerate() {
            e.validate().map_err(|m| format!("entry {i}: {m}"))?;
        }
        self.entries.extend(entries);
        Ok(())
    }

    /// Removes and returns the first entry that fits a new report.
    pub fn take(&mut self, product: &str, direction: Option<Direction>) -> Option<ScriptEntry> {
        let at = self
            .entries
            .iter()
            .position(|e| e.fits(product, direction))?;
        self.entries.remove(at)
    }

    /// The entries still queued, in order.
    pub fn pending(&self) -> Vec<ScriptEntry> {
        self.entries.iter().cloned().collect()
    }

    /// Forgets every entry.
    pub fn clear(&mut self) {
        self.entries.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(json: &str) -> ScriptEntry {
        serde_json::from_str(json).expect("entry parses")
    }

    #[test]
    fn takes_the_first_fitting_entry() {
        let mut s = ReportScript::default();
        s.extend(vec![
            entry(r#"{"product":"VOICE-CALL","outcome":"FAILED"}"#),
            entry(r#"{"product":"SMS","direction":"inbound","outcome":"ABORTED"}"#),
            entry(r#"{"outcome":"TRUNCATED","truncate_at":2}"#),
        ])
        .expect("valid");
        let got = s.take("SMS", Some(Direction::Outbound)).expect("fits");
        assert_eq!(got.outcome, Outcome::Truncated);
        assert_eq!(
            s.take("SMS", Some(Direction::Inbound)).map(|e| e.outcome),
            Some(Outcome::Aborted)
        );
        assert_eq!(s.take("SMS", Some(Direction::Inbound)), None);
        assert_eq!(s.pending().len(), 1);
    }

    #[test]
    fn refuses_bad_entries_whole() {
        let mut s = ReportScript::default();
        let bad = vec![
            entry(r#"{"outcome":"SUCCESS"}"#),
            entry(r#"{"outcome":"FAILED","truncate_at":3}"#),
        ];
        assert!(s.extend(bad).is_err());
        assert!(s.pending().is_empty());
        assert!(serde_json::from_str::<ScriptEntry>(r#"{"outcome":"DONE"}"#).is_err());
    }
}
