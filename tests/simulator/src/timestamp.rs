//! Calendar arithmetic and the timestamp spellings the Vonage APIs use.
//!
//! All times inside the simulator are Unix epoch milliseconds (UTC). This module turns them
//! into the formats of each API (`2019-06-28T15:30:00+0000` in Reports, `2020-01-01 12:00:00`
//! in Message Search, `2020-01-01T14:00:00.000Z` in Media) and parses the ISO-8601 forms that
//! clients send.

const MS_PER_DAY: i64 = 86_400_000;

/// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date `(year, month, day)` of a day count since 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

struct Parts {
    year: i64,
    month: u32,
    day: u32,
    hour: i64,
    minute: i64,
    second: i64,
    milli: i64,
}

fn split(ms: i64) -> Parts {
    let days = ms.div_euclid(MS_PER_DAY);
    let rem = ms.rem_euclid(MS_PER_DAY);
    let (year, month, day) = civil_from_days(days);
    Parts {
        year,
        month,
        day,
        hour: rem / 3_600_000,
        minute: rem / 60_000 % 60,
        second: rem / 1000 % 60,
        milli: rem % 1000,
    }
}

/// `2019-06-28T15:30:00+0000`, the Reports API spelling.
pub fn reports_format(ms: i64) -> String {
    let p = split(ms);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}+0000",
        p.year, p.month, p.day, p.hour, p.minute, p.second
    )
}

/// `2020-01-01T14:00:00.000Z`, the Media API spelling.
pub fn iso_millis_z(ms: i64) -> String {
    let p = split(ms);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        p.year, p.month, p.day, p.hour, p.minute, p.second, p.milli
    )
}

/// `2020-01-01 12:00:00`, the Message Search spelling (UTC).
pub fn search_format(ms: i64) -> String {
    let p = split(ms);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        p.year, p.month, p.day, p.hour, p.minute, p.second
    )
}

/// `20200101`, the date in report file names.
pub fn compact_date(ms: i64) -> String {
    let p = split(ms);
    format!("{:04}{:02}{:02}", p.year, p.month, p.day)
}

fn number(s: &str) -> Option<i64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn valid_date(year: i64, month: i64, day: i64) -> Option<(i64, u32, u32)> {
    if !(1..=12).contains(&month) || day < 1 {
        return None;
    }
    let (month, day) = (month as u32, day as u32);
    let next = if month == 12 {
        days_from_civil(year + 1, 1, 1)
    } else {
        days_from_civil(year, month + 1, 1)
    };
    let len = next - days_from_civil(year, month, 1);
    (i64::from(day) <= len).then_some((year, month, day))
}

/// Parses `YYYY-MM-DD` to the epoch milliseconds of that day's midnight UTC.
pub fn parse_date(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (y, m, d) = valid_date(number(&s[0..4])?, number(&s[5..7])?, number(&s[8..10])?)?;
    Some(days_from_civil(y, m, d) * MS_PER_DAY)
}

/// Parses `yyyy-mm-ddThh:mm:ss[.sss](Z|±hh:mm|±hhmm|±hh)` to epoch milliseconds.
pub fn parse_iso(s: &str) -> Option<i64> {
    if s.len() < 20 || !s.is_ascii() {
        return None;
    }
    let day_ms = parse_date(&s[0..10])?;
    let b = s.as_bytes();
    if b[10] != b'T' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (h, mi, sec) = (
        number(&s[11..13])?,
        number(&s[14..16])?,
        number(&s[17..19])?,
    );
    if h > 23 || mi > 59 || sec > 59 {
        return None;
    }
    let mut rest = &s[19..];
    let mut millis = 0;
    if let Some(frac) = rest.strip_prefix('.') {
        let end = frac
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(frac.len());
        if end == 0 || end > 9 {
            return None;
        }
        let digits = &frac[..end.min(3)];
        millis = number(digits)? * 10_i64.pow(3 - digits.len() as u32);
        rest = &frac[end..];
    }
    let offset_min = match rest {
        "Z" => 0,
        _ => {
            let sign = match rest.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let body = &rest[1..];
            let (oh, om) = match body.len() {
                2 => (number(body)?, 0),
                4 => (number(&body[0..2])?, number(&body[2..4])?),
                5 if body.as_bytes()[2] == b':' => (number(&body[0..2])?, number(&body[3..5])?),
                _ => return None,
            };
            if oh > 23 || om > 59 {
                return None;
            }
            sign * (oh * 60 + om)
        }
    };
    Some(day_ms + ((h * 60 + mi - offset_min) * 60 + sec) * 1000 + millis)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        for days in [-800_000, -1, 0, 1, 10_957, 18_262, 19_000, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    }

    #[test]
    fn formats() {
        let ms = 1_561_735_800_123; // 2019-06-28T15:30:00.123Z
        assert_eq!(reports_format(ms), "2019-06-28T15:30:00+0000");
        assert_eq!(iso_millis_z(ms), "2019-06-28T15:30:00.123Z");
        assert_eq!(search_format(ms), "2019-06-28 15:30:00");
        assert_eq!(compact_date(ms), "20190628");
    }

    #[test]
    fn parses_iso_variants() {
        let base = 1_561_735_800_000;
        assert_eq!(parse_iso("2019-06-28T15:30:00Z"), Some(base));
        assert_eq!(parse_iso("2019-06-28T15:30:00.5Z"), Some(base + 500));
        assert_eq!(parse_iso("2019-06-28T15:30:00.123456Z"), Some(base + 123));
        assert_eq!(parse_iso("2019-06-28T15:30:00+0000"), Some(base));
        assert_eq!(parse_iso("2019-06-28T17:30:00+02:00"), Some(base));
        assert_eq!(parse_iso("2019-06-28T14:30:00-01"), Some(base));
        for bad in [
            "",
            "2019-06-28",
            "2019-06-28 15:30:00Z",
            "2019-06-28T15:30:00 00:00",
            "2019-02-30T00:00:00Z",
            "2019-06-28T25:00:00Z",
            "2019-06-28T15:30:00.Z",
            "2019-06-28T15:30:00+0",
            "2019-06-28T15:30:00é",
        ] {
            assert_eq!(parse_iso(bad), None, "{bad}");
        }
    }

    #[test]
    fn parses_dates() {
        assert_eq!(parse_date("1970-01-02"), Some(86_400_000));
        assert!(parse_date("2024-02-29").is_some());
        assert_eq!(parse_date("2023-02-29"), None);
        assert_eq!(parse_date("2023-1-01"), None);
    }
}
