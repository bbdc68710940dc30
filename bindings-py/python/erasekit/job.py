"""Drivers of the sans-IO ``ErasureJob``: ``run()`` (threads) and ``run_async()`` (asyncio),
each over an httpx client (``client=``, or one of their own) or directly over an httpx
transport (``transport=``), plus ``plan_erasure()``, ``resume_job()`` and the receipt
signing key.

The core's job decides everything: what to send, when, how often to retry, how fast to go.
These drivers only move bytes, read the clock, sleep until ``poll_timeout()`` and save
checkpoints. ``ErasureJob.run(...)`` and ``ErasureJob.run_async(...)`` call the functions
here.

With a ``ledger``, one erasure per subject runs at a time, enforced by the database: the run
first claims a lease on its job row (``JobError`` with code ``subject_busy`` while another run of the subject holds a live lease; a crashed run's job is
taken over once its lease, ``lease_ms``, expired). The job's snapshot (no secrets) is saved
under that lease every ``checkpoint_every`` answers and whenever the lease is renewed (every
third of ``lease_ms``, also while the job waits), and as ``"stopped"`` when the run stops early
(Ctrl-C, a cancelled task, any error). The run starts no Vonage call after its own local lease
deadline (the time it sent the claim or renewal + ``lease_ms`` − a margin), and a write that
finds the lease taken over raises ``JobError`` ``lease_lost``. ``resume_job(ledger, job_id)``
picks a job up again; calls that were in flight are sent again (erasure is idempotent).

At the end, in ONE transaction, the receipt is stored in the ledger (``ledger.receipt(job_id)``)
and exactly what it proves erased is forgotten: the entries whose operation ended done, not
found, expired or skipped, and the job's row. Failed entries and ids recorded while the job ran
stay (the last event, ``ledger_finished``, says how many remain; erase again to settle them);
the subject is forgotten, with a tombstone, only when none remains.

The signing key (32 bytes, Ed25519) for the receipt: with a ``ledger``, always the ledger's own
receipt key (made on its first open; ``ledger.receipt_public_key()``), so that ``forget``
accepts the receipt; a different ``signing_key`` is refused. Without a ledger, in order: the
``signing_key`` argument (``bytes`` or 64 hex digits), the environment variable
``ERASEKIT_SIGNING_KEY`` (64 hex digits), or the file ``erasekit-signing.key`` (64 hex digits)
in the current directory, created on first use from ``os.urandom`` with mode 0600.
"""

from __future__ import annotations

import asyncio
import os
import queue
import threading
import time
from collections import deque
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Coroutine, Optional, Protocol, Union

import httpx

from ._native import RESPONSE_HEADERS, Credentials, ErasurePlan, InputError
from ._transport import (
    aexchange,
    atransport_exchange,
    deadline_client,
    describe,
    exchange,
    transport_exchange,
)
from .types import ApiBaseUrls, Call, HttpRequest, HttpResponse, LedgerFinished, ProgressEvent, Receipt

if TYPE_CHECKING:
    from ._native import ErasureJob
    from .types import LeaseTimes, LedgerEntry, StoredJob, Tombstone

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
ProgressCallback = Callable[[ProgressEvent], object]

class JobLedger(Protocol):
    """What the drivers need from a ledger: ``erasekit.Ledger`` has all of it (its job rows,
    the lease on them, its receipt key and the end of a run)."""

    @property
    def _receipt_key(self) -> bytes: ...
    def load_job(self, job_id: str) -> Optional[StoredJob]: ...
    def _claim(
        self, job_id: str, subject: str, snapshot: str, owner: str, *, existing: bool, lease_ms: int
    ) -> LeaseTimes: ...
    def _renew(self, lease: dict[str, Any], state: str, snapshot: str, lease_ms: int) -> LeaseTimes: ...
    def _finish(
        self, lease: dict[str, Any], subject: str, receipt: Any
    ) -> tuple[Optional[Tombstone], int]: ...

DEFAULT_LEASE_MS = 60_000
"""How long a run's lease on its job lasts between renewals, unless ``lease_ms`` says."""


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
    ``conversation_api``, ``retention_months``, ``allow_empty`` (a subject without entries is
    ``InputError`` ``unknown_subject`` unless ``allow_empty=True``).
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


def _failure(exc: httpx.HTTPError, request: HttpRequest, timeout: float) -> str:
    """The core's reason for a transport failure: what happened and to which host (a
    timeout, a refused or dropped connection with its cause, a body over the limit)."""
    return describe(exc, request["url"], timeout)


