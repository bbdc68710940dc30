//! Query parameters and body values of the access calls: decoded, checked one by one, and
//! written back in one canonical form.
//!
//! Encoding is the form encoding of the access requests (and of Vonage's own `next.href`):
//! everything but `A-Z a-z 0-9 - _ . ~ *` is percent-encoded, so `+` in a time offset is `%2B`.

use crate::console::call::refused;
use crate::error::Result;
use crate::vonage::transaction_id::TransactionId;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use time::format_description::well_known::Rfc3339;

const FORM: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'*');

/// `value` form-encoded.
pub(crate) fn enc(value: &str) -> String {
    utf8_percent_encode(value, FORM).to_string()
}

/// The Reports products (the current list, vonage-facts §4.1, and the 2021 `CONVERSATIONS`).
pub(crate) const REPORTS_PRODUCTS: &[&str] = &[
    "SMS",
    "VOICE-CALL",
    "VOICE-FAILED",
    "VOICE-TTS",
    "IN-APP-VOICE",
    "WEBSOCKET-CALL",
    "VERIFY-API",
    "VERIFY-V2",
    "NUMBER-INSIGHT",
    "NUMBER-INSIGHT-V2",
    "MESSAGES",
    "ASR",
    "CONVERSATION-MESSAGE",
    "CONVERSATION-EVENT",
    "CONVERSATIONS",
    "REPORTS-USAGE",
    "MEETINGS",
    "NETWORK-API-EVENT",
    "AMD",
    "SMS-TRAFFIC-CONTROL",
    "VIDEO-API",
];

/// The subject filters the access job sends, in the order they are written.
pub(crate) const FILTERS: &[&str] = &["to", "from", "number", "conversation_id"];

/// Query parameters the server fills in itself (Message Search's query-string credentials):
/// a page's values for them are dropped, never forwarded or echoed.
pub(crate) const CREDENTIAL_PARAMS: &[&str] = &["api_key", "api_secret"];

/// The decoded `name=value` pairs of a query, credential parameters dropped. `+` is a space.
pub(crate) fn pairs(query: Option<&str>) -> Result<Vec<(String, String)>> {
    let Some(query) = query else {
        return Ok(Vec::new());
    };
    let decode = |raw: &str| {
        percent_encoding::percent_decode_str(&raw.replace('+', " "))
            .decode_utf8()
            .map(|text| text.into_owned())
            .map_err(|_| refused("query", "a query parameter is not UTF-8 once decoded"))
    };
    let mut out = Vec::new();
    for piece in query.split('&') {
        let (name, value) = piece
            .split_once('=')
            .ok_or_else(|| refused("query", "every query piece is name=value"))?;
        let name = decode(name)?;
        if !CREDENTIAL_PARAMS.contains(&name.as_str()) {
            out.push((name, decode(value)?));
        }
    }
    Ok(out)
}

/// The one value of `name`, if given; a second one is refused (except where a caller collects
/// repeats itself). Unknown names are found by [`only_known`].
pub(crate) fn single<'a>(pairs: &'a [(String, String)], name: &str) -> Result<Option<&'a str>> {
    let mut found = pairs.iter().filter(|(n, _)| n == name).map(|(_, v)| v);
    let first = found.next();
    if found.next().is_some() {
        return Err(refused("query", format!("{name} is given twice")));
    }
    Ok(first.map(String::as_str))
}

/// Refuses any parameter not in `known`.
pub(crate) fn only_known(pairs: &[(String, String)], known: &[&str]) -> Result<()> {
    match pairs.iter().find(|(n, _)| !known.contains(&n.as_str())) {
        // The name is shown only when it is one erasekit knows of; a page's own is not echoed.
        Some(_) => Err(refused(
            "query",
            format!("only {} are allowed here", known.join(", ")),
        )),
        None => Ok(()),
    }
}

fn bad(field: &str, what: &str) -> crate::error::Error {
    refused("query", format!("{field} must be {what}"))
}

/// A Reports product.
pub(crate) fn product(field: &str, v: &str) -> Result<()> {
    if REPORTS_PRODUCTS.contains(&v) {
        Ok(())
    } else {
        Err(bad(field, "a Reports product (SMS, VOICE-CALL, ...)"))
    }
}

/// `inbound` or `outbound`.
pub(crate) fn direction(field: &str, v: &str) -> Result<()> {
    match v {
        "inbound" | "outbound" => Ok(()),
        _ => Err(bad(field, "inbound or outbound")),
    }
}

/// An account id (API key): 1 to 64 letters, digits, `-` or `_`.
pub(crate) fn account(field: &str, v: &str) -> Result<()> {
    let ok = (1..=64).contains(&v.len())
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    ok.then_some(())
        .ok_or_else(|| bad(field, "an account id (letters, digits, '-', '_')"))
}

/// One id as the core checks ids.
pub(crate) fn id(field: &str, v: &str) -> Result<()> {
    TransactionId::check(v).map_err(|e| bad(field, &format!("a valid id ({e})")))
}

/// Comma-separated ids, 1 to `max`.
pub(crate) fn id_list(field: &str, v: &str, max: usize) -> Result<Vec<String>> {
    let ids: Vec<String> = v.split(',').map(str::to_owned).collect();
    if ids.len() > max {
        return Err(bad(field, &format!("at most {max} ids")));
    }
    ids.iter().try_for_each(|one| id(field, one))?;
    Ok(ids)
}

/// An RFC 3339 time (`2026-01-01T00:00:00Z`, `...+01:00`).
pub(crate) fn rfc3339(field: &str, v: &str) -> Result<()> {
    time::OffsetDateTime::parse(v, &Rfc3339)
        .map(|_| ())
        .map_err(|_| bad(field, "an RFC 3339 time"))
}

/// A day, `YYYY-MM-DD` (Message Search).
pub(crate) fn day(field: &str, v: &str) -> Result<()> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(v, &format)
        .map(|_| ())
        .map_err(|_| bad(field, "a date YYYY-MM-DD"))
}

/// A phone number as Vonage writes it: 1 to 20 digits.
pub(crate) fn number(field: &str, v: &str) -> Result<()> {
    let ok = (1..=20).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_digit());
    ok.then_some(())
        .ok_or_else(|| bad(field, "a number in digits only"))
}

/// A subject filter's value: a number for `to`/`from`/`number`, an id for `conversation_id`.
pub(crate) fn filter_value(field: &str, v: &str) -> Result<()> {
    if field == "conversation_id" {
        id(field, v)
    } else {
        number(field, v)
    }
}

/// `true` or `false`.
pub(crate) fn flag(field: &str, v: &str) -> Result<bool> {
    match v {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(bad(field, "true or false")),
    }
}

/// A pagination token (`cursor`, `iv`): opaque, 1 to 4096 visible ASCII characters.
pub(crate) fn token(field: &str, v: &str) -> Result<()> {
    let ok = (1..=4096).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_graphic());
    ok.then_some(())
        .ok_or_else(|| bad(field, "an opaque token of visible characters"))
}

/// A report or file id in a path: 1 to 64 letters, digits or `-`.
pub(crate) fn report_id(v: &str) -> Result<()> {
    let ok =
        (1..=64).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    ok.then_some(()).ok_or_else(|| {
        refused(
            "path",
            "a report or file id is 1 to 64 letters, digits or '-'",
        )
    })
}
