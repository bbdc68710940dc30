//! Requests on the wire (access.md §6): sync by id and by window, async create / status /
//! cancel / download, Message Search by ids. Query strings in one fixed parameter order,
//! form-encoded as Vonage's own `next.href` is (`:` → `%3A`, `,` → `%2C`, `+` → `%2B`).

use crate::access::links::{check_next_link, check_path_id};
use crate::access::query::{AccessQuery, QueryMode};
use crate::access::wire_time::format_rfc3339;
use crate::error::{Error, Result};
use crate::vonage::api_base::{ApiBase, ApiFamily};
use crate::vonage::credentials::Credentials;
use crate::vonage::http::HttpRequest;
use crate::vonage::product::Direction;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

const FORM: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'*');

fn enc(v: &str) -> String {
    utf8_percent_encode(v, FORM).to_string()
}

/// Where the next page of a truncated records response comes from (§8).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NextPage {
    /// `_links.next.href`, which passed the link check: fetched verbatim.
    Link(String),
    /// The original query plus these `cursor` and `iv` (the link was absent or untrusted).
    Cursor {
        /// The body's `cursor`.
        cursor: String,
        /// The body's `iv`, if any.
        iv: Option<String>,
    },
}

impl NextPage {
    /// Chooses how to fetch the next page: the link if it passes the check against the
    /// configured Reports base, else cursor + iv; `None` when neither is there.
    pub fn choose(
        href: Option<&str>,
        cursor: Option<&str>,
        iv: Option<&str>,
        base: &ApiBase,
    ) -> Option<NextPage> {
        if let Some(href) = href {
            if check_next_link(href, base.url(ApiFamily::Reports)).is_ok() {
                return Some(NextPage::Link(href.to_owned()));
            }
        }
        cursor.filter(|c| !c.is_empty()).map(|c| NextPage::Cursor {
            cursor: c.to_owned(),
            iv: iv.filter(|v| !v.is_empty()).map(str::to_owned),
        })
    }
}

fn wire_time(at: u64) -> String {
    format_rfc3339(at, false)
}

