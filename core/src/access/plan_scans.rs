//! Phone scans (access.md §5.4, §5.5) and conversation scans (§5.6): the subject's numbers and
//! `CON-` ids as filters over the retention window, as sync windows or one async report.

use crate::access::input::{MessageSearchUse, ScanMode, ScopedIdentifier, DAY_MS};
use crate::access::plan::PlanContext;
use crate::access::query::{
    AccessQuery, FilterField, QueryMode, QueryStrategy, SubjectFilter, TimeRange,
};
use crate::ledger::entry::EntryKind;
use crate::vonage::product::Direction;

/// One row of table 5.4: a product, a direction, the filter that names the subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScanPair {
    /// `S1` … `S13`.
    pub name: &'static str,
    /// The Reports product.
    pub product: &'static str,
    /// The direction sent, if any.
    pub direction: Option<Direction>,
    /// The filter parameter.
    pub field: FilterField,
    /// Scanned unless the host names the pairs.
    pub default: bool,
    /// The async filter is confirmed by the 2021 spec (else NOT CONFIRMED: N6, N5).
    pub async_filter_confirmed: bool,
}

const fn pair(
    name: &'static str,
    product: &'static str,
    direction: Option<Direction>,
    field: FilterField,
    default: bool,
    async_filter_confirmed: bool,
) -> ScanPair {
    ScanPair {
        name,
        product,
        direction,
        field,
        default,
        async_filter_confirmed,
    }
}

const OUT: Option<Direction> = Some(Direction::Outbound);
const IN: Option<Direction> = Some(Direction::Inbound);

/// Table 5.4. S12 (ASR) is one pair per direction here: S12 outbound, S12i inbound.
pub const SCAN_PAIRS: [ScanPair; 14] = [
    pair("S1", "SMS", OUT, FilterField::To, true, true),
    pair("S2", "SMS", IN, FilterField::From, true, true),
    pair("S3", "MESSAGES", OUT, FilterField::To, true, true),
    pair("S4", "MESSAGES", IN, FilterField::From, true, true),
    pair("S5", "VOICE-CALL", OUT, FilterField::To, true, true),
    pair("S6", "VOICE-CALL", IN, FilterField::From, true, true),
    pair("S7", "VOICE-FAILED", OUT, FilterField::To, true, false),
    pair("S8", "VOICE-FAILED", IN, FilterField::From, true, false),
    pair("S9", "VERIFY-API", None, FilterField::To, true, true),
    pair("S10", "VERIFY-V2", None, FilterField::To, true, true),
    pair(
        "S11",
        "NUMBER-INSIGHT",
        None,
        FilterField::Number,
        true,
        true,
    ),
    pair("S12", "ASR", OUT, FilterField::To, false, true),
    pair("S12i", "ASR", IN, FilterField::From, false, true),
    pair(
        "S13",
        "NUMBER-INSIGHT-V2",
        None,
        FilterField::Number,
        false,
        false,
    ),
];

/// Windows aligned to multiples of `width` since the epoch (UTC midnights for 24 h), the
/// first and last clipped to `range`.
pub fn windows(range: TimeRange, width: u64) -> Vec<TimeRange> {
    let mut out = Vec::new();
    if width == 0 {
        return out;
    }
    let mut from = range.from;
    while from < range.to {
        let to = ((from / width) + 1).saturating_mul(width).min(range.to);
        out.push(TimeRange { from, to });
        from = to;
    }
    out
}

fn intersect(a: TimeRange, from: Option<u64>, until: Option<u64>) -> Option<TimeRange> {
    let r = TimeRange {
        from: a.from.max(from.unwrap_or(0)),
        to: a.to.min(until.unwrap_or(u64::MAX)),
    };
    (r.from < r.to).then_some(r)
}

pub(crate) fn plan_phone_scans(ctx: &mut PlanContext<'_>, identifiers: &[ScopedIdentifier]) {
    let o = &ctx.input.options;
    if !o.phone_scan {
        return;
    }
    let pairs: Vec<ScanPair> = match &o.scan_pairs {
        Some(names) => SCAN_PAIRS
            .into_iter()
            .filter(|p| names.iter().any(|n| n.eq_ignore_ascii_case(p.name)))
            .collect(),
        None => SCAN_PAIRS.into_iter().filter(|p| p.default).collect(),
    };
    let accounts: Vec<String> = ctx
        .accounts_primary_first()
        .into_iter()
        .map(str::to_owned)
        .collect();
    let has_subaccounts = accounts.len() > 1;
    let mut unconfirmed = 0;
    let mut scans = Vec::new();
    for scoped in identifiers {
        let Some(digits) = scoped.identifier.msisdn() else {
            continue;
        };
        let Some(range) = intersect(ctx.range, scoped.valid_from, scoped.valid_until) else {
            continue;
        };
        let spans = windows(range, o.sync_window_ms);
        let use_async = match o.scan_mode {
            ScanMode::Sync => false,
            ScanMode::Async => true,
            ScanMode::Auto => spans.len() > o.async_when_windows_over as usize,
        };
        for (account_index, account) in accounts.iter().enumerate() {
            for p in &pairs {
                let mut q = AccessQuery {
                    query: 0,
                    strategy: QueryStrategy::PhoneScan,
                    mode: QueryMode::Sync,
                    account_id: account.clone(),
                    product: p.product.to_owned(),
                    direction: p.direction,
                    ids: Vec::new(),
                    filter: Some(SubjectFilter {
                        field: p.field,
                        value: digits.to_owned(),
                    }),
                    range: Some(range),
                    pair: Some(p.name.to_owned()),
                    include_subaccounts: false,
                    include_message: o.include_message_text
                        && matches!(p.product, "SMS" | "MESSAGES"),
                    not_before: None,
                    second_tries: Vec::new(),
                    conversation_type: None,
                };
                if use_async {
                    // One report for the primary groups its subaccounts (§5.8).
                    let grouped = has_subaccounts && o.include_subaccounts_in_async;
                    if grouped && account_index > 0 {
                        continue;
                    }
                    unconfirmed += u64::from(!p.async_filter_confirmed);
                    q.mode = QueryMode::Async;
                    q.include_subaccounts = grouped;
                    scans.push((account_index, q));
                } else {
                    for w in &spans {
                        scans.push((
                            account_index,
                            AccessQuery {
                                range: Some(*w),
                                ..q.clone()
                            },
                        ));
                    }
                }
            }
        }
    }
    // Within the phase: by account, product, direction, window start (§17).
    scans.sort_by(|(a, x), (b, y)| {
        (a, &x.product, x.direction, x.range, &x.filter).cmp(&(
            b,
            &y.product,
            y.direction,
            y.range,
            &y.filter,
        ))
    });
    ctx.warn("filter_not_confirmed", unconfirmed);
    ctx.queries.extend(scans.into_iter().map(|(_, q)| q));
    if o.message_search == MessageSearchUse::Always {
        plan_message_search_days(ctx, identifiers);
    }
}

