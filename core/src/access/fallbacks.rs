//! What a query becomes when Vonage refuses it as asked (access.md §5.5, §5.6, §9.3, E19, E40):
//! an async span split in halves, an async report replaced by sync windows, a window halved, a
//! new Conversation product name retried with the deprecated one. Pure: the job decides when.

use crate::access::input::DAY_MS;
use crate::access::plan::MIN_SYNC_WINDOW_MS;
use crate::access::plan_scans::windows;
use crate::access::query::{AccessQuery, QueryMode, QueryStrategy, TimeRange};

/// How deep an async span is split before its halves go to sync windows (§9.3).
pub const MAX_SPLIT_DEPTH: u32 = 4;

fn with_range(q: &AccessQuery, range: TimeRange) -> AccessQuery {
    AccessQuery {
        range: Some(range),
        ..q.clone()
    }
}

/// The midpoint of `r` rounded down to a multiple of `unit` (UTC midnights for a day), if both
/// halves keep at least `unit`.
fn midpoint(r: TimeRange, unit: u64) -> Option<u64> {
    let mid = r.from + (r.to - r.from) / 2;
    let aligned = mid - mid % unit;
    let cut = if aligned > r.from { aligned } else { mid };
    (cut - r.from >= unit && r.to - cut >= unit).then_some(cut)
}

impl AccessQuery {
    /// An async report's span in two halves cut at a UTC midnight (§9.3: after a second
    /// FAILED, or after TRUNCATED); `None` below two days.
    pub fn split_halves(&self) -> Option<(AccessQuery, AccessQuery)> {
        let r = self.range.filter(|_| self.mode == QueryMode::Async)?;
        let cut = midpoint(r, DAY_MS)?;
        Some((
            with_range(
                self,
                TimeRange {
                    from: r.from,
                    to: cut,
                },
            ),
            with_range(
                self,
                TimeRange {
                    from: cut,
                    to: r.to,
                },
            ),
        ))
    }

    /// An async scan as sync windows of `width` (§5.5 fallback), one set per account: a report
    /// that grouped subaccounts needs one request per subaccount in sync (§5.8). Queries are
    /// numbered from `next_query`.
    pub fn as_sync_windows(
        &self,
        width: u64,
        accounts: &[String],
        next_query: u32,
    ) -> Vec<AccessQuery> {
        let Some(range) = self.range.filter(|_| self.mode == QueryMode::Async) else {
            return Vec::new();
        };
        let own = [self.account_id.clone()];
        let accounts = if self.include_subaccounts {
            accounts
        } else {
            &own[..]
        };
        let mut out = Vec::new();
        for account in accounts {
            for w in windows(range, width.max(MIN_SYNC_WINDOW_MS)) {
                out.push(AccessQuery {
                    mode: QueryMode::Sync,
                    account_id: account.clone(),
                    include_subaccounts: false,
                    range: Some(w),
                    ..self.clone()
                });
            }
        }
        for (q, n) in out.iter_mut().zip(next_query..) {
            q.query = n;
        }
        out
    }

    /// A sync window in two halves, for a 422 on a window wider than Vonage takes (E40, only
    /// with `allow_wide_sync_windows`); `None` below two hours.
    pub fn halve_window(&self) -> Option<(AccessQuery, AccessQuery)> {
        let r = self
            .range
            .filter(|_| self.mode == QueryMode::Sync && self.ids.is_empty())?;
        let cut = midpoint(r, MIN_SYNC_WINDOW_MS)?;
        Some((
            with_range(
                self,
                TimeRange {
                    from: r.from,
                    to: cut,
                },
            ),
            with_range(
                self,
                TimeRange {
                    from: cut,
                    to: r.to,
                },
            ),
        ))
    }

    /// `CONVERSATION-EVENT` refused (422 product): the deprecated `CONVERSATIONS` once with
    /// each `type` (§5.6, E19); empty for any other query.
    pub fn conversations_retry(&self) -> Vec<AccessQuery> {
        if self.strategy != QueryStrategy::ConversationScan || self.product != "CONVERSATION-EVENT"
        {
            return Vec::new();
        }
        ["ip-voice", "cs-custom-event"]
            .into_iter()
            .map(|t| AccessQuery {
                product: "CONVERSATIONS".into(),
                conversation_type: Some(t.into()),
                ..self.clone()
            })
            .collect()
    }
}
