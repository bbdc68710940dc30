"""Response headers between the drivers and the core.

``handle_response`` accepts any mapping of headers (a dict, httpx's ``Headers``), read
case-insensitively by the core. A 429 with ``Retry-After`` (in any case, among other headers)
holds the job for as long as it says, with both drivers. Loopback-free; every run is bounded.
"""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import httpx
import pytest

import erasekit
import test_erasure_job as unit
from conftest import now_ms
from test_erasure_e2e import bounded

SIGNING = unit.SIGNING
RETRY_AFTER_S = 2  # above the core's own wait after a 429 without Retry-After (at most 1 s)
VONAGE_HEADERS = {
    "Date": "Sat, 28 Nov 2026 20:00:00 GMT",
    "Content-Type": "application/json",
    "X-Request-Id": "0f8a7c1e-1111-2222-3333-444455556666",
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
}


@pytest.mark.parametrize("as_headers", [False, True], ids=["dict", "httpx.Headers"])
def test_raw_handle_response_accepts_any_headers(as_headers: bool) -> None:
    t = now_ms()
    job = erasekit.ErasureJob(unit.plan(unit.sms(1)), rate_per_second=10, seed=1, check_target=False)
    call = job.poll_request(t, unit.creds())
    assert call is not None
    raw = {**VONAGE_HEADERS, "RETRY-AFTER": "3", "X-Other": "1"}
    headers: Any = httpx.Headers(raw) if as_headers else raw
    job.handle_response(call["call_id"], {"status": 429, "headers": headers, "body": b""}, t)
    events = []
    while (event := job.poll_event()) is not None:
        events.append(event)
    throttled = [e for e in events if e["event"] == "throttled"]
    assert len(throttled) == 1 and throttled[0]["until"] == t + 3000


class Throttling:
    """A MockTransport handler (sync and async): the first call gets a 429 with
    ``Retry-After``, the rest 204; records when each call arrived (ms)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.arrivals: list[float] = []
        self.answered_429 = 0.0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        with self.lock:
            now = time.time() * 1000
            self.arrivals.append(now)
            if len(self.arrivals) == 1:
                self.answered_429 = now
                return httpx.Response(
                    429, headers={**VONAGE_HEADERS, "Retry-After": str(RETRY_AFTER_S)}, json={"title": "slow down"}
                )
        return httpx.Response(204, headers=VONAGE_HEADERS)

    async def handle_async(self, request: httpx.Request) -> httpx.Response:
        return self(request)


@pytest.mark.parametrize("driver", ["sync", "async"])
def test_a_429_with_retry_after_holds_the_job(driver: str) -> None:
    stub = Throttling()
    job = unit.fast_job(unit.plan(unit.sms(3)), max_in_flight=1, check_target=False)
    events: list[erasekit.JobEvent] = []
    kw: dict[str, Any] = {"credentials": unit.creds(), "signing_key": SIGNING, "on_progress": events.append}
    if driver == "sync":
        with httpx.Client(transport=httpx.MockTransport(stub)) as client:
            receipt = bounded(lambda: job.run(client=client, **kw), 30)
    else:
        async_transport = httpx.MockTransport(stub.handle_async)

        async def main() -> erasekit.Receipt:
            async with httpx.AsyncClient(transport=async_transport) as client:
                return await job.run_async(client=client, **kw)

        receipt = asyncio.run(asyncio.wait_for(main(), 30))
    counts = receipt["receipt"]["counts"]
    assert (counts["done"], counts["rate_limited"], counts["retries"]) == (3, 1, 1)
    throttled = [e for e in events if e["event"] == "throttled"]
    assert len(throttled) == 1
    until = throttled[0]["until"]
    # Retry-After as sent (read whatever its case), from when the driver handled the answer.
    assert stub.answered_429 + RETRY_AFTER_S * 1000 - 5 <= until <= stub.answered_429 + RETRY_AFTER_S * 1000 + 1000
    # Nothing went out before then: the job is held, not only the operation.
    assert len(stub.arrivals) == 4
    assert all(at >= until - 5 for at in stub.arrivals[1:]), (until, stub.arrivals)
