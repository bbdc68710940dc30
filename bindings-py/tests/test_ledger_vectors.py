"""tests/vectors/ledger.json: the ledger's rules on every backend (memory, SQLite file, SQLite
in memory, PostgreSQL) through the public ``Ledger`` API, as Rust and Node replay them."""

from __future__ import annotations

from typing import Any

import pytest

import erasekit
from conftest import load_vectors
from ledger_receipts import erased
from test_ledger import BACKENDS, Backend, make_backend, pg_dsn  # noqa: F401  (fixtures)

CASES = load_vectors("ledger.json")["cases"]
T0 = 1_700_000_000_000
TIMES = {"updated_at", "forgotten_at", "expires_at", "renew_at", "hold_until"}


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: Any) -> Backend:
    return make_backend(request.param, tmp_path, request)


def sms(ids: list[str]) -> list[erasekit.LedgerEntry]:
    return erasekit.capture.sms_send({"messages": [{"message-id": i, "status": "0"} for i in ids]}, at=T0)


def normal(value: Any) -> Any:
    """Times and subject hashes (random keys, the clock) as the vectors write them."""
    if isinstance(value, dict):
        marks = {"subject_hash": "<hash>", **{k: "<time>" for k in TIMES}}
        return {k: marks.get(k, normal(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [normal(v) for v in value]
    return value


def check(ledger: erasekit.Ledger, subject: str, expect: dict[str, Any]) -> None:
    assert sorted(e["id"] for e in ledger.entries(subject)) == expect["remaining"]
    assert len(ledger.tombstones(subject)) == expect["tombstones"]
    assert [r["receipt"]["receipt_id"] for r in ledger.receipts()] == expect["receipts"]


def step(ledger: erasekit.Ledger, s: dict[str, Any]) -> Any:
    op = s["op"]
    if op == "record":
        return ledger.record(s["subject"], sms(s["ids"]) if "ids" in s else s["entries"])
    if op == "erase":
        key = bytes([s["foreign_key"]]) * 32 if "foreign_key" in s else None
        receipt = erased(ledger, s["subject"], s["job"], refuse=s.get("refuse", []), key=key,
                         allow_empty=s.get("allow_empty", False))
        if s.get("record_during"):
            ledger.record(s["subject"], sms(s["record_during"]))
        forgotten = s.get("subject_forgotten", s["subject"])
        if s.get("forget_twice"):
            ledger.forget(forgotten, receipt)
        return ledger.forget(forgotten, receipt)
    if op == "claim":
        return ledger._claim(s["job"], s["subject"], "{}", s["owner"], existing=False, lease_ms=60_000)
    if op == "renew":
        lease = {"job_id": s["job"], "owner": s["owner"], "attempt": s["attempt"]}
        return ledger._renew(lease, s.get("state", "running"), "{}", 60_000)
    calls: dict[str, Any] = {
        "check": lambda: None,
        "plan": lambda: len(ledger.plan_erasure(s["subject"], allow_empty=s.get("allow_empty", False))),
        "link": lambda: ledger.link(s["subject"], s["identifiers"]),
        "entries": lambda: ledger.entries(s["subject"]),
        "identifiers": lambda: ledger.identifiers(s["subject"]),
        "subjects": ledger.subjects,
        "tombstones": lambda: ledger.tombstones(s["subject"]),
        "forget": lambda: ledger.forget(s["subject"], s["receipt"]),
        "receipt": lambda: (r := ledger.receipt(s["job_id"])) and r["receipt"]["receipt_id"],
        "receipts": lambda: [r["receipt"]["receipt_id"] for r in ledger.receipts()],
        "save_job": lambda: ledger.save_job(s["job_id"], s["subject"], s["state"], s["snapshot"]),
        "load_job": lambda: ledger.load_job(s["job_id"]),
        "jobs": lambda: [j["job_id"] for j in ledger.jobs()],
    }
    return calls[op]()


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_ledger_vector(case: dict[str, Any], backend: Backend) -> None:
    ledger = backend.open()
    for s in case["steps"]:
        if s["op"] == "reopen":
            if ledger.backend == "memory":
                ledger = erasekit.Ledger.from_export(ledger.export())
            elif backend.shared:
                ledger = backend.open()
        elif "error" in s:
            with pytest.raises(erasekit.ErasekitError) as info:
                step(ledger, s)
            assert info.value.code == s["error"], s
        else:
            result = step(ledger, s)
            if "answer" in s:
                assert normal(result) == s["answer"], s
            if "answer_ids" in s:
                assert sorted(result) == s["answer_ids"], s
            if "operations" in s:
                assert result == s["operations"]
            if "attempt" in s and s["op"] == "claim":
                assert result["attempt"] == s["attempt"]
        if "expect" in s:
            check(ledger, s["subject"], s["expect"])
