"""Drivers of the sans-IO ``ErasureJob``: ``run()`` (threads over one ``httpx.Client``) and
``run_async()`` (``httpx.AsyncClient``), plus ``plan_erasure()``, ``resume_job()`` and the
receipt signing key.

The core's job decides everything: what to send, when, how often to retry, how fast to go.
These drivers only move bytes, read the clock, sleep until ``poll_timeout()`` and save
checkpoints. ``ErasureJob.run(...)`` and ``ErasureJob.run_async(...)`` call the functions
here.

Checkpoints: with a ``ledger``, the job's snapshot (no secrets) is saved with
``ledger.save_job(job_id, subject, state, snapshot)`` when the run starts (``"running"``),
every ``checkpoint_every`` answers, when the run stops early (``"stopped"``: Ctrl-C, a
cancelled task, any error) and at the end (``"finished"``). ``resume_job(ledger, job_id)``
picks the job up again; calls that were in flight are sent again (erasure is idempotent).
When every operation ended without failure, the driver then calls
``ledger.forget(subject, receipt)``. A job with failed operations keeps the subject's entries,
so that a new plan can try again once the cause (credentials, provisioning) is fixed.

The signing key (32 bytes, Ed25519) for the receipt is, in order: the ``signing_key``
argument (``bytes`` or 64 hex digits), the environment variable ``ERASEKIT_SIGNING_KEY`` (64 hex
digits), or the file ``erasekit-signing.key`` (64 hex digits), created on first use from
``os.urandom`` with mode 0600: the ``erasekit`` command keeps it next to the SQLite ledger file
(in the current directory for PostgreSQL); ``run()`` looks next to ``ledger.path`` when the
ledger has one, else in the current directory.
Publish ``receipt_public_key(key)`` so that receipts can be verified against it; keep the file
safe and back it up.
"""

from __future__ import annotations

import asyncio
import os
import queue
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Optional, Protocol, Union

import httpx

from ._native import Credentials, ErasurePlan, InputError
from .types import ApiBaseUrls, Call, HttpResponse, JobEvent, Receipt

if TYPE_CHECKING:
    from ._native import ErasureJob
    from .types import LedgerEntry, StoredJob

__all__ = [
    "SIGNING_KEY_ENV",
    "SIGNING_KEY_FILE",
    "JobLedger",
    "plan_erasure",
    "resume_job",
    "run",
    "run_async",
    "signing_key",
]

SIGNING_KEY_ENV = "ERASEKIT_SIGNING_KEY"
"""Environment variable holding the receipt signing key as 64 hex digits."""
SIGNING_KEY_FILE = "erasekit-signing.key"
"""Name of the key file created next to the ledger when no key is given."""

Time = Union[int, datetime]
BaseUrl = Union[str, ApiBaseUrls, None]
ProgressCallback = Callable[[JobEvent], object]


class JobLedger(Protocol):
    """What the drivers need from a ledger (``erasekit.Ledger`` has all of it)."""

    def save_job(self, job_id: str, subject: str, state: str, snapshot: str) -> object: ...
    def load_job(self, job_id: str) -> Optional[StoredJob]: ...
    def forget(self, subject: str, receipt: Any) -> object: ...


class _PlanningLedger(Protocol):
    @property
    def subject_key(self) -> bytes: ...
    def entries(self, subject: str) -> list[LedgerEntry]: ...


def _clock() -> int:
    return time.time_ns() // 1_000_000


def _invalid_argument(field: str, reason: str) -> InputError:
    err = InputError(f"invalid argument {field}: {reason}")
    err.code = "invalid_argument"
    err.details = {"code": "invalid_argument", "field": field, "reason": reason}
    return err


# ---- planning and resuming -----------------------------------------------------------------


