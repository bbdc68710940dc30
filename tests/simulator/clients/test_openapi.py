"""The simulator against the official 2021 OpenAPI files in ../shared/specs/vonage/: request
schemas decide what it accepts and refuses, and its error bodies carry the documented fields
and example values. Run by `make test` (needs PyYAML and a built simulator)."""

from __future__ import annotations

import base64
import csv
import io
import json
import re
import zipfile
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Iterator, Optional

import pytest
import yaml

from sim import Simulator

REPO = Path(__file__).resolve().parents[3]
# A verbatim copy of the official files (MIT, see tests/specs/vonage/SOURCES.md) is in the repo.
SPECS: Optional[Path] = next(
    (p for p in (REPO / "tests" / "specs" / "vonage", REPO.parent / "shared" / "specs" / "vonage") if p.exists()),
    None,
)
BASIC = "Basic " + base64.b64encode(b"sim-key:sim-secret").decode()
HOUR = 3_600_000

pytestmark = pytest.mark.skipif(SPECS is None, reason="the Vonage OpenAPI copies are not next to this checkout")


def spec(name: str) -> dict[str, Any]:
    assert SPECS is not None
    return yaml.safe_load((SPECS / name).read_text())


def schema(doc: dict[str, Any], name: str) -> dict[str, Any]:
    return doc["components"]["schemas"][name]


def example_of(doc: dict[str, Any], name: str) -> dict[str, Any]:
    return {k: v.get("example") for k, v in schema(doc, name)["properties"].items()}


@pytest.fixture(scope="module")
def sim() -> Iterator[Simulator]:
    with Simulator() as s:
        yield s


def call(sim: Simulator, method: str, path: str, body: Any = None, auth: Optional[str] = BASIC,
         raw: Optional[bytes] = None) -> tuple[int, Any]:
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    headers = {"Content-Type": "application/json"}
    if auth:
        headers["Authorization"] = auth
    req = urllib.request.Request(sim.base_url + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req) as res:
            status, text = res.status, res.read()
    except urllib.error.HTTPError as err:
        status, text = err.code, err.read()
    return status, (json.loads(text) if text.strip() else None)


def assert_matches(body: Any, doc: dict[str, Any], name: str) -> None:
    """Every required field of the schema is present, and `type` and `title` equal the examples."""
    s = schema(doc, name)
    for field in s.get("required", []):
        assert field in body, f"{name}: missing {field} in {body}"
    example = example_of(doc, name)
    for field in ("type", "title", "error_title"):
        if field in example and example[field] is not None:
            assert body[field] == example[field], f"{name}.{field}: {body[field]!r} != {example[field]!r}"


def test_redact_accepts_exactly_the_spec_products(sim: Simulator) -> None:
    doc = spec("redact.yml")
    body_schema = schema(doc, "RedactTransaction")
    products = body_schema["properties"]["product"]["enum"]
    assert set(body_schema["required"]) == {"id", "product", "type"}
    for product in products:
        status, body = call(sim, "POST", "/v1/redact/transaction", {"id": "nope", "product": product, "type": "outbound"})
        assert status == 404, (product, status, body)  # accepted, then not found
        assert_matches(body, doc, "ErrorInvalidId")
    for wrong in ["SMS", "Voice", "sms2", "workflow", "message"]:
        status, body = call(sim, "POST", "/v1/redact/transaction", {"id": "nope", "product": wrong, "type": "outbound"})
        assert status == 422, wrong
        assert_matches(body, doc, "ErrorUnsupportedProduct")
    directions = body_schema["properties"]["type"]["enum"]
    assert directions == ["inbound", "outbound"]
    status, _ = call(sim, "POST", "/v1/redact/transaction", {"id": "nope", "product": "sms", "type": "MT"})
    assert status == 422


def test_redact_refuses_bodies_that_break_the_schema(sim: Simulator) -> None:
    doc = spec("redact.yml")
    for broken in [{"product": "sms", "type": "outbound"}, {"id": "x", "type": "outbound"}, {"id": 5, "product": "sms"}]:
        status, body = call(sim, "POST", "/v1/redact/transaction", broken)
        assert status == 422, broken
        assert set(body) >= {"type", "title", "detail", "instance"}
    status, body = call(sim, "POST", "/v1/redact/transaction", raw=b'{"id": "x",')
    assert status == 422
    assert_matches(body, doc, "ErrorInvalidJson")


