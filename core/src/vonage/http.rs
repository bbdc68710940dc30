//! Plain-data HTTP messages: the core builds requests and reads responses, hosts move the bytes.

use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

/// The response headers the core reads, lower-case: a driver may pass only these (looking each
/// up is cheaper than copying every header of every answer).
pub const RESPONSE_HEADERS: &[&str] = &["retry-after"];

/// Text of a request: a method, header name or header value. Most are fixed (`POST`,
/// `content-type`, `application/json`) and borrowed; only what varies is allocated per call.
pub type RequestText = Cow<'static, str>;

/// The `User-Agent` every request carries: erasekit and its version.
pub const USER_AGENT: &str = concat!("erasekit/", env!("CARGO_PKG_VERSION"));

/// An HTTP request to send. Header names are lower-case.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct HttpRequest {
    /// `GET`, `POST`, `PATCH`, `PUT` or `DELETE`.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub method: RequestText,
    /// The full URL.
    pub url: String,
    /// Headers, lower-case names, including `authorization`.
    #[cfg_attr(feature = "schema", schemars(with = "BTreeMap<String, String>"))]
    pub headers: BTreeMap<RequestText, RequestText>,
    /// The body bytes (empty for none).
    #[serde(with = "serde_bytes_compat")]
    #[cfg_attr(feature = "schema", schemars(with = "Vec<u8>"))]
    pub body: Vec<u8>,
}

impl fmt::Debug for HttpRequest {
    /// Shows everything but the `authorization` value.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: BTreeMap<&str, &str> = self
            .headers
            .iter()
            .map(|(k, v)| {
                (
                    k.as_ref(),
                    if k == "authorization" {
                        mask(v)
                    } else {
                        v.as_ref()
                    },
                )
            })
            .collect();
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &mask_url_secret(&self.url))
            .field("headers", &headers)
            .field("body", &String::from_utf8_lossy(&self.body))
            .finish()
    }
}

impl HttpRequest {
    /// A call to a Vonage JSON API: `accept` and `user-agent` always, `content-type` with a
    /// body, and `authorization` as given. Every request the core makes is built here.
    pub(crate) fn json_api(
        method: &'static str,
        url: String,
        authorization: String,
        body: Option<Vec<u8>>,
    ) -> HttpRequest {
        let mut headers = BTreeMap::new();
        headers.insert("accept".into(), "application/json".into());
        headers.insert("authorization".into(), authorization.into());
        headers.insert("user-agent".into(), USER_AGENT.into());
        if body.is_some() {
            headers.insert("content-type".into(), "application/json".into());
        }
        HttpRequest {
            method: method.into(),
            url,
            headers,
            body: body.unwrap_or_default(),
        }
    }

    /// A copy safe to print or log: the `authorization` value is replaced by its scheme and `***`.
    pub fn redacted(&self) -> HttpRequest {
        let mut copy = self.clone();
        if let Some(v) = copy.headers.get_mut("authorization") {
            *v = Cow::Borrowed(mask(v));
        }
        copy.url = mask_url_secret(&copy.url);
        copy
    }
}

/// The URL with the value of an `api_secret` query parameter replaced by `***`: Message Search
/// takes its credentials in the query string (subject access, §6.5).
fn mask_url_secret(url: &str) -> String {
    match url.split_once('?') {
        Some((head, query)) if query.contains("api_secret=") => {
            let masked: Vec<&str> = query
                .split('&')
                .map(|p| {
                    if p.starts_with("api_secret=") {
                        "api_secret=***"
                    } else {
                        p
                    }
                })
                .collect();
            format!("{head}?{}", masked.join("&"))
        }
        _ => url.to_owned(),
    }
}

fn mask(value: &str) -> &'static str {
    match value.split(' ').next() {
        Some("Basic") => "Basic ***",
        Some("Bearer") => "Bearer ***",
        _ => "***",
    }
}

/// Reads a status a host was handed (a JS number, a Python int): a whole number from 0 to
/// 65535, else `invalid_argument` (`response.status`). The one rule for every host path
/// (`redact()` and jobs alike): what each status means is [`crate::RedactOutcome`]'s and the
/// job's to decide, and anything but Vonage's documented ones (a 0 of a browser's opaque
/// redirect, a 1xx, a 600) is malformed there, never a success.
pub fn check_status(status: f64) -> crate::Result<u16> {
    if status.fract() == 0.0 && (0.0..=65535.0).contains(&status) {
        return Ok(status as u16);
    }
    Err(crate::Error::InvalidArgument {
        field: "response.status".into(),
        reason: "expected a whole number from 0 to 65535".into(),
    })
}

/// An HTTP response as received. Header names are matched case-insensitively.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// Headers; later duplicates of a name are ignored.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// The body bytes.
    #[serde(default, with = "serde_bytes_compat")]
    #[cfg_attr(feature = "schema", schemars(with = "Vec<u8>"))]
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// The value of header `name`, ignoring case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Bodies travel as byte strings where the format has them (wasm `Uint8Array`, Python `bytes`)
/// and as arrays of numbers in JSON; both deserialise.
mod serde_bytes_compat {
    use serde::{Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(v)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Vec<u8>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("bytes, a string or an array of bytes")
            }
            fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Vec<u8>, E> {
                Ok(v.to_vec())
            }
            fn visit_byte_buf<E: serde::de::Error>(self, v: Vec<u8>) -> Result<Vec<u8>, E> {
                Ok(v)
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Vec<u8>, E> {
                Ok(v.as_bytes().to_vec())
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Vec<u8>, E> {
                Ok(Vec::new())
            }
            fn visit_none<E: serde::de::Error>(self) -> Result<Vec<u8>, E> {
                Ok(Vec::new())
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Vec<u8>, A::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                while let Some(b) = seq.next_element::<u8>()? {
                    out.push(b);
                }
                Ok(out)
            }
        }
        d.deserialize_any(Visitor)
    }
}
