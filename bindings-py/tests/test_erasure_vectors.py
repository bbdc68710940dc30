"""Replays ``tests/vectors/erasure.json`` and ``deadline.json`` with the same host loop as
``core/tests/erasure_vectors.rs``: scripted answers, virtual time, every case compared exactly."""

from __future__ import annotations

import json
from typing import Any, Callable, Union, cast

import pytest

import erasekit
from erasekit.types import TransportFailure
from conftest import KEYS, load_vectors

ERASURE = load_vectors("erasure.json")
DEADLINES = load_vectors("deadline.json")
SUBJECT_KEY = b"0123456789abcdef"
SIGNING_KEY = bytes([1]) * 32


def credentials() -> erasekit.Credentials:
    """The vectors' credentials, as in erasure_vectors.rs."""
    return erasekit.Credentials(
        api_key="abcd1234",
        api_secret="s3cr3t-value",
        application_id="aaaaaaaa-bbbb-4ccc-8ddd-0123456789ab",
        private_key=(KEYS / "app_private.pem").read_text(encoding="utf-8"),
    )


def response(step: dict[str, Any]) -> Union[erasekit.HttpResponse, str]:
    """Mirrors ``response()`` in erasure_vectors.rs: a response dict, or a failure name."""
    if "failure" in step:
        return cast(str, step["failure"])
    headers = {}
    if "retry_after" in step:
        headers["retry-after"] = step["retry_after"]
    if "body" in step:
        body = step["body"]
    elif "problem" in step:
        problem: str = step["problem"]
        if "#" in problem:
            api, code = problem.split("#", 1)
            problem_type = f"https://developer.nexmo.com/api-errors/{api}#{code}"
        else:
            problem_type = f"https://developer.nexmo.com/api-errors#{problem}"
        body = json.dumps(
            {"type": problem_type, "title": problem, "detail": "scripted", "instance": "trace-1"}
        )
    else:
        body = ""
    return {"status": step["status"], "headers": headers, "body": body.encode()}


TARGET_CHECK_OP = 2**32 - 1
"""The ``op`` of a target-check call."""


def target_of(call: erasekit.Call, targets: list[str]) -> str:
    """Target checks are scripted under ``@target_check`` (all groups share the list)."""
    return "@target_check" if call["op"] == TARGET_CHECK_OP else targets[call["op"]]


def default_step(target: str, url: str) -> dict[str, Any]:
    """An unscripted answer: 204, or for a target check the documented not-found."""
    if target != "@target_check":
        return {"status": 204}
    if url.endswith("/redact/transaction"):
        return {"status": 404, "problem": "invalid-id"}
    return {"status": 404, "problem": "not-found"}


def entries(case: dict[str, Any]) -> list[erasekit.LedgerEntry]:
    found: list[erasekit.LedgerEntry] = []
    for c in case["captures"]:
        capture = cast(Callable[..., list[erasekit.LedgerEntry]], getattr(erasekit.capture, c["source"]))
        found.extend(capture(c["payload"], at=c.get("at")))
    return found


def run(case: dict[str, Any]) -> dict[str, Any]:
    """The host loop of erasure_vectors.rs, step for step."""
    now0: int = case["now"]
    plan = erasekit.ErasurePlan("subject-1", SUBJECT_KEY, entries(case), now0, **case["options"])
    job = erasekit.ErasureJob(plan, **case["config"])
    creds = credentials()
    targets = [o["target"] for o in plan.operations]
    script: dict[str, list[dict[str, Any]]] = case["script"]
    attempts: dict[str, int] = {}
    sends: list[list[Any]] = []
    now = now0
    while not job.is_finished():
        while (call := job.poll_request(now, creds)) is not None:
            target = target_of(call, targets)
            request = call["request"]
            sends.append([now - now0, call["op"], request["method"], request["url"]])
            n = attempts.get(target, 0)
            steps = script.get(target, [])
            step = steps[n] if n < len(steps) else default_step(target, request["url"])
            attempts[target] = n + 1
            answer = response(step)
            if isinstance(answer, str):
                job.handle_failure(call["call_id"], cast(TransportFailure, answer), now)
            else:
                job.handle_response(call["call_id"], answer, now)
        while job.poll_event() is not None:
            pass
        if job.is_finished():
            break
        wake = job.poll_timeout(now)
        assert wake is not None, "waiting on nothing"
        now = wake
    receipt = job.receipt(SIGNING_KEY)
    states = [
        [o["target"], o["state"], o["attempts"], o["status"]] for o in receipt["receipt"]["operations"]
    ]
    checks = [[c["group"], c["result"], c["status"]] for c in receipt["receipt"].get("target_checks", [])]
    return {
        "sends": sends,
        "states": states,
        "counts": {k: v for k, v in job.counts().items() if k != "finished"},  # vectors: serde's fields
        "checks": checks,
        "complete": receipt["receipt"].get("complete"),
    }