def test_redact_error_bodies_follow_the_examples(sim: Simulator) -> None:
    doc = spec("redact.yml")
    status, body = call(sim, "POST", "/v1/redact/transaction", {"id": "x", "product": "sms", "type": "outbound"}, auth=None)
    assert status == 401
    assert_matches(body, doc, "ErrorUnauthorized")
    sim.seed({"records": [{"product": "voice", "id": "young-1", "age_ms": 60_000}]})
    status, body = call(sim, "POST", "/v1/redact/transaction", {"id": "young-1", "product": "voice", "type": "outbound"})
    assert status == 403
    assert_matches(body, doc, "ErrorPrematureRedaction")
    sim.seed({"records": [{"product": "voice", "id": "old-1", "age_ms": 2 * HOUR}]})
    status, body = call(sim, "POST", "/v1/redact/transaction", {"id": "old-1", "product": "voice", "type": "outbound"})
    assert (status, body) == (204, None)
    sim.settings({"unprovisioned_products": ["verify"]})
    try:
        status, body = call(sim, "POST", "/v1/redact/transaction", {"id": "v", "product": "verify", "type": "outbound"})
        assert status == 403
        assert_matches(body, doc, "ErrorUnprovisioned")
    finally:
        sim.settings({"unprovisioned_products": []})


def test_redact_429_follows_the_example(sim: Simulator) -> None:
    doc = spec("redact.yml")
    sim.settings({"rate_limits": {"redact": 2}})
    try:
        statuses = [call(sim, "POST", "/v1/redact/transaction", {"id": "n", "product": "sms", "type": "outbound"}) for _ in range(5)]
    finally:
        sim.settings({"rate_limits": {"redact": 170}})
    limited = [b for s, b in statuses if s == 429]
    assert limited, statuses
    assert_matches(limited[0], doc, "ErrorThrottled")


def test_media_delete_answers_as_documented(sim: Simulator) -> None:
    doc = spec("media.yml")
    assert doc["servers"][0]["url"].endswith("/v3/media")
    delete = doc["paths"]["/:id"]["delete"]  # the 2021 file spells the parameter ":id"
    assert "204" in {str(k) for k in delete["responses"]}
    sim.seed({"media": [{"id": "aaaaaaaa-bbbb-cccc-dddd-0123456789ab"}]})
    status, _ = call(sim, "DELETE", "/v3/media/aaaaaaaa-bbbb-cccc-dddd-0123456789ab")
    assert status == 204
    status, _ = call(sim, "DELETE", "/v3/media/aaaaaaaa-bbbb-cccc-dddd-0123456789ab")
    assert status == 404


def test_search_needs_the_documented_query_credentials(sim: Simulator) -> None:
    doc = spec("developer/messages.yml")
    params = {p["name"] for p in doc["components"].get("parameters", {}).values()} | {
        s.get("name") for s in doc["components"]["securitySchemes"].values()
    }
    assert {"api_key", "api_secret"} <= params
    status, _ = call(sim, "GET", "/search/message?id=x", auth=None)
    assert status == 401
    status, _ = call(sim, "GET", "/search/message?id=x&api_key=sim-key&api_secret=sim-secret", auth=None)
    assert status in (200, 404)


# ---- Reports and Message Search responses against reports.yml and developer/messages.yml ----
# The simulator's bodies are checked with the schema subset of openapi_check: every documented
# field has its documented type and enum, required fields are present, and record and CSV field
# names are exactly the documented ones.

from openapi_check import branch, errors, property_names, resolve, response_schema  # noqa: E402

NOW = 1_700_000_000_000  # 2023-11-14T22:13:20Z
T0 = NOW - 86_400_000
SEARCH_KEYS = "api_key=sim-key&api_secret=sim-secret"
RECORD_SEEDS = [
    {"product": "sms", "id": "SMS-OUT", "from": "Acme", "to": "447700900123", "body": "hi, \"you\"", "client_ref": "c1"},
    {"product": "sms", "type": "inbound", "id": "SMS-IN", "from": "447700900123", "to": "447700900000", "body": "STOP"},
    {"product": "voice", "id": "CALL-1", "from": "447700900000", "to": "447700900123", "duration_s": 42},
    {"product": "verify", "id": "VERIFY-1", "number": "447700900123"},
    {"product": "number-insight", "id": "NI-1", "number": "447700900123", "first_name": "Ann", "last_name": "Example"},
    {"product": "messages", "id": "MSG-OUT", "from": "447700900000", "to": "447700900123", "body": "hello", "provider": "whatsapp"},
    {"product": "messages", "type": "inbound", "id": "MSG-IN", "from": "447700900123", "to": "447700900000", "body": "hey"},
]
# (query, the record schema its records must carry)
RECORD_QUERIES = [
    ("product=SMS&direction=outbound&id=SMS-OUT&include_message=true", "json_sms_outbound_with_body"),
    ("product=SMS&direction=inbound&id=SMS-IN&include_message=true", "json_sms_inbound_with_body"),
    ("product=VOICE-CALL&id=CALL-1", "csv_voice"),
    ("product=VERIFY-API&id=VERIFY-1", "csv_verify"),
    ("product=NUMBER-INSIGHT&id=NI-1", "csv_ni"),
    ("product=MESSAGES&direction=outbound&id=MSG-OUT&include_message=true", "csv_messages_outbound"),
    ("product=MESSAGES&direction=inbound&id=MSG-IN&include_message=true", "csv_messages_inbound"),
]


