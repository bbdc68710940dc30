"""One erasure per subject at a time, enforced by the database (SQLite file and PostgreSQL, each
run with its own connection): two runs started together, exactly one runs; a crashed run's job
is taken over once its lease expired, and the crashed holder's next write is ``lease_lost``."""

from __future__ import annotations

import json
import threading
import time
from typing import Any, Optional

import httpx
import pytest

import erasekit
from test_ledger import Backend, make_backend, pg_dsn, sms  # noqa: F401  (fixtures)

CREDS = erasekit.Credentials(api_key="k", api_secret="s")
HOUR = 3_600_000


@pytest.fixture(params=["sqlite-file", "postgres", "memory"])
def backend(request: pytest.FixtureRequest, tmp_path: Any) -> Backend:
    return make_backend(request.param, tmp_path, request)


def slow_vonage(delay: float) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        time.sleep(delay)
        return httpx.Response(204)

    return httpx.MockTransport(handler)


def fresh_entries(n: int) -> list[erasekit.LedgerEntry]:
    return sms(n, at=time.time_ns() // 1_000_000 - 2 * HOUR)


def test_two_runs_started_together_exactly_one_runs(backend: Backend) -> None:
    first = backend.open()
    second = first if backend.name == "memory" else backend.open()  # own connections
    first.record("user-42", fresh_entries(6))
    jobs = [
        erasekit.ErasureJob(ledger.plan_erasure("user-42"), rate_per_second=1000, max_in_flight=1, check_target=False)
        for ledger in (first, second)
    ]
    results: list[Any] = [None, None]
    start = threading.Barrier(2)

    def run(i: int, ledger: erasekit.Ledger) -> None:
        start.wait()
        try:
            with httpx.Client(transport=slow_vonage(0.05)) as client:
                results[i] = jobs[i].run(credentials=CREDS, client=client, ledger=ledger)
        except erasekit.ErasekitError as err:
            results[i] = err

    threads = [threading.Thread(target=run, args=(i, l)) for i, l in enumerate((first, second))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    receipts = [r for r in results if isinstance(r, dict)]
    refused = [r for r in results if isinstance(r, erasekit.ErasekitError)]
    assert len(receipts) == 1 and len(refused) == 1, results
    assert refused[0].code == "subject_busy" and isinstance(refused[0], erasekit.JobError)
    assert receipts[0]["receipt"]["counts"]["done"] == 6
    assert first.entries("user-42") == [] and len(first.receipts()) == 1


def test_a_crashed_run_is_taken_over_after_its_lease(backend: Backend) -> None:
    ledger = backend.open()
    ledger.record("user-42", fresh_entries(3))
    job = erasekit.ErasureJob(ledger.plan_erasure("user-42"), rate_per_second=1000, check_target=False)
    # A run that claimed the job and then died: its lease (1 s) is still live for a moment.
    held = ledger._claim(job.job_id, "user-42", job.snapshot(), "crashed", existing=False, lease_ms=1000)
    resumed = erasekit.resume_job(ledger, job.job_id)
    with httpx.Client(transport=slow_vonage(0)) as client:
        with pytest.raises(erasekit.JobError) as info:
            resumed.run(credentials=CREDS, client=client, ledger=ledger)
        assert info.value.code == "subject_busy"
        time.sleep(1.1)
        receipt = erasekit.resume_job(ledger, job.job_id).run(credentials=CREDS, client=client, ledger=ledger)
    assert receipt["receipt"]["counts"]["done"] == 3
    # The crashed holder's next write finds its lease gone.
    lease = {"job_id": job.job_id, "owner": "crashed", "attempt": held["attempt"]}
    with pytest.raises(erasekit.JobError) as lost:
        ledger._renew(lease, "running", job.snapshot(), 60_000)
    assert lost.value.code == "lease_lost"


def test_no_call_starts_after_the_local_lease_deadline() -> None:
    plan = erasekit.ErasurePlan("s", b"0" * 16, fresh_entries(2), time.time_ns() // 1_000_000)
    job = erasekit.ErasureJob(plan, rate_per_second=1000, check_target=False)
    now = time.time_ns() // 1_000_000
    job.hold_until(now)
    assert job.poll_request(now, CREDS) is None
    job.hold_until(None)
    call: Optional[erasekit.Call] = job.poll_request(now, CREDS)
    assert call is not None


def test_two_resumes_of_one_subject_racing_on_postgres_end_in_subject_busy(tmp_path: Any, request: pytest.FixtureRequest) -> None:
    """Both claims pass the check for another running job before either commits; PostgreSQL's
    index then stops the second, which is run again and answers subject_busy (not a storage
    error)."""
    import psycopg

    backend = make_backend("postgres", tmp_path, request)
    ledger = backend.open()
    for job_id in ("job-1", "job-2"):
        ledger.save_job(job_id, "user-42", "stopped", "{}")
    now = time.time_ns() // 1_000_000
    claim = {"op": "claim", "job_id": "job-1", "subject": "user-42", "snapshot": "{}"}
    call = erasekit._native.SqlLedger("postgres").begin(
        {**claim, "owner": "first", "existing": True, "lease_ms": 60_000}, now
    )
    first = json.loads(call.transaction)
    with psycopg.connect(backend.dsn) as conn:  # a transaction that holds the claim, uncommitted
        raw = psycopg.RawCursor(conn)
        raw.execute(first["query"]["sql"], first["query"]["params"])
        assert raw.fetchall()
        outcome: list[Any] = []

        def second() -> None:
            try:
                outcome.append(ledger._claim("job-2", "user-42", "{}", "second", existing=True, lease_ms=60_000))
            except erasekit.ErasekitError as err:
                outcome.append(err)

        thread = threading.Thread(target=second)
        thread.start()
        time.sleep(0.5)  # the second claim now waits on the index entry of the first
        conn.commit()
        thread.join(30)
    assert len(outcome) == 1 and isinstance(outcome[0], erasekit.ErasekitError), outcome
    assert outcome[0].code == "subject_busy"
