"""`redact()` and `redact_async()` end to end over real HTTP against the local Vonage simulator.

The simulator (`tests/simulator`, binary `erasekit-sim`) checks Basic credentials, the body,
the product and direction, the 60-minute rule on its own clock, and can inject faults. Its
Python helper starts it on 127.0.0.1 with a free port and drives its `/_sim/` control plane.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

import erasekit
from conftest import REPO

sys.path.insert(0, str(REPO / "tests" / "simulator" / "clients"))
from sim import Simulator  # noqa: E402

HOUR = 3_600_000
ROUTE = "POST /v1/redact/transaction"


@pytest.fixture(scope="module")
def running() -> Iterator[Simulator]:
    with Simulator() as sim:
        yield sim


@pytest.fixture
def sim(running: Simulator) -> Simulator:
    running.reset()
    return running


@pytest.fixture
def creds(sim: Simulator) -> erasekit.Credentials:
    return erasekit.Credentials(api_key=sim.api_key, api_secret=sim.api_secret)


def seed(sim: Simulator, **record: Any) -> None:
    sim.seed({"records": [{"to": "447700900001", "body": "personal data", **record}]})


def test_redacts_an_old_sms_and_the_simulator_forgets_its_text(
    sim: Simulator, creds: erasekit.Credentials
) -> None:
    seed(sim, product="sms", id="0A000000B0C9A1234", age_ms=2 * HOUR)
    outcome = erasekit.redact("0A000000B0C9A1234", "sms", credentials=creds, base_url=sim.base_url)
    assert outcome == {"outcome": "redacted", "status": 204}
    record = sim.record("sms", "0A000000B0C9A1234", "outbound")
    assert record["redacted"] is True
    assert record["body"] == "REDACTED"
    assert record["redactions"] == 1


@pytest.mark.asyncio
async def test_redact_async_with_its_own_client(sim: Simulator, creds: erasekit.Credentials) -> None:
    seed(sim, product="voice", id="aaaaaaaa-bbbb-cccc-dddd-0123456789ab", age_ms=2 * HOUR)
    outcome = await erasekit.redact_async(
        "aaaaaaaa-bbbb-cccc-dddd-0123456789ab", "voice",
        credentials=creds, base_url={"redact": sim.base_url},
    )
    assert outcome == {"outcome": "redacted", "status": 204}
    assert sim.record("voice", "aaaaaaaa-bbbb-cccc-dddd-0123456789ab")["redacted"] is True


def test_premature_then_redacted_once_the_hour_has_passed(
    sim: Simulator, creds: erasekit.Credentials
) -> None:
    now = sim.clock()
    created_at = now - 10 * 60_000
    seed(sim, product="sms", type="inbound", id="MO-1", created_ms=created_at)
    with httpx.Client() as client:
        first = erasekit.redact(
            "MO-1", "sms", "inbound", credentials=creds, client=client,
            base_url=sim.base_url, created_at=created_at, now=now,
        )
        assert first["outcome"] == "premature"
        assert first["status"] == 403
        assert first["earliest_retry_at"] == created_at + HOUR
        assert (first["problem"]["type"] or "").endswith("#premature-redaction")
        later = sim.advance_clock(HOUR)
        second = erasekit.redact(
            "MO-1", "sms", "inbound", credentials=creds, client=client,
            base_url=sim.base_url, created_at=created_at, now=later,
        )
    assert second == {"outcome": "redacted", "status": 204}


def test_direction_matters_for_sms(sim: Simulator, creds: erasekit.Credentials) -> None:
    seed(sim, product="sms", type="inbound", id="MO-2", age_ms=2 * HOUR)
    wrong = erasekit.redact("MO-2", "sms", credentials=creds, base_url=sim.base_url)
    assert wrong["outcome"] == "not_found"
    assert wrong["status"] == 404
    assert (wrong["problem"]["type"] or "").endswith("#invalid-id")
    right = erasekit.redact("MO-2", "sms", "inbound", credentials=creds, base_url=sim.base_url)
    assert right["outcome"] == "redacted"


def test_unknown_id_wrong_secret_and_unprovisioned(sim: Simulator, creds: erasekit.Credentials) -> None:
    missing = erasekit.redact("never-sent", "messages", credentials=creds, base_url=sim.base_url)
    assert missing["outcome"] == "not_found"

    wrong = erasekit.Credentials(api_key=sim.api_key, api_secret="not-the-secret")
    denied = erasekit.redact("never-sent", "sms", credentials=wrong, base_url=sim.base_url)
    assert denied["outcome"] == "unauthorized"
    assert denied["status"] == 401

    sim.settings({"unprovisioned_products": ["verify"]})
    seed(sim, product="verify", id="verify-1", age_ms=2 * HOUR)
    refused = erasekit.redact("verify-1", "verify", credentials=creds, base_url=sim.base_url)
    assert refused["outcome"] == "unprovisioned"
    assert refused["status"] == 403


def test_429_storm_and_503(sim: Simulator, creds: erasekit.Credentials) -> None:
    seed(sim, product="sms", id="busy", age_ms=2 * HOUR)
    sim.set_faults(
        {"rules": [{"route": ROUTE, "storm": {"first_request": 0, "request_count": 1, "retry_after_s": 3}}]}
    )
    now = 1_800_000_000_000
    limited = erasekit.redact("busy", "sms", credentials=creds, base_url=sim.base_url, now=now)
    assert limited["outcome"] == "rate_limited"
    assert limited["retry_at"] == now + 3000

    sim.set_faults({"rules": [{"route": ROUTE, "error_503": 1.0}]})
    failing = erasekit.redact("busy", "sms", credentials=creds, base_url=sim.base_url)
    assert failing["outcome"] == "server_error"
    assert failing["status"] == 503

    sim.clear_faults()
    done = erasekit.redact("busy", "sms", credentials=creds, base_url=sim.base_url)
    assert done == {"outcome": "redacted", "status": 204}


def test_dropped_connection_is_a_transport_error(sim: Simulator, creds: erasekit.Credentials) -> None:
    sim.set_faults({"rules": [{"route": ROUTE, "drop": 1.0}]})
    with pytest.raises(erasekit.TransportError) as info:
        erasekit.redact("dropped", "sms", credentials=creds, base_url=sim.base_url)
    assert info.value.code == "transport_failed"
    assert isinstance(info.value.__cause__, httpx.TransportError)


@pytest.mark.asyncio
async def test_dropped_connection_async(sim: Simulator, creds: erasekit.Credentials) -> None:
    sim.set_faults({"rules": [{"route": ROUTE, "drop": 1.0}]})
    async with httpx.AsyncClient() as client:
        with pytest.raises(erasekit.TransportError) as info:
            await erasekit.redact_async(
                "dropped", "sms", credentials=creds, client=client, base_url=sim.base_url
            )
    assert isinstance(info.value.__cause__, httpx.TransportError)


def test_nothing_listening_is_a_transport_error(creds: erasekit.Credentials) -> None:
    import socket

    with socket.socket() as s:  # a port that was free a moment ago and is closed now
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(erasekit.TransportError) as info:
        erasekit.redact("abc", "sms", credentials=creds, base_url=f"http://127.0.0.1:{port}")
    assert isinstance(info.value.__cause__, httpx.ConnectError)
