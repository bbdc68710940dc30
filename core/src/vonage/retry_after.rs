//! The `Retry-After` header: delay-seconds or an HTTP date.

use crate::time::timestamp::UnixMillis;
use std::time::UNIX_EPOCH;

/// The absolute time a `Retry-After` value asks to wait until, given the time it was received.
/// Returns `None` for absent or unparseable values. Dates in the past mean "now".
pub fn retry_at(value: Option<&str>, now: UnixMillis) -> Option<UnixMillis> {
    let value = value?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        // Clamp absurd values to a day so a hostile header cannot park a job for years.
        return Some(now.saturating_add(seconds.min(86_400) * 1000));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    let at = date.duration_since(UNIX_EPOCH).ok()?.as_millis();
    let at = UnixMillis::try_from(at).ok()?;
    Some(at.clamp(now, now.saturating_add(86_400_000)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_and_dates() {
        assert_eq!(retry_at(Some("2"), 1_000), Some(3_000));
        assert_eq!(retry_at(Some(" 0 "), 1_000), Some(1_000));
        // Sun, 06 Nov 1994 08:49:37 GMT = 784111777 s
        let now = 784_111_777_000 - 5_000;
        assert_eq!(
            retry_at(Some("Sun, 06 Nov 1994 08:49:37 GMT"), now),
            Some(784_111_777_000)
        );
        assert_eq!(
            retry_at(Some("Sun, 06 Nov 1994 08:49:37 GMT"), now + 60_000),
            Some(now + 60_000)
        );
        assert_eq!(retry_at(Some("soon"), now), None);
        assert_eq!(retry_at(Some("-1"), now), None);
        assert_eq!(retry_at(None, now), None);
    }
}
