//! Subject access (GDPR Art. 15 and 20): the plan, the requests and their interpretation, async
//! report archives, normalisation, the report and its renderings, and the access receipt.
//! See access.md; everything here is pure (no I/O, no clock).

pub(crate) mod access_receipt;
pub(crate) mod archive;
pub(crate) mod bundle;
pub(crate) mod canonical;
pub(crate) mod civil_date;
pub(crate) mod csv_rows;
pub(crate) mod dictionary;
pub(crate) mod discovery;
pub(crate) mod estimate;
pub(crate) mod fallbacks;
pub(crate) mod html_text;
pub(crate) mod input;
pub(crate) mod interpret;
pub(crate) mod interpret_body;
pub(crate) mod job;
pub(crate) mod job_async;
pub(crate) mod job_event;
pub(crate) mod job_finish;
pub(crate) mod job_outcome;
pub(crate) mod job_pacing;
pub(crate) mod job_query;
pub(crate) mod job_request;
pub(crate) mod limits;
pub(crate) mod links;
pub(crate) mod normalise;
pub(crate) mod parties;
pub(crate) mod plan;
pub(crate) mod plan_ids;
pub(crate) mod plan_scans;
pub(crate) mod policy;
pub(crate) mod query;
pub(crate) mod record;
pub(crate) mod render_csv;
pub(crate) mod render_html;
pub(crate) mod render_html_records;
pub(crate) mod report;
pub(crate) mod report_gaps;
pub(crate) mod requests;
pub(crate) mod row_filter;
pub(crate) mod wire_time;
