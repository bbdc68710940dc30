//! The async report lifecycle of the access job (access.md §9): create, poll on a schedule
//! (30 s, doubling to 300 s), download as soon as SUCCESS is seen, and the failures: FAILED or
//! ABORTED re-create once then split in halves (to [`MAX_SPLIT_DEPTH`]) then sync windows;
//! TRUNCATED keeps what the archive holds then splits; a status 404 re-creates once; a download
//! 404 (past 72 h) re-creates once then fails `report_expired`; past the timeout, cancel and go
//! sync. Archives are read with the plan's limits, then CSV, the row filter and normalisation.

use crate::access::archive::read_report_archive;
use crate::access::csv_rows::parse_report_csv;
use crate::access::fallbacks::MAX_SPLIT_DEPTH;
use crate::access::interpret::{ReportState, ReportStatus};
use crate::access::job::AccessJob;
use crate::access::job_event::AccessEvent;
use crate::access::job_query::{QueryState, Step};
use crate::time::timestamp::UnixMillis;

fn state_name(s: &ReportState) -> String {
    match s {
        ReportState::Pending => "pending".into(),
        ReportState::Processing => "processing".into(),
        ReportState::Success => "success".into(),
        ReportState::Truncated => "truncated".into(),
        ReportState::Failed => "failed".into(),
        ReportState::Aborted => "aborted".into(),
        ReportState::Unknown(other) => other.to_ascii_lowercase(),
    }
}

impl AccessJob {
    pub(crate) fn on_report(&mut self, i: usize, status: ReportStatus, now: UnixMillis) {
        let query = self.queries[i].query.query;
        if self.queries[i].step == Step::Send {
            let Some(id) = status.request_id.clone() else {
                let what = Some("the create answer has no request_id");
                return self.fail(i, "malformed_response", what, now);
            };
            let first_poll = self.config.async_first_poll_ms;
            let r = &mut self.queries[i].report;
            r.request_id = Some(id);
            r.created_at = now;
            r.poll_every_ms = first_poll;
            self.events.push_back(AccessEvent::ReportCreated { query });
        }
        let name = state_name(&status.state);
        self.events.push_back(AccessEvent::ReportStatus {
            query,
            status: name,
        });
        match status.state {
            ReportState::Success | ReportState::Truncated => {
                let r = &mut self.queries[i].report;
                r.truncated = status.state == ReportState::Truncated;
                r.download_href = status.download_href;
                if r.download_href.is_none() {
                    return self.report_failed(i, now);
                }
                self.wait(i, Step::Download, now);
            }
            ReportState::Failed | ReportState::Aborted => self.report_failed(i, now),
            ReportState::Pending | ReportState::Processing | ReportState::Unknown(_) => {
                if matches!(status.state, ReportState::Unknown(_)) {
                    let code = "unknown_report_status".into();
                    self.events.push_back(AccessEvent::Warning { query, code });
                }
                let max = self.config.async_max_poll_ms;
                let timeout = self.config.async_timeout_ms;
                let r = &mut self.queries[i].report;
                if now.saturating_sub(r.created_at) >= timeout {
                    return self.wait(i, Step::Cancel, now);
                }
                let at = now + r.poll_every_ms;
                r.poll_every_ms = (r.poll_every_ms * 2).min(max);
                self.wait(i, Step::Poll, at);
            }
        }
    }

    /// FAILED, ABORTED (not ours) or an untrusted download link: re-create once, then split.
    pub(crate) fn report_failed(&mut self, i: usize, now: UnixMillis) {
        let r = &mut self.queries[i].report;
        r.failures += 1;
        if r.failures == 1 {
            let query = self.queries[i].query.query;
            let why = "failed".into();
            self.events
                .push_back(AccessEvent::ReportRecreated { query, why });
            self.queries[i].recreate(now);
        } else {
            self.split_or_sync(i, now);
        }
    }

