//! The GDPR Art. 12(3) deadline: one calendar month from receipt, extendable by two more.

use crate::error::{Error, Result};
use crate::time::timestamp::{check_time, UnixMillis};
use serde::{Deserialize, Serialize};
use time::{Date, Month, OffsetDateTime};

/// When a request must be answered: `due_at` is one month after `received_at`, or up to three
/// months when extended (with the reason recorded, as Art. 12(3) requires telling the subject why).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Deadline {
    /// When the request was received.
    pub received_at: UnixMillis,
    /// When the answer is due.
    pub due_at: UnixMillis,
    /// Months of extension granted (0, 1 or 2).
    pub extension_months: u8,
    /// Why the deadline was extended, if it was.
    pub extension_reason: Option<String>,
}

impl Deadline {
    /// The deadline for a request received at `received_at`: the same day number a month later,
    /// clamped to that month's last day (31 January → 28 or 29 February), same time of day (UTC).
    pub fn new(received_at: UnixMillis) -> Result<Self> {
        Ok(Deadline {
            received_at: check_time("received_at", received_at)?,
            due_at: add_months(received_at, 1)?,
            extension_months: 0,
            extension_reason: None,
        })
    }

    /// This deadline extended to `1 + months` months after receipt (`months` is 1 or 2).
    pub fn extend(&self, months: u8, reason: &str) -> Result<Self> {
        if !(1..=2).contains(&months) {
            return Err(Error::InvalidArgument {
                field: "months".into(),
                reason: "an extension is 1 or 2 further months (GDPR Art. 12(3))".into(),
            });
        }
        if reason.trim().is_empty() {
            return Err(Error::InvalidArgument {
                field: "reason".into(),
                reason: "an extension needs a reason; the subject must be told why".into(),
            });
        }
        Ok(Deadline {
            received_at: self.received_at,
            due_at: add_months(self.received_at, 1 + u32::from(months))?,
            extension_months: months,
            extension_reason: Some(reason.to_owned()),
        })
    }

    /// Whether `now` is past the deadline.
    pub fn is_overdue(&self, now: UnixMillis) -> bool {
        now > self.due_at
    }
}

/// `at` plus `months` calendar months, the day clamped to the target month's length.
pub(crate) fn add_months(at: UnixMillis, months: u32) -> Result<UnixMillis> {
    let bad = || Error::InvalidTime {
        field: "received_at",
        reason: format!("{at} is outside the calendar"),
    };
    let nanos = i128::from(check_time("received_at", at)?) * 1_000_000;
    let t = OffsetDateTime::from_unix_timestamp_nanos(nanos).map_err(|_| bad())?;
    let index = t.year() * 12 + i32::from(u8::from(t.month())) - 1 + months as i32;
    let (year, month) = (index.div_euclid(12), index.rem_euclid(12) + 1);
    let month = Month::try_from(month as u8).map_err(|_| bad())?;
    let day = t.day().min(month.length(year));
    let date = Date::from_calendar_date(year, month, day).map_err(|_| bad())?;
    let due = t.replace_date(date);
    let ms = due.unix_timestamp_nanos() / 1_000_000;
    UnixMillis::try_from(ms).map_err(|_| bad())
}