/// `message_search: always`: one `date` + `to` search per UTC day and number (§6.5). Only
/// outbound SMS can be found so (`to` is the recipient); inbound ones only by id.
fn plan_message_search_days(ctx: &mut PlanContext<'_>, identifiers: &[ScopedIdentifier]) {
    let primary = ctx.primary().to_owned();
    let mut out = Vec::new();
    for scoped in identifiers {
        let Some(digits) = scoped.identifier.msisdn() else {
            continue;
        };
        let Some(range) = intersect(ctx.range, scoped.valid_from, scoped.valid_until) else {
            continue;
        };
        for day in windows(range, DAY_MS) {
            out.push(AccessQuery {
                query: 0,
                strategy: QueryStrategy::PhoneScan,
                mode: QueryMode::MessageSearch,
                account_id: primary.clone(),
                product: "SMS".into(),
                direction: Some(Direction::Outbound),
                ids: Vec::new(),
                filter: Some(SubjectFilter {
                    field: FilterField::To,
                    value: digits.to_owned(),
                }),
                range: Some(day),
                pair: Some("S1".into()),
                include_subaccounts: false,
                include_message: false,
                not_before: None,
                second_tries: Vec::new(),
                conversation_type: None,
            });
        }
    }
    ctx.warn("message_search_used", out.len() as u64);
    ctx.queries.extend(out);
}

/// Products a conversation scan reads, each filtered by `conversation_id` [NET doc].
pub const CONVERSATION_PRODUCTS: [&str; 3] =
    ["CONVERSATION-EVENT", "CONVERSATION-MESSAGE", "IN-APP-VOICE"];

pub(crate) fn plan_conversation_scans(ctx: &mut PlanContext<'_>) {
    let o = &ctx.input.options;
    let mut conversations: Vec<(String, u64)> = Vec::new();
    for e in &ctx.input.entries {
        let id = match e.kind {
            EntryKind::Conversation => e.id.as_str(),
            EntryKind::Event => e.id.rsplit_once(':').map_or("", |(c, _)| c),
            _ => continue,
        };
        if !id.starts_with("CON-") {
            continue;
        }
        match conversations.iter_mut().find(|(c, _)| c == id) {
            Some((_, at)) => *at = (*at).min(e.created_at),
            None => conversations.push((id.to_owned(), e.created_at)),
        }
    }
    if !o.conversation_scan.unwrap_or(!conversations.is_empty()) {
        return;
    }
    conversations.sort();
    let primary = ctx.primary().to_owned();
    let grouped = ctx.input.accounts.len() > 1 && o.include_subaccounts_in_async;
    let mut out = Vec::new();
    for (id, created_at) in conversations {
        let from = ctx.range.from.max(created_at.saturating_sub(DAY_MS));
        let Some(range) = intersect(ctx.range, Some(from), None) else {
            continue;
        };
        for product in CONVERSATION_PRODUCTS {
            let q = AccessQuery {
                query: 0,
                strategy: QueryStrategy::ConversationScan,
                mode: QueryMode::Async,
                account_id: primary.clone(),
                product: product.to_owned(),
                direction: None,
                ids: Vec::new(),
                filter: Some(SubjectFilter {
                    field: FilterField::ConversationId,
                    value: id.clone(),
                }),
                range: Some(range),
                pair: None,
                include_subaccounts: grouped,
                include_message: false,
                not_before: None,
                second_tries: Vec::new(),
                conversation_type: None,
            };
            if o.scan_mode == ScanMode::Sync {
                for w in windows(range, o.sync_window_ms) {
                    out.push(AccessQuery {
                        mode: QueryMode::Sync,
                        include_subaccounts: false,
                        range: Some(w),
                        ..q.clone()
                    });
                }
            } else {
                out.push(q);
            }
        }
    }
    ctx.queries.extend(out);
}
