//! The request a query sends next (access.md §6, §8, §9.2): built from the pure request
//! builders, with the two link checks of the job. A next page goes to `_links.next.href` only
//! when it passes the check against the configured Reports base, else it is rebuilt from
//! `cursor` + `iv`; a download goes only to `{base}/v3/media/{file_id}`, and a report whose
//! link points elsewhere is treated as FAILED (no credentials sent).

use crate::access::job::AccessJob;
use crate::access::job_event::AccessEvent;
use crate::access::job_query::{QueryState, Step};
use crate::access::links::download_file_id;
use crate::access::requests::{
    report_cancel_request, report_download_request, report_status_request, NextPage,
};
use crate::error::{Error, Result};
use crate::job::protocol::Auth;
use crate::time::timestamp::UnixMillis;
use crate::vonage::api_base::ApiFamily;
use crate::vonage::http::HttpRequest;

fn no_request_id() -> Error {
    Error::InvalidArgument {
        field: "report.request_id".into(),
        reason: "the report has no request_id".into(),
    }
}

impl AccessJob {
    /// The request for query `i`'s current step; `None` when it cannot be sent, and then the
    /// query is ended (or handed on) here, so the caller only goes on to the next query.
    pub(crate) fn build_request(
        &mut self,
        i: usize,
        now: UnixMillis,
        auth: Auth<'_>,
    ) -> Option<HttpRequest> {
        let step = self.queries[i].step;
        match self.try_build(i, now, auth) {
            Ok(request) => Some(request),
            Err(e) => {
                // Still at the same step: nothing else took it over, so it fails here.
                if self.queries[i].is_open() && self.queries[i].step == step {
                    let state = QueryState::Failed {
                        reason: e.code().to_owned(),
                        problem: Some(e.to_string()),
                    };
                    self.end(i, state, now);
                }
                None
            }
        }
    }

    fn try_build(&mut self, i: usize, now: UnixMillis, auth: Auth<'_>) -> Result<HttpRequest> {
        let (base, credentials) = (auth.base, auth.credentials);
        let q = &self.queries[i];
        match q.step {
            Step::Send => q.query.to_http(base, credentials),
            Step::NextPage => {
                let pos = q.page.clone().unwrap_or(crate::access::job_query::PagePos {
                    href: None,
                    cursor: None,
                    iv: None,
                });
                let next = NextPage::choose(
                    pos.href.as_deref(),
                    pos.cursor.as_deref(),
                    pos.iv.as_deref(),
                    base,
                );
                let query = q.query.query;
                if pos.href.is_some() && !matches!(next, Some(NextPage::Link(_))) {
                    // A next link on another host or path: never followed (§8).
                    self.events.push_back(AccessEvent::Warning {
                        query,
                        code: "untrusted_link".into(),
                    });
                }
                match next {
                    Some(next) => self.queries[i]
                        .query
                        .next_page_request(&next, base, credentials),
                    None => {
                        let state = QueryState::Partial {
                            reason: "no_next_page".into(),
                        };
                        self.end(i, state, now);
                        Err(Error::UntrustedLink {
                            reason: "neither a trusted next link nor a cursor".into(),
                        })
                    }
                }
            }
            Step::Poll => {
                let id = q.report.request_id.as_deref().ok_or_else(no_request_id)?;
                report_status_request(base, credentials, id)
            }
            Step::Cancel => {
                let id = q.report.request_id.as_deref().ok_or_else(no_request_id)?;
                report_cancel_request(base, credentials, id)
            }
            Step::Download => {
                let href = q.report.download_href.clone().unwrap_or_default();
                match download_file_id(&href, base.url(ApiFamily::Reports)) {
                    Ok(file_id) => report_download_request(base, credentials, &file_id),
                    Err(e) => {
                        let query = q.query.query;
                        self.events.push_back(AccessEvent::Warning {
                            query,
                            code: "untrusted_link".into(),
                        });
                        // As FAILED (§9.2): re-create once, then split or go sync.
                        self.report_failed(i, now);
                        Err(e)
                    }
                }
            }
        }
    }
}