def plan_erasure(
    ledger: _PlanningLedger,
    subject: str,
    *,
    now: Time | None = None,
    received_at: Time | None = None,
    **options: Any,
) -> ErasurePlan:
    """The erasure plan of ``subject`` from the ledger's entries and subject key.

    ``now`` is the planning time (the clock when ``None``), ``received_at`` when the erasure
    request arrived (``now`` when ``None``; it sets the deadline). ``options`` are the
    ``ErasurePlan`` options: ``user_action``, ``delete_legs``, ``delete_conversations``,
    ``conversation_api``, ``retention_months``.
    """
    return ErasurePlan(
        subject,
        ledger.subject_key,
        ledger.entries(subject),
        _clock() if now is None else now,
        received_at,
        **options,
    )


def resume_job(ledger: JobLedger, job_id: str) -> ErasureJob:
    """The job saved in the ledger under ``job_id``, restored from its last checkpoint.

    Raises ``InputError`` (``invalid_argument``, field ``job_id``) when the ledger has no such
    job, and ``StorageError`` when its snapshot is unreadable.
    """
    from ._native import ErasureJob

    stored = ledger.load_job(job_id)
    if stored is None:
        raise _invalid_argument("job_id", f"no job {job_id!r} in the ledger")
    return ErasureJob.restore(stored["snapshot"])


# ---- the signing key -----------------------------------------------------------------------


def _key_from_hex(text: str, where: str) -> bytes:
    try:
        key = bytes.fromhex(text.strip())
    except ValueError:
        key = b""
    if len(key) != 32:
        raise _invalid_argument("signing_key", f"{where} must be 64 hex digits (32 bytes)")
    return key


def _key_file(ledger: object) -> Path:
    path = getattr(ledger, "path", None)
    if isinstance(path, (str, os.PathLike)) and str(path) not in ("", ":memory:"):
        return Path(path).resolve().parent / SIGNING_KEY_FILE
    return Path.cwd() / SIGNING_KEY_FILE


def signing_key(
    key: bytes | str | None = None,
    ledger: object = None,
    *,
    key_file: str | os.PathLike[str] | None = None,
) -> bytes:
    """The receipt signing key: ``key`` (32 bytes or 64 hex digits), else
    ``$ERASEKIT_SIGNING_KEY``, else the key file (created with a fresh key if missing):
    ``key_file`` when given, else ``erasekit-signing.key`` next to the ledger's file when the
    ledger has a ``path``, else in the current directory."""
    if isinstance(key, (bytes, bytearray)):
        if len(key) != 32:
            raise _invalid_argument("signing_key", f"must be 32 bytes, got {len(key)}")
        return bytes(key)
    if isinstance(key, str):
        return _key_from_hex(key, "signing_key")
    if key is not None:
        raise _invalid_argument("signing_key", f"expected bytes or str, got {type(key).__name__}")
    env = os.environ.get(SIGNING_KEY_ENV)
    if env:
        return _key_from_hex(env, SIGNING_KEY_ENV)
    path = Path(key_file) if key_file is not None else _key_file(ledger)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _key_from_hex(path.read_text(encoding="ascii"), str(path))
    new = os.urandom(32)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(new.hex() + "\n")
    return new


# ---- shared pieces of both drivers ---------------------------------------------------------


def _failure(exc: httpx.HTTPError) -> str:
    """The core's name for a transport failure: timeout, connection, or a description."""
    if isinstance(exc, httpx.TimeoutException):
        return "timeout"
    if isinstance(exc, (httpx.NetworkError, httpx.RemoteProtocolError)):
        return "connection"
    return f"{type(exc).__name__}: {exc}"


def _received(response: httpx.Response) -> HttpResponse:
    return {"status": response.status_code, "headers": response.headers, "body": response.content}