def _read_headers(headers: httpx.Headers) -> dict[str, str]:
    """Only the headers the core reads (``RESPONSE_HEADERS``, lower-case), looked up
    case-insensitively: cheaper than handing over every header of every answer (a dozen from
    Vonage), which ``handle_response`` would copy and then ignore. Duplicates come
    comma-joined, as ``Headers.items()`` gives them."""
    picked = {}
    for name in RESPONSE_HEADERS:
        value = headers.get(name)
        if value is not None:
            picked[name] = value
    return picked


def _received(response: httpx.Response, body: bytes) -> HttpResponse:
    return {"status": response.status_code, "headers": _read_headers(response.headers), "body": body}


class _RequestBuilder:
    """``httpx.Request``s for a transport, as ``Client.request(method, url, headers=...,
    content=body or None, timeout=...)`` builds them from a client without defaults: the same
    ``Host`` / headers / ``Content-Length`` in the same order, the body already read, the
    timeout in ``extensions["timeout"]``. It skips what costs most there: parsing the URL and
    normalising the headers (both cached: a redaction job sends most calls to one URL with
    the same headers) and encoding the content (a prebuilt ``ByteStream``)."""

    _BODY_METHODS = ("POST", "PUT", "PATCH")
    _MAX_CACHED = 512

    def __init__(self, timeout: float) -> None:
        self.urls: dict[str, httpx.URL] = {}
        # Parsed URL and header set by (URL text, method, the job's headers, body length): a
        # job sends the same few over and over, and a Request copies a given httpx.Headers as
        # a plain list instead of normalising every name and value again.
        self.heads: dict[
            tuple[str, str, tuple[tuple[str, str], ...], int], tuple[httpx.URL, httpx.Headers]
        ] = {}
        self.timeout = {"connect": timeout, "read": timeout, "write": timeout, "pool": timeout}

    def _url(self, text: str) -> httpx.URL:
        url = self.urls.get(text)
        if url is None:
            url = httpx.URL(text)
            if len(self.urls) >= self._MAX_CACHED:
                self.urls.clear()
            self.urls[text] = url
        return url

    def _head(
        self, url: httpx.URL, method: str, items: tuple[tuple[str, str], ...], length: int
    ) -> httpx.Headers:
        # Encoded as httpx encodes str headers (ASCII), in the order it puts them.
        headers = [(b"Host", url.netloc)]
        for name, value in items:
            headers.append((name.encode("ascii"), value.encode("ascii")))
        if length:
            headers.append((b"Content-Length", b"%d" % length))
        elif method in self._BODY_METHODS:
            headers.append((b"Content-Length", b"0"))
        return httpx.Headers(headers)

    def build(self, request: HttpRequest) -> httpx.Request:
        text = request["url"]
        method = request["method"]
        body = request["body"]
        items = tuple(request["headers"].items())
        key = (text, method, items, len(body))
        cached = self.heads.get(key)
        if cached is None:
            url = self._url(text)
            cached = (url, self._head(url, method, items, len(body)))
            if len(self.heads) >= self._MAX_CACHED:
                self.heads.clear()
            self.heads[key] = cached
        url, head = cached
        built = httpx.Request(
            method,
            url,
            headers=head,  # copied by the Request: the cached one is never changed
            stream=httpx.ByteStream(body or b""),
            extensions={"timeout": dict(self.timeout)},  # fresh per request, as a client makes them
        )
        built.read()  # as Request(content=...) does: request.content works in any transport
        return built


def _check_http(
    client: object, transport: object, transport_type: type[object], name: str
) -> None:
    if client is not None and transport is not None:
        raise _invalid_argument("transport", "give client= or transport=, not both")
    if transport is not None and not isinstance(transport, transport_type):
        raise _invalid_argument(
            "transport",
            f"{name}() needs an httpx.{transport_type.__name__}, got {type(transport).__name__}",
        )


