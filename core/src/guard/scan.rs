//! Finding phone numbers and e-mail addresses in a field's text, URLs and query strings included.
//!
//! A lint, not a parser: it looks for what a developer puts in a field by mistake (an end user's
//! number in an `eventUrl` query, an address in a `client-ref`), in the notations people write:
//! `+44 7700 900123`, `0044-7700-900123`, `(020) 7946 0123`, `+1 (415) 555-2671`, `415.555.2671`,
//! Vonage's bare `447700900123`, and the same percent-encoded in a URL (`%2B44…`). Digits glued
//! to letters (hex ids, UUID segments) are not numbers; dates, times, decimals, IPv4 addresses
//! and Unix timestamps (10 or 13 digits from `1`) are not either. Bare digits count only in the
//! lengths numbers have: national with a trunk `0` (9 to 11 digits), North American (10, or 11
//! from `1`), or international without `+` (11 to 15).

/// A phone number found: `+<digits>` (international) or `0<digits>` (national, country unknown).
pub(crate) type Phone = String;

/// The texts to scan for one value: itself, and its percent-decoding when that differs.
pub(crate) fn views(text: &str) -> Vec<String> {
    let mut out = vec![text.to_owned()];
    if text.contains('%') {
        let decoded = percent_encoding::percent_decode_str(text)
            .decode_utf8_lossy()
            .into_owned();
        if decoded != text {
            out.push(decoded);
        }
    }
    out
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric()
}

fn is_separator(c: char) -> bool {
    matches!(c, ' ' | '-' | '.' | '(' | ')' | '\u{a0}')
}

/// Every phone number in `text`, normalised.
pub(crate) fn phones(text: &str) -> Vec<Phone> {
    let cs: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < cs.len() {
        let c = cs[i];
        let starts = c.is_ascii_digit() || c == '+' || c == '(';
        if !starts || (i > 0 && is_word(cs[i - 1])) {
            i += 1;
            continue;
        }
        let (mut j, mut in_row, mut last_digit) = (i, 0, None);
        while j < cs.len() {
            let c = cs[j];
            if c.is_ascii_digit() {
                in_row = 0;
                last_digit = Some(j + 1);
            } else if c == '+' && (j == i || (j == i + 1 && cs[i] == '(')) {
                // One leading `+` (or `(+`): a run of them must not restart the scan each time.
            } else if is_separator(c) {
                in_row += 1;
                if in_row > 2 {
                    break;
                }
            } else {
                break;
            }
            j += 1;
        }
        let Some(end) = last_digit else {
            i += 1;
            continue;
        };
        let glued = cs.get(end).is_some_and(|c| is_word(*c));
        if !glued {
            let candidate: String = cs[i..end].iter().collect();
            if let Some(phone) = classify(&candidate) {
                out.push(phone);
            }
        }
        i = end.max(i + 1);
    }
    out
}

fn classify(candidate: &str) -> Option<Phone> {
    // `+44 (0) 20 …`: the bracketed trunk 0 is not dialled internationally.
    let candidate = candidate.replace("(0)", "");
    let plus = candidate.contains('+');
    let digits: String = candidate.chars().filter(char::is_ascii_digit).collect();
    let international =
        |d: &str| ((8..=15).contains(&d.len()) && !d.starts_with('0')).then(|| format!("+{d}"));
    if plus {
        return international(&digits);
    }
    if let Some(rest) = digits.strip_prefix("00") {
        return international(rest);
    }
    if is_not_a_number(&candidate) {
        return None;
    }
    let b = digits.as_bytes();
    let nanp = |d: &[u8]| d.len() == 10 && d[0] >= b'2' && d[3] >= b'2';
    match b.first()? {
        b'0' => ((9..=11).contains(&b.len()) && b[1] != b'0').then_some(digits),
        b'1' => (b.len() == 11 && nanp(&b[1..])).then(|| format!("+{digits}")),
        _ if nanp(b) => Some(format!("+1{digits}")),
        _ => (11..=15).contains(&b.len()).then(|| format!("+{digits}")),
    }
}

