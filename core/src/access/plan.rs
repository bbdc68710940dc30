//! The access plan (access.md §5): from a subject's ledger entries, numbers and accounts to an
//! ordered list of queries. Deterministic: the same input gives the same plan, byte for byte.

use crate::access::civil_date::DueDates;
use crate::access::input::{check_account_id, AccessMode, AccessPlanInput, AccountRole, DAY_MS};
use crate::access::plan_ids::plan_lookups;
use crate::access::plan_scans::{plan_conversation_scans, plan_phone_scans};
use crate::access::query::{AccessQuery, TimeRange};
use crate::error::{Error, Result};
use crate::ledger::identifier::Identifier;
use crate::ledger::subject::check_subject;
use crate::time::timestamp::{check_time, UnixMillis};
use serde::{Deserialize, Serialize};
use time::{Date, Duration, Month, OffsetDateTime};

/// The narrowest sync window accepted.
pub const MIN_SYNC_WINDOW_MS: u64 = 3_600_000;
/// The longest retention accepted (Vonage documents 13 months).
pub const MAX_RETENTION_MONTHS: u32 = 120;

/// Why a ledger entry has no record in the report (§14.1 `not_found.reason`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotFoundReason {
    /// Older than Vonage's 13-month retention.
    BeyondRetention,
    /// Vonage answered that it has no such record, everywhere tried.
    NotInVonage,
    /// Still too young when the job was stopped.
    DeferredTooYoung,
    /// A source could not be searched (forbidden, retired, failed).
    UnavailableSource,
    /// Outside the period the subject asked about.
    OutOfScope,
    /// A kind read by live probes (recordings, users), a later release.
    NotQueried,
}

/// A ledger entry with no record (yet): decided by the plan, or after the lookups.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotFoundEntry {
    /// The ledger id.
    pub ledger_id: String,
    /// The ledger kind or product (`sms`, `voice`, `recording`, …).
    pub product: String,
    /// The direction, if known.
    pub direction: Option<String>,
    /// The entry's `created_at`.
    pub created_at: UnixMillis,
    /// Why.
    pub reason: NotFoundReason,
    /// The queries that looked for it (labels), in order.
    pub tried: Vec<String>,
}

/// Something the plan wants the host to show before anything is sent (§5.9).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PlanWarning {
    /// `entries_beyond_retention`, `entries_deferred`, `filter_not_confirmed`,
    /// `message_search_used`, `no_accounts_for_scans`, `unmapped_entries`.
    pub code: String,
    /// How many things it concerns.
    pub count: u64,
}

/// The plan: the queries in the order they run, and what was settled without a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessPlan {
    /// The ledger subject id.
    pub subject: String,
    /// When the plan was made.
    pub planned_at: UnixMillis,
    /// The retention horizon: nothing older exists at Vonage (§5.1).
    pub horizon: UnixMillis,
    /// The effective period searched, `[R0, R1)`.
    pub range: TimeRange,
    /// Art. 12(3) dates.
    pub due: DueDates,
    /// The subject's phone numbers, normalised and de-duplicated, with their validity.
    pub identifiers: Vec<crate::access::input::ScopedIdentifier>,
    /// Every query, in run order.
    pub queries: Vec<AccessQuery>,
    /// Ledger entries settled by the plan itself (beyond retention, out of scope, not queried).
    pub not_found: Vec<NotFoundEntry>,
    /// Warnings for the estimate.
    pub warnings: Vec<PlanWarning>,
}

