//! The access job's async lifecycle against a scripted Reports stand-in: a report that fails
//! twice is split in halves, a zip that has expired is re-created once, and the archive's rows
//! that are not the subject's are discarded and counted.

use erasekit_core::{
    verify_access_report, AccessJob, AccessJobConfig, AccessPlanInput, ApiBase, Auth, Credentials,
    CredentialsInput, HttpRequest, HttpResponse,
};
use serde_json::json;
use std::io::Write;

const NOW: u64 = 1_773_309_600_000; // 2026-03-12T10:00:00Z
const DAY: u64 = 86_400_000;

fn input() -> AccessPlanInput {
    serde_json::from_value(json!({
        "subject": "user-42",
        "identifiers": [{"kind": "phone", "value": "+447700900123"}],
        "accounts": [{"api_key": "abcd1234", "role": "primary"}],
        "now": NOW,
        "request": {"request_id": "T-2", "received_on": "2026-03-03",
                    "verification": {"method": "otp_sms", "verified_at": NOW},
                    "scope": {"from": NOW - 4 * DAY}},
        "options": {"scan_pairs": ["S1"], "scan_mode": "async", "message_search": "off"}
    }))
    .expect("input")
}

fn zip_of(csv: &str) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    w.start_file("report_SMS_abcd1234_20260312.csv", options)
        .expect("entry");
    w.write_all(csv.as_bytes()).expect("write");
    w.finish().expect("zip").into_inner()
}

struct Fake {
    creates: u32,
    downloads: u32,
}

impl Fake {
    fn answer(&mut self, r: &HttpRequest) -> HttpResponse {
        assert!(r.url.starts_with("https://api.nexmo.com/"), "{}", r.url);
        let ok = |body: Vec<u8>| HttpResponse {
            status: 200,
            headers: Default::default(),
            body,
        };
        let path = r.url.trim_start_matches("https://api.nexmo.com");
        if r.method == "POST" {
            self.creates += 1;
            let body =
                json!({"request_id": format!("R{}", self.creates), "request_status": "PENDING"});
            return ok(body.to_string().into_bytes());
        }
        if let Some(id) = path.strip_prefix("/v2/reports/") {
            let n: u32 = id.trim_start_matches('R').parse().unwrap_or(0);
            // The first two reports fail; the halves succeed.
            let body = if n <= 2 {
                json!({"request_id": id, "request_status": "FAILED"})
            } else {
                json!({"request_id": id, "request_status": "SUCCESS",
                       "_links": {"download_report": {"href": format!("https://api.nexmo.com/v3/media/F{n}")}}})
            };
            return ok(body.to_string().into_bytes());
        }
        if path.starts_with("/v3/media/") {
            self.downloads += 1;
            if self.downloads == 1 {
                return HttpResponse {
                    status: 404,
                    headers: Default::default(),
                    body: Vec::new(),
                };
            }
            let csv = format!(
                "message_id,direction,from,to,date_received,message_body\r\n\
                 A{0},outbound,Acme,447700900123,2026-03-10T12:00:00Z,hi\r\n\
                 B{0},outbound,Acme,447700900999,2026-03-10T12:00:00Z,not yours\r\n",
                self.downloads
            );
            return ok(zip_of(&csv));
        }
        panic!("unexpected request {}", r.url);
    }
}

#[test]
fn a_failing_report_is_split_and_an_expired_zip_recreated() {
    let creds = Credentials::new(CredentialsInput {
        api_key: Some("abcd1234".into()),
        api_secret: Some("s".into()),
        ..Default::default()
    })
    .expect("credentials");
    let base = ApiBase::default();
    let auth = Auth {
        credentials: &creds,
        base: &base,
    };
    let mut job = AccessJob::new(input(), AccessJobConfig::default()).expect("job");
    let mut fake = Fake {
        creates: 0,
        downloads: 0,
    };
    let (mut now, mut steps) = (NOW, 0);
    let mut recreated = 0;
    while !job.is_finished() {
        steps += 1;
        assert!(steps < 10_000, "the job does not end");
        let mut calls = Vec::new();
        while let Some(call) = job.poll_request(now, auth) {
            calls.push(call);
        }
        for call in calls {
            let response = fake.answer(&call.request);
            job.handle_response(call.call_id, &response, now)
                .expect("answer");
        }
        while let Some(e) = job.poll_event() {
            if matches!(e, erasekit_core::AccessEvent::ReportRecreated { .. }) {
                recreated += 1;
            }
        }
        if !job.is_finished() {
            now = job.poll_timeout(now).expect("a wake-up").max(now + 1);
        }
    }
    let report = job.report(&[7; 32]).expect("report");
    let report =
        verify_access_report(&report.to_canonical_json().expect("json"), None).expect("verifies");
    // One re-create after the first FAILED, one after the expired zip; then two halves.
    assert!(recreated >= 2, "{recreated} re-creates");
    assert!(report.sources.iter().any(|s| s.state == "replaced"));
    assert!(report.records.iter().all(|r| r.vonage_id.starts_with('A')));
    assert!(!report.records.is_empty());
    assert!(report.sources.iter().map(|s| s.rows_discarded).sum::<u64>() >= 1);
}