/// Dates (`2020-01-01`, `01/02/2020`), decimals (`0.0333`) and IPv4 addresses.
fn is_not_a_number(candidate: &str) -> bool {
    let groups: Vec<&str> = candidate
        .split(|c: char| !c.is_ascii_digit())
        .filter(|g| !g.is_empty())
        .collect();
    let separators: Vec<char> = candidate
        .trim_matches(|c: char| !c.is_ascii_digit())
        .chars()
        .filter(|c| !c.is_ascii_digit())
        .collect();
    let dotted = !separators.is_empty() && separators.iter().all(|c| *c == '.');
    if dotted && separators.len() == 1 {
        return true;
    }
    if dotted && groups.len() == 4 && groups.iter().all(|g| g.len() <= 3) {
        return true;
    }
    let lens: Vec<usize> = groups.iter().map(|g| g.len()).collect();
    // `2024-11-000123` (a date-stamped reference) is as much a date as `2020-01-01 12`.
    let year_first = lens.len() >= 2
        && lens[0] == 4
        && (groups[0].starts_with("19") || groups[0].starts_with("20"))
        && lens[1] <= 2
        && separators
            .first()
            .is_some_and(|c| matches!(c, '-' | '/' | '.'));
    let year_last = lens.len() == 3 && lens[0] <= 2 && lens[1] <= 2 && lens[2] == 4;
    year_first || year_last
}

/// Every e-mail address in `text`, with its domain in lower case.
pub(crate) fn emails(text: &str) -> Vec<String> {
    let cs: Vec<char> = text.chars().collect();
    let local = |c: char| c.is_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-');
    let domain = |c: char| c.is_alphanumeric() || matches!(c, '.' | '-');
    let mut out = Vec::new();
    for (at, _) in cs.iter().enumerate().filter(|(_, c)| **c == '@') {
        let mut start = at;
        while start > 0 && local(cs[start - 1]) {
            start -= 1;
        }
        let mut end = at + 1;
        while end < cs.len() && domain(cs[end]) {
            end += 1;
        }
        let user: String = cs[start..at].iter().collect();
        let host: String = cs[at + 1..end].iter().collect();
        let user = user.trim_start_matches('.');
        let host = host.trim_end_matches(['.', '-']).to_lowercase();
        let tld_ok = host.rsplit_once('.').is_some_and(|(name, tld)| {
            !name.is_empty() && tld.len() >= 2 && tld.chars().all(char::is_alphabetic)
        });
        if !user.is_empty() && tld_ok {
            out.push(format!("{user}@{host}"));
        }
    }
    out
}

/// Runs of digits as a reader sees them: separators between digits are skipped, anything else
/// ends a run (`user447700900123` holds the run `447700900123`). For identifiers the ledger
/// links to a subject, which are matched wherever they appear.
pub(crate) fn digit_runs(text: &str) -> Vec<String> {
    let mut runs = Vec::new();
    let mut run = String::new();
    let mut pending_separator = false;
    for c in text.chars() {
        if c.is_ascii_digit() {
            run.push(c);
            pending_separator = false;
        } else if !run.is_empty() && (is_separator(c) || c == '+') && !pending_separator {
            pending_separator = true;
        } else if !run.is_empty() {
            runs.push(std::mem::take(&mut run));
            pending_separator = false;
        }
    }
    if !run.is_empty() {
        runs.push(run);
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notations() {
        for (text, want) in [
            ("+44 7700 900123", "+447700900123"),
            ("call 0044-7700-900123 now", "+447700900123"),
            ("(020) 7946 0123", "02079460123"),
            ("+1 (415) 555-2671", "+14155552671"),
            ("415.555.2671", "+14155552671"),
            ("to=447700900123&x", "+447700900123"),
            ("+44 (0) 20 7946 0123", "+442079460123"),
        ] {
            assert_eq!(phones(text), vec![want.to_owned()], "{text}");
        }
        for text in [
            "63f61863-4a51-4f6b-86e1-46edebcf9356",
            "2020-01-01 12:00:00",
            "2020-01-01T12:00:00.000Z",
            "0.03330000",
            "192.168.100.200",
            "ts=1582650446&ms=1582650446123",
            "0A0000001234567B",
            "order 12345",
            "01/02/2020",
            "order-2024-11-000123",
        ] {
            assert!(phones(text).is_empty(), "{text}: {:?}", phones(text));
        }
    }

    #[test]
    fn addresses() {
        assert_eq!(
            emails("mailto:Jo.Doe+x@Mail.Example.org."),
            ["Jo.Doe+x@mail.example.org"]
        );
        assert!(emails("@handle and a@b and x@host.c0m").is_empty());
        assert_eq!(
            digit_runs("u447700900123x, +44 7700-900123"),
            ["447700900123", "447700900123"]
        );
    }
}