class _Checkpoints:
    """Saves the job's snapshot into the ledger (when there is one)."""

    def __init__(self, job: ErasureJob, ledger: JobLedger | None, every: int) -> None:
        self.job = job
        self.ledger = ledger
        self.every = every
        self.since = 0
        self.subject = job.plan.subject if ledger is not None else ""

    def save(self, state: str) -> None:
        if self.ledger is not None:
            self.ledger.save_job(self.job.job_id, self.subject, state, self.job.snapshot())
        self.since = 0

    def answered(self) -> None:
        self.since += 1
        if self.every > 0 and self.since >= self.every:
            self.save("running")

    def stopped(self) -> None:
        """Best effort on the way out: the original exception matters more."""
        try:
            self.save("stopped")
        except Exception:
            pass

    def finish(self, receipt: Receipt) -> None:
        if self.ledger is None:
            return
        self.save("finished")
        if receipt["receipt"]["counts"]["failed"] == 0:
            self.ledger.forget(self.subject, receipt)


def _drain_events(job: ErasureJob, on_progress: ProgressCallback | None) -> None:
    while (event := job.poll_event()) is not None:
        if on_progress is not None:
            on_progress(event)


def _pool_limits(width: int) -> httpx.Limits:
    return httpx.Limits(max_connections=width, max_keepalive_connections=width)


def _stalled(job: ErasureJob) -> RuntimeError:
    return RuntimeError(f"erasure job {job.job_id} is neither finished nor waiting: {job.counts()}")


# ---- synchronous driver --------------------------------------------------------------------

_Answer = tuple[int, Union[HttpResponse, str, BaseException]]


def _send(
    client: httpx.Client, call: Call, timeout: float, answers: queue.SimpleQueue[_Answer]
) -> None:
    request = call["request"]
    try:
        response = client.request(
            request["method"],
            request["url"],
            headers=request["headers"],
            content=request["body"] or None,
            timeout=timeout,
        )
        answers.put((call["call_id"], _received(response)))
    except httpx.HTTPError as exc:
        answers.put((call["call_id"], _failure(exc)))
    except BaseException as exc:  # a bug, not a transport failure: the main loop re-raises it
        answers.put((call["call_id"], exc))


def run(
    job: ErasureJob,
    *,
    credentials: Credentials,
    client: httpx.Client | None = None,
    base_url: BaseUrl = None,
    on_progress: ProgressCallback | None = None,
    ledger: JobLedger | None = None,
    checkpoint_every: int = 100,
    signing_key: bytes | str | None = None,
    timeout: float = 30.0,
) -> Receipt:
    """Runs ``job`` to the end and returns the signed receipt (see the module docs).

    Up to ``max_in_flight`` calls go out at once from a thread pool sharing one
    ``httpx.Client`` (``client``, or a new one whose pool holds ``max_in_flight``
    connections). ``timeout`` bounds each call in seconds; a timeout, a refused or dropped
    connection or any other httpx error is reported to the job, which decides whether to
    retry. ``on_progress`` gets every job event (dicts keyed by ``"event"``) on the calling
    thread. Ctrl-C (or any exception) saves a ``"stopped"`` checkpoint, then propagates.
    """
    key = _resolve_key(signing_key, ledger)
    width = int(job.config["max_in_flight"])
    checkpoints = _Checkpoints(job, ledger, checkpoint_every)
    own = client is None
    http = httpx.Client(limits=_pool_limits(width), timeout=timeout) if client is None else client
    answers: queue.SimpleQueue[_Answer] = queue.SimpleQueue()
    pool = ThreadPoolExecutor(max_workers=width, thread_name_prefix="erasekit-job")
    in_flight = 0
    try:
        checkpoints.save("running")
        while True:
            # A fresh time for every call: a stale one would stamp sends earlier than they go out.
            while (call := job.poll_request(_clock(), credentials, base_url)) is not None:
                pool.submit(_send, http, call, timeout, answers)
                in_flight += 1
            now = _clock()
            _drain_events(job, on_progress)
            if job.is_finished():
                break
            wake = job.poll_timeout(now)
            if wake is None and in_flight == 0:
                raise _stalled(job)
            wait = None if wake is None else max(0.0, wake / 1000 - time.time())
            try:
                answer = answers.get(timeout=wait)
            except queue.Empty:
                continue
            while True:
                call_id, result = answer
                in_flight -= 1
                if isinstance(result, BaseException):
                    raise result
                if isinstance(result, str):
                    job.handle_failure(call_id, result, _clock())
                else:
                    job.handle_response(call_id, result, _clock())
                checkpoints.answered()
                try:
                    answer = answers.get_nowait()
                except queue.Empty:
                    break
        receipt: Receipt = job.receipt(key)
        checkpoints.finish(receipt)
        return receipt
    except BaseException:
        checkpoints.stopped()
        raise
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
        if own:
            http.close()


