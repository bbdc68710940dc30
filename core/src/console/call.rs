//! A call the page hands the console server, and how its URL is taken apart.
//!
//! Everything in a [`ProxyCall`] is untrusted: the page runs in a browser the server does not
//! control. The URL is split into the configured base it names and the path under it; each
//! path segment is percent-decoded and checked as the core checks ids, so the call can be
//! rebuilt from its parts instead of forwarded as given.

use crate::error::{Error, Result};
use crate::vonage::api_base::{ApiBase, ApiFamily};
use crate::vonage::http::HttpRequest;
use crate::vonage::transaction_id::TransactionId;
use serde::{Deserialize, Serialize};

/// Which kind of job asked for a call: each kind may send only its own requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum JobKind {
    /// An erasure job: Redact, Media and Conversation deletes.
    Erasure,
    /// A subject-access job: Reports and Message Search queries.
    Access,
}

impl JobKind {
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::Erasure => "erasure",
            JobKind::Access => "access",
        }
    }
}

/// A call as the page hands it to the console server: the job that asked and the request its
/// web build made (`request` is what `pollRequest` returned, without credentials). Its headers
/// are never forwarded, and an `authorization` among them is dropped, not used.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ProxyCall {
    /// The kind of job that built the call.
    pub kind: JobKind,
    /// The id of that job (as stored by the server); kept for the audit line.
    #[serde(alias = "jobId")]
    pub job_id: String,
    /// The request the page's job built.
    pub request: HttpRequest,
}

/// The longest operator or job id an audit line takes.
pub(crate) const MAX_LABEL_LEN: usize = 128;

/// A refusal: `rule` names the check, `reason` names fields, never the page's values.
pub(crate) fn refused(rule: &'static str, reason: impl Into<String>) -> Error {
    Error::ProxyRefused {
        rule,
        reason: reason.into(),
    }
}

/// Checks a caller-given label (job id, operator id): 1 to 128 bytes, no control characters.
pub(crate) fn check_label(field: &str, raw: &str) -> Result<()> {
    if raw.is_empty() || raw.len() > MAX_LABEL_LEN || raw.chars().any(char::is_control) {
        return Err(Error::InvalidArgument {
            field: field.to_owned(),
            reason: format!("must be 1 to {MAX_LABEL_LEN} bytes without control characters"),
        });
    }
    Ok(())
}

/// Where a page's URL points: the family whose base it starts with, the path under that base
/// (starting with `/`) and the raw query (without `?`), if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Located<'a> {
    pub(crate) family: ApiFamily,
    pub(crate) path: &'a str,
    pub(crate) query: Option<&'a str>,
}

/// Lower-cased `scheme://authority` (default port dropped) and the rest of an http(s) URL.
fn split_origin(url: &str) -> Option<(String, &str)> {
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "https" && scheme != "http" {
        return None;
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = rest.get(..end)?.to_ascii_lowercase();
    // User info would let `https://api.nexmo.com@evil.example` look like a Vonage host.
    if authority.is_empty() || authority.contains(['@', '\\', '%']) {
        return None;
    }
    let default_port = if scheme == "https" { ":443" } else { ":80" };
    let authority = authority
        .strip_suffix(default_port)
        .unwrap_or(&authority)
        .to_owned();
    Some((format!("{scheme}://{authority}"), rest.get(end..)?))
}

/// Finds which of `families` the page's `url` is under; `None` when no configured base matches
/// (a foreign host, or a path outside every base's prefix).
pub(crate) fn locate<'a>(
    url: &'a str,
    base: &ApiBase,
    families: &[ApiFamily],
) -> Result<Vec<Located<'a>>> {
    if url.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(refused("host", "the URL has spaces or control characters"));
    }
    if url.contains('#') {
        return Err(refused("path", "the URL has a fragment"));
    }
    let (origin, rest) =
        split_origin(url).ok_or_else(|| refused("host", "not an http(s) URL with a plain host"))?;
    let (path, query) = match rest.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (rest, None),
    };
    let mut found = Vec::new();
    for &family in families {
        let Some((base_origin, prefix)) = split_origin(base.url(family)) else {
            continue;
        };
        if base_origin != origin {
            continue;
        }
        let prefix = prefix.trim_end_matches('/');
        if let Some(under) = path.strip_prefix(prefix).filter(|p| p.starts_with('/')) {
            found.push(Located {
                family,
                path: under,
                query,
            });
        }
    }
    if found.is_empty() {
        return Err(refused(
            "host",
            "the URL is not under a configured Vonage base for this job kind",
        ));
    }
    Ok(found)
}

/// The path's segments, each percent-decoded and checked as an id is (no dot segment, no
/// control character, no empty segment): `/v1/users/USR-1` → `["v1", "users", "USR-1"]`.
pub(crate) fn segments(path: &str) -> Result<Vec<String>> {
    let rest = path
        .strip_prefix('/')
        .ok_or_else(|| refused("path", "the path does not start with '/'"))?;
    rest.split('/')
        .map(|raw| {
            let decoded = percent_encoding::percent_decode_str(raw)
                .decode_utf8()
                .map_err(|_| refused("path", "a path segment is not UTF-8 once decoded"))?;
            TransactionId::check(raw)
                .and_then(|()| TransactionId::check(&decoded))
                .map_err(|e| refused("path", format!("a path segment is refused: {e}")))?;
            Ok(decoded.into_owned())
        })
        .collect()
}

/// The call `request` is, read by `shape` under each of `families` that its URL is under: the
/// first shape that fits, else the most telling refusal (see [`vague`]), else "not a call
/// `job` makes". One search for the erasure and the access allow-lists.
pub(crate) fn recognise_with<T>(
    request: &HttpRequest,
    base: &ApiBase,
    families: &[ApiFamily],
    job: &str,
    shape: impl Fn(&Located<'_>, &HttpRequest) -> Result<T>,
) -> Result<T> {
    let mut last = None;
    for located in locate(&request.url, base, families)? {
        match shape(&located, request) {
            Ok(call) => return Ok(call),
            Err(e) if last.as_ref().map_or(true, vague) => last = Some(e),
            Err(_) => {}
        }
    }
    Err(last.unwrap_or_else(|| refused("path", format!("not a call {job} makes"))))
}

/// Whether a refusal only says "not this shape": when a URL is under several bases (they often
/// share a host), the refusal of the shape that matched its path (a wrong method, query or
/// body) is the one worth reporting.
pub(crate) fn vague(error: &Error) -> bool {
    matches!(
        error,
        Error::ProxyRefused {
            rule: "path" | "host",
            ..
        }
    )
}

/// Refuses a query (`?` with anything or nothing after it) where the call has none.
pub(crate) fn no_query(query: Option<&str>) -> Result<()> {
    match query {
        None => Ok(()),
        Some(_) => Err(refused("query", "this call takes no query string")),
    }
}

/// Refuses a body where the call has none.
pub(crate) fn no_body(body: &[u8]) -> Result<()> {
    if body.is_empty() {
        Ok(())
    } else {
        Err(refused("body", "this call takes no body"))
    }
}

/// Refuses any method but `expected` (exact, upper-case).
pub(crate) fn method(given: &str, expected: &str) -> Result<()> {
    if given == expected {
        Ok(())
    } else {
        Err(refused(
            "method",
            format!("this call is sent with {expected}"),
        ))
    }
}
