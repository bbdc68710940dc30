"""The drivers' ``transport=`` path: ``job.run(transport=httpx.BaseTransport)`` and
``job.run_async(transport=httpx.AsyncBaseTransport)`` call the transport directly with
prebuilt ``httpx.Request``s instead of going through a client.

Over ``httpx.MockTransport``: the request is the one a client would send (minus the client's
own default headers), failures map as through a client, bugs propagate after a checkpoint,
responses are read and closed, the in-flight limit holds, interrupting leaves a snapshot to
resume from, and ``client=`` with ``transport=`` is refused. Over ``httpx.HTTPTransport``:
every kind of entry is erased against the local simulator (also with faults on), and the
timeout bounds a call to a server that never answers. Loopback only; every run is bounded.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any, Callable, Union

import httpx
import pytest

import erasekit
import test_erasure_job as unit
from conftest import KEYS
from test_erasure_e2e import REDACT, SUBJECT, World, bounded, erased, make_job, prepare

from sim import Simulator  # on the path: conftest puts tests/simulator/clients there

SIGNING = unit.SIGNING
DRIVERS = ["sync", "async"]
AnyTransport = Union[httpx.BaseTransport, httpx.AsyncBaseTransport]


def drive(driver: str, job: erasekit.ErasureJob, transport: AnyTransport, **kw: Any) -> erasekit.Receipt:
    """Runs ``job`` to the end over ``transport`` with the sync or the async driver, bounded."""
    kw.setdefault("credentials", unit.creds())
    if "ledger" not in kw:  # with a ledger, the run signs with the ledger's own receipt key
        kw.setdefault("signing_key", SIGNING)
    if driver == "sync":
        assert isinstance(transport, httpx.BaseTransport)
        return bounded(lambda: job.run(transport=transport, **kw), 60)
    assert isinstance(transport, httpx.AsyncBaseTransport)
    return asyncio.run(asyncio.wait_for(job.run_async(transport=transport, **kw), 60))


def mock(vonage: unit.Vonage) -> httpx.MockTransport:
    """A MockTransport answering from ``vonage`` for both drivers (sync and async handler)."""

    class Both(httpx.MockTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            await request.aread()
            return await vonage.async_handler(request)

    return Both(vonage)


# ---- over MockTransport -----------------------------------------------------------------------


@pytest.mark.parametrize("driver", DRIVERS)
def test_transport_gets_the_request_a_client_would_send(driver: str) -> None:
    seen: dict[str, list[httpx.Request]] = {"client": [], "transport": []}

    def recorder(into: list[httpx.Request]) -> Callable[[httpx.Request], httpx.Response]:
        def handler(request: httpx.Request) -> httpx.Response:
            into.append(request)
            return httpx.Response(204)

        return handler

    entries = unit.sms(2) + [unit.entry("recording", "bbbbbbbb-aaaa-cccc-dddd-000000000001"), unit.entry("leg", "LEG-1")]

    def job() -> erasekit.ErasureJob:
        return unit.fast_job(unit.plan(entries, delete_legs=True), max_in_flight=1, check_target=False)

    with httpx.Client(transport=httpx.MockTransport(recorder(seen["client"]))) as client:
        job().run(credentials=unit.creds(), client=client, signing_key=SIGNING, timeout=7.5)
    drive(driver, job(), httpx.MockTransport(recorder(seen["transport"])), timeout=7.5)

    assert len(seen["client"]) == len(seen["transport"]) == 4
    methods = set()
    for by_client, by_transport in zip(seen["client"], seen["transport"]):
        methods.add(by_transport.method)
        assert by_transport.method == by_client.method
        assert by_transport.url == by_client.url
        assert by_transport.content == by_client.content
        # The same headers in the same order, less what a Client adds of its own.
        client_headers = [(k, v) for k, v in by_client.headers.multi_items()
                          if k not in ("accept-encoding", "connection")]
        expected = [(k, v) for k, v in client_headers if k not in ("authorization",)]
        got = [(k, v) for k, v in by_transport.headers.multi_items() if k not in ("authorization",)]
        assert got == expected
        assert by_transport.headers.raw[0][0] == b"Host"
        # Basic or a fresh JWT per call: the same scheme either way.
        assert by_transport.headers["authorization"].split()[0] == by_client.headers["authorization"].split()[0]
        # The per-read timeout of the body is what is left of the call's total deadline.
        timeouts = dict(by_transport.extensions["timeout"])
        assert 7.0 < timeouts.pop("read") <= 7.5
        assert timeouts == {k: v for k, v in httpx.Timeout(7.5).as_dict().items() if k != "read"}
    assert methods == {"POST", "DELETE"}  # with a body and without


@pytest.mark.parametrize("driver", DRIVERS)
def test_transport_failures_map_as_through_a_client(driver: str) -> None:
    vonage = unit.Vonage(
        {"SMS-1": [503, 204], "SMS-2": [httpx.ConnectError("refused"), 204], "SMS-3": [httpx.ReadTimeout("slow"), 204],
         "SMS-4": [404], "SMS-5": [httpx.UnsupportedProtocol("gopher"), 204],
         "SMS-6": [httpx.RemoteProtocolError("closed"), 204], "SMS-7": [httpx.ConnectTimeout("syn"), 204]},
        delay=0.005,
    )
    job = unit.fast_job(unit.plan(unit.sms(30)), max_in_flight=6)
    events: list[erasekit.JobEvent] = []
    receipt = drive(driver, job, mock(vonage), on_progress=events.append)
    assert erasekit.verify_receipt(receipt, erasekit.receipt_public_key(SIGNING))
    counts = receipt["receipt"]["counts"]
    assert (counts["done"], counts["not_found"], counts["failed"], counts["retries"]) == (29, 1, 0, 6)
    assert 1 < vonage.peak <= 6
    reasons = sorted(e["reason"] for e in events if e["event"] == "retrying")
    # Each names the host and the cause (issue 9, item 21).
    timeout = "timeout: no complete answer from api.nexmo.com within 30000 ms"
    assert reasons == ["UnsupportedProtocol: gopher (api.nexmo.com)", "connection failed: closed (api.nexmo.com)",
                       "connection failed: refused (api.nexmo.com)", "server error 503", timeout, timeout]
    assert vonage.calls == {f"SMS-{i}": 2 if i in (1, 2, 3, 5, 6, 7) else 1 for i in range(30)}
    assert events[0]["event"] == "started" and events[-1]["event"] == "finished"


@pytest.mark.parametrize("driver", DRIVERS)
def test_a_bug_in_the_transport_propagates_after_a_checkpoint(driver: str) -> None:
    ledger = unit.FakeLedger(unit.sms(3))
    job = unit.fast_job(erasekit.plan_erasure(ledger, "user-42"))

    def broken(request: httpx.Request) -> httpx.Response:
        raise ZeroDivisionError("bug")

    async def broken_async(request: httpx.Request) -> httpx.Response:
        raise ZeroDivisionError("bug")

    transport = httpx.MockTransport(broken if driver == "sync" else broken_async)
    with pytest.raises(ZeroDivisionError):
        drive(driver, job, transport, ledger=ledger)
    stored = ledger.load_job(job.job_id)
    assert stored is not None and stored["state"] == "stopped"


class Body(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A response body in two chunks that records being closed."""

    def __init__(self, chunks: list[bytes], closed: list[bool]) -> None:
        self.chunks = chunks
        self.closed = closed

    def __iter__(self) -> Iterator[bytes]:
        yield from self.chunks

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks:
            yield chunk

    def close(self) -> None:
        self.closed.append(True)

    async def aclose(self) -> None:
        self.closed.append(True)


