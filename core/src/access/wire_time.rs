//! Times as Reports and Message Search write them (access.md §12.3), and the forms erasekit
//! writes: `YYYY-MM-DDTHH:MM:SSZ` on the wire (no `+` to percent-encode), RFC 3339 UTC in reports.
//!
//! Accepted: `YYYY-MM-DDTHH:MM:SS[.f…](Z|±HH:MM|±HHMM)` and Message Search's
//! `YYYY-MM-DD HH:MM:SS`, which is UTC ("UTC+0" [OAS:search]). Nothing else: no local time, no
//! zone database.

use crate::time::timestamp::{UnixMillis, MAX_UNIX_MILLIS};
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

/// A parsed time: the instant, and whether the text had a fractional second.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WireTime {
    /// The instant, ms since the epoch (sub-millisecond digits are dropped).
    pub at: UnixMillis,
    /// The text had a fraction, so the output keeps milliseconds.
    pub has_fraction: bool,
}

fn digits(s: &str) -> Option<u32> {
    (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// Parses a Reports or Message Search time; `None` for anything else.
pub fn parse_wire_time(text: &str) -> Option<WireTime> {
    let t = text.trim();
    let (date, rest) = (t.get(..10)?, t.get(10..)?);
    let sep = rest.chars().next()?;
    let rest = rest.get(1..)?;
    let clock = rest.get(..8)?;
    let mut tail = rest.get(8..)?;
    let b = date.as_bytes();
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let c = clock.as_bytes();
    if c.get(2) != Some(&b':') || c.get(5) != Some(&b':') {
        return None;
    }
    let year = i32::try_from(digits(date.get(..4)?)?).ok()?;
    let month = Month::try_from(u8::try_from(digits(date.get(5..7)?)?).ok()?).ok()?;
    let day = u8::try_from(digits(date.get(8..10)?)?).ok()?;
    let (h, m, s) = (
        u8::try_from(digits(clock.get(..2)?)?).ok()?,
        u8::try_from(digits(clock.get(3..5)?)?).ok()?,
        u8::try_from(digits(clock.get(6..8)?)?).ok()?,
    );
    let mut millis = 0u16;
    let mut has_fraction = false;
    if let Some(frac) = tail.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 || n > 9 {
            return None;
        }
        let mut padded = frac.get(..n.min(3))?.to_owned();
        while padded.len() < 3 {
            padded.push('0');
        }
        millis = u16::try_from(digits(&padded)?).ok()?;
        has_fraction = true;
        tail = frac.get(n..)?;
    }
    let offset = match (sep, tail) {
        (' ', "") => UtcOffset::UTC,
        ('T', "Z") => UtcOffset::UTC,
        ('T', zone) => parse_offset(zone)?,
        _ => return None,
    };
    let date = Date::from_calendar_date(year, month, day).ok()?;
    let time = Time::from_hms_milli(h, m, s, millis).ok()?;
    let at = PrimitiveDateTime::new(date, time).assume_offset(offset);
    let ms = at.unix_timestamp_nanos() / 1_000_000;
    let at = UnixMillis::try_from(ms)
        .ok()
        .filter(|ms| *ms <= MAX_UNIX_MILLIS)?;
    Some(WireTime { at, has_fraction })
}

/// `+HH:MM`, `-HHMM`.
fn parse_offset(zone: &str) -> Option<UtcOffset> {
    let sign = match zone.chars().next()? {
        '+' => 1i8,
        '-' => -1i8,
        _ => return None,
    };
    let rest = zone.get(1..)?;
    let (hh, mm) = match rest.len() {
        5 if rest.as_bytes().get(2) == Some(&b':') => (rest.get(..2)?, rest.get(3..)?),
        4 => (rest.get(..2)?, rest.get(2..)?),
        _ => return None,
    };
    let (hh, mm) = (
        i8::try_from(digits(hh)?).ok()?,
        i8::try_from(digits(mm)?).ok()?,
    );
    // RFC 3339 offsets: hours 00-23, minutes 00-59.
    if hh > 23 || mm > 59 {
        return None;
    }
    UtcOffset::from_hms(sign * hh, sign * mm, 0).ok()
}

/// RFC 3339 UTC: `2025-03-01T10:15:00Z`, or `…:00.120Z` when `millis` is set.
pub fn format_rfc3339(at: UnixMillis, millis: bool) -> String {
    let Ok(t) = OffsetDateTime::from_unix_timestamp_nanos(i128::from(at) * 1_000_000) else {
        return at.to_string();
    };
    let base = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    );
    if millis {
        format!("{base}.{:03}Z", t.millisecond())
    } else {
        format!("{base}Z")
    }
}

/// A parsed wire time rewritten as RFC 3339 UTC (§12.3); `None` if unparseable.
pub fn normalise_wire_time(text: &str) -> Option<String> {
    parse_wire_time(text).map(|w| format_rfc3339(w.at, w.has_fraction))
}