    /// Status 404 (metadata kept 4 days): re-create once, then sync windows.
    pub(crate) fn report_not_found(&mut self, i: usize, now: UnixMillis) {
        if self.queries[i].report.recreated_after_404 {
            return self.fall_back_to_sync(i, now);
        }
        self.queries[i].report.recreated_after_404 = true;
        let query = self.queries[i].query.query;
        let why = "not_found".into();
        self.events
            .push_back(AccessEvent::ReportRecreated { query, why });
        self.queries[i].recreate(now);
    }

    /// Download 404 (file kept 72 h): re-create once (billed again), then `report_expired`.
    pub(crate) fn report_expired(&mut self, i: usize, now: UnixMillis) {
        if self.queries[i].report.recreated_after_expiry {
            let what = Some("the report's file was gone twice (kept 72 h)");
            return self.fail(i, "report_expired", what, now);
        }
        self.queries[i].report.recreated_after_expiry = true;
        let query = self.queries[i].query.query;
        let why = "expired".into();
        self.events
            .push_back(AccessEvent::ReportRecreated { query, why });
        self.queries[i].recreate(now);
    }

    /// The span in halves (to [`MAX_SPLIT_DEPTH`]); below a day or too deep, sync windows.
    pub(crate) fn split_or_sync(&mut self, i: usize, now: UnixMillis) {
        let depth = self.queries[i].split_depth;
        if depth < MAX_SPLIT_DEPTH {
            if let Some((a, b)) = self.queries[i].query.split_halves() {
                return self.replace(i, vec![a, b], depth + 1, now);
            }
        }
        self.fall_back_to_sync(i, now);
    }

    /// The async query as sync windows, one set per account when it grouped subaccounts.
    pub(crate) fn fall_back_to_sync(&mut self, i: usize, now: UnixMillis) {
        let accounts: Vec<String> = self
            .input
            .accounts
            .iter()
            .map(|a| a.api_key.clone())
            .collect();
        let width = self.input.options.sync_window_ms;
        let next = self.queries.len() as u32;
        let windows = self.queries[i]
            .query
            .as_sync_windows(width, &accounts, next);
        if windows.is_empty() {
            let what = Some("the report failed and has no period to search by windows");
            return self.fail(i, "report_failed", what, now);
        }
        self.replace(i, windows, 0, now);
    }

    /// A downloaded archive: CSV entries, row filter, normalisation (§11).
    pub(crate) fn on_archive(&mut self, i: usize, body: &[u8], now: UnixMillis) {
        let archive = match read_report_archive(body, &self.input.options.archive) {
            Ok(a) => a,
            Err(e) => {
                let state = QueryState::Failed {
                    reason: e.code().into(),
                    problem: Some(e.to_string()),
                };
                return self.end(i, state, now);
            }
        };
        let mut rows_read = 0u64;
        let mut too_many = false;
        for entry in archive.csv {
            match parse_report_csv(&entry.bytes, &self.input.options.csv) {
                Ok(table) => {
                    rows_read += table.rows.len() as u64;
                    too_many |= table.truncated;
                    self.keep_rows(i, table.rows);
                }
                Err(e) => {
                    let state = QueryState::Failed {
                        reason: e.code().into(),
                        problem: Some(e.to_string()),
                    };
                    return self.end(i, state, now);
                }
            }
        }
        let query = self.queries[i].query.query;
        self.events.push_back(AccessEvent::ReportDownloaded {
            query,
            rows: rows_read,
        });
        if self.queries[i].report.truncated {
            // Keep what is there, then run the span again in halves (records de-duplicate).
            let depth = self.queries[i].split_depth;
            if depth < MAX_SPLIT_DEPTH {
                if let Some((a, b)) = self.queries[i].query.split_halves() {
                    return self.replace(i, vec![a, b], depth + 1, now);
                }
            }
            return self.partial(i, "report_truncated", now);
        }
        if too_many {
            return self.partial(i, "too_many_rows", now);
        }
        self.end(i, QueryState::Done, now);
    }
}