impl AccessPlan {
    /// Plans a subject access request.
    pub fn new(input: &AccessPlanInput) -> Result<AccessPlan> {
        check_subject(&input.subject)?;
        let now = check_time("now", input.now)?;
        let o = &input.options;
        input.request.verification.check()?;
        if input.request.mode == AccessMode::CategoriesOnly {
            return Err(invalid(
                "request.mode",
                "categories_only is not in this release",
            ));
        }
        // At least an hour: a forced sync scan of 13 months stays under 10,000 windows a pair.
        if o.sync_window_ms < MIN_SYNC_WINDOW_MS
            || (o.sync_window_ms > DAY_MS && !o.allow_wide_sync_windows)
        {
            return Err(invalid(
                "options.sync_window_ms",
                "must be 1 h to 24 h (wider only with allow_wide_sync_windows)",
            ));
        }
        if !(1..=MAX_RETENTION_MONTHS).contains(&o.retention_months) {
            return Err(invalid("options.retention_months", "must be 1 to 120"));
        }
        if input.accounts.is_empty() {
            return Err(invalid("accounts", "name at least the primary account"));
        }
        for a in &input.accounts {
            check_account_id(&a.api_key)?;
        }
        if input
            .accounts
            .iter()
            .filter(|a| a.role == AccountRole::Primary)
            .count()
            > 1
        {
            return Err(invalid("accounts", "at most one primary account"));
        }
        let horizon = horizon(now, o.retention_months)?;
        let scope = input.request.scope.unwrap_or_default();
        let range = TimeRange {
            from: scope.from.unwrap_or(horizon).max(horizon),
            to: scope.to.unwrap_or(now).min(now),
        };
        let identifiers = normalise_identifiers(&input.identifiers)?;
        let mut ctx = PlanContext {
            input,
            horizon,
            range,
            queries: Vec::new(),
            not_found: Vec::new(),
            warnings: Vec::new(),
        };
        plan_lookups(&mut ctx)?;
        plan_phone_scans(&mut ctx, &identifiers);
        plan_conversation_scans(&mut ctx);
        for (i, q) in ctx.queries.iter_mut().enumerate() {
            q.query = u32::try_from(i).unwrap_or(u32::MAX);
        }
        ctx.warnings.sort();
        let request = &input.request;
        Ok(AccessPlan {
            subject: input.subject.clone(),
            planned_at: now,
            horizon,
            range,
            due: DueDates::compute(
                request.received_on,
                request.clock_started_on,
                request.extended.is_some(),
            ),
            identifiers,
            queries: ctx.queries,
            not_found: ctx.not_found,
            warnings: ctx.warnings,
        })
    }
}

/// What the planning steps share.
pub(crate) struct PlanContext<'a> {
    pub(crate) input: &'a AccessPlanInput,
    pub(crate) horizon: UnixMillis,
    pub(crate) range: TimeRange,
    pub(crate) queries: Vec<AccessQuery>,
    pub(crate) not_found: Vec<NotFoundEntry>,
    pub(crate) warnings: Vec<PlanWarning>,
}

impl PlanContext<'_> {
    pub(crate) fn warn(&mut self, code: &str, count: u64) {
        if count > 0 {
            self.warnings.push(PlanWarning {
                code: code.into(),
                count,
            });
        }
    }

    /// The primary account (the one marked so, else the first listed).
    pub(crate) fn primary(&self) -> &str {
        let accounts = &self.input.accounts;
        accounts
            .iter()
            .find(|a| a.role == AccountRole::Primary)
            .or(accounts.first())
            .map_or("", |a| a.api_key.as_str())
    }

    /// Every account, the primary first, then the host's order.
    pub(crate) fn accounts_primary_first(&self) -> Vec<&str> {
        let primary = self.primary();
        let mut out = vec![primary];
        out.extend(
            self.input
                .accounts
                .iter()
                .map(|a| a.api_key.as_str())
                .filter(|k| *k != primary),
        );
        out
    }
}

fn invalid(field: &str, reason: &str) -> Error {
    Error::InvalidArgument {
        field: field.into(),
        reason: reason.into(),
    }
}

/// `utc_midnight(now − retention_months) − 1 day` (§5.1): one spare day so an ambiguous
/// "13 months" never hides a record.
pub(crate) fn horizon(now: UnixMillis, months: u32) -> Result<UnixMillis> {
    let bad = || invalid("now", "outside the calendar");
    let t = OffsetDateTime::from_unix_timestamp_nanos(i128::from(now) * 1_000_000)
        .map_err(|_| bad())?;
    let index = t.year() * 12 + i32::from(u8::from(t.month())) - 1 - months as i32;
    let (year, month) = (index.div_euclid(12), index.rem_euclid(12) + 1);
    let month = Month::try_from(month as u8).map_err(|_| bad())?;
    let day = t.day().min(month.length(year));
    let date = Date::from_calendar_date(year, month, day).map_err(|_| bad())? - Duration::DAY;
    let ms = date.midnight().assume_utc().unix_timestamp_nanos() / 1_000_000;
    Ok(UnixMillis::try_from(ms).unwrap_or(0))
}

/// Phone numbers normalised to E.164 and de-duplicated (E37); validity kept, widest first.
fn normalise_identifiers(
    given: &[crate::access::input::ScopedIdentifier],
) -> Result<Vec<crate::access::input::ScopedIdentifier>> {
    let mut out: Vec<crate::access::input::ScopedIdentifier> = Vec::new();
    for s in given {
        let identifier = Identifier::from_parts(s.identifier.kind(), s.identifier.value())?;
        let scoped = crate::access::input::ScopedIdentifier {
            identifier,
            valid_from: s.valid_from,
            valid_until: s.valid_until,
        };
        if !out.contains(&scoped) {
            out.push(scoped);
        }
    }
    out.sort_by(|a, b| {
        (a.identifier.value(), a.valid_from, a.valid_until).cmp(&(
            b.identifier.value(),
            b.valid_from,
            b.valid_until,
        ))
    });
    Ok(out)
}
