//! Ledger entries → by-id lookups (access.md §5.2, table 5.3), ≤ 20 ids per request, with the
//! chain of second tries for ids Vonage does not find.

use crate::access::input::MessageSearchUse;
use crate::access::plan::{NotFoundEntry, NotFoundReason, PlanContext};
use crate::access::query::{AccessQuery, QueryMode, QueryStrategy, SecondTry};
use crate::error::{Error, Result};
use crate::ledger::entry::{EntryKind, LedgerEntry};
use crate::vonage::product::{Direction, Product};
use std::collections::BTreeMap;

/// Ids per Reports by-id request [NDP:migrate, NET, JAVA]; 21 is never sent.
pub const MAX_IDS_PER_LOOKUP: usize = 20;
/// Ids per Message Search request [OAS:search].
pub const MAX_IDS_PER_MESSAGE_SEARCH: usize = 10;

/// The Reports product and direction for a ledger entry; several for SMS/Messages entries
/// without a direction (E25); none for kinds read by live probes or conversation scans.
pub(crate) fn reports_targets(entry: &LedgerEntry) -> Vec<(&'static str, Option<Direction>)> {
    let both = |p| match entry.direction {
        Some(d) => vec![(p, Some(d))],
        None => vec![
            (p, Some(Direction::Inbound)),
            (p, Some(Direction::Outbound)),
        ],
    };
    match (entry.kind, entry.product) {
        (EntryKind::Transaction, Some(Product::Sms)) => both("SMS"),
        (EntryKind::Transaction, Some(Product::Messages)) => both("MESSAGES"),
        (EntryKind::Transaction, Some(Product::Voice)) | (EntryKind::Leg, _) => {
            vec![("VOICE-CALL", None)]
        }
        (EntryKind::Transaction, Some(Product::Verify)) => {
            let v2 = entry.extra.get("api").and_then(|v| v.as_str()) == Some("v2");
            vec![(if v2 { "VERIFY-V2" } else { "VERIFY-API" }, None)]
        }
        (EntryKind::Transaction, Some(Product::VerifySdk)) => vec![("VERIFY-SDK", None)],
        (EntryKind::Transaction, Some(Product::NumberInsight)) => vec![("NUMBER-INSIGHT", None)],
        _ => Vec::new(),
    }
}

/// The second-try chain of table 5.3 after the first (primary) account.
fn second_tries(
    product: &str,
    direction: Option<Direction>,
    accounts: &[&str],
    message_search: MessageSearchUse,
) -> Vec<SecondTry> {
    let reports = |account: &str, product: &str, direction| SecondTry::Reports {
        account_id: account.to_owned(),
        product: product.to_owned(),
        direction,
    };
    let others = &accounts[1.min(accounts.len())..];
    let primary = accounts.first().copied().unwrap_or_default();
    let mut out = Vec::new();
    // Same product in the other accounts first, or an alternative product first (voice, verify).
    let alternative = match product {
        "VOICE-CALL" => Some("VOICE-FAILED"),
        "VERIFY-API" => Some("VERIFY-V2"),
        "VERIFY-V2" => Some("VERIFY-API"),
        _ => None,
    };
    match (product, alternative) {
        (_, Some(alt)) => {
            out.push(reports(primary, alt, direction));
            for a in others {
                out.push(reports(a, product, direction));
                out.push(reports(a, alt, direction));
            }
        }
        ("VERIFY-SDK", None) => {}
        ("MESSAGES", None) => {
            others
                .iter()
                .for_each(|a| out.push(reports(a, product, direction)));
            let flipped = direction.map(|d| match d {
                Direction::Inbound => Direction::Outbound,
                Direction::Outbound => Direction::Inbound,
            });
            out.push(reports(primary, product, flipped));
        }
        _ => others
            .iter()
            .for_each(|a| out.push(reports(a, product, direction))),
    }
    if product == "SMS" && message_search != MessageSearchUse::Off {
        out.push(SecondTry::MessageSearch {
            account_id: primary.to_owned(),
        });
    }
    out
}

/// Rejects ids a query string cannot carry unambiguously (E27): `,` separates ids; `/`, `?`,
/// `#`, `&`, `%`, spaces and non-ASCII are never in a Vonage transaction id.
pub(crate) fn check_lookup_id(id: &str) -> Result<()> {
    let odd = id
        .chars()
        .find(|c| !c.is_ascii() || c.is_ascii_control() || ",/?#&% +=".contains(*c));
    match odd {
        Some(c) => Err(Error::InvalidId {
            reason: format!("an id looked up by Reports cannot contain {c:?}"),
        }),
        None if id.is_empty() => Err(Error::InvalidId {
            reason: "must not be empty".into(),
        }),
        None => Ok(()),
    }
}

