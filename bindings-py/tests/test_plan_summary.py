"""``ErasurePlan.summary(rate_per_second)`` (the dry run in figures, from the core) and
``ErasureJob.calls_sent`` (what a progress rate divides by time), through the Python API.
The same figures as core/tests/plan_summary.rs and bindings-js/test/plan_summary.test.mjs."""

from __future__ import annotations

from typing import Any

import pytest

import erasekit
from conftest import load_vectors

KEY = b"0123456789abcdef"
NOW = 1_700_000_000_000
HOUR = 3_600_000


def entry(kind: str, id: str, product: str | None = None, age: int = 2 * HOUR) -> dict[str, Any]:
    return {"kind": kind, "product": product, "direction": None, "id": id, "created_at": NOW - age,
            "source": "test", "extra": {}}


def plan(entries: list[dict[str, Any]]) -> erasekit.ErasurePlan:
    return erasekit.ErasurePlan("user-1", KEY, entries, NOW)  # type: ignore[arg-type]


def test_summary_groups_by_action_and_product_at_the_rate() -> None:
    entries = [entry("transaction", f"SMS-{i}", "sms") for i in range(2000)]
    entries += [entry("transaction", "CALL-1", "voice"), entry("transaction", "OLD-1", "voice", 500 * 24 * HOUR),
                entry("leg", "leg-1"), entry("user", "USR-1")]
    summary = plan(entries).summary()  # the job's default rate, 170/s
    assert summary["groups"] == [
        {"action": "redact", "product": "sms", "operations": 2000, "pending": 2000, "expired": 0,
         "skipped": 0, "send_ms": 11_765},
        {"action": "redact", "product": "voice", "operations": 2, "pending": 1, "expired": 1,
         "skipped": 0, "send_ms": 6},
        {"action": "delete_leg", "product": None, "operations": 1, "pending": 0, "expired": 0,
         "skipped": 1, "send_ms": 0},
        {"action": "delete_user", "product": None, "operations": 1, "pending": 1, "expired": 0,
         "skipped": 0, "send_ms": 6},
    ]
    assert (summary["rate_per_second"], summary["operations"], summary["pending"]) == (170, 2004, 2002)
    assert (summary["send_ms"], summary["estimated_finish"], summary["late"]) == (11_777, NOW + 11_770, False)
    assert summary["due_at"] == plan(entries).deadline.due_at
    slow = plan(entries).summary(rate_per_second=1)
    assert slow["send_ms"] == 2_002_000 and slow["estimated_finish"] == NOW + 2_001_000


def test_the_estimate_waits_for_the_sixty_minute_rule() -> None:
    p = plan([entry("transaction", "A", "sms", 10 * 60_000), entry("transaction", "B", "sms", 10 * 60_000)])
    assert p.summary(2)["estimated_finish"] == NOW + 50 * 60_000 + 500


@pytest.mark.parametrize("rate", [0, 1_000_001, -1, 2.5, "170", True])
def test_a_bad_rate_names_the_field(rate: Any) -> None:
    with pytest.raises(erasekit.InputError) as info:
        plan([entry("transaction", "A", "sms")]).summary(rate)
    assert info.value.code == "invalid_argument" and "rate_per_second" in str(info.value)


@pytest.mark.parametrize("case", load_vectors("plan_summary.json")["cases"], ids=lambda c: c["name"])
def test_plan_summary_vectors(case: dict[str, Any]) -> None:
    # The vectors are about the summary; an empty plan is asked for on purpose.
    p = erasekit.ErasurePlan("user-1", KEY, case["entries"], case["now"], case.get("received_at"), allow_empty=True)
    try:
        got: Any = p.summary(case["rate_per_second"])
    except erasekit.ErasekitError as err:
        got = {"error": err.code}
    assert got == case["expect"]


def test_calls_sent_counts_calls_not_operations() -> None:
    p = plan([entry("transaction", f"S{i}", "sms") for i in range(5)])
    job = erasekit.ErasureJob(p, seed=1, max_in_flight=1)
    assert job.calls_sent == 0
    call = job.poll_request(NOW, erasekit.Credentials(api_key="k", api_secret="wrong"))
    assert call is not None and job.calls_sent == 1
    body = b'{"type":"https://developer.nexmo.com/api-errors#unauthorized","title":"Unauthorized"}'
    job.handle_response(call["call_id"], {"status": 401, "body": body}, NOW)
    # One 401 stopped the whole group: five operations ended, one call was sent.
    assert job.is_finished() and job.counts()["failed"] == 5
    assert job.calls_sent == 1
    assert erasekit.ErasureJob.restore(job.snapshot()).calls_sent == 1
