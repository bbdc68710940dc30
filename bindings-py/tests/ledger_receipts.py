"""Real receipts for ledger tests: a subject's plan run against canned answers, without HTTP.

``erased(ledger, subject, job_id, refuse=...)`` plans ``subject`` from ``ledger``, answers every
call 204 (422 for the targets in ``refuse``, which end ``failed``) and returns the receipt
signed with the given key (the ledger's own receipt key by default).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Optional

import erasekit

_PEM = Path(__file__).resolve().parents[2] / "tests" / "vectors" / "keys" / "app_private.pem"
CREDENTIALS = erasekit.Credentials(
    api_key="k",
    api_secret="s",
    application_id="aaaaaaaa-bbbb-cccc-dddd-0123456789ab",
    private_key=_PEM.read_text(encoding="utf-8"),
)
T0 = 1_700_000_000_000
DAY = 86_400_000


def erased(
    ledger: erasekit.Ledger,
    subject: str,
    job_id: str,
    *,
    refuse: Iterable[str] = (),
    key: Optional[bytes] = None,
    allow_empty: bool = False,
) -> dict[str, Any]:
    # A day after the newest entry: every operation is due and none has expired.
    now = max((e["created_at"] for e in ledger.entries(subject)), default=T0) + DAY
    plan = ledger.plan_erasure(subject, now=now, allow_empty=allow_empty)
    return run_plan(plan, job_id, refuse=refuse, key=key or ledger._receipt_key, now=now)


def run_plan(
    plan: erasekit.ErasurePlan,
    job_id: str,
    *,
    refuse: Iterable[str] = (),
    key: bytes,
    now: int = T0 + DAY,
) -> dict[str, Any]:
    refused = set(refuse)
    targets = [op["target"] for op in plan.operations]
    job = erasekit.ErasureJob(plan, job_id=job_id, seed=1, check_target=False)
    while not job.is_finished():
        while (call := job.poll_request(now, CREDENTIALS)) is not None:
            status = 422 if targets[call["op"]] in refused else 204
            job.handle_response(call["call_id"], {"status": status, "headers": {}, "body": b""}, now)
        now += 1_000
    return dict(job.receipt(key))