@pytest.fixture(scope="module")
def reports_sim() -> Iterator[Simulator]:
    config = {"clock_start_ms": NOW, "rate_limits": {"reports_records": 0, "reports_async": 0},
              "reports": {"pending_ms": 1000, "processing_ms": 1000, "page_size": 2}}
    with Simulator(config) as s:
        s.seed({"records": [dict(r, created_ms=T0 + i * 60_000) for i, r in enumerate(RECORD_SEEDS)]})
        yield s


def records_branch(doc: dict[str, Any], record_schema: str) -> dict[str, Any]:
    """The `json_record_response` branch whose records are `record_schema`."""
    def fits(option: dict[str, Any]) -> bool:
        for part in option.get("allOf", []):
            items = (part.get("properties") or {}).get("records", {}).get("items", {})
            if items.get("$ref", "").endswith("/" + record_schema):
                return True
        return False
    return branch(doc, response_schema(doc, "/v2/reports/records", "get", "200"), fits)


def assert_valid(body: Any, schema: dict[str, Any], doc: dict[str, Any]) -> None:
    problems = [p for p in errors(body, schema, doc) if not CLIENT_REF_NULL.search(p)]
    assert not problems, problems


# The one documented departure: an unset `client_ref` is null, as in Vonage's own 2020 samples
# (vonage-facts §11.5), where the 2021 spec types it as a string.
CLIENT_REF_NULL = re.compile(r"\.client_ref: None is not of type string$")


def test_sync_records_follow_the_documented_record_shapes(reports_sim: Simulator) -> None:
    doc = spec("reports.yml")
    for query, record_schema in RECORD_QUERIES:
        status, body = call(reports_sim, "GET", f"/v2/reports/records?{query}&account_id=sim-key")
        assert status == 200, (query, body)
        assert_valid(body, response_schema(doc, "/v2/reports/records", "get", "200"), doc)
        assert_valid(body, records_branch(doc, record_schema), doc)
        assert body["items_count"] == len(body["records"]) == 1, query
        names = property_names(doc, {"$ref": f"#/components/schemas/{record_schema}"})
        assert set(body["records"][0]) == names, (query, set(body["records"][0]) ^ names)


def test_sync_ids_not_found_is_a_string_and_pages_are_truncated(reports_sim: Simulator) -> None:
    doc = spec("reports.yml")
    assert resolve(doc, {"$ref": "#/components/schemas/ids_not_found"})["type"] == "string"
    status, body = call(reports_sim, "GET", "/v2/reports/records?product=SMS&direction=outbound&id=SMS-OUT%2CNOPE1%2CNOPE2")
    assert status == 200
    assert body["ids_not_found"] == "NOPE1,NOPE2"
    assert_valid(body, records_branch(doc, "json_sms_outbound_with_body"), doc)
    reports_sim.seed({"records": [{"product": "sms", "id": f"PAGE{i}", "to": "447700900321", "created_ms": T0 + i}
                                  for i in range(3)]})
    window = "date_start=2023-11-13T00:00:00Z&date_end=2023-11-14T00:00:00Z"
    status, body = call(reports_sim, "GET", f"/v2/reports/records?product=SMS&direction=outbound&{window}&to=447700900321")
    assert (status, body["request_status"]) == (200, "TRUNCATED")
    assert_valid(body, records_branch(doc, "json_sms_outbound_with_body"), doc)
    assert {"cursor", "iv"} <= set(body) and body["_links"]["next"]["href"].startswith(reports_sim.base_url)


