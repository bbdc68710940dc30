"""Erasure end to end over real HTTP against the local Vonage simulator, through a SQLite ledger.

Every kind of entry is erased by the sync and the async driver; with faults on (5xx, a 429
storm, dropped connections, latency) nothing is lost and a record is redacted twice only where
a retry justified it (the simulator's per-id counts); premature records are erased once the
simulator's clock passes the hour. Loopback only; every run is bounded in time.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable, TypeVar

import pytest

import erasekit
from conftest import KEYS, now_ms

from sim import Simulator  # on the path: conftest puts tests/simulator/clients there

HOUR = 3_600_000
SUBJECT = "user-42"
SIGNING = bytes([3]) * 32
REDACT = "POST /v1/redact/transaction"
T = TypeVar("T")


def bounded(fn: Callable[[], T], seconds: float) -> T:
    """Runs ``fn`` in a thread and fails the test if it takes longer than ``seconds``."""
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        return pool.submit(fn).result(timeout=seconds)
    finally:
        pool.shutdown(wait=False)  # on a timeout, fail now; the stuck thread is left behind



@pytest.fixture
def creds(sim: Simulator) -> erasekit.Credentials:
    return erasekit.Credentials(
        api_key=sim.api_key,
        api_secret=sim.api_secret,
        application_id=sim.application_id,
        private_key=(KEYS / "app_private.pem").read_text(encoding="utf-8"),
    )


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[erasekit.Ledger]:
    with erasekit.Ledger.sqlite(tmp_path / "ledger.db") as opened:
        yield opened


def entry(kind: str, id: str, created_at: int, product: str | None = None, direction: str | None = None) -> erasekit.LedgerEntry:
    return {
        "kind": kind,  # type: ignore[typeddict-item]
        "product": product,  # type: ignore[typeddict-item]
        "direction": direction,  # type: ignore[typeddict-item]
        "id": id,
        "created_at": created_at,
        "source": "test",
        "extra": {},
    }


class World:
    """What the simulator holds and what the ledger remembers, for one subject."""

    def __init__(self, n: int = 4, *, age: int = 2 * HOUR, ledger_age: int | None = None) -> None:
        now = now_ms()
        created = now - (ledger_age if ledger_age is not None else age)
        self.records: list[dict[str, Any]] = []
        self.entries: list[erasekit.LedgerEntry] = []
        products = [("sms", "outbound"), ("sms", "inbound"), ("voice", None), ("verify", None),
                    ("number-insight", None), ("messages", "outbound")]
        for i in range(n):
            for product, direction in products:
                id = f"{product}-{direction or 'x'}-{i}"
                record: dict[str, Any] = {"product": product, "id": id, "age_ms": age, "to": "447700900001"}
                if direction:
                    record["type"] = direction
                self.records.append(record)
                self.entries.append(entry("transaction", id, created, product, direction))
        self.media = [f"bbbbbbbb-aaaa-cccc-dddd-{i:012d}" for i in range(n)]
        self.users = [f"USR-{i}" for i in range(n)]
        self.events = [("CON-events", i + 1) for i in range(n)]
        self.conversations = [f"CON-gone-{i}" for i in range(n)]
        self.legs = [f"leg-{i}" for i in range(n)]
        self.entries += [entry("recording", m, created) for m in self.media]
        self.entries += [entry("user", u, created) for u in self.users]
        self.entries += [entry("event", f"{c}:{e}", created) for c, e in self.events]
        self.entries += [entry("conversation", c, created) for c in self.conversations]
        self.entries += [entry("leg", leg, created) for leg in self.legs]

    def seed(self) -> dict[str, Any]:
        return {
            "records": self.records,
            "media": [{"id": m, "age_ms": 2 * HOUR} for m in self.media],
            "users": [{"id": u, "name": u.lower()} for u in self.users],
            "conversations": [{"id": "CON-events", "events": [{"id": e, "type": "text", "body": {"text": "hi"}} for _, e in self.events]}]
            + [{"id": c} for c in self.conversations],
            "legs": [{"id": leg} for leg in self.legs],
        }

    @property
    def total(self) -> int:
        return len(self.entries)


def prepare(sim: Simulator, ledger: erasekit.Ledger, world: World) -> None:
    sim.seed(world.seed())
    ledger.record(SUBJECT, world.entries)


def make_job(ledger: erasekit.Ledger, **settings: Any) -> erasekit.ErasureJob:
    plan = erasekit.plan_erasure(ledger, SUBJECT, delete_legs=True, delete_conversations=True)
    config: dict[str, Any] = {"max_in_flight": 16, "backoff_base_ms": 100, "backoff_max_ms": 2000}
    config.update(settings)
    return erasekit.ErasureJob(plan, **config)


def run_sync(job: erasekit.ErasureJob, creds: erasekit.Credentials, sim: Simulator, ledger: erasekit.Ledger, **kw: Any) -> erasekit.Receipt:
    return bounded(
        lambda: job.run(credentials=creds, base_url=sim.base_url, ledger=ledger, timeout=10.0, **kw),
        120,
    )


def run_async(job: erasekit.ErasureJob, creds: erasekit.Credentials, sim: Simulator, ledger: erasekit.Ledger, **kw: Any) -> erasekit.Receipt:
    coro = job.run_async(credentials=creds, base_url=sim.base_url, ledger=ledger, timeout=10.0, **kw)
    return asyncio.run(asyncio.wait_for(coro, 120))


DRIVERS = {"sync": run_sync, "async": run_async}


def erased(sim: Simulator, world: World) -> None:
    """Every record of the world is gone from the simulator."""
    state = sim.state()
    redacted = {r["id"] for r in state["redactions"] if r["count"] >= 1}
    assert redacted == {r["id"] for r in world.records}
    deleted = state["deleted"]
    assert set(deleted["media"]) == set(world.media)
    assert set(deleted["users"]) == set(world.users)
    assert {(e["conversation_id"], e["event_id"]) for e in deleted["events"]} == set(world.events)
    assert set(deleted["conversations"]) == set(world.conversations)
    assert set(deleted["legs"]) == set(world.legs)


@pytest.mark.parametrize("driver", DRIVERS)
def test_every_kind_of_entry_is_erased_and_the_subject_forgotten(
    driver: str, sim: Simulator, creds: erasekit.Credentials, ledger: erasekit.Ledger
) -> None:
    world = World(4)
    prepare(sim, ledger, world)
    job = make_job(ledger)
    events: list[erasekit.JobEvent] = []
    receipt = DRIVERS[driver](job, creds, sim, ledger, on_progress=events.append)
    body = erasekit.verify_receipt(receipt, ledger.receipt_public_key())
    assert body["counts"]["done"] == world.total
    assert body["counts"]["failed"] == 0
    assert all(o["attempts"] == 1 and o["status"] in (200, 204) for o in body["operations"])
    erased(sim, world)
    assert all(r["count"] == 1 for r in sim.state()["redactions"])
    # The ledger forgot the subject; only the tombstone (keyed hash, receipt id) remains.
    assert ledger.entries(SUBJECT) == []
    assert [t["receipt_id"] for t in ledger.tombstones(SUBJECT)] == [job.job_id]
    assert ledger.load_job(job.job_id) is None
    assert events[-2]["event"] == "finished"
    assert events[-1] == {
        "event": "ledger_finished", "receipt_id": job.job_id, "remaining": 0, "forgotten": True,
    }
    assert ledger.receipt(job.job_id) == receipt


@pytest.mark.parametrize("driver", DRIVERS)
def test_faults_lose_nothing_and_duplicates_follow_retries(
    driver: str, sim: Simulator, creds: erasekit.Credentials, ledger: erasekit.Ledger
) -> None:
    world = World(12)
    prepare(sim, ledger, world)
    sim.set_faults({
        "seed": 11,
        "rules": [
            {"route": REDACT, "latency_ms": 5, "jitter_ms": 25, "error_500": 0.1, "error_503": 0.1,
             "drop": 0.08, "drop_after_processing": True,
             "storm": {"first_request": 10, "request_count": 12, "retry_after_s": 1}},
            {"route": "*", "latency_ms": 5, "jitter_ms": 25, "error_502": 0.2, "drop": 0.08},
        ],
    })
    job = make_job(ledger)
    receipt = DRIVERS[driver](job, creds, sim, ledger)
    body = erasekit.verify_receipt(receipt)
    counts = body["counts"]
    assert counts["failed"] == 0, [o for o in body["operations"] if o["state"] == "failed"]
    assert counts["done"] + counts["not_found"] == world.total
    assert counts["rate_limited"] >= 1 and counts["retries"] >= 10
    erased(sim, world)
    state = sim.state()
    routes = state["routes"]
    assert routes[REDACT]["statuses"].get("429", 0) >= 1
    assert any(s.startswith("5") for s in routes[REDACT]["statuses"])
    drops = routes[REDACT].get("faults", {}).get("drop", 0)
    attempts = {o["target"]: o["attempts"] for o in body["operations"]}
    duplicates = 0
    for r in state["redactions"]:
        # A record is redacted more than once only when the job sent it again.
        assert r["count"] <= attempts[r["id"]], r
        duplicates += r["count"] - 1
    # ... and only after a connection dropped once the redaction had taken effect.
    assert duplicates <= drops
    # A delete that is answered 404 was already done by an earlier, dropped attempt.
    for o in body["operations"]:
        if o["state"] == "not_found":
            assert o["attempts"] >= 2, o
    assert ledger.entries(SUBJECT) == [] or counts["failed"] > 0


def test_premature_records_are_erased_once_the_simulator_clock_passes_the_hour(
    sim: Simulator, creds: erasekit.Credentials, ledger: erasekit.Ledger
) -> None:
    # The ledger saw these an hour ago; Vonage (the simulator) stamped them 58 minutes ago,
    # so Vonage answers premature-redaction until its clock moves on.
    world = World(3, age=58 * 60_000, ledger_age=HOUR + 60_000)
    world.media, world.users, world.events, world.conversations, world.legs = [], [], [], [], []
    world.entries = [e for e in world.entries if e["kind"] == "transaction"]
    prepare(sim, ledger, world)
    advanced: list[int] = []

    def on_progress(event: erasekit.JobEvent) -> None:
        if event["event"] == "retrying" and event["reason"] == "premature" and not advanced:
            advanced.append(sim.advance_clock(HOUR))

    job = make_job(ledger)
    receipt = run_sync(job, creds, sim, ledger, on_progress=on_progress)
    body = erasekit.verify_receipt(receipt)
    assert advanced, "Vonage never answered premature"
    assert body["counts"]["done"] == world.total
    assert sim.state()["routes"][REDACT]["statuses"].get("403", 0) >= 1
    assert any(o["attempts"] >= 2 and o["state"] == "done" for o in body["operations"])
    erased(sim, world)


def test_unprovisioned_product_stops_its_group_and_keeps_the_subject(
    sim: Simulator, creds: erasekit.Credentials, ledger: erasekit.Ledger
) -> None:
    world = World(2)
    prepare(sim, ledger, world)
    sim.settings({"unprovisioned_products": ["verify"]})
    try:
        job = make_job(ledger, max_in_flight=1)
        receipt = run_sync(job, creds, sim, ledger)
    finally:
        sim.settings({"unprovisioned_products": []})
    body = erasekit.verify_receipt(receipt)
    failed = [o for o in body["operations"] if o["state"] == "failed"]
    assert {o["target"] for o in failed} == {"verify-x-0", "verify-x-1"}
    # The target check met the 403: no verify operation was sent at all.
    assert all(o["attempts"] == 0 for o in failed)
    checks = {c["group"]: (c["result"], c["status"]) for c in body["target_checks"]}
    assert checks["verify"] == ("failed", 403)
    assert body["counts"]["done"] == world.total - 2
    # Only what failed is kept, for a new job once provisioned; the rest is settled and forgotten.
    assert sorted(e["id"] for e in ledger.entries(SUBJECT)) == ["verify-x-0", "verify-x-1"]
    assert ledger.tombstones(SUBJECT) == []
    assert ledger.receipt(job.job_id) == receipt
