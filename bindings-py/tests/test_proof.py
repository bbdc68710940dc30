"""What a run may claim (issue 9 items 1-4, 6, 12, 19) through the pip package: the target
check against the simulator with a wrong base URL path, ``started`` / ``waiting`` events and
``wait_for_premature=False`` in ``run()`` and ``run_async()``, and ids that a URL parser would
read as dot segments."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
from conftest import now_ms
from sim import Simulator

import erasekit

HOUR = 3_600_000
SUBJECT_KEY = b"0123456789abcdef"
SIGNING = bytes(range(32))
PROBE_ID = "erasekit-target-check-0000000000000000"


def sms(id_: str, created_at: int) -> erasekit.LedgerEntry:
    return {
        "kind": "transaction", "product": "sms", "direction": "outbound", "id": id_,
        "created_at": created_at, "source": "sms_send", "extra": {},
    }


def test_a_wrong_base_url_path_sends_only_the_probe_and_the_receipt_is_not_complete(sim: Simulator) -> None:
    now = now_ms()
    ids = ["WRONG-1", "WRONG-2"]
    sim.seed({"records": [{"product": "sms", "type": "outbound", "id": i, "age_ms": 2 * HOUR} for i in ids]})
    sent: list[str] = []
    events: list[erasekit.JobEvent] = []
    plan = erasekit.ErasurePlan("user-proof", SUBJECT_KEY, [sms(i, now - 2 * HOUR) for i in ids], now)
    job = erasekit.ErasureJob(plan, seed=1)
    creds = erasekit.Credentials(api_key=sim.api_key, api_secret=sim.api_secret)
    hooks: dict[str, list[Any]] = {"request": [lambda r: sent.append(str(r.url))]}
    with httpx.Client(event_hooks=hooks) as client:
        receipt = job.run(
            credentials=creds, client=client, base_url=sim.base_url + "/v1",
            signing_key=SIGNING, on_progress=events.append,
        )
    assert sent == [sim.base_url + "/v1/v1/redact/transaction"]
    body = receipt["receipt"]
    assert body["complete"] is False
    assert body["on_time"] is False
    assert [(o["state"], o["attempts"]) for o in body["operations"]] == [("failed", 0), ("failed", 0)]
    assert [(c["group"], c["result"]) for c in body["target_checks"]] == [("sms", "failed")]
    checked = [e for e in events if e["event"] == "target_checked"]
    assert len(checked) == 1 and checked[0]["ok"] is False
    for i in ids:
        assert sim.record("sms", i, "outbound")["redacted"] is False


def test_the_right_base_url_checks_each_group_and_completes(sim: Simulator) -> None:
    now = now_ms()
    media_id = "dddddddd-aaaa-4aaa-8aaa-000000000001"
    sim.seed({
        "records": [{"product": "sms", "type": "outbound", "id": "RIGHT-1", "age_ms": 2 * HOUR}],
        "media": [{"id": media_id, "age_ms": 2 * HOUR}],
    })
    recording: erasekit.LedgerEntry = {
        "kind": "recording", "product": None, "direction": None, "id": media_id,
        "created_at": now - 2 * HOUR, "source": "voice_recording", "extra": {},
    }
    plan = erasekit.ErasurePlan("user-proof", SUBJECT_KEY, [sms("RIGHT-1", now - 2 * HOUR), recording], now)
    creds = erasekit.Credentials(api_key=sim.api_key, api_secret=sim.api_secret)
    receipt = erasekit.ErasureJob(plan, seed=2).run(credentials=creds, base_url=sim.base_url, signing_key=SIGNING)
    checks = [(c["group"], c["result"], c["status"]) for c in receipt["receipt"]["target_checks"]]
    assert checks == [("sms", "ok", 404), ("media", "ok", 404)]
    assert receipt["receipt"]["complete"] is True


def vonage(request: httpx.Request) -> httpx.Response:
    """Answers the target check as Vonage does and every other call with 204."""
    if json.loads(request.content)["id"] == PROBE_ID:
        return httpx.Response(404, json={"type": "https://developer.nexmo.com/api-errors#invalid-id", "title": "Invalid ID"})
    return httpx.Response(204)


class Stop(Exception):
    pass


def test_a_young_record_emits_started_at_once_then_waiting_until_the_hour() -> None:
    now = now_ms()
    created = now - 10 * 60_000
    job = erasekit.ErasureJob(erasekit.ErasurePlan("u", SUBJECT_KEY, [sms("YOUNG-1", created)], now), seed=3)
    events: list[erasekit.JobEvent] = []

    def progress(event: erasekit.JobEvent) -> None:
        events.append(event)
        if event["event"] == "waiting":
            raise Stop  # instead of waiting 50 minutes

    with pytest.raises(Stop):
        job.run(credentials=erasekit.Credentials(api_key="k", api_secret="s"),
                client=httpx.Client(transport=httpx.MockTransport(vonage)), signing_key=SIGNING, on_progress=progress)
    assert events[0]["event"] == "started"
    waiting = events[-1]
    assert waiting["event"] == "waiting"
    assert waiting["until"] == created + HOUR


@pytest.mark.parametrize("driver", ["run", "run_async"])
def test_wait_for_premature_false_stops_where_it_would_wait_and_resumes(driver: str) -> None:
    now = now_ms()
    created = now - 10 * 60_000
    ledger = erasekit.Ledger.memory()
    ledger.record("u", [sms("YOUNG-2", created)])
    job = erasekit.ErasureJob(ledger.plan_erasure("u", now=now), seed=4, wait_for_premature=False)
    assert job.config["wait_for_premature"] is False and job.config["check_target"] is True
    sent: list[str] = []
    events: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(json.loads(request.content)["id"])
        return vonage(request)

    creds = erasekit.Credentials(api_key="k", api_secret="s")
    with pytest.raises(erasekit.JobError) as info:
        if driver == "run":
            job.run(credentials=creds, client=httpx.Client(transport=httpx.MockTransport(handler)), ledger=ledger,
                    on_progress=lambda e: events.append(e["event"]))
        else:
            asyncio.run(job.run_async(credentials=creds, client=httpx.AsyncClient(transport=httpx.MockTransport(handler)), ledger=ledger,
                                      on_progress=lambda e: events.append(e["event"])))
    assert info.value.code == "job_waiting"
    assert info.value.details["until"] == created + HOUR
    assert sent == [PROBE_ID]
    assert events == ["started", "target_checked", "waiting"]
    stored = ledger.load_job(job.job_id)
    assert stored is not None and stored["state"] == "stopped"
    # The checkpoint keeps the probe's result: resumed, it stops again at the wait, sending nothing.
    resumed = erasekit.resume_job(ledger, job.job_id)
    with pytest.raises(erasekit.JobError):
        resumed.run(credentials=creds, client=httpx.Client(transport=httpx.MockTransport(handler)))  # bound to the ledger
    assert sent == [PROBE_ID]


@pytest.mark.parametrize("bad", [".", "..", "%2e", "%2E%2e", ".%2E", "%2e."])
def test_dot_segment_ids_are_refused_by_capture_record_and_plan(bad: str) -> None:
    with pytest.raises(erasekit.PayloadError, match="dot segment"):
        erasekit.capture.conversation_user({"id": bad}, at=1_700_000_000_000)
    entry: erasekit.LedgerEntry = {
        "kind": "user", "product": None, "direction": None, "id": bad,
        "created_at": 1_700_000_000_000, "source": "conversation_user", "extra": {},
    }
    ledger = erasekit.Ledger.memory()
    with pytest.raises(erasekit.InputError, match="dot segment"):
        ledger.record("victim", [entry])
    with pytest.raises(erasekit.InputError, match="dot segment"):
        erasekit.ErasurePlan("victim", SUBJECT_KEY, [entry], 1_700_000_000_000)
    event: erasekit.LedgerEntry = {**entry, "kind": "event", "id": f"CON-1:{bad}", "source": "conversation_event"}
    with pytest.raises(erasekit.InputError, match="dot segment"):
        erasekit.ErasurePlan("victim", SUBJECT_KEY, [event], 1_700_000_000_000)
