"""The one driver loop of a sans-IO job, written once (``_Run``) and driven by two adapters:
``drive`` (threads over an ``httpx.Client``) and ``drive_async`` (tasks over an
``httpx.AsyncClient``).

The job decides everything: what to send, when, how often to retry, how fast to go, when it
is stalled. The loop moves bytes, reads the clock, sleeps until ``poll_timeout()`` or an
answer, and keeps the run's lease on its job row in the ledger (claimed at the start, renewed
with every checkpoint and every third of ``lease_ms``, released as ``stopped`` on the way out,
ended by the ledger's finish step, which stores the receipt and forgets what it proves).
"""

from __future__ import annotations

import asyncio
import os
import queue
import threading
import time
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Callable, Optional, Protocol, Union, cast

import httpx

from ._native import Credentials
from ._signing_key import SigningKey, receipt_key
from ._native import _invalid_argument as invalid_argument
from ._redact import CredentialsInput, credentials_of
from ._transport import aexchange, deadline_client, describe, exchange
from .types import ApiBaseInput, Call, HttpResponse, JobEvent, LedgerFinished, Receipt, TransportFailure

if TYPE_CHECKING:
    from ._native import ErasureJob
    from .types import LeaseTimes, StoredJob, Tombstone

BaseUrl = Union[str, ApiBaseInput, None]
ProgressCallback = Callable[[Union[JobEvent, LedgerFinished]], object]
# An answer to a call: the response, or the core's transport failure shape.
_Answer = Union[HttpResponse, TransportFailure]

DEFAULT_LEASE_MS = 60_000
"""How long a run's lease on its job lasts between renewals, unless ``lease_ms`` says."""
_CANCEL_POLL = 0.05  # seconds between looks at a sync run's ``cancel`` event while it waits


class JobLedger(Protocol):
    """What a run needs from a ledger: ``erasekit.Ledger`` has all of it."""

    @property
    def _receipt_key(self) -> bytes: ...
    def load_job(self, job_id: str) -> Optional[StoredJob]: ...
    def _claim(
        self, job_id: str, subject: str, snapshot: str, owner: str, *, existing: bool, lease_ms: int
    ) -> LeaseTimes: ...
    def _renew(self, lease: dict[str, Any], state: str, snapshot: str, lease_ms: int) -> LeaseTimes: ...
    def _finish(self, lease: dict[str, Any], subject: str, receipt: Any) -> tuple[Optional[Tombstone], int]: ...


def clock() -> int:
    return time.time_ns() // 1_000_000


def _failure(exc: httpx.HTTPError, url: str, timeout: float) -> TransportFailure:
    """The core's transport failure for ``exc``, naming the host and the cause."""
    return {"other": {"message": describe(exc, url, timeout)}}