class _Lease:
    """The run's lease on its job row in the ledger (when there is one): claimed at the
    start, renewed with a checkpoint every ``every`` answers and every third of the lease,
    released as ``stopped`` on the way out, ended by storing the receipt. The core decides
    what each step writes and what an empty answer means (``subject_busy``, ``lease_lost``)."""

    def __init__(self, job: ErasureJob, ledger: JobLedger | None, every: int, lease_ms: int) -> None:
        self.job = job
        self.ledger = ledger
        self.every = every
        self.lease_ms = lease_ms
        self.since = 0
        self.subject = job.plan.subject if ledger is not None else ""
        self.held: dict[str, Any] | None = None
        self.renew_at: int | None = None

    def claim(self) -> None:
        if self.ledger is None:
            return
        owner = os.urandom(16).hex()
        job_id = self.job.job_id
        existing = self.ledger.load_job(job_id) is not None
        times = self.ledger._claim(
            job_id, self.subject, self.job.snapshot(), owner, existing=existing, lease_ms=self.lease_ms
        )
        self.held = {"job_id": job_id, "owner": owner, "attempt": times["attempt"]}
        self._hold(times)

    def _hold(self, times: LeaseTimes) -> None:
        self.renew_at = times["renew_at"]
        self.job.hold_until(times["hold_until"])

    def save(self) -> None:
        """A checkpoint under the lease, which renews it."""
        if self.ledger is not None and self.held is not None:
            self._hold(self.ledger._renew(self.held, "running", self.job.snapshot(), self.lease_ms))
        self.since = 0

    def tick(self, now: int) -> None:
        if self.renew_at is not None and now >= self.renew_at:
            self.save()

    def wait(self, wait: float | None) -> float | None:
        """``wait`` (seconds), cut short to wake up for the next renewal."""
        if self.renew_at is None:
            return wait
        until = max(0.0, self.renew_at / 1000 - time.time())
        return until if wait is None else min(wait, until)

    def answered(self) -> None:
        self.since += 1
        if self.every > 0 and self.since >= self.every:
            self.save()

    def stopped(self) -> None:
        """Best effort on the way out: the original exception matters more."""
        if self.ledger is None or self.held is None:
            return
        try:
            self.ledger._renew(self.held, "stopped", self.job.snapshot(), self.lease_ms)
        except Exception:
            pass

    def finish(self, receipt: Receipt, on_progress: ProgressCallback | None) -> None:
        if self.ledger is None or self.held is None:
            return
        tombstone, remaining = self.ledger._finish(self.held, self.subject, receipt)
        self.held = None
        if on_progress is not None:
            event: LedgerFinished = {
                "event": "ledger_finished",
                "receipt_id": receipt["receipt"]["receipt_id"],
                "remaining": remaining,
                "forgotten": tombstone is not None,
            }
            on_progress(event)


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
_Sender = Callable[[HttpRequest], HttpResponse]


def _client_sender(client: httpx.Client, timeout: float) -> _Sender:
    def send(request: HttpRequest) -> HttpResponse:
        # No redirects followed, one total deadline, the body read to the core's limit.
        response, body = exchange(
            client,
            request["method"],
            request["url"],
            request["headers"],
            request["body"] or None,
            timeout,
        )
        return _received(response, body)

    return send


def _transport_sender(transport: httpx.BaseTransport, timeout: float) -> _Sender:
    build = _RequestBuilder(timeout).build

    def send(request: HttpRequest) -> HttpResponse:
        return _received(*transport_exchange(transport, build(request), timeout))

    return send


def _worker(
    send: _Sender,
    timeout: float,
    calls: queue.SimpleQueue[Optional[Call]],
    answers: queue.SimpleQueue[_Answer],
    idle: queue.SimpleQueue[None],
) -> None:
    """One sending thread: calls in, answers out, until ``None``; one ``idle`` token after
    each call (the thread is free again)."""
    while (call := calls.get()) is not None:
        answer: Union[HttpResponse, str, BaseException]
        try:
            answer = send(call["request"])
        except httpx.HTTPError as exc:
            answer = _failure(exc, call["request"], timeout)
        except BaseException as exc:  # a bug, not a transport failure: the main loop re-raises it
            answer = exc
        idle.put(None)
        answers.put((call["call_id"], answer))


class _Senders:
    """Up to ``width`` daemon threads taking calls from one queue, cheaper per call than a
    ``ThreadPoolExecutor`` (no ``Future`` per call) with its policy: a new thread only when
    no thread is free, so quick calls keep to a few threads (fewer GIL hand-offs)."""

    def __init__(self, send: _Sender, width: int, timeout: float) -> None:
        self.send = send
        self.timeout = timeout
        self.width = width
        self.calls: queue.SimpleQueue[Optional[Call]] = queue.SimpleQueue()
        self.answers: queue.SimpleQueue[_Answer] = queue.SimpleQueue()
        # One token per free thread, taken back by each call submitted.
        self.idle: queue.SimpleQueue[None] = queue.SimpleQueue()
        self.threads = 0

    def submit(self, call: Call) -> None:
        self.calls.put(call)
        if self.idle.qsize():
            self.idle.get_nowait()  # only this thread takes tokens: one is there
        elif self.threads < self.width:
            threading.Thread(
                target=_worker,
                args=(self.send, self.timeout, self.calls, self.answers, self.idle),
                name=f"erasekit-job-{self.threads}",
                daemon=True,
            ).start()
            self.threads += 1

    def stop(self) -> None:
        """Drops the calls not started yet; the threads end after the call they are on."""
        try:
            while True:
                self.calls.get_nowait()
        except queue.Empty:
            pass
        for _ in range(self.threads):
            self.calls.put(None)


