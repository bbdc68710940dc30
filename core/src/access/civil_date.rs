//! Civil dates (`YYYY-MM-DD`, no zone) and the Art. 12(3) due dates computed from them.
//!
//! A request is received on a day in the controller's zone, not at an instant; the deadline is a
//! day too (ICO counts the day of receipt as day 1: due the same day-of-month a month later, or
//! that month's last day). Rolling a weekend forward is jurisdiction-specific: the host does it.

use crate::error::{Error, Result};
use crate::time::timestamp::UnixMillis;
use serde::{Deserialize, Serialize};
use time::macros::format_description;
use time::{Date, Month, Weekday};

/// A calendar date written `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CivilDate(Date);

impl CivilDate {
    /// Parses `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Result<CivilDate> {
        let format = format_description!("[year]-[month]-[day]");
        Date::parse(text, format)
            .map(CivilDate)
            .map_err(|_| Error::InvalidArgument {
                field: "date".into(),
                reason: format!("{text:?} is not a date written YYYY-MM-DD"),
            })
    }

    /// The date `months` calendar months later, clamped to that month's last day.
    pub fn add_months(self, months: u32) -> CivilDate {
        let d = self.0;
        let index = d.year() * 12 + i32::from(u8::from(d.month())) - 1 + months as i32;
        let (year, month) = (index.div_euclid(12), index.rem_euclid(12) + 1);
        let month = Month::try_from(month as u8).unwrap_or(Month::December);
        let day = d.day().min(month.length(year));
        CivilDate(Date::from_calendar_date(year, month, day).unwrap_or(d))
    }

    /// Saturday or Sunday.
    pub fn is_weekend(self) -> bool {
        matches!(self.0.weekday(), Weekday::Saturday | Weekday::Sunday)
    }

    /// UTC midnight of this date, ms since the epoch (for the planner's estimate against it).
    pub fn utc_midnight_ms(self) -> UnixMillis {
        let days = i64::from(self.0.to_julian_day()) - 2_440_588;
        (days.max(0) as u64) * 86_400_000
    }
}

impl TryFrom<String> for CivilDate {
    type Error = Error;
    fn try_from(text: String) -> Result<CivilDate> {
        CivilDate::parse(&text)
    }
}

impl From<CivilDate> for String {
    fn from(d: CivilDate) -> String {
        let format = format_description!("[year]-[month]-[day]");
        d.0.format(format).unwrap_or_default()
    }
}

impl std::fmt::Display for CivilDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&String::from(*self))
    }
}

/// The Art. 12(3) due dates of a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DueDates {
    /// One month from the day the clock started.
    pub due_on: CivilDate,
    /// Whether `due_on` is a Saturday or Sunday (the host may roll it forward).
    pub due_on_is_weekend: bool,
    /// Three months from the day the clock started, when extended.
    pub extended_due_on: Option<CivilDate>,
}

impl DueDates {
    /// Due dates counted from `clock_started_on` if given, else from `received_on`.
    pub fn compute(
        received_on: CivilDate,
        clock_started_on: Option<CivilDate>,
        extended: bool,
    ) -> DueDates {
        let start = clock_started_on.unwrap_or(received_on);
        let due_on = start.add_months(1);
        DueDates {
            due_on,
            due_on_is_weekend: due_on.is_weekend(),
            extended_due_on: extended.then(|| start.add_months(3)),
        }
    }
}
