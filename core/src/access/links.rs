//! Links Vonage hands back (a next page, a report download) are followed only when they point
//! where credentials already go (access.md §8, §9.2): the configured Reports origin, the exact
//! path expected. Anything else is rebuilt from its parts or refused: Basic credentials never
//! go to another host (the reason Java moved to file-id-only downloads [JAVA c83692e2]).

use crate::error::{Error, Result};

/// Scheme, host and port of a URL, lower-cased (`https://api.nexmo.com`), and the rest.
fn split_origin(url: &str) -> Option<(String, &str)> {
    let (scheme, rest) = url.split_once("://")?;
    if !scheme.eq_ignore_ascii_case("https") && !scheme.eq_ignore_ascii_case("http") {
        return None;
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = rest.get(..end)?;
    if authority.is_empty() || authority.contains(['@', '\\']) {
        return None;
    }
    let mut origin = format!(
        "{}://{}",
        scheme.to_ascii_lowercase(),
        authority.to_ascii_lowercase()
    );
    // An explicit default port is the same origin.
    for default in [":443", ":80"] {
        if origin.ends_with(default)
            && origin.starts_with(if default == ":443" { "https" } else { "http:" })
        {
            origin.truncate(origin.len() - default.len());
        }
    }
    Some((origin, rest.get(end..)?))
}

/// The configured base split into origin and path prefix (`http://127.0.0.1:9000/sim` → …).
fn base_parts(base: &str) -> Option<(String, String)> {
    let (origin, path) = split_origin(base)?;
    Some((origin, path.trim_end_matches('/').to_owned()))
}

fn untrusted(reason: &str) -> Error {
    Error::UntrustedLink {
        reason: reason.to_owned(),
    }
}

/// Whether `href` may be fetched verbatim as the next page of a records query: the base's
/// origin, the path `{base}/v2/reports/records`, a `cursor` in the query, no fragment, no
/// control characters or spaces.
pub fn is_trusted_next_link(href: &str, base: &str) -> bool {
    check_next_link(href, base).is_ok()
}

pub(crate) fn check_next_link(href: &str, base: &str) -> Result<()> {
    if href.chars().any(|c| c.is_control() || c.is_whitespace()) || href.contains('#') {
        return Err(untrusted(
            "the next link has spaces, controls or a fragment",
        ));
    }
    let (origin, rest) = split_origin(href).ok_or_else(|| untrusted("not an http(s) URL"))?;
    let (base_origin, prefix) = base_parts(base).ok_or_else(|| untrusted("bad base"))?;
    if origin != base_origin {
        return Err(untrusted("the next link is on another host"));
    }
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path != format!("{prefix}/v2/reports/records") {
        return Err(untrusted("the next link has another path"));
    }
    if !query.split('&').any(|p| p.starts_with("cursor=")) {
        return Err(untrusted("the next link has no cursor"));
    }
    Ok(())
}

/// Checks a report or file id used as a path segment: `[A-Za-z0-9-]{1,64}` (§6.3).
pub(crate) fn check_path_id(id: &str, what: &str) -> Result<()> {
    if (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        Ok(())
    } else {
        Err(Error::InvalidId {
            reason: format!("a {what} is 1 to 64 letters, digits or '-'"),
        })
    }
}

/// The file id of a report's download link (`_links.download_report.href` or `download_url`):
/// only `{base origin}{prefix}/v3/media/{file_id}` is accepted (N8: Node's mock
/// `/v2/reports/{id}/download` is refused, no credentials are sent to it).
pub fn download_file_id(href: &str, base: &str) -> Result<String> {
    let (origin, rest) =
        split_origin(href.trim()).ok_or_else(|| untrusted("not an http(s) URL"))?;
    let (base_origin, prefix) = base_parts(base).ok_or_else(|| untrusted("bad base"))?;
    if origin != base_origin {
        return Err(untrusted("the download link is on another host"));
    }
    let path = rest.split(['?', '#']).next().unwrap_or_default();
    let id = path
        .strip_prefix(&format!("{prefix}/v3/media/"))
        .ok_or_else(|| untrusted("the download link is not /v3/media/{file_id}"))?;
    check_path_id(id, "file id")
        .map_err(|_| untrusted("the download link's file id is malformed"))?;
    Ok(id.to_owned())
}
