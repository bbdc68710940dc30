//! The "Your records" section of the HTML report (access.md §15.3 item 4): one table per
//! family, month sub-headings, badges for redacted and withheld values, long bodies folded,
//! monthly counts instead of rows above `html_max_records_inline`.

// One `write!` per line of markup, each ending in its own `\n`.
#![allow(clippy::write_with_newline)]

use crate::access::html_text::{esc, esc_text};
use crate::access::record::{AccessRecord, ContentState, Party, RecordFamily};
use crate::access::render_html::{HtmlOptions, HTML_SECTIONS};
use crate::access::report::AccessReport;
use crate::vonage::product::Direction;
use std::collections::BTreeMap;
use std::fmt::Write;

fn when(at: &Option<String>, offset: Option<i32>) -> String {
    let Some(t) = at else { return String::new() };
    let utc = format!(
        "{} {} UTC",
        t.get(..10).unwrap_or(t),
        t.get(11..16).unwrap_or("")
    );
    let local = offset.and_then(|m| {
        let ms = crate::access::wire_time::parse_wire_time(t)?.at as i64 + i64::from(m) * 60_000;
        let shifted = crate::access::wire_time::format_rfc3339(u64::try_from(ms).ok()?, false);
        let sign = if m < 0 { '-' } else { '+' };
        let (h, mm) = (m.unsigned_abs() / 60, m.unsigned_abs() % 60);
        let zone = if mm == 0 {
            format!("UTC{sign}{h}")
        } else {
            format!("UTC{sign}{h}:{mm:02}")
        };
        Some(format!(" ({} {zone})", shifted.get(11..16)?))
    });
    format!("{utc}{}", local.unwrap_or_default())
}

fn party(p: &Party) -> String {
    if p.withheld.is_some() {
        return "<span class=\"badge\">withheld (another person)</span>".into();
    }
    let mut out = format!("<bdi>{}</bdi>", esc(p.value.as_deref().unwrap_or("")));
    if p.redacted {
        out = "<span class=\"badge\">redacted</span>".into();
    }
    out
}

fn group_title(family: RecordFamily, direction: Option<Direction>) -> &'static str {
    match (family, direction) {
        (RecordFamily::Sms | RecordFamily::Message, Some(Direction::Inbound)) => {
            "Messages you sent us"
        }
        (RecordFamily::Sms | RecordFamily::Message, _) => "Messages we sent you",
        (RecordFamily::Call, _) => "Calls",
        (RecordFamily::Verification, _) => "Verification codes",
        (RecordFamily::NumberLookup, _) => "Number lookups",
        (RecordFamily::Conversation, _) => "Conversations",
        (RecordFamily::Recording, _) => "Recordings",
    }
}

fn text_cell(r: &AccessRecord) -> String {
    match r.content.state {
        ContentState::Present => {
            let t = r.content.text.as_deref().unwrap_or("");
            let body = format!("<bdi dir=\"auto\">{}</bdi>", esc_text(t));
            if t.chars().count() > 280 {
                format!("<details><summary>Show text</summary>{body}</details>")
            } else {
                body
            }
        }
        ContentState::Redacted => "<span class=\"badge\">redacted</span>".into(),
        ContentState::Withheld => "<span class=\"badge\">withheld</span>".into(),
        ContentState::NotRequested | ContentState::None => String::new(),
    }
}

impl AccessReport {
    pub(crate) fn records_section(&self, h: &mut String, o: &HtmlOptions) {
        let _ = write!(
            h,
            "<section id=\"records\">\n<h2>{}</h2>\n",
            HTML_SECTIONS[3]
        );
        let mut groups: BTreeMap<(&str, usize), Vec<&AccessRecord>> = BTreeMap::new();
        let order = |r: &AccessRecord| {
            RecordFamily::ALL
                .iter()
                .position(|f| *f == r.family)
                .unwrap_or(0)
                * 2
                + usize::from(r.direction == Some(Direction::Outbound))
        };
        for r in &self.records {
            let title = group_title(r.family, r.direction);
            groups.entry((title, order(r))).or_default().push(r);
        }
        let mut sorted: Vec<_> = groups.into_iter().collect();
        sorted.sort_by_key(|((_, o), _)| *o);
        if sorted.is_empty() {
            h.push_str("<p>No records.</p>\n");
        }
        for (gi, ((title, _), records)) in sorted.into_iter().enumerate() {
            let _ = write!(h, "<h3>{title}</h3>\n");
            if records.len() > o.html_max_records_inline {
                let mut months: BTreeMap<String, u64> = BTreeMap::new();
                for r in &records {
                    let m = r
                        .occurred_at
                        .as_deref()
                        .and_then(|t| t.get(..7))
                        .unwrap_or("undated");
                    *months.entry(m.to_owned()).or_default() += 1;
                }
                let _ = write!(h, "<p>{} records: too many to list here; see the JSON and CSV files.</p>\n<table>\n<caption>{title}: records per month</caption>\n<tr><th scope=\"col\">Month</th><th scope=\"col\">Records</th></tr>\n", records.len());
                for (m, n) in months {
                    let _ = write!(h, "<tr><td>{}</td><td>{n}</td></tr>\n", esc(&m));
                }
                h.push_str("</table>\n");
                continue;
            }
            let _ = write!(h, "<table>\n<caption>{title}</caption>\n<tr><th scope=\"col\">Date and time</th><th scope=\"col\">From</th><th scope=\"col\">To</th><th scope=\"col\">Text</th><th scope=\"col\">Status</th><th scope=\"col\">Duration</th></tr>\n");
            let mut month = String::new();
            for r in records {
                let m = r
                    .occurred_at
                    .as_deref()
                    .and_then(|t| t.get(..7))
                    .unwrap_or("undated")
                    .to_owned();
                if m != month {
                    let _ = write!(
                        h,
                        "<tr><th scope=\"colgroup\" colspan=\"6\" id=\"g{gi}-{}\">{}</th></tr>\n",
                        esc(&m),
                        esc(&m)
                    );
                    month = m;
                }
                let _ = write!(
                    h,
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                    esc(&when(&r.occurred_at, o.time_zone_offset_minutes)),
                    party(&r.from),
                    party(&r.to),
                    text_cell(r),
                    esc(r.status.value.as_deref().unwrap_or("")),
                    r.duration_s.map(|d| format!("{d} s")).unwrap_or_default(),
                );
            }
            h.push_str("</table>\n");
        }
        h.push_str("</section>\n");
    }
}
