//! Times as Vonage writes them in payloads, read into [`UnixMillis`].

use crate::time::timestamp::{UnixMillis, MAX_UNIX_MILLIS};
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime};

/// Reads `2020-01-01 12:00:00` (UTC, SMS and voice CDR style), RFC 3339 / ISO 8601 with `Z` or an
/// offset (`2020-01-01T12:00:00.000Z`, webhooks) or Unix seconds (`1578787200`, SMS `timestamp`).
pub(crate) fn parse_payload_time(raw: &str) -> Option<UnixMillis> {
    let raw = raw.trim();
    if !raw.is_empty() && raw.bytes().all(|b| b.is_ascii_digit()) {
        let seconds: u64 = raw.parse().ok()?;
        return seconds
            .checked_mul(1000)
            .filter(|ms| *ms <= MAX_UNIX_MILLIS);
    }
    let at = OffsetDateTime::parse(raw, &Rfc3339)
        .ok()
        .or_else(|| {
            let plain = format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
            PrimitiveDateTime::parse(raw, plain)
                .ok()
                .map(PrimitiveDateTime::assume_utc)
        })
        .or_else(|| {
            // Some webhooks omit the zone: `2020-01-01T12:00:00.000`; Vonage times are UTC.
            let iso = format_description!(
                "[year]-[month]-[day]T[hour]:[minute]:[second][optional [.[subsecond]]]"
            );
            PrimitiveDateTime::parse(raw, iso)
                .ok()
                .map(PrimitiveDateTime::assume_utc)
        })?;
    let ms = at.unix_timestamp_nanos() / 1_000_000;
    UnixMillis::try_from(ms)
        .ok()
        .filter(|ms| *ms <= MAX_UNIX_MILLIS)
}

/// Formats a time as RFC 3339 UTC with milliseconds, e.g. `2020-01-01T12:00:00.000Z`.
pub(crate) fn format_payload_time(at: UnixMillis) -> String {
    let nanos = i128::from(at) * 1_000_000;
    match OffsetDateTime::from_unix_timestamp_nanos(nanos) {
        Ok(t) => {
            let fmt = format_description!(
                "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
            );
            t.format(fmt).unwrap_or_else(|_| at.to_string())
        }
        Err(_) => at.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_vonage_form() {
        let t = 1_577_880_000_000; // 2020-01-01T12:00:00Z
        assert_eq!(parse_payload_time("2020-01-01 12:00:00"), Some(t));
        assert_eq!(parse_payload_time("2020-01-01T12:00:00.000Z"), Some(t));
        assert_eq!(parse_payload_time("2020-01-01T12:00:00Z"), Some(t));
        assert_eq!(parse_payload_time("2020-01-01T13:00:00+01:00"), Some(t));
        assert_eq!(parse_payload_time("2020-01-01T12:00:00.250"), Some(t + 250));
        assert_eq!(parse_payload_time("1577880000"), Some(t));
        for bad in [
            "",
            "yesterday",
            "2020-13-01 12:00:00",
            "99999999999999999999",
        ] {
            assert_eq!(parse_payload_time(bad), None, "{bad}");
        }
        assert_eq!(format_payload_time(t + 5), "2020-01-01T12:00:00.005Z");
    }
}