def run(
    job: ErasureJob,
    *,
    credentials: Credentials,
    client: httpx.Client | None = None,
    transport: httpx.BaseTransport | None = None,
    base_url: BaseUrl = None,
    on_progress: ProgressCallback | None = None,
    ledger: JobLedger | None = None,
    checkpoint_every: int = 100,
    signing_key: bytes | str | None = None,
    timeout: float = 30.0,
    lease_ms: int | None = None,
) -> Receipt:
    """Runs ``job`` to the end and returns the signed receipt (see the module docs).

    Up to ``max_in_flight`` calls go out at once from as many threads, over one of:

    - ``client``: your ``httpx.Client``, with everything it applies (base headers, cookies,
      auth, event hooks, proxies, mounts) but redirects: erasekit never follows one;
    - ``transport``: an ``httpx.BaseTransport`` (``httpx.HTTPTransport(...)``,
      ``httpx.MockTransport(...)``, your own) called directly with ``handle_request`` and
      prebuilt ``httpx.Request``s: no client layer, a fraction of the CPU per call. The
      request carries only the job's headers (and ``Host``, ``Content-Length``) and the
      timeout in ``extensions["timeout"]``; environment proxies are a client's doing (give
      ``proxy=`` to the transport). Each response is read and closed. Not closed by the
      driver;
    - neither: a new ``httpx.Client`` (environment proxies and certificates honoured) whose
      pool holds ``max_in_flight`` connections, closed at the end.

    Giving both ``client`` and ``transport`` raises ``InputError`` (``invalid_argument``).
    ``lease_ms`` (default 60000) is how long the run's lease on its job in ``ledger`` lasts
    between renewals.
    ``timeout`` bounds each call in seconds, in all (connect to last body byte, not per read:
    headers included, with the client erasekit makes, an ``httpx.Client`` or ``httpx.HTTPTransport``
    you pass, and in ``run_async``; a transport of another shape bounds the status line and
    headers per read and the body in all); a body is read up to ``MAX_RESPONSE_BODY`` bytes. A timeout, a refused or dropped
    connection, a body over the limit or any other httpx error is reported to the job (naming
    the host and the cause), which decides whether to retry.
    ``on_progress`` gets every job event (dicts keyed by ``"event"``) on the calling thread.
    Ctrl-C (or any exception) saves a ``"stopped"`` checkpoint, then propagates. A job made
    with ``wait_for_premature=False`` stops the same way, raising ``JobError`` (code
    ``job_waiting``, ``details["until"]``), when it would wait for records younger than an hour.
    """
    _check_http(client, transport, httpx.BaseTransport, "run")
    key = _resolve_key(signing_key, ledger)
    width = int(job.config["max_in_flight"])
    checkpoints = _Lease(job, ledger, checkpoint_every, DEFAULT_LEASE_MS if lease_ms is None else lease_ms)
    own: httpx.Client | None = None
    if transport is not None:
        send = _transport_sender(transport, timeout)
    else:
        if client is None:
            client = own = deadline_client(_pool_limits(width), timeout)
        send = _client_sender(client, timeout)
    senders = _Senders(send, width, timeout)
    answers = senders.answers
    in_flight = 0
    try:
        checkpoints.claim()
        while True:
            checkpoints.tick(_clock())
            # A fresh time for every call: a stale one would stamp sends earlier than they go out.
            while (call := job.poll_request(_clock(), credentials, base_url)) is not None:
                senders.submit(call)
                in_flight += 1
            now = _clock()
            _drain_events(job, on_progress)
            if job.is_finished():
                break
            # wait_for_premature=False: the core raises job_waiting here, and the run stops
            # as an interrupted one does (a "stopped" checkpoint to resume from).
            job.check_wait()
            wake = job.poll_timeout(now)
            if wake is None and in_flight == 0:
                raise _stalled(job)
            wait = checkpoints.wait(None if wake is None else max(0.0, wake / 1000 - time.time()))
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
        checkpoints.finish(receipt, on_progress)
        return receipt
    except BaseException:
        checkpoints.stopped()
        raise
    finally:
        senders.stop()
        if own is not None:
            own.close()