def _resolve_key(key: bytes | str | None, ledger: object) -> bytes:
    # Resolved before the first call: a bad key must not surface only after the erasure.
    return signing_key(key, ledger)


# ---- asynchronous driver -------------------------------------------------------------------


async def _send_async(
    client: httpx.AsyncClient, call: Call, timeout: float
) -> Union[HttpResponse, str]:
    request = call["request"]
    try:
        response = await client.request(
            request["method"],
            request["url"],
            headers=request["headers"],
            content=request["body"] or None,
            timeout=timeout,
        )
    except httpx.HTTPError as exc:
        return _failure(exc)
    return _received(response)


async def run_async(
    job: ErasureJob,
    *,
    credentials: Credentials,
    client: httpx.AsyncClient | None = None,
    base_url: BaseUrl = None,
    on_progress: ProgressCallback | None = None,
    ledger: JobLedger | None = None,
    checkpoint_every: int = 100,
    signing_key: bytes | str | None = None,
    timeout: float = 30.0,
) -> Receipt:
    """``run()`` for asyncio: up to ``max_in_flight`` tasks over one ``httpx.AsyncClient``.

    Cancelling the task saves a ``"stopped"`` checkpoint, cancels the calls in flight (they
    are sent again on resume) and re-raises ``CancelledError``. The ledger's methods are
    called directly (they are quick local writes for SQLite).
    """
    key = _resolve_key(signing_key, ledger)
    width = int(job.config["max_in_flight"])
    checkpoints = _Checkpoints(job, ledger, checkpoint_every)
    own = client is None
    http = (
        httpx.AsyncClient(limits=_pool_limits(width), timeout=timeout) if client is None else client
    )
    tasks: dict[asyncio.Task[Union[HttpResponse, str]], int] = {}
    # Finished calls are queued by a done-callback and the loop sleeps on one Event, woken by
    # an answer or by a timer at poll_timeout: cheaper per wake-up than asyncio.wait() over
    # every task in flight, which kept the loop late for its next send.
    loop = asyncio.get_running_loop()
    done: deque[asyncio.Task[Union[HttpResponse, str]]] = deque()
    woken = asyncio.Event()

    def finished(task: asyncio.Task[Union[HttpResponse, str]]) -> None:
        done.append(task)
        woken.set()

    try:
        checkpoints.save("running")
        while True:
            while (call := job.poll_request(_clock(), credentials, base_url)) is not None:
                task = asyncio.ensure_future(_send_async(http, call, timeout))
                tasks[task] = call["call_id"]
                task.add_done_callback(finished)
            now = _clock()
            _drain_events(job, on_progress)
            if job.is_finished():
                break
            wake = job.poll_timeout(now)
            wait = None if wake is None else max(0.0, wake / 1000 - time.time())
            if not done:
                if wait is None and not tasks:
                    raise _stalled(job)
                woken.clear()
                timer = None if wait is None else loop.call_later(wait, woken.set)
                try:
                    await woken.wait()
                finally:
                    if timer is not None:
                        timer.cancel()
            while done:
                task = done.popleft()
                call_id = tasks.pop(task)
                result = task.result()
                if isinstance(result, str):
                    job.handle_failure(call_id, result, _clock())
                else:
                    job.handle_response(call_id, result, _clock())
                checkpoints.answered()
        receipt: Receipt = job.receipt(key)
        checkpoints.finish(receipt)
        return receipt
    except BaseException:
        for task in tasks:
            task.cancel()
        checkpoints.stopped()
        raise
    finally:
        if own:
            await http.aclose()