impl AccessQuery {
    /// The records query string in the fixed order of §6, with an optional page position.
    fn records_query(&self, page: Option<(&str, Option<&str>)>) -> String {
        let mut p: Vec<(&str, String)> = vec![
            ("account_id", self.account_id.clone()),
            ("product", self.product.clone()),
        ];
        if let Some(d) = self.direction {
            p.push(("direction", d.as_str().to_owned()));
        }
        if !self.ids.is_empty() {
            p.push(("id", self.ids.join(",")));
        }
        // Never dates with ids (422 invalid-filter in 2021; ignored today): §6.1.
        if let (Some(r), true) = (self.range, self.ids.is_empty()) {
            p.push(("date_start", wire_time(r.from)));
            p.push(("date_end", wire_time(r.to)));
        }
        if let Some(f) = &self.filter {
            p.push((f.field.as_str(), f.value.clone()));
        }
        if let Some(t) = &self.conversation_type {
            p.push(("type", t.clone()));
        }
        if self.include_message {
            p.push(("include_message", "true".into()));
        }
        if self.product == "SMS" && self.direction == Some(Direction::Outbound) {
            p.push(("show_concatenated", "true".into()));
        }
        if let Some((cursor, iv)) = page {
            p.push(("cursor", cursor.to_owned()));
            if let Some(iv) = iv {
                p.push(("iv", iv.to_owned()));
            }
        }
        p.iter()
            .map(|(k, v)| format!("{k}={}", enc(v)))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// The first request of a sync or Message Search query, or the create of an async one.
    pub fn to_http(&self, base: &ApiBase, credentials: &Credentials) -> Result<HttpRequest> {
        match self.mode {
            QueryMode::Sync => Ok(HttpRequest::json_api(
                "GET",
                format!(
                    "{}/v2/reports/records?{}",
                    base.url(ApiFamily::Reports),
                    self.records_query(None)
                ),
                credentials.basic_authorization()?,
                None,
            )),
            QueryMode::Async => self.create_report_request(base, credentials),
            QueryMode::MessageSearch => self.message_search_request(base, credentials),
        }
    }

    /// The request for the next page of this sync query.
    pub fn next_page_request(
        &self,
        next: &NextPage,
        base: &ApiBase,
        credentials: &Credentials,
    ) -> Result<HttpRequest> {
        let url = match next {
            NextPage::Link(href) => {
                check_next_link(href, base.url(ApiFamily::Reports))?;
                href.clone()
            }
            NextPage::Cursor { cursor, iv } => format!(
                "{}/v2/reports/records?{}",
                base.url(ApiFamily::Reports),
                self.records_query(Some((cursor, iv.as_deref())))
            ),
        };
        Ok(HttpRequest::json_api(
            "GET",
            url,
            credentials.basic_authorization()?,
            None,
        ))
    }

    /// `POST /v2/reports` with the body of §6.3 (keys in the documented order).
    pub fn create_report_request(
        &self,
        base: &ApiBase,
        credentials: &Credentials,
    ) -> Result<HttpRequest> {
        let filter = self.filter.as_ref().ok_or_else(|| Error::InvalidArgument {
            field: "query.filter".into(),
            // Never an unfiltered async report: it would hold every CDR of the account (§5.5).
            reason: "an async report needs a subject filter".into(),
        })?;
        let range = self.range.ok_or_else(|| Error::InvalidArgument {
            field: "query.range".into(),
            reason: "an async report needs a period".into(),
        })?;
        let s = |v: &str| serde_json::Value::from(v).to_string();
        let mut parts = vec![
            format!("\"product\":{}", s(&self.product)),
            format!("\"account_id\":{}", s(&self.account_id)),
        ];
        if let Some(d) = self.direction {
            parts.push(format!("\"direction\":{}", s(d.as_str())));
        }
        parts.push(format!("\"date_start\":{}", s(&wire_time(range.from))));
        parts.push(format!("\"date_end\":{}", s(&wire_time(range.to))));
        parts.push(format!("{}:{}", s(filter.field.as_str()), s(&filter.value)));
        if let Some(t) = &self.conversation_type {
            parts.push(format!("\"type\":{}", s(t)));
        }
        if self.include_message {
            parts.push("\"include_message\":true".into());
        }
        if self.product == "SMS" && self.direction == Some(Direction::Outbound) {
            parts.push("\"show_concatenated\":true".into());
        }
        if self.include_subaccounts {
            parts.push("\"include_subaccounts\":true".into());
        }
        let body = format!("{{{}}}", parts.join(","));
        Ok(HttpRequest::json_api(
            "POST",
            format!("{}/v2/reports", base.url(ApiFamily::Reports)),
            credentials.basic_authorization()?,
            Some(body.into_bytes()),
        ))
    }

    /// Message Search by ids (≤ 10, repeated `ids`), credentials in the query as the spec
    /// documents [OAS:search]: the URL holds the secret; log only [`redact_search_url`]'s copy.
    fn message_search_request(
        &self,
        base: &ApiBase,
        credentials: &Credentials,
    ) -> Result<HttpRequest> {
        let key = credentials.api_key().ok_or(Error::MissingCredentials {
            needed: "api_key+api_secret",
        })?;
        let secret = query_secret(credentials)?;
        let mut url = format!(
            "{}/search/messages?api_key={}&api_secret={}",
            base.url(ApiFamily::Search),
            enc(key),
            enc(&secret)
        );
        for id in &self.ids {
            url.push_str(&format!("&ids={}", enc(id)));
        }
        if let (true, Some(f), Some(r)) = (self.ids.is_empty(), &self.filter, self.range) {
            // `date` is the UTC day the SMS API request was submitted [OAS:search].
            let day = format_rfc3339(r.from, false);
            url.push_str(&format!(
                "&date={}&to={}",
                enc(day.get(..10).unwrap_or_default()),
                enc(&f.value)
            ));
        }
        let mut request = HttpRequest::json_api("GET", url, String::new(), None);
        request.headers.remove("authorization");
        Ok(request)
    }
}

/// A Message Search URL with `api_secret` replaced by `***` (for events, errors, snapshots).
pub fn redact_search_url(url: &str) -> String {
    let Some((head, query)) = url.split_once('?') else {
        return url.to_owned();
    };
    let query: Vec<String> = query
        .split('&')
        .map(|p| match p.split_once('=') {
            Some(("api_secret", _)) => "api_secret=***".to_owned(),
            _ => p.to_owned(),
        })
        .collect();
    format!("{head}?{}", query.join("&"))
}

fn report_path(base: &ApiBase, request_id: &str) -> Result<String> {
    check_path_id(request_id, "report request_id")?;
    Ok(format!(
        "{}/v2/reports/{request_id}",
        base.url(ApiFamily::Reports)
    ))
}

/// `GET /v2/reports/{request_id}`.
pub fn report_status_request(
    base: &ApiBase,
    credentials: &Credentials,
    request_id: &str,
) -> Result<HttpRequest> {
    let url = report_path(base, request_id)?;
    Ok(HttpRequest::json_api(
        "GET",
        url,
        credentials.basic_authorization()?,
        None,
    ))
}

/// `DELETE /v2/reports/{request_id}` (only for a report erasekit created).
pub fn report_cancel_request(
    base: &ApiBase,
    credentials: &Credentials,
    request_id: &str,
) -> Result<HttpRequest> {
    let url = report_path(base, request_id)?;
    Ok(HttpRequest::json_api(
        "DELETE",
        url,
        credentials.basic_authorization()?,
        None,
    ))
}

/// `GET {reports base}/v3/media/{file_id}` (`Accept: */*`); the URL is rebuilt from the file
/// id, never taken from the status body.
pub fn report_download_request(
    base: &ApiBase,
    credentials: &Credentials,
    file_id: &str,
) -> Result<HttpRequest> {
    check_path_id(file_id, "file id")?;
    let url = format!("{}/v3/media/{file_id}", base.url(ApiFamily::Reports));
    let mut request = HttpRequest::json_api("GET", url, credentials.basic_authorization()?, None);
    request.headers.insert("accept".into(), "*/*".into());
    Ok(request)
}

/// The secret for Message Search's query-string auth. `Credentials` keeps only the Basic
/// header (so a secret is never stored twice); the secret is read back from it here, the one
/// API that wants it in the URL.
fn query_secret(credentials: &Credentials) -> Result<String> {
    use base64::Engine;
    let header = credentials.basic_authorization()?;
    let missing = || Error::MissingCredentials {
        needed: "api_key+api_secret",
    };
    let encoded = header.strip_prefix("Basic ").ok_or_else(missing)?;
    let raw = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .map_err(|_| missing())?;
    let text = String::from_utf8(raw).map_err(|_| missing())?;
    let (_, secret) = text.split_once(':').ok_or_else(missing)?;
    Ok(secret.to_owned())
}