def _resolve_key(key: bytes | str | None, ledger: JobLedger | None) -> bytes:
    """The receipt key, resolved before the first call: a bad key must not surface only after
    the erasure. With a ledger, its own receipt key: ``forget`` accepts no other."""
    if ledger is None:
        return signing_key(key)
    own = ledger._receipt_key
    if key is not None and signing_key(key) != own:
        raise _invalid_argument(
            "signing_key",
            "a run with a ledger signs with the ledger's own receipt key "
            "(ledger.receipt_public_key()); leave signing_key out",
        )
    return own


# ---- asynchronous driver -------------------------------------------------------------------

_AsyncSender = Callable[[HttpRequest], Coroutine[Any, Any, Union[HttpResponse, str]]]


def _async_client_sender(client: httpx.AsyncClient, timeout: float) -> _AsyncSender:
    async def send(request: HttpRequest) -> Union[HttpResponse, str]:
        try:
            response, body = await aexchange(
                client,
                request["method"],
                request["url"],
                request["headers"],
                request["body"] or None,
                timeout,
            )
        except httpx.HTTPError as exc:
            return _failure(exc, request, timeout)
        return _received(response, body)

    return send


def _async_transport_sender(transport: httpx.AsyncBaseTransport, timeout: float) -> _AsyncSender:
    build = _RequestBuilder(timeout).build

    async def send(request: HttpRequest) -> Union[HttpResponse, str]:
        try:
            response, body = await atransport_exchange(transport, build(request), timeout)
        except httpx.HTTPError as exc:
            return _failure(exc, request, timeout)
        return _received(response, body)

    return send


async def run_async(
    job: ErasureJob,
    *,
    credentials: Credentials,
    client: httpx.AsyncClient | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    base_url: BaseUrl = None,
    on_progress: ProgressCallback | None = None,
    ledger: JobLedger | None = None,
    checkpoint_every: int = 100,
    signing_key: bytes | str | None = None,
    timeout: float = 30.0,
    lease_ms: int | None = None,
) -> Receipt:
    """``run()`` for asyncio: up to ``max_in_flight`` tasks over ``client`` (an
    ``httpx.AsyncClient``), ``transport`` (an ``httpx.AsyncBaseTransport`` such as
    ``httpx.AsyncHTTPTransport(...)``, called directly with ``handle_async_request``) or a
    new ``httpx.AsyncClient``; see ``run()`` for what each one means.

    Cancelling the task saves a ``"stopped"`` checkpoint, cancels the calls in flight (they
    are sent again on resume) and re-raises ``CancelledError``. The ledger's methods are
    called directly (they are quick local writes for SQLite).
    """
    _check_http(client, transport, httpx.AsyncBaseTransport, "run_async")
    key = _resolve_key(signing_key, ledger)
    width = int(job.config["max_in_flight"])
    checkpoints = _Lease(job, ledger, checkpoint_every, DEFAULT_LEASE_MS if lease_ms is None else lease_ms)
    own: httpx.AsyncClient | None = None
    if transport is not None:
        send = _async_transport_sender(transport, timeout)
    else:
        if client is None:
            client = own = httpx.AsyncClient(
                limits=_pool_limits(width), timeout=timeout, follow_redirects=False
            )
        send = _async_client_sender(client, timeout)
    tasks: dict[asyncio.Task[Union[HttpResponse, str]], int] = {}
    # Finished calls are queued by a done-callback and the loop sleeps on one Event, woken by
    # an answer or by a timer at poll_timeout: cheaper per wake-up than asyncio.wait() over
    # every task in flight, which kept the loop late for its next send.
    loop = asyncio.get_running_loop()
    create_task = loop.create_task
    done: deque[asyncio.Task[Union[HttpResponse, str]]] = deque()
    woken = asyncio.Event()

    def finished(task: asyncio.Task[Union[HttpResponse, str]]) -> None:
        done.append(task)
        woken.set()

    try:
        checkpoints.claim()
        while True:
            checkpoints.tick(_clock())
            while (call := job.poll_request(_clock(), credentials, base_url)) is not None:
                task = create_task(send(call["request"]))
                tasks[task] = call["call_id"]
                task.add_done_callback(finished)
            now = _clock()
            _drain_events(job, on_progress)
            if job.is_finished():
                break
            job.check_wait()  # as in run()
            wake = job.poll_timeout(now)
            wait = checkpoints.wait(None if wake is None else max(0.0, wake / 1000 - time.time()))
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
        checkpoints.finish(receipt, on_progress)
        return receipt
    except BaseException:
        for task in tasks:
            task.cancel()
        checkpoints.stopped()
        raise
    finally:
        if own is not None:
            await own.aclose()
