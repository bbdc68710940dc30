"""`redact()` and `redact_async()` over `httpx.MockTransport`: what goes out, what comes back."""

from __future__ import annotations

import json
import time

import httpx
import pytest

import erasekit
from conftest import KEYS

CREDS = erasekit.Credentials(api_key="abcd1234", api_secret="s3cr3t-value")
CREATED = 1_700_000_000_000
NOW = CREATED + 10 * 60_000
PREMATURE = {
    "type": "https://developer.nexmo.com/api-errors/redact#premature-redaction",
    "title": "Premature Redaction",
    "detail": "You must wait 60 minutes before redacting ID '0A000000B0C9A1234'",
    "instance": "bf0ca0bf927b3b52e3cb03217e1a1ddf",
}


class Recorder:
    """A MockTransport handler that records requests and answers from a script."""

    def __init__(self, *responses: httpx.Response) -> None:
        self.responses = list(responses)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        return self.responses.pop(0)


def test_sends_what_the_core_built_and_returns_the_outcome() -> None:
    handler = Recorder(httpx.Response(204))
    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        outcome = erasekit.redact(
            "0A000000B0C9A1234", "sms", "inbound", credentials=CREDS, client=client, now=NOW
        )
        assert not client.is_closed, "a client passed in stays open"
    assert outcome == {"outcome": "redacted", "status": 204}
    (sent,) = handler.requests
    expected = erasekit.RedactRequest("0A000000B0C9A1234", "sms", "inbound").to_http(CREDS)
    assert sent.method == expected["method"] == "POST"
    assert str(sent.url) == expected["url"] == "https://api.nexmo.com/v1/redact/transaction"
    for name, value in expected["headers"].items():
        assert sent.headers[name] == value
    assert sent.headers["user-agent"] == erasekit.USER_AGENT
    assert json.loads(sent.content) == {"id": "0A000000B0C9A1234", "product": "sms", "type": "inbound"}


def test_premature_outcome_says_when_to_retry() -> None:
    handler = Recorder(httpx.Response(403, json=PREMATURE))
    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        outcome = erasekit.redact(
            "0A000000B0C9A1234", "sms", credentials=CREDS, client=client,
            created_at=CREATED, now=NOW,
        )
    assert outcome == {
        "outcome": "premature",
        "status": 403,
        "problem": PREMATURE,
        "earliest_retry_at": CREATED + 3_600_000,
    }


def test_base_url_per_family_and_retry_after() -> None:
    handler = Recorder(httpx.Response(429, headers={"Retry-After": "2"}))
    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        outcome = erasekit.redact(
            "abc", "voice", credentials=CREDS, client=client, now=NOW,
            base_url={"default": "https://api-eu.vonage.com", "redact": "http://127.0.0.1:9/x/"},
        )
    assert str(handler.requests[0].url) == "http://127.0.0.1:9/x/v1/redact/transaction"
    assert outcome == {"outcome": "rate_limited", "status": 429, "problem": None, "retry_at": NOW + 2000}


def test_now_defaults_to_the_clock() -> None:
    handler = Recorder(httpx.Response(429, headers={"Retry-After": "5"}))
    before = time.time_ns() // 1_000_000
    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        outcome = erasekit.redact("abc", "sms", credentials=CREDS, client=client)
    after = time.time_ns() // 1_000_000
    assert outcome["outcome"] == "rate_limited"
    assert outcome["retry_at"] is not None
    assert before + 5000 <= outcome["retry_at"] <= after + 5000


def test_redirects_are_not_followed() -> None:
    handler = Recorder(httpx.Response(301, headers={"Location": "https://example.invalid/"}))
    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        outcome = erasekit.redact("abc", "sms", credentials=CREDS, client=client, now=NOW)
    assert outcome == {"outcome": "malformed", "status": 301, "reason": "redirect (not followed): is the base URL right?"}
    assert len(handler.requests) == 1


def test_bad_input_raises_before_anything_is_sent() -> None:
    handler = Recorder()
    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        with pytest.raises(erasekit.InputError):
            erasekit.redact("abc", "SMS", credentials=CREDS, client=client)
        app_only = erasekit.Credentials(
            application_id="app", private_key=(KEYS / "app_private.pem").read_text(encoding="utf-8")
        )
        with pytest.raises(erasekit.CredentialsError) as info:
            erasekit.redact("abc", "sms", credentials=app_only, client=client)
        assert info.value.code == "missing_credentials"
    assert handler.requests == []


@pytest.mark.parametrize(
    "error",
    [httpx.ConnectError, httpx.ReadTimeout, httpx.RemoteProtocolError],
    ids=lambda e: e.__name__,
)
def test_transport_failures_raise_transport_error_with_the_cause(
    error: type[httpx.TransportError],
) -> None:
    def fail(request: httpx.Request) -> httpx.Response:
        raise error("boom", request=request)

    with httpx.Client(transport=httpx.MockTransport(fail)) as client:
        with pytest.raises(erasekit.TransportError) as info:
            erasekit.redact("abc", "sms", credentials=CREDS, client=client)
    err = info.value
    assert isinstance(err.__cause__, error)
    assert err.code == "transport_failed"
    # The reason names the cause and the host (issue 9, item 21).
    reason = {
        httpx.ConnectError: "connection failed: boom (api.nexmo.com)",
        httpx.RemoteProtocolError: "connection failed: boom (api.nexmo.com)",
        httpx.ReadTimeout: "timeout: no complete answer from api.nexmo.com within 30000 ms",
    }.get(error, f"{error.__name__}: boom (api.nexmo.com)")
    assert err.details == {"code": "transport_failed", "reason": reason}
    assert str(err) == f"transport failed: {reason}"


@pytest.mark.asyncio
async def test_async_sends_and_interprets() -> None:
    seen: list[httpx.Request] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        await request.aread()
        seen.append(request)
        return httpx.Response(404, json={"type": "https://developer.nexmo.com/api-errors#invalid-id", "title": "Invalid ID"})

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        outcome = await erasekit.redact_async("abc", "messages", credentials=CREDS, client=client, now=NOW)
    assert outcome == {
        "outcome": "not_found",
        "status": 404,
        "problem": {
            "type": "https://developer.nexmo.com/api-errors#invalid-id",
            "title": "Invalid ID",
            "detail": None,
            "instance": None,
        },
    }
    assert json.loads(seen[0].content)["product"] == "messages"


@pytest.mark.asyncio
async def test_async_transport_failure() -> None:
    async def fail(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("too slow", request=request)

    async with httpx.AsyncClient(transport=httpx.MockTransport(fail)) as client:
        with pytest.raises(erasekit.TransportError) as info:
            await erasekit.redact_async("abc", "sms", credentials=CREDS, client=client)
    assert isinstance(info.value.__cause__, httpx.ConnectTimeout)
