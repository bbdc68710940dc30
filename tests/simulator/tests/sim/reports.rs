//! Reports API: synchronous records (filters, 24 h rule, ids, pages) and asynchronous reports
//! (state machine on the simulator clock, cancel, list, zip download).

use crate::common::*;
use serde_json::{json, Value};

const NOW: i64 = 1_700_000_000_000; // 2023-11-14T22:13:20Z
const T0: i64 = 1_699_900_000_000; // 2023-11-13T18:26:40Z
const WINDOW: &str = "date_start=2023-11-13T18:00:00Z&date_end=2023-11-14T00:00:00%2B00:00";

fn seeded(page_size: usize) -> erasekit_sim::SimServer {
    let srv = sim(json!({
        "clock_start_ms": NOW,
        "rate_limits": {"reports_records": 0, "reports_async": 0},
        "reports": {"page_size": page_size, "pending_ms": 1000, "processing_ms": 2000}
    }));
    let mut records: Vec<Value> = (0..5)
        .map(|i| json!({"product": "sms", "id": format!("OUT{i}"), "from": "Acme", "to": format!("44770090000{i}"),
                         "body": format!("text {i}"), "client_ref": "ref-1", "created_ms": T0 + i * 60_000}))
        .collect();
    records.push(json!({"product": "sms", "type": "inbound", "id": "IN0", "from": "447700900009", "to": "447700900000", "body": "STOP", "created_ms": T0}));
    records.push(json!({"product": "voice", "id": "CALL0", "from": "447700900000", "to": "447700900008", "duration_s": 42, "created_ms": T0}));
    records.push(json!({"product": "sms", "id": "OLD", "created_ms": T0 - 86_400_000}));
    seed(&srv, json!({ "records": records }));
    srv
}

fn strip(srv: &erasekit_sim::SimServer, href: &str) -> String {
    href.strip_prefix(srv.base_url())
        .expect("link on this server")
        .to_owned()
}