@pytest.mark.parametrize("driver", DRIVERS)
def test_every_response_is_read_and_closed(driver: str) -> None:
    closed: list[bool] = []
    problem = (b'{"type":"https://developer.nexmo.com/api-errors#invalid-id","title":"Invalid ID",',
               b'"detail":"ID could not be found","instance":"trace-1"}')

    def streamed(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404, headers={"content-type": "application/problem+json"},
                              stream=Body(list(problem), closed))

    job = unit.fast_job(unit.plan(unit.sms(5)), max_in_flight=2, check_target=False)
    receipt = drive(driver, job, httpx.MockTransport(streamed))
    operations = receipt["receipt"]["operations"]
    assert [o["state"] for o in operations] == ["not_found"] * 5
    # The body (two chunks) reached the job: the problem's detail and instance are kept.
    assert all(o["problem"] == "ID could not be found" and o["instance"] == "trace-1" for o in operations)
    assert len(closed) == 5


@pytest.mark.parametrize("driver", DRIVERS)
def test_interrupted_transport_run_leaves_a_snapshot_and_resumes(driver: str) -> None:
    ledger = unit.FakeLedger(unit.sms(30))
    vonage = unit.Vonage(delay=0.01)
    job = unit.fast_job(erasekit.plan_erasure(ledger, "user-42"), max_in_flight=4)
    if driver == "sync":
        def interrupt(event: erasekit.JobEvent) -> None:
            if event["event"] == "operation_finished" and event["counts"]["done"] >= 10:
                raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            job.run(credentials=unit.creds(), transport=mock(vonage), ledger=ledger, on_progress=interrupt)
    else:
        async def cancel_midway() -> None:
            task = asyncio.ensure_future(
                job.run_async(credentials=unit.creds(), transport=mock(vonage), ledger=ledger))
            while job.counts()["done"] < 10:
                await asyncio.sleep(0.005)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task

        asyncio.run(asyncio.wait_for(cancel_midway(), 30))
    stored = ledger.load_job(job.job_id)
    assert stored is not None and stored["state"] == "stopped"
    resumed = erasekit.resume_job(ledger, job.job_id)
    assert 10 <= resumed.counts()["done"] < 30 and resumed.counts()["in_flight"] == 0
    receipt = drive(driver, resumed, mock(vonage), ledger=ledger)
    assert receipt["receipt"]["counts"]["done"] == 30
    assert set(vonage.calls) == {f"SMS-{i}" for i in range(30)}
    assert sum(vonage.calls.values()) - 30 <= 4  # only calls in flight at the stop went twice
    assert ledger.forgotten == [("user-42", job.job_id)]


