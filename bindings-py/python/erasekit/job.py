"""``ErasureJob`` (the core's sans-IO job plus its driver), ``plan_erasure`` and ``resume_job``.

With a ``ledger``, one erasure per subject runs at a time, enforced by the database: the run
claims a lease on its job row (``JobError`` ``subject_busy`` while another run of the subject
holds a live one; a crashed run's job is taken over once its lease, ``lease_ms``, expired). The
job's snapshot (no secrets) is saved under that lease as the core's checkpoint cadence says and
whenever the lease is renewed, and as ``stopped`` when the run stops early. At the end, in one
transaction, the receipt is stored (``ledger.receipt(job_id)``) and exactly what it proves
erased is forgotten; the last event, ``ledger_finished``, says how many entries remain.
"""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Any, Optional, Protocol, Union

import httpx

from . import _native
from ._driver import (
    BaseUrl,
    JobLedger,
    ProgressCallback,
    _Run,
    clock,
    drive,
    drive_async,
)
from ._native import ErasurePlan
from ._redact import CredentialsInput
from ._signing_key import SigningKey
from .types import LedgerEntry, Receipt

__all__ = ["ErasureJob", "JobLedger", "plan_erasure", "resume_job"]

Time = Union[int, datetime]


class ErasureJob(_native.ErasureJob):
    """An erasure job: drives a plan at Vonage's limits; resumable from a snapshot.

    The sans-IO protocol (``poll_request``, ``handle_response``, ``handle_failure``,
    ``poll_event(s)``, ``poll_timeout``, ``snapshot``, ``receipt``) is the core's; ``run`` and
    ``run_async`` drive it over httpx. A job from ``ledger.resume(job_id)`` is bound to that
    ledger: it checkpoints and finishes there without ``ledger=``.
    """

    _ledger: Optional[JobLedger] = None

    @classmethod
    def restore(cls, snapshot: str) -> ErasureJob:
        """A job from ``snapshot()`` output; calls in flight in the snapshot are sent again."""
        return cls(_native.ErasureJob.restore(snapshot))

    def run(
        self,
        *,
        credentials: CredentialsInput,
        client: Optional[httpx.Client] = None,
        base_url: BaseUrl = None,
        on_progress: Optional[ProgressCallback] = None,
        ledger: Optional[JobLedger] = None,
        signing_key: Optional[SigningKey] = None,
        timeout: float = 30.0,
        lease_ms: Optional[int] = None,
        cancel: Optional[threading.Event] = None,
    ) -> Receipt:
        """Runs the job to the end and returns the signed receipt.

        Up to ``max_in_flight`` calls go out at once, from as many threads, over ``client``
        (your ``httpx.Client``, with everything it applies but redirects: erasekit never
        follows one) or a new client closed at the end. ``credentials`` is a ``Credentials``
        or a dict of its keywords. ``signing_key`` (32 bytes or 64 hex digits) is required
        without a ledger; with one, the ledger's own receipt key signs. ``timeout`` bounds each
        call in seconds, in all (connect to last body byte); a timeout, refused connection or
        body over ``MAX_RESPONSE_BODY`` is reported to the job, which decides whether to retry.
        ``on_progress`` gets every job event on the calling thread. Setting ``cancel`` saves
        the snapshot and raises ``JobError`` ``aborted`` (with ``.snapshot`` and ``.job_id``);
        Ctrl-C or any error saves a ``stopped`` checkpoint and propagates. A job made with
        ``wait_for_premature=False`` stops the same way with ``job_waiting``.
        """
        run = _Run(self, credentials, base_url, ledger, signing_key, on_progress, lease_ms)
        return drive(run, client, timeout, cancel)

    async def run_async(
        self,
        *,
        credentials: CredentialsInput,
        client: Optional[httpx.AsyncClient] = None,
        base_url: BaseUrl = None,
        on_progress: Optional[ProgressCallback] = None,
        ledger: Optional[JobLedger] = None,
        signing_key: Optional[SigningKey] = None,
        timeout: float = 30.0,
        lease_ms: Optional[int] = None,
    ) -> Receipt:
        """``run()`` for asyncio, over an ``httpx.AsyncClient``. Cancelling the task saves a
        ``stopped`` checkpoint, drops the calls in flight (sent again on resume) and lets the
        ``CancelledError`` propagate."""
        run = _Run(self, credentials, base_url, ledger, signing_key, on_progress, lease_ms)
        return await drive_async(run, client, timeout)


class _PlanningLedger(Protocol):
    @property
    def subject_key(self) -> bytes: ...
    def entries(self, subject: str) -> list[LedgerEntry]: ...


def plan_erasure(
    ledger: _PlanningLedger,
    subject: str,
    *,
    now: Optional[Time] = None,
    received_at: Optional[Time] = None,
    **options: Any,
) -> ErasurePlan:
    """The erasure plan of ``subject`` from the ledger's entries and subject key. ``now`` is
    the planning time (the clock when ``None``), ``received_at`` when the request arrived
    (``now`` when ``None``; it sets the deadline); ``options`` are ``ErasurePlan``'s keywords
    (``user_action``, ``delete_legs``, ``delete_conversations``, ``conversation_api``,
    ``retention_months``, ``allow_empty``)."""
    now = clock() if now is None else now
    return ErasurePlan(subject, ledger.subject_key, ledger.entries(subject), now, received_at, **options)


def resume_job(ledger: JobLedger, job_id: str) -> ErasureJob:
    """The job saved in ``ledger`` under ``job_id``, restored from its last checkpoint and bound
    to the ledger (``job.run(...)`` checkpoints and finishes there). An unknown id is
    ``InputError`` ``job_not_found``; an unreadable snapshot ``StorageError``."""
    stored = ledger.load_job(job_id)
    job = ErasureJob(_native.ErasureJob._resume(job_id, None if stored is None else stored["snapshot"]))
    job._ledger = ledger
    return job


ErasureJob.__module__ = "erasekit"