def test_the_file_covers_every_behaviour() -> None:
    names = [c["name"] for c in ERASURE["cases"]]
    assert len(names) == len(set(names)) >= 6


@pytest.mark.parametrize("case", ERASURE["cases"], ids=[c["name"] for c in ERASURE["cases"]])
def test_erasure_vector(case: dict[str, Any]) -> None:
    assert run(case) == case["expect"]


@pytest.mark.parametrize("case", ERASURE["cases"], ids=[c["name"] for c in ERASURE["cases"]])
def test_erasure_vector_survives_a_snapshot_after_every_step(case: dict[str, Any]) -> None:
    """Restoring from a snapshot between steps (nothing in flight) changes no outcome."""
    now0: int = case["now"]
    plan = erasekit.ErasurePlan("subject-1", SUBJECT_KEY, entries(case), now0, **case["options"])
    job = erasekit.ErasureJob(plan, **case["config"])
    creds = credentials()
    targets = [o["target"] for o in plan.operations]
    script: dict[str, list[dict[str, Any]]] = case["script"]
    attempts: dict[str, int] = {}
    now = now0
    for _ in range(10_000):
        if job.is_finished():
            break
        while (call := job.poll_request(now, creds)) is not None:
            target = target_of(call, targets)
            n = attempts.get(target, 0)
            steps = script.get(target, [])
            attempts[target] = n + 1
            answer = response(steps[n] if n < len(steps) else default_step(target, call["request"]["url"]))
            if isinstance(answer, str):
                job.handle_failure(call["call_id"], cast(TransportFailure, answer), now)
            else:
                job.handle_response(call["call_id"], answer, now)
        job = erasekit.ErasureJob.restore(job.snapshot())
        if job.is_finished():
            break
        wake = job.poll_timeout(now)
        assert wake is not None
        now = wake
    receipt = job.receipt(SIGNING_KEY)
    states = [[o["target"], o["state"], o["attempts"], o["status"]] for o in receipt["receipt"]["operations"]]
    assert states == case["expect"]["states"]


@pytest.mark.parametrize("case", DEADLINES["cases"], ids=[c["name"] for c in DEADLINES["cases"]])
def test_deadline_vector(case: dict[str, Any]) -> None:
    expect = case["expect"]
    if "error" in expect:
        with pytest.raises(erasekit.InputError) as info:
            erasekit.Deadline(case["received_at"]).extend(
                case["extend"]["months"], case["extend"]["reason"]
            )
        assert info.value.code == expect["error"]
        return
    deadline = erasekit.Deadline(case["received_at"])
    if "extend" in case:
        deadline = deadline.extend(case["extend"]["months"], case["extend"]["reason"])
    assert deadline.due_at == expect["due_at"]
    assert deadline.received_at == case["received_at"]
    assert deadline.extension_months == expect.get("extension_months", 0)
    assert deadline.extension_reason == expect.get("extension_reason")
    assert deadline.to_dict() == {
        "received_at": case["received_at"],
        "due_at": expect["due_at"],
        "extension_months": expect.get("extension_months", 0),
        "extension_reason": expect.get("extension_reason"),
    }
    # A plan made at the receipt time carries the same deadline.
    plan = erasekit.ErasurePlan("s", SUBJECT_KEY, [], case["received_at"], allow_empty=True)
    if "extend" in case:
        plan.extend_deadline(case["extend"]["months"], case["extend"]["reason"])
    assert plan.deadline == deadline


def test_deadline_extensions_are_bounded_and_need_a_reason() -> None:
    deadline = erasekit.Deadline(1_706_695_200_000)
    for months, reason in ((0, "x"), (3, "x"), (1, "  ")):
        with pytest.raises(erasekit.InputError) as info:
            deadline.extend(months, reason)
        assert info.value.code == "invalid_argument"
    assert not deadline.is_overdue(deadline.due_at)
    assert deadline.is_overdue(deadline.due_at + 1)