class _Run:
    """One run of ``job``: the loop both adapters drive, one ``step`` per wake-up."""

    def __init__(
        self,
        job: ErasureJob,
        credentials: CredentialsInput,
        base_url: BaseUrl,
        ledger: Optional[JobLedger],
        signing_key: Optional[SigningKey],
        on_progress: Optional[ProgressCallback],
        lease_ms: Optional[int],
    ) -> None:
        bound: Optional[JobLedger] = getattr(job, "_ledger", None)
        if ledger is not None and bound is not None and ledger is not bound:
            raise invalid_argument("ledger", "this job is bound to the ledger it was resumed from")
        self.job = job
        self.ledger = ledger if ledger is not None else bound
        self.credentials = credentials_of(credentials)
        self.base_url = base_url
        self.key = receipt_key(signing_key, self.ledger)
        self.on_progress = on_progress
        self.lease_ms = DEFAULT_LEASE_MS if lease_ms is None else lease_ms
        self.width = int(job.config["max_in_flight"])
        self.out = 0  # calls sent and not answered yet
        self.held: Optional[dict[str, Any]] = None
        self.renew_at: Optional[int] = None

    # ---- the lease on the job row ----

    def _hold(self, times: LeaseTimes) -> None:
        self.renew_at = times["renew_at"]
        self.job.hold_until(times["hold_until"])

    def start(self) -> None:
        if self.ledger is None:
            return
        job_id, owner = self.job.job_id, os.urandom(16).hex()
        existing = self.ledger.load_job(job_id) is not None
        times = self.ledger._claim(
            job_id, self.job.subject, self.job.snapshot(), owner, existing=existing, lease_ms=self.lease_ms
        )
        self.held = {"job_id": job_id, "owner": owner, "attempt": times["attempt"]}
        self._hold(times)

    def _checkpoint(self) -> None:
        snapshot = self.job.checkpoint()
        if self.ledger is not None and self.held is not None:
            self._hold(self.ledger._renew(self.held, "running", snapshot, self.lease_ms))

    def stop(self) -> None:
        """Best effort on the way out (Ctrl-C, a cancelled task, any error): a ``stopped``
        checkpoint to resume from. The original exception matters more than this one."""
        if self.ledger is None or self.held is None:
            return
        try:
            self.ledger._renew(self.held, "stopped", self.job.snapshot(), self.lease_ms)
        except Exception:
            pass

    def aborted(self) -> BaseException:
        """The core's ``aborted``, after the snapshot was saved: its ``.snapshot`` and
        ``.job_id`` resume the job."""
        self.stop()
        err = self.job._aborted()
        err.snapshot = self.job.snapshot()  # type: ignore[attr-defined]
        err.job_id = self.job.job_id  # type: ignore[attr-defined]
        return err

    # ---- the loop ----

    def step(self, answers: list[tuple[int, _Answer]]) -> Optional[tuple[list[Call], Optional[float]]]:
        """Feeds ``answers`` to the job; then the calls to send now and how long to wait
        (seconds; ``None``: until an answer) for the next answers, or ``None`` when finished."""
        job = self.job
        for call_id, answer in answers:
            self.out -= 1
            if isinstance(answer, dict) and "status" in answer:
                job.handle_response(call_id, cast(HttpResponse, answer), clock())
            else:
                job.handle_failure(call_id, answer, clock())
            if job.checkpoint_due():
                self._checkpoint()
        if self.renew_at is not None and clock() >= self.renew_at:
            self._checkpoint()
        calls = []
        # A fresh time for every call: a stale one would stamp sends earlier than they go out.
        while (call := job.poll_request(clock(), self.credentials, self.base_url)) is not None:
            calls.append(call)
        self.out += len(calls)
        now = clock()
        for event in job.poll_events():
            if self.on_progress is not None:
                self.on_progress(event)
        if job.is_finished():
            return None
        job.check_idle(now, self.out)  # job_waiting or job_stalled stop the run here
        wake = job.poll_timeout(now)
        # From the float clock: a wait from whole milliseconds oversleeps up to 1 ms per wake-up,
        # which cost several percent of the rate (bench/erasure).
        wait = None if wake is None else max(0.0, wake / 1000 - time.time())
        if self.renew_at is not None:
            renew = max(0.0, self.renew_at / 1000 - time.time())
            wait = renew if wait is None else min(wait, renew)
        return calls, wait

    def finish(self) -> Receipt:
        receipt: Receipt = self.job.receipt(self.key)
        if self.ledger is not None and self.held is not None:
            tombstone, remaining = self.ledger._finish(self.held, self.job.subject, receipt)
            self.held = None
            if self.on_progress is not None:
                self.on_progress({
                    "event": "ledger_finished",
                    "receipt_id": receipt["receipt"]["receipt_id"],
                    "remaining": remaining,
                    "forgotten": tombstone is not None,
                })
        return receipt


# ---- the sync adapter: a thread pool over an httpx.Client ----


def _send(client: httpx.Client, call: Call, timeout: float) -> _Answer:
    request = call["request"]
    try:
        response, body = exchange(
            client, request["method"], request["url"], request["headers"], request["body"] or None, timeout
        )
    except httpx.HTTPError as exc:
        return _failure(exc, request["url"], timeout)
    return {"status": response.status_code, "headers": response.headers, "body": body}


