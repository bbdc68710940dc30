"""tests/vectors/ledger.json: the ledger's proof rules on every backend (memory, SQLite file,
SQLite in memory, PostgreSQL), as Rust and Node replay them."""

from __future__ import annotations

from typing import Any

import pytest

import erasekit
from conftest import load_vectors
from ledger_receipts import erased
from test_ledger import BACKENDS, Backend, make_backend, pg_dsn  # noqa: F401  (fixtures)

CASES = load_vectors("ledger.json")["cases"]
T0 = 1_700_000_000_000


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: Any) -> Backend:
    return make_backend(request.param, tmp_path, request)


def sms(ids: list[str]) -> list[erasekit.LedgerEntry]:
    return erasekit.capture.sms_send({"messages": [{"message-id": i, "status": "0"} for i in ids]}, at=T0)


def check(ledger: erasekit.Ledger, subject: str, expect: dict[str, Any]) -> None:
    assert sorted(e["id"] for e in ledger.entries(subject)) == expect["remaining"]
    assert len(ledger.tombstones(subject)) == expect["tombstones"]
    assert [r["receipt"]["receipt_id"] for r in ledger.receipts()] == expect["receipts"]


def step(ledger: erasekit.Ledger, s: dict[str, Any]) -> Any:
    op = s["op"]
    if op == "record":
        return ledger.record(s["subject"], sms(s["ids"]))
    if op == "check":
        return None
    if op == "plan":
        return len(ledger.plan_erasure(s["subject"], allow_empty=s.get("allow_empty", False)))
    if op == "erase":
        key = bytes([s["foreign_key"]]) * 32 if "foreign_key" in s else None
        receipt = erased(ledger, s["subject"], s["job"], refuse=s.get("refuse", []), key=key,
                         allow_empty=s.get("allow_empty", False))
        if s.get("record_during"):
            ledger.record(s["subject"], sms(s["record_during"]))
        return ledger.forget(s.get("subject_forgotten", s["subject"]), receipt)
    if op == "claim":
        return ledger._claim(s["job"], s["subject"], "{}", s["owner"], existing=False, lease_ms=60_000)
    if op == "renew":
        lease = {"job_id": s["job"], "owner": s["owner"], "attempt": s["attempt"]}
        return ledger._renew(lease, "running", "{}", 60_000)
    raise AssertionError(f"unknown op {op}")


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_ledger_vector(case: dict[str, Any], backend: Backend) -> None:
    ledger = backend.open()
    for s in case["steps"]:
        if "error" in s:
            with pytest.raises(erasekit.ErasekitError) as info:
                step(ledger, s)
            assert info.value.code == s["error"], s
        else:
            result = step(ledger, s)
            if "operations" in s:
                assert result == s["operations"]
            if "attempt" in s and s["op"] == "claim":
                assert result["attempt"] == s["attempt"]
        if "expect" in s:
            check(ledger, s["subject"], s["expect"])
