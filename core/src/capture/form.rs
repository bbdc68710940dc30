//! Webhook bodies as web frameworks hand them over: JSON, `application/x-www-form-urlencoded`
//! bodies and query strings, read into the same JSON object capture reads.
//!
//! Vonage sends SMS inbound messages and delivery receipts with GET or POST depending on the
//! account's settings ([WEB developer.vonage.com/messaging/sms/guides/inbound-sms]: "sent to your
//! webhook using a GET or POST request"), and voice webhooks as a body or a GET query
//! (vonage-facts §7, [NDP:vwh]). A form or query carries text only; capture already reads ids and
//! times from text, so the entries are the same as from the JSON form of the same webhook.
//!
//! Repeated keys: a key given once is a string, a key given more than once is the list of its
//! values in order (what `MultiDict.getlist` returns). Vonage never repeats a field; an id field
//! that is a list is refused by capture ("must be a string") rather than guessed at.

use super::{capture, check_capture_size, DEFAULT_CAPTURE_MAX_BYTES};
use crate::error::{Error, Result};
use crate::ledger::entry::LedgerEntry;
use crate::time::timestamp::UnixMillis;
use serde_json::{Map, Value};

/// How a body is encoded: from its content type, else sniffed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyEncoding {
    /// JSON text (`application/json`, `text/json`, any `…+json`).
    Json,
    /// `application/x-www-form-urlencoded`: a POST form body or a query string.
    Form,
}

impl BodyEncoding {
    /// The encoding of `body`. With a content type, its media type decides (parameters such as
    /// `charset` are ignored; `text/plain` is sniffed as if none were given); a type that is
    /// neither JSON nor a form is `invalid_payload` naming it. Without one, a body whose first
    /// byte after white space (and a UTF-8 byte order mark) is `{` or `[` is JSON, anything else
    /// is a form.
    pub fn detect(source: &str, body: &[u8], content_type: Option<&str>) -> Result<BodyEncoding> {
        let media = content_type
            .map(|t| {
                t.split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase()
            })
            .filter(|t| !t.is_empty() && t != "text/plain");
        match media.as_deref() {
            None => Ok(sniff(body)),
            Some("application/json" | "text/json") => Ok(BodyEncoding::Json),
            Some(t) if t.ends_with("+json") => Ok(BodyEncoding::Json),
            Some("application/x-www-form-urlencoded") => Ok(BodyEncoding::Form),
            Some(other) => Err(Error::InvalidPayload {
                source_name: source.to_owned(),
                field: "content_type".into(),
                reason: format!(
                    "{other:?} is not supported; expected application/json or \
                     application/x-www-form-urlencoded (a multipart form must be read by the \
                     web framework and passed as its fields)"
                ),
            }),
        }
    }

    /// The lower-case name: `json` or `form`.
    pub fn as_str(self) -> &'static str {
        match self {
            BodyEncoding::Json => "json",
            BodyEncoding::Form => "form",
        }
    }
}

fn strip_bom(body: &[u8]) -> &[u8] {
    body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body)
}

fn sniff(body: &[u8]) -> BodyEncoding {
    match strip_bom(body).iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{' | b'[') => BodyEncoding::Json,
        _ => BodyEncoding::Form,
    }
}

/// Reads a form body or a query string (a leading `?` is skipped) into a JSON object of
/// strings, or of lists of strings for repeated keys. `+` is a space and `%XX` a byte, as in
/// every form; the decoded bytes must be UTF-8 (`invalid_payload` for `$` otherwise, rather
/// than a silently altered id).
pub fn parse_form(source: &str, body: &[u8]) -> Result<Value> {
    let body = body.strip_prefix(b"?").unwrap_or(body);
    // `&` and `=` are ASCII, so the whole body decodes to UTF-8 exactly when every key and
    // value does: one check instead of a hand-written parser next to form_urlencoded's.
    if percent_encoding::percent_decode(body)
        .decode_utf8()
        .is_err()
    {
        return Err(Error::InvalidPayload {
            source_name: source.to_owned(),
            field: "$".into(),
            reason: "is a form whose decoded text is not UTF-8".into(),
        });
    }
    let mut object = Map::new();
    for (key, value) in form_urlencoded::parse(body) {
        let value = Value::String(value.into_owned());
        match object.get_mut(key.as_ref()) {
            None => {
                object.insert(key.into_owned(), value);
            }
            Some(Value::Array(values)) => values.push(value),
            Some(first) => {
                let first = first.take();
                object.insert(key.into_owned(), Value::Array(vec![first, value]));
            }
        }
    }
    Ok(Value::Object(object))
}

/// Reads a body as received, JSON or form (see [`BodyEncoding::detect`]), into a JSON value.
/// Errors name `source` (a capture source, or what the host reads the body for).
pub fn read_body(source: &str, body: &[u8], content_type: Option<&str>) -> Result<Value> {
    match BodyEncoding::detect(source, body, content_type)? {
        BodyEncoding::Form => parse_form(source, body),
        // A byte order mark is allowed before JSON (RFC 8259 §8.1 lets parsers ignore it).
        BodyEncoding::Json => {
            serde_json::from_slice(strip_bom(body)).map_err(|e| Error::InvalidPayload {
                source_name: source.to_owned(),
                field: "$".into(),
                reason: format!("is not JSON ({e})"),
            })
        }
    }
}

/// Like [`super::capture_json`] for any body Vonage sends a webhook as: JSON, a form body or a
/// query string, told apart by `content_type` or sniffed, at most
/// [`DEFAULT_CAPTURE_MAX_BYTES`] bytes.
pub fn capture_body(
    source: &str,
    body: &[u8],
    content_type: Option<&str>,
    at: Option<UnixMillis>,
) -> Result<Vec<LedgerEntry>> {
    capture_body_limited(source, body, content_type, at, DEFAULT_CAPTURE_MAX_BYTES)
}

/// Like [`capture_body`] with the host's own byte limit (checked before anything is parsed).
pub fn capture_body_limited(
    source: &str,
    body: &[u8],
    content_type: Option<&str>,
    at: Option<UnixMillis>,
    max_bytes: usize,
) -> Result<Vec<LedgerEntry>> {
    check_capture_size(source, body.len(), max_bytes)?;
    let value = read_body(source, body, content_type)?;
    capture(source, &value, at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_json_and_forms() {
        let detect = |b: &[u8]| BodyEncoding::detect("s", b, None).ok();
        assert_eq!(detect(b" \n{\"a\":1}"), Some(BodyEncoding::Json));
        assert_eq!(detect(b"\xEF\xBB\xBF[1]"), Some(BodyEncoding::Json));
        assert_eq!(detect(b"a=1"), Some(BodyEncoding::Form));
        assert_eq!(detect(b""), Some(BodyEncoding::Form));
    }

    #[test]
    fn repeated_keys_become_lists() {
        let v = parse_form("s", b"?a=1&b=x+y&a=2&a=%33").ok();
        assert_eq!(
            v,
            Some(serde_json::json!({ "a": ["1", "2", "3"], "b": "x y" }))
        );
        assert!(parse_form("s", b"a=%FF").is_err());
    }
}