def _answered(
    done: queue.SimpleQueue[tuple[int, Future[_Answer]]], call_id: int
) -> Callable[[Future[_Answer]], None]:
    return lambda future: done.put((call_id, future))


def drive(
    run: _Run, client: Optional[httpx.Client], timeout: float, cancel: Optional[threading.Event]
) -> Receipt:
    own = deadline_client(httpx.Limits(max_connections=run.width), timeout) if client is None else None
    http = own or client
    assert http is not None
    pool = ThreadPoolExecutor(run.width, thread_name_prefix="erasekit-job")
    done: queue.SimpleQueue[tuple[int, Future[_Answer]]] = queue.SimpleQueue()
    try:
        run.start()
        ready: list[tuple[int, _Answer]] = []
        while (step := run.step(ready)) is not None:
            calls, wait = step
            for call in calls:
                future = pool.submit(_send, http, call, timeout)
                future.add_done_callback(_answered(done, call["call_id"]))
            ready = []
            deadline = None if wait is None else time.monotonic() + wait
            while not ready:
                if cancel is not None and cancel.is_set():
                    raise run.aborted()
                left = None if deadline is None else deadline - time.monotonic()
                if cancel is not None:
                    left = _CANCEL_POLL if left is None else min(left, _CANCEL_POLL)
                try:
                    first = done.get(timeout=None if left is None else max(0.0, left))
                except queue.Empty:
                    if deadline is not None and time.monotonic() >= deadline:
                        break
                    continue
                ready.append((first[0], first[1].result()))  # a bug in _send re-raises here
                while not done.empty():
                    call_id, future = done.get_nowait()
                    ready.append((call_id, future.result()))
        return run.finish()
    except BaseException as err:
        if getattr(err, "code", None) != "aborted":  # an abort saved its snapshot already
            run.stop()
        raise
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
        if own is not None:
            own.close()


# ---- the async adapter: tasks over an httpx.AsyncClient ----


async def _send_async(client: httpx.AsyncClient, call: Call, timeout: float) -> _Answer:
    request = call["request"]
    try:
        response, body = await aexchange(
            client, request["method"], request["url"], request["headers"], request["body"] or None, timeout
        )
    except httpx.HTTPError as exc:
        return _failure(exc, request["url"], timeout)
    return {"status": response.status_code, "headers": response.headers, "body": body}


async def drive_async(run: _Run, client: Optional[httpx.AsyncClient], timeout: float) -> Receipt:
    own = None
    if client is None:
        limits = httpx.Limits(max_connections=run.width)
        client = own = httpx.AsyncClient(limits=limits, timeout=timeout, follow_redirects=False)
    loop = asyncio.get_running_loop()
    tasks: dict[asyncio.Task[_Answer], int] = {}
    # Finished calls are queued by a done-callback; the loop sleeps on one Event, woken by an
    # answer or by a timer at the job's next wake-up.
    done: deque[asyncio.Task[_Answer]] = deque()
    woken = asyncio.Event()

    def finished(task: asyncio.Task[_Answer]) -> None:
        done.append(task)
        woken.set()

    try:
        run.start()
        ready: list[tuple[int, _Answer]] = []
        while (step := run.step(ready)) is not None:
            calls, wait = step
            for call in calls:
                task = loop.create_task(_send_async(client, call, timeout))
                tasks[task] = call["call_id"]
                task.add_done_callback(finished)
            if not done:
                woken.clear()
                timer = None if wait is None else loop.call_later(wait, woken.set)
                try:
                    await woken.wait()
                finally:
                    if timer is not None:
                        timer.cancel()
            ready = []
            while done:
                task = done.popleft()
                ready.append((tasks.pop(task), task.result()))
        return run.finish()
    except BaseException:
        # Cancelled (the language's idiom: CancelledError propagates) or failed: the calls in
        # flight are dropped (sent again on resume) and a stopped checkpoint is saved.
        for task in tasks:
            task.cancel()
        run.stop()
        raise
    finally:
        if own is not None:
            await own.aclose()
