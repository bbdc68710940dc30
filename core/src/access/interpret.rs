//! Reading Vonage's answers (access.md §10): one pure function from (endpoint, status, body)
//! to what the job does next. Claims only what the answer proves; anything unexpected is
//! `failed{malformed_response}` with a description, never the body (it may hold message text).

use crate::access::interpret_body::{records_page, report_status, search_items};
use crate::time::timestamp::UnixMillis;
use crate::vonage::http::HttpResponse;
use crate::vonage::problem::Problem;
use crate::vonage::retry_after::retry_at;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Which request a response answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccessEndpoint {
    /// `GET /v2/reports/records` with `id`.
    RecordsById,
    /// `GET /v2/reports/records` with a date window, first page.
    RecordsWindow,
    /// A next page of a window (link or cursor).
    RecordsNextPage,
    /// `POST /v2/reports`.
    ReportCreate,
    /// `GET /v2/reports/{id}`.
    ReportStatus,
    /// `DELETE /v2/reports/{id}`.
    ReportCancel,
    /// `GET /v3/media/{file_id}`.
    ReportDownload,
    /// `GET /search/messages`.
    MessageSearch,
}

/// Why a query failed (terminal `failed{reason}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailReason {
    /// 400 or an unexplained 422: erasekit sent something wrong (a bug).
    InvalidRequest,
    /// 401: the account's credentials; every query of that account fails, no retry storm.
    Unauthorized,
    /// 5xx after the retries.
    Server,
    /// 200 with a body erasekit cannot read.
    MalformedResponse,
    /// A status this endpoint does not document.
    UnexpectedStatus,
}

/// Why a source could not be searched (terminal `unavailable{reason}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnavailableReason {
    /// 403: Reports not provisioned, or the account not reachable with these credentials.
    Forbidden,
    /// 422 for the product name: try the documented alternative.
    ProductNotSupported,
    /// Message Search answered 404 or 410: retired.
    Retired,
    /// Message Search 401 (Reports already accepted the key): retired or never provisioned.
    RetiredOrUnprovisioned,
}

/// The lifecycle state of an async report (`request_status ?? status`, any case).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportState {
    /// Queued.
    Pending,
    /// Running.
    Processing,
    /// Done: download.
    Success,
    /// Too large: download what is there, then split the span.
    Truncated,
    /// Failed: re-create once, then split.
    Failed,
    /// Cancelled (by us: fall back to sync; otherwise as failed).
    Aborted,
    /// Not a documented value: keep polling up to the timeout.
    Unknown(String),
}

/// An async report's status (create and status answers, both shapes of §9.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportStatus {
    /// `request_id`.
    pub request_id: Option<String>,
    /// The state.
    pub state: ReportState,
    /// `_links.download_report.href ?? download_url`, unchecked: pass it to
    /// [`crate::download_file_id`] before use.
    pub download_href: Option<String>,
    /// `items_count`, if given.
    pub items_count: Option<u64>,
}

/// One page of a records answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordsPage {
    /// `request_status` as sent (`SUCCESS`, `TRUNCATED`, …).
    pub request_status: String,
    /// The records, as Vonage wrote them.
    pub records: Vec<Map<String, Value>>,
    /// Ids not found (by-id): a string, an array, `""`, `null` or absent all read; ids that are
    /// also in `records` are dropped (the records are trusted, E1).
    pub ids_not_found: Vec<String>,
    /// Whether another page follows (§8).
    pub has_more: bool,
    /// `_links.next.href`, unchecked.
    pub next_href: Option<String>,
    /// `cursor`.
    pub cursor: Option<String>,
    /// `iv`.
    pub iv: Option<String>,
}

/// Records a page holds at most [NDP:reports; WEB-pag].
pub const PAGE_SIZE: usize = 1000;

/// What a response means.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum AccessOutcome {
    /// 200 with records.
    Records {
        /// The page.
        page: RecordsPage,
    },
    /// 200 from create or status.
    Report {
        /// The status.
        status: ReportStatus,
    },
    /// 200 from a download: the body is the archive.
    Archive,
    /// 200 from a cancel.
    Cancelled,
    /// 200 from Message Search.
    SearchItems {
        /// The items (`{}` is none, a single object is one item).
        items: Vec<Map<String, Value>>,
    },
    /// 409 on cancel: the report already ended; poll it again.
    Repoll,
    /// 404 on status (metadata kept 4 days): re-create once.
    Recreate,
    /// 404 on download (file kept 72 h): `report_expired`, re-create once.
    Expired,
    /// 422 on a window: halve it and retry (only with `allow_wide_sync_windows`, E40).
    HalveWindow,
    /// A 4xx on a next page: the cursor expired; restart the window once (§8).
    RestartWindow,
    /// 429: wait until `retry_at` (or back off) and slow the whole class.
    RateLimited {
        /// From `Retry-After`, if any.
        retry_at: Option<UnixMillis>,
    },
    /// 5xx: retry with backoff (§7), then `failed{server}`.
    Retry {
        /// The status.
        status: u16,
    },
    /// Terminal: not searchable.
    Unavailable {
        /// Why.
        reason: UnavailableReason,
    },
    /// Terminal: failed.
    Failed {
        /// Why.
        reason: FailReason,
        /// The status.
        status: u16,
        /// Vonage's problem text (title/detail), or what was wrong with the body.
        problem: Option<String>,
    },
}