/// (Reports product, direction, a deferral key): what one batch of ids shares.
type LookupKey<T> = (&'static str, Option<Direction>, T);

pub(crate) fn plan_lookups(ctx: &mut PlanContext<'_>) -> Result<()> {
    let o = &ctx.input.options;
    let now = ctx.input.now;
    let accounts: Vec<String> = ctx
        .accounts_primary_first()
        .into_iter()
        .map(str::to_owned)
        .collect();
    let account_refs: Vec<&str> = accounts.iter().map(String::as_str).collect();
    // (product, direction, not_before) → ids, de-duplicated (E26).
    let mut groups: BTreeMap<LookupKey<Option<u64>>, Vec<String>> = BTreeMap::new();
    let (mut beyond, mut deferred, mut unmapped) = (0, 0, 0);
    let scope = ctx.input.request.scope.is_some();
    for entry in &ctx.input.entries {
        let targets = reports_targets(entry);
        let settled = |reason| NotFoundEntry {
            ledger_id: entry.id.clone(),
            product: entry
                .product
                .map_or(entry.kind.as_str(), Product::as_str)
                .to_owned(),
            direction: entry.direction.map(|d| d.as_str().to_owned()),
            created_at: entry.created_at,
            reason,
            tried: Vec::new(),
        };
        if targets.is_empty() {
            if matches!(entry.kind, EntryKind::Recording | EntryKind::User) {
                unmapped += 1;
                ctx.not_found.push(settled(NotFoundReason::NotQueried));
            }
            continue;
        }
        if !o.by_id {
            continue;
        }
        check_lookup_id(&entry.id)?;
        if entry.created_at < ctx.horizon {
            beyond += 1;
            ctx.not_found.push(settled(NotFoundReason::BeyondRetention));
            continue;
        }
        if scope && !(ctx.range.from..ctx.range.to).contains(&entry.created_at) {
            ctx.not_found.push(settled(NotFoundReason::OutOfScope));
            continue;
        }
        let ready_at = entry.created_at.saturating_add(o.propagation_delay_ms);
        let not_before = (ready_at > now).then_some(ready_at);
        deferred += u64::from(not_before.is_some());
        for (product, direction) in targets {
            let ids = groups.entry((product, direction, not_before)).or_default();
            if !ids.contains(&entry.id) {
                ids.push(entry.id.clone());
            }
        }
    }
    // Deferred entries wait for the youngest of their batch: batch them by product only.
    let mut batches: BTreeMap<LookupKey<bool>, Vec<(Option<u64>, String)>> = BTreeMap::new();
    for ((product, direction, not_before), ids) in groups {
        let batch = batches
            .entry((product, direction, not_before.is_some()))
            .or_default();
        for id in ids {
            if !batch.iter().any(|(_, i)| *i == id) {
                batch.push((not_before, id));
            }
        }
    }
    for ((product, direction, _), mut ids) in batches {
        ids.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        for chunk in ids.chunks(MAX_IDS_PER_LOOKUP) {
            let mut chunk_ids: Vec<String> = chunk.iter().map(|(_, id)| id.clone()).collect();
            chunk_ids.sort();
            ctx.queries.push(AccessQuery {
                query: 0,
                strategy: QueryStrategy::ById,
                mode: QueryMode::Sync,
                account_id: account_refs.first().copied().unwrap_or_default().to_owned(),
                product: product.to_owned(),
                direction,
                ids: chunk_ids,
                filter: None,
                range: None,
                pair: None,
                include_subaccounts: false,
                include_message: o.include_message_text && matches!(product, "SMS" | "MESSAGES"),
                not_before: chunk.iter().filter_map(|(nb, _)| *nb).max(),
                second_tries: second_tries(product, direction, &account_refs, o.message_search),
                conversation_type: None,
            });
        }
    }
    ctx.warn("entries_beyond_retention", beyond);
    ctx.warn("entries_deferred", deferred);
    ctx.warn("unmapped_entries", unmapped);
    Ok(())
}

impl AccessQuery {
    /// The follow-up query for ids this by-id query did not find, from the first of its
    /// `second_tries` (the rest carried on); `None` when the chain is exhausted. Message Search
    /// takes ≤ 10 ids: the ids are split over several queries, numbered from `next_query`.
    pub fn second_try(&self, ids_not_found: &[String], next_query: u32) -> Vec<AccessQuery> {
        let Some((first, rest)) = self.second_tries.split_first() else {
            return Vec::new();
        };
        let ids: Vec<String> = self
            .ids
            .iter()
            .filter(|id| ids_not_found.contains(id))
            .cloned()
            .collect();
        if ids.is_empty() {
            return Vec::new();
        }
        let base = |account_id: &str, product: &str, direction, mode| AccessQuery {
            query: next_query,
            account_id: account_id.to_owned(),
            product: product.to_owned(),
            direction,
            mode,
            ids: ids.clone(),
            include_message: self.include_message && matches!(product, "SMS" | "MESSAGES"),
            not_before: None,
            second_tries: rest.to_vec(),
            ..self.clone()
        };
        match first {
            SecondTry::Reports {
                account_id,
                product,
                direction,
            } => vec![base(account_id, product, *direction, QueryMode::Sync)],
            SecondTry::MessageSearch { account_id } => ids
                .chunks(MAX_IDS_PER_MESSAGE_SEARCH)
                .zip(next_query..)
                .map(|(chunk, n)| AccessQuery {
                    query: n,
                    ids: chunk.to_vec(),
                    ..base(account_id, "SMS", self.direction, QueryMode::MessageSearch)
                })
                .collect(),
        }
    }
}