def senders() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("erasekit-job")]


@pytest.mark.parametrize("path", ["client", "transport"])
def test_run_leaves_no_sending_thread_behind(path: str) -> None:
    vonage = unit.Vonage(delay=0.002)
    for stop in (False, True):
        job = unit.fast_job(unit.plan(unit.sms(20)), max_in_flight=8)

        def interrupt(event: erasekit.JobEvent) -> None:
            if stop and event["event"] == "operation_finished":
                raise KeyboardInterrupt

        with httpx.Client(transport=mock(vonage)) as client:
            via: dict[str, Any] = {"client": client} if path == "client" else {"transport": mock(vonage)}
            try:
                job.run(credentials=unit.creds(), on_progress=interrupt, signing_key=SIGNING, **via)
            except KeyboardInterrupt:
                assert stop
            for thread in senders():
                thread.join(10)
        assert senders() == []


@pytest.mark.parametrize("driver", DRIVERS)
def test_client_and_transport_together_are_refused(driver: str) -> None:
    ledger = unit.FakeLedger(unit.sms(2))
    job = unit.fast_job(erasekit.plan_erasure(ledger, "user-42"))

    def refuse(request: httpx.Request) -> httpx.Response:
        raise AssertionError("nothing should be sent")

    transport = httpx.MockTransport(refuse)
    with pytest.raises(erasekit.InputError) as raised:
        if driver == "sync":
            with httpx.Client(transport=transport) as client:
                job.run(credentials=unit.creds(), client=client, transport=transport, ledger=ledger)
        else:
            async def both() -> None:
                async with httpx.AsyncClient(transport=transport) as client:
                    await job.run_async(credentials=unit.creds(), client=client, transport=transport,
                                        ledger=ledger)

            asyncio.run(both())
    assert raised.value.code == "invalid_argument"
    assert raised.value.details["field"] == "transport"
    assert ledger.saves == [] and job.counts()["in_flight"] == 0


def test_a_transport_of_the_wrong_kind_is_refused() -> None:
    job = unit.fast_job(unit.plan(unit.sms(1)))
    with pytest.raises(erasekit.InputError) as raised:
        job.run(credentials=unit.creds(), transport=httpx.AsyncHTTPTransport(), signing_key=SIGNING)  # type: ignore[arg-type]
    assert raised.value.details["field"] == "transport"
    assert "httpx.BaseTransport" in str(raised.value)
    with pytest.raises(erasekit.InputError) as raised:
        asyncio.run(job.run_async(credentials=unit.creds(), transport=httpx.HTTPTransport(), signing_key=SIGNING))  # type: ignore[arg-type]
    assert raised.value.details["field"] == "transport"
    assert "httpx.AsyncBaseTransport" in str(raised.value)
    assert job.counts()["in_flight"] == 0 and not job.is_finished()