#[test]
fn records_by_id_with_ids_not_found_and_message_bodies() {
    let srv = seeded(1000);
    let r = get_basic(&srv, "/v2/reports/records?account_id=sim-key&product=SMS&direction=outbound&id=OUT1,NOPE,OUT3&include_message=true");
    assert_eq!(r.status, 200);
    let b = r.json();
    assert_eq!(b["request_status"], "SUCCESS");
    assert_eq!(b["ids_not_found"], "NOPE");
    assert_eq!(b["items_count"], 2);
    assert_eq!(
        (b["product"].as_str(), b["direction"].as_str()),
        (Some("SMS"), Some("outbound"))
    );
    for key in [
        "_links",
        "request_id",
        "received_at",
        "price",
        "currency",
        "account_id",
        "include_message",
        "show_concatenated",
    ] {
        assert!(b.get(key).is_some(), "missing {key}");
    }
    let rec = &b["records"][0];
    assert_eq!(rec["message_id"], "OUT1");
    assert_eq!(rec["message_body"], "text 1");
    assert_eq!(rec["date_received"], "2023-11-13T18:27:40+0000");
    for key in [
        "account_id",
        "client_ref",
        "direction",
        "from",
        "to",
        "network",
        "network_name",
        "country",
        "country_name",
        "date_finalized",
        "latency",
        "status",
        "error_code",
        "error_code_description",
        "currency",
        "total_price",
    ] {
        assert!(rec.get(key).is_some(), "missing {key}");
    }
    // Without include_message there is no body; inbound records have the inbound fields.
    let b = get_basic(
        &srv,
        "/v2/reports/records?product=SMS&direction=inbound&id=IN0",
    )
    .json();
    assert!(b["records"][0].get("message_body").is_none());
    assert!(b["records"][0].get("latency").is_none());
    // Redaction shows up.
    assert_eq!(
        redact(&srv, r#"{"id":"IN0","product":"sms","type":"inbound"}"#).status,
        204
    );
    let b = get_basic(
        &srv,
        "/v2/reports/records?product=SMS&direction=inbound&id=IN0&include_message=true",
    )
    .json();
    assert_eq!(
        (
            b["records"][0]["from"].as_str(),
            b["records"][0]["message_body"].as_str()
        ),
        (Some("REDACTED"), Some("REDACTED"))
    );
    let b = get_basic(&srv, "/v2/reports/records?product=VOICE-CALL&id=CALL0").json();
    assert_eq!(
        (
            b["records"][0]["call_id"].as_str(),
            b["records"][0]["duration"].as_u64()
        ),
        (Some("CALL0"), Some(42))
    );
}

#[test]
fn records_pages_follow_next_links() {
    let srv = seeded(2);
    let mut path = format!("/v2/reports/records?product=SMS&direction=outbound&{WINDOW}");
    let mut seen = Vec::new();
    let mut statuses = Vec::new();
    for _ in 0..10 {
        let b = get_basic(&srv, &path).json();
        statuses.push(b["request_status"].as_str().expect("status").to_owned());
        seen.extend(
            b["records"]
                .as_array()
                .expect("records")
                .iter()
                .map(|r| r["message_id"].as_str().expect("id").to_owned()),
        );
        if b["request_status"] != "TRUNCATED" {
            assert!(b.get("cursor").is_none() && b["_links"].get("next").is_none());
            break;
        }
        assert!(b["cursor"].is_string() && b["iv"].is_string());
        path = strip(&srv, b["_links"]["next"]["href"].as_str().expect("next"));
    }
    assert_eq!(statuses, ["TRUNCATED", "TRUNCATED", "SUCCESS"]);
    assert_eq!(seen, ["OUT0", "OUT1", "OUT2", "OUT3", "OUT4"]);
    // Resending with cursor + iv works too; a forged iv does not.
    let first = get_basic(
        &srv,
        &format!("/v2/reports/records?product=SMS&direction=outbound&{WINDOW}"),
    )
    .json();
    let (c, iv) = (
        first["cursor"].as_str().expect("cursor"),
        first["iv"].as_str().expect("iv"),
    );
    let second = get_basic(
        &srv,
        &format!("/v2/reports/records?product=SMS&direction=outbound&{WINDOW}&cursor={c}&iv={iv}"),
    )
    .json();
    assert_eq!(second["records"][0]["message_id"], "OUT2");
    let forged = get_basic(
        &srv,
        &format!("/v2/reports/records?product=SMS&direction=outbound&{WINDOW}&cursor={c}&iv=0000"),
    );
    assert_eq!(forged.status, 422);
}

#[test]
fn records_validation_errors() {
    let srv = seeded(1000);
    let expect = |query: &str, status: u16| {
        let r = get_basic(&srv, &format!("/v2/reports/records?{query}"));
        assert_eq!(
            r.status,
            status,
            "{query}: {}",
            String::from_utf8_lossy(&r.body)
        );
        r.json()
    };
    let b = expect("direction=outbound&id=A", 422);
    assert_eq!(
        b["invalid_parameters"][0],
        json!({"name": "product", "reason": "Missing required parameter"})
    );
    assert_eq!(b["title"], "Unprocessable entity");
    let b = expect("product=SMSS&direction=outbound&id=A", 422);
    assert!(b["invalid_parameters"][0]["reason"]
        .as_str()
        .is_some_and(|r| r.starts_with("Could not resolve product name")));
    let b = expect("product=SMS&id=A", 422);
    assert_eq!(b["invalid_parameters"][0]["name"], "direction");
    let b = expect("product=NUMBER-INSIGHT&direction=outbound&id=A", 422);
    assert_eq!(
        b["type"],
        "https://developer.nexmo.com/api-errors/reports#invalid-filter"
    );
    let b = expect(
        "product=SMS&direction=outbound&id=A&date_start=2023-11-13T18:00:00Z",
        422,
    );
    assert_eq!(b["title"], "Invalid filter");
    assert_eq!(
        b["detail"],
        "When using message_id, the following parameters are not supported: [date_start]"
    );
    let ids: Vec<String> = (0..21).map(|i| format!("id{i}")).collect();
    expect(
        &format!("product=SMS&direction=outbound&id={}", ids.join(",")),
        422,
    );
    let b = expect(
        "product=SMS&direction=outbound&date_start=2023-11-13T18:00:00Z",
        422,
    );
    assert_eq!(b["invalid_parameters"][0]["name"], "date_end");
    let b = expect("product=SMS&direction=outbound&date_start=2023-11-13T00:00:00Z&date_end=2023-11-14T00:00:01Z", 422);
    assert_eq!(
        b["type"],
        "https://developer.nexmo.com/api-errors/reports#invalid-filter"
    );
    // An unencoded '+' arrives as a space: not a valid date.
    expect("product=SMS&direction=outbound&date_start=2023-11-13T18:00:00+00:00&date_end=2023-11-14T00:00:00Z", 422);
    expect(
        "product=SMS&direction=outbound&id=A&include_message=yes",
        422,
    );
    expect("product=CONVERSATIONS&id=A", 422);
    let b = expect(
        "product=SMS&direction=outbound&id=A&account_id=other123",
        403,
    );
    assert_eq!(b["title"], "Forbidden");
    let r = get(
        &srv,
        "/v2/reports/records?product=SMS&direction=outbound&id=A",
    );
    assert_eq!(r.status, 401);
    assert_eq!(
        r.json()["type"],
        "https://developer.nexmo.com/api-errors#unauthorized"
    );
    // A valid product with no stored data is an empty success.
    let b = expect("product=ASR&id=A", 200);
    assert_eq!(
        (b["items_count"].as_u64(), b["ids_not_found"].as_str()),
        (Some(0), Some("A"))
    );
}

#[test]
fn async_report_lifecycle_and_download() {
    let srv = seeded(1000);
    let body = r#"{"product":"SMS","account_id":"sim-key","direction":"outbound","date_start":"2023-11-13T00:00:00Z","date_end":"2023-11-14T00:00:00Z","include_message":true,"callback_url":"https://example.com/cb"}"#;
    let r = post_report(&srv, body);
    assert_eq!(r.status, 200);
    let created = r.json();
    assert_eq!(created["request_status"], "PENDING");
    assert_eq!(
        (created["product"].as_str(), created["direction"].as_str()),
        (Some("SMS"), Some("outbound"))
    );
    assert_eq!(created["callback_url"], "https://example.com/cb");
    assert!(created.get("start_time").is_none());
    let id = created["request_id"].as_str().expect("id").to_owned();
    let status =
        |srv: &erasekit_sim::SimServer| get_basic(srv, &format!("/v2/reports/{id}")).json();
    assert_eq!(status(&srv)["request_status"], "PENDING");
    advance(&srv, 1500);
    let s = status(&srv);
    assert_eq!(s["request_status"], "PROCESSING");
    assert!(s["start_time"].is_string() && s["_links"].get("download_report").is_none());
    advance(&srv, 2000);
    let s = status(&srv);
    assert_eq!(s["request_status"], "SUCCESS");
    assert_eq!(s["items_count"], 5);
    let href = s["_links"]["download_report"]["href"]
        .as_str()
        .expect("download link");
    let zip = get_basic(&srv, &strip(&srv, href));
    assert_eq!(zip.status, 200);
    assert_eq!(zip.header("content-type"), Some("application/octet-stream"));
    assert_eq!(
        zip.header("content-disposition"),
        Some(format!("attachment; filename=\"SMS_{id}.zip\"").as_str())
    );
    let (name, csv) = unzip_first(&zip.body);
    assert_eq!(name, "report_SMS_sim-key_20231114.csv");
    let text = String::from_utf8(csv).expect("UTF-8 CSV");
    assert!(text.contains("account_id,message_id,client_ref,direction,from,to"));
    assert!(text.contains("OUT4") && text.contains("text 4") && !text.contains("OLD"));
    // Finished: cancel is 409; the file expires after 72 h.
    let r = delete_report(&srv, &id);
    assert_eq!(r.status, 409);
    assert_eq!(
        r.json()["type"],
        "https://developer.nexmo.com/api-errors/reports#invalid-abort-operation"
    );
    advance(&srv, 73 * 3_600_000);
    assert_eq!(get_basic(&srv, &strip(&srv, href)).status, 404);
}

#[test]
fn async_cancel_list_and_errors() {
    let srv = seeded(1000);
    let r = post_report(&srv, r#"{"product":"VOICE-CALL","account_id":"sim-key"}"#);
    assert_eq!(r.status, 200);
    let id = r.json()["request_id"].as_str().expect("id").to_owned();
    let r = delete_report(&srv, &id);
    assert_eq!(
        (r.status, r.json()["request_status"].as_str()),
        (200, Some("ABORTED"))
    );
    assert_eq!(delete_report(&srv, &id).status, 409);
    let r = get_basic(&srv, "/v2/reports/00000000-0000-4000-8000-000000000000");
    assert_eq!(r.status, 404);
    assert_eq!(r.json()["title"], "Invalid report ID");
    assert_eq!(delete_report(&srv, "nope").status, 404);
    let list = get_basic(
        &srv,
        "/v2/reports?account_id=sim-key&status=ABORTED,SUCCESS",
    )
    .json();
    assert_eq!(list["items_count"], 1);
    assert_eq!(list["reports"][0]["request_id"], id.as_str());
    assert!(list["self_link"].is_string());
    assert_eq!(
        get_basic(&srv, "/v2/reports?account_id=sim-key").status,
        400
    );
    assert_eq!(
        get_basic(&srv, "/v2/reports?account_id=sim-key&status=DONE").status,
        400
    );
    let r = post_report(&srv, "{not json");
    assert_eq!(
        (r.status, r.json()["title"].as_str()),
        (400, Some("Malformed JSON"))
    );
    assert_eq!(
        post_report(&srv, r#"{"product":"SMS","account_id":"sim-key"}"#).status,
        422
    );
    assert_eq!(
        post_report(
            &srv,
            r#"{"product":"SMS2","account_id":"sim-key","direction":"outbound"}"#
        )
        .status,
        422
    );
    assert_eq!(
        post_report(&srv, r#"{"product":"SMS","direction":"outbound"}"#).status,
        422
    );
    assert_eq!(
        post_report(
            &srv,
            r#"{"product":"SMS","account_id":"someone","direction":"outbound"}"#
        )
        .status,
        403
    );
    assert_eq!(post_report(&srv, r#"{"product":"SMS","account_id":"sim-key","direction":"outbound","date_start":"2020-01-01T00:00:00Z","date_end":"2023-01-01T00:00:00Z"}"#).status, 422);
    assert_eq!(
        request(&srv, "POST", "/v2/reports", &[], Some(b"{}")).status,
        401
    );
}