def test_sync_errors_follow_the_documented_bodies(reports_sim: Simulator) -> None:
    doc = spec("reports.yml")
    path = "/v2/reports/records"
    status, body = call(reports_sim, "GET", f"{path}?product=SMS&direction=outbound&id=A&account_id=other123")
    assert status == 403
    assert_valid(body, response_schema(doc, path, "get", "403"), doc)
    assert body["title"] == "Forbidden"
    unprocessable = response_schema(doc, path, "get", "422")
    for query, title in [("direction=outbound&id=A", "Unprocessable entity"),
                         ("product=SMSS&direction=outbound&id=A", "Unprocessable entity"),
                         ("product=SMS&direction=outbound&id=A&date_start=2023-11-13T00:00:00Z", "Invalid filter"),
                         ("product=SMS&direction=outbound&date_start=2023-11-12T00:00:00Z&date_end=2023-11-14T00:00:00Z",
                          "Invalid filter")]:
        status, body = call(reports_sim, "GET", f"{path}?{query}")
        assert (status, body["title"]) == (422, title), (query, body)
        assert_valid(body, unprocessable, doc)
    status, body = call(reports_sim, "GET", f"{path}?product=SMS&direction=outbound&id=A", auth=None)
    assert status == 401
    assert_valid(body, resolve(doc, doc["components"]["responses"]["401"])["content"]["application/json"]["schema"], doc)


def test_async_lifecycle_follows_the_documented_shapes(reports_sim: Simulator) -> None:
    doc = spec("reports.yml")
    sms_get = {"$ref": "#/components/schemas/sms_response_get_report"}
    create_body = {"product": "SMS", "account_id": "sim-key", "direction": "outbound", "to": "447700900123",
                   "date_start": "2023-11-13T00:00:00Z", "date_end": "2023-11-14T00:00:00Z", "include_message": True}
    reports_sim.script_reports([{"outcome": "FAILED"}])
    status, failed = call(reports_sim, "POST", "/v2/reports", create_body)
    assert status == 200
    assert_valid(failed, response_schema(doc, "/v2/reports", "post", "200"), doc)
    assert_valid(failed, {"$ref": "#/components/schemas/sms_response_create_report"}, doc)
    status, created = call(reports_sim, "POST", "/v2/reports", create_body)
    assert created["request_status"] == "PENDING"
    reports_sim.advance_clock(5_000)
    for report, expected in [(failed, "FAILED"), (created, "SUCCESS")]:
        status, body = call(reports_sim, "GET", f"/v2/reports/{report['request_id']}")
        assert (status, body["request_status"]) == (200, expected)
        assert_valid(body, response_schema(doc, "/v2/reports/{report_id}", "get", "200"), doc)
        assert_valid(body, sms_get, doc)
    status, body = call(reports_sim, "GET", "/v2/reports?account_id=sim-key&status=SUCCESS,FAILED")
    assert status == 200 and body["items_count"] == 2
    assert_valid(body, response_schema(doc, "/v2/reports", "get", "200"), doc)
    status, body = call(reports_sim, "DELETE", f"/v2/reports/{created['request_id']}")
    assert status == 409
    assert_valid(body, response_schema(doc, "/v2/reports/{report_id}", "delete", "409"), doc)
    status, body = call(reports_sim, "GET", "/v2/reports/aaaaaaaa-bbbb-cccc-dddd-0123456789ab")
    assert (status, body["title"]) == (404, "Invalid report ID")
    assert_valid(body, response_schema(doc, "/v2/reports/{report_id}", "get", "404"), doc)
    status, body = call(reports_sim, "POST", "/v2/reports", raw=b'{"product": ')
    assert (status, body["title"]) == (400, "Malformed JSON")
    assert_valid(body, response_schema(doc, "/v2/reports", "post", "400"), doc)
    status, body = call(reports_sim, "POST", "/v2/reports", {"product": "SMS", "account_id": "sim-key"})
    assert status == 422
    assert_valid(body, response_schema(doc, "/v2/reports", "post", "422"), doc)
    # The file: a zip whose one CSV has exactly the documented columns.
    status, body = call(reports_sim, "GET", f"/v2/reports/{created['request_id']}")
    href = body["_links"]["download_report"]["href"]
    assert href.startswith(reports_sim.base_url + "/v3/media/")
    req = urllib.request.Request(href, headers={"Authorization": BASIC})
    with urllib.request.urlopen(req) as res:
        media = response_schema(doc, "/v3/media/{file_id}", "get", "200", media="application/octet-stream")
        assert res.headers["Content-Type"] == "application/octet-stream" and media["type"] == "object"
        assert res.headers["Content-Disposition"] == f'attachment; filename="SMS_{created["request_id"]}.zip"'
        archive = zipfile.ZipFile(io.BytesIO(res.read()))
    [entry] = archive.infolist()
    assert entry.filename == "report_SMS_sim-key_20231114.csv" and entry.compress_type == zipfile.ZIP_DEFLATED
    rows = list(csv.DictReader(io.StringIO(archive.read(entry).decode())))
    assert set(rows[0]) == property_names(doc, {"$ref": "#/components/schemas/csv_sms_outbound"})
    assert [r["message_id"] for r in rows] == ["SMS-OUT"] and rows[0]["message_body"] == 'hi, "you"'


