//! Which records a Reports query selects: product (with `VOICE-CALL` / `VOICE-FAILED` told
//! apart by the call's status), direction, ids, the date window, status, field filters (the
//! subject filters bent by [`FilterMatch`]), accounts, and the propagation delay.

use crate::config::FilterMatch;
use crate::records::{Direction, Product, Record, RecordKey};
use crate::resources::Leg;
use crate::store::Store;

/// The record product behind a Reports product, if the simulator stores such records.
fn record_product(product: &str) -> Option<Product> {
    match product {
        "SMS" => Some(Product::Sms),
        "VOICE-CALL" | "VOICE-FAILED" => Some(Product::Voice),
        "VERIFY-API" => Some(Product::Verify),
        "VERIFY-SDK" => Some(Product::VerifySdk),
        "NUMBER-INSIGHT" => Some(Product::NumberInsight),
        "MESSAGES" => Some(Product::Messages),
        _ => None,
    }
}

/// Which records a query selects.
#[derive(Debug, Clone, Default)]
pub struct RecordFilter {
    /// Reports product name.
    pub product: String,
    /// Direction filter.
    pub direction: Option<Direction>,
    /// Exact ids (at most 20 in a sync query).
    pub ids: Option<Vec<String>>,
    /// Inclusive start, epoch ms.
    pub date_start: Option<i64>,
    /// Exclusive end, epoch ms.
    pub date_end: Option<i64>,
    /// Status filter.
    pub status: Option<String>,
    /// Equality filters on record fields: `from`, `to`, `client_ref`, `conversation_id`,
    /// `network`, `number`, `provider`/`channel`.
    pub fields: Vec<(String, String)>,
    /// CONVERSATIONS event type (`ip-voice` or `cs-custom-event`).
    pub conversation_type: Option<String>,
    /// How the subject filters (`to`, `from`, `number`) match.
    pub matching: FilterMatch,
    /// Characters that must agree under [`FilterMatch::Prefix`].
    pub prefix_len: usize,
    /// Records created later than this have not reached Reports yet (propagation delay).
    pub visible_until: Option<i64>,
    /// The accounts whose records are read (empty: any account).
    pub accounts: Vec<String>,
    /// The account of records that name none (the simulator's own).
    pub default_account: String,
}

/// Whether a call ended without being answered: such calls are listed under `VOICE-FAILED`,
/// the others under `VOICE-CALL` (as Vonage splits them today).
fn call_failed(r: &Record) -> bool {
    matches!(
        r.extra().status.as_deref(),
        Some("failed" | "busy" | "timeout" | "rejected" | "cancelled" | "unanswered")
    )
}

/// The filters that name a party, which the matching modes bend.
fn is_party_filter(name: &str) -> bool {
    matches!(name, "to" | "from" | "number")
}

/// One selected row source.
#[derive(Debug, Clone, Copy)]
pub enum RowSource<'a> {
    /// A transaction record.
    Record(&'a Record),
    /// A call leg (CONVERSATIONS ip-voice).
    Leg(&'a Leg),
}

impl RecordFilter {
    fn matches(&self, r: &Record) -> bool {
        if self.direction.is_some_and(|d| d != r.direction) {
            return false;
        }
        if self.visible_until.is_some_and(|t| r.created_ms > t) {
            return false;
        }
        if !self.accounts.is_empty()
            && !self
                .accounts
                .iter()
                .any(|a| a == r.account(&self.default_account))
        {
            return false;
        }
        if r.product == Product::Voice && call_failed(r) != (self.product == "VOICE-FAILED") {
            return false;
        }
        if let Some(ids) = &self.ids {
            if !ids.contains(&r.id) {
                return false;
            }
        }
        if self.date_start.is_some_and(|s| r.created_ms < s)
            || self.date_end.is_some_and(|e| r.created_ms >= e)
        {
            return false;
        }
        if let Some(s) = &self.status {
            if r.extra()
                .status
                .as_deref()
                .unwrap_or(default_status(r.product))
                != s
            {
                return false;
            }
        }
        let extra = r.extra();
        self.fields.iter().all(|(name, value)| {
            // `to` and `number` fall back on each other as the rows do (Verify's `to` is the
            // verified number; Number Insight's `number` the looked-up one).
            let field = match name.as_str() {
                "from" => r.from.as_deref(),
                "to" => r.to.as_deref().or(extra.number.as_deref()),
                "client_ref" => extra.client_ref.as_deref(),
                "conversation_id" => extra.conversation_id.as_deref(),
                "network" => extra.network.as_deref(),
                "number" => extra.number.as_deref().or(r.to.as_deref()),
                "provider" | "channel" => extra.provider.as_deref(),
                _ => return true,
            };
            let Some(field) = field else {
                return self.matching == FilterMatch::Ignore && is_party_filter(name);
            };
            match self.matching {
                _ if !is_party_filter(name) => field == value,
                FilterMatch::Exact => field == value,
                FilterMatch::Ignore => true,
                FilterMatch::Prefix => {
                    let n = self.prefix_len;
                    field.chars().take(n).eq(value.chars().take(n))
                }
            }
        })
    }

    /// The matching rows, oldest first (ties by id).
    pub fn select<'a>(&self, store: &'a Store) -> Vec<RowSource<'a>> {
        if self.product == "CONVERSATIONS" {
            if self.conversation_type.as_deref() != Some("ip-voice") {
                return Vec::new();
            }
            let mut legs: Vec<&Leg> = store
                .legs
                .values()
                .filter(|l| {
                    self.ids.as_ref().map_or(true, |ids| ids.contains(&l.id))
                        && self.date_start.map_or(true, |s| l.created_ms >= s)
                        && self.date_end.map_or(true, |e| l.created_ms < e)
                })
                .collect();
            legs.sort_by(|a, b| (a.created_ms, &a.id).cmp(&(b.created_ms, &b.id)));
            return legs.into_iter().map(RowSource::Leg).collect();
        }
        let Some(product) = record_product(&self.product) else {
            return Vec::new();
        };
        let mut rows: Vec<&Record> = match &self.ids {
            // Id lookups go straight to the keys instead of scanning every record.
            Some(ids) => {
                let directions: &[Direction] = match (product, self.direction) {
                    (Product::Sms, Some(Direction::Inbound)) => &[Direction::Inbound],
                    (Product::Sms, None) => &[Direction::Outbound, Direction::Inbound],
                    _ => &[Direction::Outbound],
                };
                let mut found: Vec<&Record> = ids
                    .iter()
                    .flat_map(|id| {
                        directions
                            .iter()
                            .map(move |d| RecordKey::new(product, *d, id))
                    })
                    .filter_map(|key| store.records.get(&key))
                    .filter(|r| self.matches(r))
                    .collect();
                found.dedup_by(|a, b| std::ptr::eq(*a, *b));
                found
            }
            None => store
                .records
                .values()
                .filter(|r| r.product == product && self.matches(r))
                .collect(),
        };
        rows.sort_by(|a, b| (a.created_ms, &a.id).cmp(&(b.created_ms, &b.id)));
        rows.into_iter().map(RowSource::Record).collect()
    }
}

pub(crate) fn default_status(product: Product) -> &'static str {
    match product {
        Product::Voice => "completed",
        Product::Verify | Product::VerifySdk => "SUCCESS",
        Product::NumberInsight => "Success",
        _ => "delivered",
    }
}
