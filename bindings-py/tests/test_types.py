"""types.py against the core, mechanically: every TypedDict's keys are exactly the fields the
core hands out (its required keys present, nothing it does not declare), so a field added to a
core type cannot go missing here unnoticed."""

from __future__ import annotations

from typing import Any, Mapping, get_args, get_type_hints

import httpx
import pytest

import erasekit
from erasekit import types
from test_erasure_job import Vonage, creds, entry, plan, sms
from conftest import now_ms


def fits(shape: Any, value: Mapping[str, Any]) -> None:
    declared = set(shape.__annotations__)
    required = set(getattr(shape, "__required_keys__", declared))
    assert required <= set(value), (shape.__name__, required - set(value))
    assert set(value) <= declared, (shape.__name__, set(value) - declared)


def test_plans_jobs_and_their_plain_data_match_the_core() -> None:
    p = plan(sms(1) + [entry("user", "USR-1")], retention_months=13)
    fits(types.ErasurePlanData, p.to_dict())
    fits(types.DeadlineData, p.deadline.to_dict())
    fits(types.PlanOptions, p.options)
    for operation in p.operations:
        fits(types.Operation, operation)
    for planned in p.describe():
        fits(types.PlannedCall, planned)
    summary = p.summary()
    fits(types.PlanSummary, summary)
    for group in summary["groups"]:
        fits(types.PlanGroup, group)
    fits(types.RedactRequestData, erasekit.RedactRequest("SMS-0", "sms").to_dict())
    job = erasekit.ErasureJob(p, seed=1)
    fits(types.JobConfig, job.config)
    fits(types.Counts, job.counts())
    call = job.poll_request(now_ms(), creds())
    assert call is not None
    fits(types.Call, call)
    fits(types.HttpRequest, call["request"])


def test_events_receipts_and_ledger_rows_match_the_core() -> None:
    ledger = erasekit.Ledger.memory()
    ledger.record("user-42", sms(2))
    ledger.link("user-42", ["+447700900123"])
    for row in ledger.entries("user-42"):
        fits(types.LedgerEntry, row)
    fits(types.Identifier, ledger.identifiers("user-42")[0])
    job = erasekit.ErasureJob(ledger.plan_erasure("user-42"), seed=2)
    events: list[Any] = []
    with httpx.Client(transport=httpx.MockTransport(Vonage())) as client:
        receipt = job.run(credentials=creds(), client=client, ledger=ledger, on_progress=events.append)
    shapes = {get_args(get_type_hints(typed)["event"])[0]: typed for typed in (
        types.Started, types.Waiting, types.TargetChecked, types.Retrying, types.Throttled,
        types.GroupStopped, types.OperationFinished, types.Finished, types.LedgerFinished)}
    assert {e["event"] for e in events} >= {"started", "target_checked", "operation_finished", "finished", "ledger_finished"}
    for event in events:
        fits(shapes[event["event"]], event)
    fits(types.Receipt, receipt)
    fits(types.ReceiptBody, receipt["receipt"])
    fits(types.ReceiptSignature, receipt["signature"])
    for operation in receipt["receipt"]["operations"]:
        fits(types.ReceiptOperation, operation)
    for check in receipt["receipt"]["target_checks"]:
        fits(types.TargetCheckRecord, check)
    fits(types.Tombstone, ledger.tombstones("user-42")[0])


@pytest.mark.parametrize("outcome", [204, 404])
def test_outcomes_match_the_core(outcome: int) -> None:
    problem = {"type": "https://developer.nexmo.com/api-errors#invalid-id", "title": "Invalid ID"}
    body = b"" if outcome == 204 else httpx.Response(404, json=problem).content
    result: Any = erasekit.RedactRequest("SMS-0", "sms").interpret({"status": outcome, "body": body}, now_ms())
    fits(types.Redacted if outcome == 204 else types.NotFound, result)
    if outcome == 404:
        fits(types.Problem, result["problem"])