def test_message_search_follows_its_spec_and_the_quirks_leave_it(reports_sim: Simulator) -> None:
    doc = spec("developer/messages.yml")
    status, body = call(reports_sim, "GET", f"/search/messages?ids=SMS-OUT&ids=SMS-IN&{SEARCH_KEYS}", auth=None)
    assert status == 200 and body["count"] == 2
    assert_valid(body, response_schema(doc, "/messages", "get", "200"), doc)
    mt = {"$ref": "#/components/schemas/messageMT"}
    assert_valid(body["items"][0], mt, doc)
    status, body = call(reports_sim, "GET", f"/search/message?id=SMS-IN&{SEARCH_KEYS}", auth=None)
    assert_valid(body, {"$ref": "#/components/schemas/messageBase"}, doc)
    status, body = call(reports_sim, "GET", f"/search/rejections?date=2023-11-13&to=447700900123&{SEARCH_KEYS}", auth=None)
    assert status == 200
    assert_valid(body, response_schema(doc, "/rejections", "get", "200"), doc)
    status, body = call(reports_sim, "GET", f"/search/messages?to=447700900123&{SEARCH_KEYS}", auth=None)
    assert status == 400
    assert_valid(body, response_schema(doc, "/messages", "get", "400"), doc)
    status, body = call(reports_sim, "GET", "/search/messages?ids=SMS-OUT&api_key=sim-key&api_secret=no", auth=None)
    assert status == 401
    assert_valid(body, response_schema(doc, "/messages", "get", "401"), doc)
    # The quirks are outside the spec on purpose: a client must read both.
    reports_sim.search_modes({"price_as_string": True, "empty_as_object": True})
    try:
        status, body = call(reports_sim, "GET", f"/search/messages?ids=SMS-OUT&{SEARCH_KEYS}", auth=None)
        assert errors(body["items"][0], mt, doc) == [f"$.price: {body['items'][0]['price']!r} is not of type number"]
        status, body = call(reports_sim, "GET", f"/search/messages?ids=NOPE&{SEARCH_KEYS}", auth=None)
        assert (status, body) == (200, {})  # the spec requires no field, so `{}` still fits it
    finally:
        reports_sim.search_modes({"price_as_string": False, "empty_as_object": False})


def test_erase_then_access_reads_redacted(reports_sim: Simulator) -> None:
    doc = spec("reports.yml")
    query = "/v2/reports/records?product=MESSAGES&direction=outbound&id=MSG-OUT&include_message=true"
    status, before = call(reports_sim, "GET", query)
    assert (status, before["records"][0]["message_body"]) == (200, "hello")
    status, _ = call(reports_sim, "POST", "/v1/redact/transaction", {"id": "MSG-OUT", "product": "messages", "type": "outbound"})
    assert status == 204
    status, after = call(reports_sim, "GET", query)
    record = after["records"][0]
    assert (record["to"], record["from"], record["message_body"]) == ("REDACTED", "REDACTED", "REDACTED")
    assert_valid(after, records_branch(doc, "csv_messages_outbound"), doc)
    status, found = call(reports_sim, "GET", f"/search/message?id=SMS-OUT&{SEARCH_KEYS}", auth=None)
    assert found["to"] == "447700900123"
    call(reports_sim, "POST", "/v1/redact/transaction", {"id": "SMS-OUT", "product": "sms", "type": "outbound"})
    status, found = call(reports_sim, "GET", f"/search/message?id=SMS-OUT&{SEARCH_KEYS}", auth=None)
    assert (found["to"], found["body"]) == ("REDACTED", "REDACTED")
    assert_valid(found, {"$ref": "#/components/schemas/messageMT"}, spec("developer/messages.yml"))