fn problem_text(body: &[u8]) -> Option<String> {
    let p = Problem::parse(body)?;
    let text = [p.title.as_deref(), p.detail.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(": ");
    (!text.is_empty()).then_some(text)
}

fn failed(reason: FailReason, status: u16, problem: Option<String>) -> AccessOutcome {
    AccessOutcome::Failed {
        reason,
        status,
        problem,
    }
}

fn malformed(status: u16, what: &str) -> AccessOutcome {
    failed(FailReason::MalformedResponse, status, Some(what.to_owned()))
}

/// Interprets one response (§10).
pub fn interpret_access_response(
    endpoint: AccessEndpoint,
    response: &HttpResponse,
    now: UnixMillis,
) -> AccessOutcome {
    use AccessEndpoint as E;
    let status = response.status;
    let body = &response.body;
    match status {
        200..=299 => return success(endpoint, status, body),
        429 => {
            return AccessOutcome::RateLimited {
                retry_at: retry_at(response.header("retry-after"), now),
            }
        }
        500..=599 => return AccessOutcome::Retry { status },
        _ => {}
    }
    let problem = problem_text(body);
    match (endpoint, status) {
        (E::MessageSearch, 401) => AccessOutcome::Unavailable {
            reason: UnavailableReason::RetiredOrUnprovisioned,
        },
        (E::MessageSearch, 404 | 410) => AccessOutcome::Unavailable {
            reason: UnavailableReason::Retired,
        },
        (_, 401) => failed(FailReason::Unauthorized, status, problem),
        (E::MessageSearch, _) => failed(FailReason::InvalidRequest, status, problem),
        (_, 403) => AccessOutcome::Unavailable {
            reason: UnavailableReason::Forbidden,
        },
        (E::ReportCancel, 409) => AccessOutcome::Repoll,
        (E::ReportStatus, 404) => AccessOutcome::Recreate,
        (E::ReportDownload, 404) => AccessOutcome::Expired,
        (E::RecordsNextPage, 400..=499) => AccessOutcome::RestartWindow,
        (_, 422) => unprocessable(endpoint, body, problem),
        (_, 400) => failed(FailReason::InvalidRequest, status, problem),
        _ => failed(FailReason::UnexpectedStatus, status, problem),
    }
}

/// 422: an invalid product name, a window too wide, or another invalid parameter.
fn unprocessable(endpoint: AccessEndpoint, body: &[u8], problem: Option<String>) -> AccessOutcome {
    let value: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let names: Vec<String> = match value.get("invalid_parameters") {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|i| i.get("name").and_then(Value::as_str))
            .map(str::to_ascii_lowercase)
            .collect(),
        Some(Value::Object(map)) => map.keys().map(|k| k.to_ascii_lowercase()).collect(),
        _ => Vec::new(),
    };
    if names.iter().any(|n| n == "product") {
        return AccessOutcome::Unavailable {
            reason: UnavailableReason::ProductNotSupported,
        };
    }
    let about_dates = names.iter().any(|n| n == "date_start" || n == "date_end");
    if endpoint == AccessEndpoint::RecordsWindow && about_dates {
        return AccessOutcome::HalveWindow;
    }
    failed(FailReason::InvalidRequest, 422, problem)
}

fn success(endpoint: AccessEndpoint, status: u16, body: &[u8]) -> AccessOutcome {
    use AccessEndpoint as E;
    match endpoint {
        E::ReportDownload => return AccessOutcome::Archive,
        E::ReportCancel => return AccessOutcome::Cancelled,
        _ => {}
    }
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        return malformed(status, "the body is not JSON");
    };
    match endpoint {
        E::ReportCreate | E::ReportStatus => match report_status(&value) {
            Some(status) => AccessOutcome::Report { status },
            None => malformed(status, "no request_status or status in the report"),
        },
        E::MessageSearch => match search_items(value) {
            Some(items) => AccessOutcome::SearchItems { items },
            None => malformed(
                status,
                "neither {count, items} nor a message of type MT or MO",
            ),
        },
        _ => match records_page(endpoint, &value) {
            Ok(page) => AccessOutcome::Records { page },
            Err(what) => malformed(status, what),
        },
    }
}
