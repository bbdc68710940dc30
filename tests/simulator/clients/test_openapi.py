"""The simulator against the official 2021 OpenAPI files in ../shared/specs/vonage/: request
schemas decide what it accepts and refuses, and its error bodies carry the documented fields
and example values. Run by `make test` (needs PyYAML and a built simulator)."""

from __future__ import annotations

import base64
import json
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