# ---- over HTTPTransport -----------------------------------------------------------------------


@pytest.fixture
def sim_creds(sim: Simulator) -> erasekit.Credentials:
    return erasekit.Credentials(
        api_key=sim.api_key, api_secret=sim.api_secret, application_id=sim.application_id,
        private_key=(KEYS / "app_private.pem").read_text(encoding="utf-8"),
    )


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[erasekit.Ledger]:
    with erasekit.Ledger.sqlite(tmp_path / "ledger.db") as opened:
        yield opened


def http_transport(driver: str) -> AnyTransport:
    limits = httpx.Limits(max_connections=16, max_keepalive_connections=16)
    return httpx.HTTPTransport(limits=limits) if driver == "sync" else httpx.AsyncHTTPTransport(limits=limits)


@pytest.mark.parametrize("driver", DRIVERS)
def test_http_transport_erases_every_kind_of_entry(
    driver: str, sim: Simulator, sim_creds: erasekit.Credentials, ledger: erasekit.Ledger
) -> None:
    world = World(4)
    prepare(sim, ledger, world)
    job = make_job(ledger)
    receipt = drive(driver, job, http_transport(driver), credentials=sim_creds, base_url=sim.base_url,
                    ledger=ledger, timeout=10.0)
    body = erasekit.verify_receipt(receipt, ledger.receipt_public_key())
    assert body["counts"]["done"] == world.total and body["counts"]["failed"] == 0
    assert all(o["attempts"] == 1 and o["status"] in (200, 204) for o in body["operations"])
    erased(sim, world)
    assert all(r["count"] == 1 for r in sim.state()["redactions"])
    assert ledger.entries(SUBJECT) == []
    assert [t["receipt_id"] for t in ledger.tombstones(SUBJECT)] == [job.job_id]


@pytest.mark.parametrize("driver", DRIVERS)
def test_http_transport_with_faults_loses_nothing(
    driver: str, sim: Simulator, sim_creds: erasekit.Credentials, ledger: erasekit.Ledger
) -> None:
    world = World(8)
    prepare(sim, ledger, world)
    sim.set_faults({
        "seed": 5,
        "rules": [
            {"route": REDACT, "latency_ms": 5, "jitter_ms": 20, "error_503": 0.1, "drop": 0.1,
             "storm": {"first_request": 8, "request_count": 8, "retry_after_s": 1}},
            {"route": "*", "latency_ms": 5, "jitter_ms": 20, "error_502": 0.2, "drop": 0.1},
        ],
    })
    events: list[erasekit.JobEvent] = []
    receipt = drive(driver, make_job(ledger), http_transport(driver), credentials=sim_creds,
                    base_url=sim.base_url, ledger=ledger, timeout=10.0, on_progress=events.append)
    body = erasekit.verify_receipt(receipt)
    counts = body["counts"]
    assert counts["failed"] == 0, [o for o in body["operations"] if o["state"] == "failed"]
    assert counts["done"] + counts["not_found"] == world.total
    assert counts["rate_limited"] >= 1
    erased(sim, world)
    reasons = {e["reason"] for e in events if e["event"] == "retrying"}
    # Dropped connections, as httpx raises them, named with their cause and host.
    assert any(r.startswith("connection failed: ") and r.endswith(f"({sim.base_url.split('//')[1]})") for r in reasons), reasons
    assert ledger.entries(SUBJECT) == []


@pytest.mark.parametrize("driver", DRIVERS)
def test_http_transport_timeout_bounds_each_call(driver: str) -> None:
    # A server that accepts connections (the kernel's backlog) and never answers.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        port = silent.getsockname()[1]
        job = unit.fast_job(unit.plan(unit.sms(2)), max_attempts=2, check_target=False)
        receipt = drive(driver, job, http_transport(driver), base_url=f"http://127.0.0.1:{port}", timeout=0.3)
    operations = receipt["receipt"]["operations"]
    assert [o["state"] for o in operations] == ["failed", "failed"]
    assert all(o["attempts"] == 2 and "timeout" in (o["problem"] or "") for o in operations), operations
