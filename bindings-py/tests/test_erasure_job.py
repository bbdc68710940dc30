"""The erasure plan, job, receipts and drivers without a network: argument checks, the raw
sans-IO methods, snapshots without secrets, signed receipts, and ``run()``/``run_async()``
over ``httpx.MockTransport`` with an in-test ledger."""

from __future__ import annotations

import asyncio
import base64
import copy
import json
import threading
import time
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

import httpx
import pytest

import erasekit
from erasekit.job import SIGNING_KEY_ENV, SIGNING_KEY_FILE, signing_key
from conftest import KEYS, now_ms

HOUR = 3_600_000
KEY = b"0123456789abcdef"
SIGNING = bytes([7]) * 32
SECRET = "s3cr3t-value"
PEM = (KEYS / "app_private.pem").read_text(encoding="utf-8")



def entry(kind: str, id: str, *, product: Optional[str] = None, age: int = 2 * HOUR, at: Optional[int] = None) -> erasekit.LedgerEntry:
    return {
        "kind": kind,  # type: ignore[typeddict-item]
        "product": product,  # type: ignore[typeddict-item]
        "direction": None,
        "id": id,
        "created_at": (now_ms() if at is None else at) - age,
        "source": "test",
        "extra": {},
    }


def sms(n: int, *, age: int = 2 * HOUR, at: Optional[int] = None) -> list[erasekit.LedgerEntry]:
    return [entry("transaction", f"SMS-{i}", product="sms", age=age, at=at) for i in range(n)]


def creds() -> erasekit.Credentials:
    return erasekit.Credentials(
        api_key="abcd1234", api_secret=SECRET,
        application_id="aaaaaaaa-bbbb-4ccc-8ddd-0123456789ab", private_key=PEM,
    )


def plan(entries: list[erasekit.LedgerEntry], **options: Any) -> erasekit.ErasurePlan:
    return erasekit.ErasurePlan("user-42", KEY, entries, now_ms(), **options)


class FakeLedger:
    """A memory ``erasekit.Ledger`` keyed by ``KEY`` that notes what the drivers write:
    ``(state, operations finished)`` per claim, checkpoint and end, and each forgetting."""

    def __init__(self, entries: list[erasekit.LedgerEntry], path: Optional[str] = None) -> None:
        export = {"format": 1, "key": KEY.hex(), "subjects": {}, "tombstones": [], "jobs": {}}
        self.real = erasekit.Ledger.from_export(json.dumps(export))
        if entries:
            self.real.record("user-42", entries)
        self.subject_key = KEY
        self.saves: list[tuple[str, int]] = []
        self.forgotten: list[tuple[str, str]] = []
        if path is not None:
            self.path = path

    @staticmethod
    def _finished(snapshot: str) -> int:
        c = erasekit.ErasureJob.restore(snapshot).counts()
        return c["done"] + c["not_found"] + c["expired"] + c["failed"] + c["skipped"]

    def entries(self, subject: str) -> list[erasekit.LedgerEntry]:
        return self.real.entries(subject)

    def load_job(self, job_id: str) -> Optional[erasekit.StoredJob]:
        return self.real.load_job(job_id)

    @property
    def _receipt_key(self) -> bytes:
        return self.real._receipt_key

    def _claim(
        self, job_id: str, subject: str, snapshot: str, owner: str, *, existing: bool, lease_ms: int
    ) -> Any:
        times = self.real._claim(job_id, subject, snapshot, owner, existing=existing, lease_ms=lease_ms)
        self.saves.append(("running", self._finished(snapshot)))
        return times

    def _renew(self, lease: dict[str, Any], state: str, snapshot: str, lease_ms: int) -> Any:
        times = self.real._renew(lease, state, snapshot, lease_ms)
        self.saves.append((state, self._finished(snapshot)))
        return times

    def _finish(self, lease: dict[str, Any], subject: str, receipt: Any) -> Any:
        tombstone, remaining = self.real._finish(lease, subject, receipt)
        c = receipt["receipt"]["counts"]
        self.saves.append(("finished", c["total"] - c["in_flight"]))
        if tombstone is not None:
            self.forgotten.append((subject, receipt["receipt"]["receipt_id"]))
        return tombstone, remaining


# ---- plans ------------------------------------------------------------------------------------


def test_a_plan_has_one_operation_per_entry_with_its_schedule() -> None:
    t = now_ms()
    p = erasekit.ErasurePlan(
        "user-42", KEY,
        [entry("transaction", "SMS-1", product="sms", at=t), entry("recording", "bbbbbbbb-aaaa-cccc-dddd-0123456789ab", at=t),
         entry("user", "USR-1", age=10 * 60_000, at=t), entry("event", "CON-1:7", at=t),
         entry("conversation", "CON-1", at=t), entry("leg", "LEG-1", at=t),
         entry("transaction", "OLD", product="voice", age=400 * 24 * HOUR, at=t)],
        t,
    )
    assert len(p) == 7
    ops = p.operations
    assert [o["action"] for o in ops] == [
        "redact", "delete_recording", "delete_user", "delete_event", "delete_conversation", "delete_leg", "redact",
    ]
    assert [o["initial"] for o in ops] == ["pending"] * 4 + ["skipped", "skipped", "expired"]
    assert ops[0]["product"] == "sms" and ops[0]["direction"] == "outbound"
    assert ops[2]["not_before"] == t - 10 * 60_000 + HOUR
    assert p.earliest_finish == t - 10 * 60_000 + HOUR
    assert p.planned_at == t and p.subject == "user-42" and len(p.subject_hash) == 64
    assert "user-42" not in repr(p)
    assert p.options == {
        "user_action": "delete", "delete_legs": False, "delete_conversations": False,
        "conversation_api": "v1", "retention_months": 13, "allow_empty": False,
    }
    assert p.deadline == erasekit.Deadline(t)


def test_options_change_the_plan() -> None:
    p = plan(
        [entry("user", "USR-1"), entry("leg", "LEG-1"), entry("conversation", "CON-1")],
        user_action="scrub", delete_legs=True, delete_conversations=True, conversation_api="v0.1",
    )
    assert [o["action"] for o in p.operations] == ["scrub_user", "delete_leg", "delete_conversation"]
    assert all(o["initial"] == "pending" for o in p.operations)
    calls = p.describe("http://127.0.0.1:9")
    assert [(c["method"], c["url"]) for c in calls] == [
        ("PUT", "http://127.0.0.1:9/v0.1/users/USR-1"),
        ("DELETE", "http://127.0.0.1:9/v0.1/legs/LEG-1"),
        ("DELETE", "http://127.0.0.1:9/v0.1/conversations/CON-1"),
    ]


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"user_action": "shred"}, "user_action"),
        ({"user_action": 1}, "user_action"),
        ({"delete_legs": "yes"}, "delete_legs"),
        ({"conversation_api": "v2"}, "conversation_api"),
        ({"retention_months": 0}, "retention_months"),
        ({"retention_months": True}, "retention_months"),
    ],
)
def test_bad_options_name_the_field(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(erasekit.InputError) as info:
        plan(sms(1), **kwargs)
    assert info.value.code == "invalid_argument"
    assert info.value.details["field"] == field


@pytest.mark.parametrize(
    "entries, field",
    [
        ("abc", "entries"),
        ({"kind": "user"}, "entries"),
        (5, "entries"),
        ([{"kind": "user"}], "entries[0]"),
        ([entry("transaction", "X")], "entries[0].product"),
        ([entry("user", "a/b\n")], "entries[0].id"),
    ],
)
def test_bad_entries_name_the_entry(entries: Any, field: str) -> None:
    with pytest.raises(erasekit.InputError) as info:
        erasekit.ErasurePlan("user-42", KEY, entries, now_ms())
    assert info.value.details["field"] == field


def test_subject_and_key_are_checked() -> None:
    with pytest.raises(erasekit.InputError):
        erasekit.ErasurePlan("user-42", b"short", [], now_ms())
    with pytest.raises(erasekit.InputError):
        erasekit.ErasurePlan("", KEY, [], now_ms())
    with pytest.raises(erasekit.InputError) as info:
        erasekit.ErasurePlan("user-42", "not bytes", [], now_ms())  # type: ignore[arg-type]
    assert info.value.details["field"] == "subject_key"


def test_extend_deadline_changes_the_plan_and_the_jobs_made_after() -> None:
    p = plan(sms(1))
    due = p.deadline.due_at
    extended = p.extend_deadline(2, "many systems to search")
    assert p.deadline == extended and extended.due_at > due
    assert extended.extension_reason == "many systems to search"
    job = erasekit.ErasureJob(p, seed=1)
    assert job.plan.deadline == extended


# ---- the raw job ------------------------------------------------------------------------------


def test_job_config_defaults_come_from_the_core() -> None:
    job = erasekit.ErasureJob(plan(sms(1)), seed=5)
    config = job.config
    assert config["rate_per_second"] == 170
    assert config["max_in_flight"] == 32
    assert config["max_attempts"] == 8
    assert config["seed"] == 5
    assert config["job_id"] == job.job_id
    assert job.job_id == erasekit.ErasureJob(plan(sms(1)), seed=5).job_id
    assert job.job_id != erasekit.ErasureJob(plan(sms(1))).job_id  # random seed
    assert erasekit.ErasureJob(plan(sms(1)), job_id="erase-user-42").job_id == "erase-user-42"


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"rate_per_second": 0}, "rate_per_second"),
        ({"rate_per_second": "fast"}, "rate_per_second"),
        ({"max_in_flight": 5000}, "max_in_flight"),
        ({"max_attempts": -1}, "max_attempts"),
        ({"seed": 2**64}, "seed"),
        ({"job_id": "bad\nid"}, "job_id"),
        ({"job_id": 3}, "job_id"),
    ],
)
def test_bad_job_settings_name_the_field(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(erasekit.InputError) as info:
        erasekit.ErasureJob(plan(sms(1)), **kwargs)
    assert info.value.details.get("field") == field


def test_the_raw_protocol() -> None:
    t = now_ms()
    job = erasekit.ErasureJob(plan(sms(3)), rate_per_second=2, max_in_flight=2, seed=1, check_target=False)
    c = creds()
    first = job.poll_request(t, c, "http://127.0.0.1:9")
    assert first is not None
    assert first["request"]["url"] == "http://127.0.0.1:9/v1/redact/transaction"
    assert json.loads(first["request"]["body"]) == {"id": "SMS-0", "product": "sms", "type": "outbound"}
    assert job.poll_request(t, c, "http://127.0.0.1:9") is None  # the bucket: 2/s
    assert job.counts()["in_flight"] == 1
    wake = job.poll_timeout(t)
    assert wake is not None and t < wake <= t + 1000  # about 1 / (2/s paced at 97%)
    second = job.poll_request(wake, c, "http://127.0.0.1:9")
    assert second is not None
    assert job.poll_timeout(wake) is None  # two in flight: waits on answers only
    job.handle_response(first["call_id"], {"status": 204}, wake)
    job.handle_failure(second["call_id"], "connection", wake)
    events = []
    while (event := job.poll_event()) is not None:
        events.append(event)
    assert [e["event"] for e in events] == ["started", "operation_finished", "retrying"]
    assert events[2]["event"] == "retrying" and events[2]["reason"] == "connection failed"
    with pytest.raises(erasekit.InputError) as info:
        job.handle_response(first["call_id"], {"status": 204}, wake)  # answered twice
    assert info.value.details["field"] == "call_id"
    with pytest.raises(erasekit.InputError):
        job.handle_failure(99, 5, wake)  # type: ignore[arg-type]
    with pytest.raises(erasekit.JobError) as err:
        job.receipt(SIGNING)
    assert err.value.code == "job_not_finished"
    with pytest.raises(erasekit.InputError):
        job.poll_request(t, "not credentials", None)  # type: ignore[arg-type]


def test_restore_refuses_what_is_not_a_snapshot() -> None:
    for bad in ("", "{}", '{"format": "erasekit-job/0"}', "[1, 2]"):
        with pytest.raises(erasekit.StorageError) as info:
            erasekit.ErasureJob.restore(bad)
        assert info.value.code == "storage"
    with pytest.raises(erasekit.InputError):
        erasekit.ErasureJob.restore(b"{}")  # type: ignore[arg-type]


def test_snapshots_hold_no_secret() -> None:
    t = now_ms()
    entries = sms(2) + [entry("user", "USR-1"), entry("recording", "bbbbbbbb-aaaa-cccc-dddd-0123456789ab")]
    job = erasekit.ErasureJob(plan(entries), seed=3, check_target=False)
    c = creds()
    calls = []
    for _ in range(100):  # paced: one call at a time, a few ms apart
        while (call := job.poll_request(t, c)) is not None:
            calls.append(call)
        wake = job.poll_timeout(t)
        if wake is None:
            break
        t = wake
    assert len(calls) == 4
    headers = [call["request"]["headers"]["authorization"] for call in calls]
    assert any(h.startswith("Bearer ") for h in headers) and any(h.startswith("Basic ") for h in headers)
    snapshot = job.snapshot()
    basic = base64.b64encode(f"abcd1234:{SECRET}".encode()).decode()
    for secret in [SECRET, basic, "PRIVATE KEY", "eyJ", *[h.split()[1] for h in headers]]:
        assert secret not in snapshot
    assert "authorization" not in snapshot
    # In-flight calls are sent again after a restore.
    restored = erasekit.ErasureJob.restore(snapshot)
    again = []
    t += 1000
    for _ in range(100):
        while (call := restored.poll_request(t, c)) is not None:
            again.append(call["op"])
        wake = restored.poll_timeout(t)
        if wake is None:
            break
        t = wake
    assert sorted(again) == sorted(call["op"] for call in calls)


# ---- receipts ---------------------------------------------------------------------------------


def finished_receipt() -> erasekit.Receipt:
    t = now_ms()
    job = erasekit.ErasureJob(plan(sms(2) + [entry("user", "USR-1")]), seed=9, check_target=False)
    c = creds()
    not_found = json.dumps({
        "type": "https://developer.nexmo.com/api-errors#invalid-id", "title": "Invalid ID",
        "detail": "ID 'SMS-1' could not be found (type=MT)", "instance": "trace-404",
    })
    answers: Iterator[erasekit.HttpResponse] = iter(
        [{"status": 204}, {"status": 404, "body": not_found}, {"status": 204}]
    )
    for _ in range(100):
        while (call := job.poll_request(t, c)) is not None:
            job.handle_response(call["call_id"], next(answers), t)
        wake = job.poll_timeout(t)
        if wake is None:
            break
        t = wake
    return job.receipt(SIGNING)


def test_a_receipt_verifies_as_dict_and_as_text() -> None:
    receipt = finished_receipt()
    body = erasekit.verify_receipt(receipt)
    assert body == receipt["receipt"]
    assert erasekit.verify_receipt(json.dumps(receipt, indent=2)) == body
    public = erasekit.receipt_public_key(SIGNING)
    assert receipt["signature"]["public_key"] == public
    assert erasekit.verify_receipt(receipt, public) == body
    assert body["subject_hash"] == plan([], allow_empty=True).subject_hash
    assert "user-42" not in json.dumps(receipt)
    assert [o["state"] for o in body["operations"]] == ["done", "not_found", "done"]
    assert body["counts"]["not_found"] == 1 and body["on_time"] is True
    assert body["operations"][1]["instance"] == "trace-404"
    assert body["operations"][1]["status"] == 404


def _edits(receipt: erasekit.Receipt) -> list[Callable[[dict[str, Any]], None]]:
    def setter(*path_and_value: Any) -> Callable[[dict[str, Any]], None]:
        *path, key, value = path_and_value

        def edit(r: dict[str, Any]) -> None:
            target: Any = r
            for p in path:
                target = target[p]
            target[key] = value

        return edit

    return [
        setter("receipt", "subject_hash", "0" * 64),
        setter("receipt", "counts", "done", 3),
        setter("receipt", "operations", 1, "state", "done"),
        setter("receipt", "operations", 0, "attempts", 2),
        setter("receipt", "operations", 0, "target", "SMS-9"),
        setter("receipt", "deadline", "due_at", receipt["receipt"]["deadline"]["due_at"] + 1),
        setter("receipt", "on_time", False),
        setter("receipt", "finished_at", receipt["receipt"]["finished_at"] + 1),
        setter("receipt", "extra_field", "unsigned"),
        setter("receipt", "operations", 0, "note", "unsigned"),
        setter("signature", "value", "00" * 64),
        lambda r: r["receipt"]["operations"].pop(),
    ]


def test_any_edit_breaks_the_signature() -> None:
    receipt = finished_receipt()
    for i, edit in enumerate(_edits(receipt)):
        edited: dict[str, Any] = copy.deepcopy(dict(receipt))
        edit(edited)
        with pytest.raises(erasekit.ReceiptError) as info:
            erasekit.verify_receipt(edited)
        assert info.value.code == "bad_signature", i


def test_another_key_is_refused_when_the_key_is_given() -> None:
    receipt = finished_receipt()
    with pytest.raises(erasekit.ReceiptError) as info:
        erasekit.verify_receipt(receipt, erasekit.receipt_public_key(bytes(32)))
    assert info.value.code == "bad_signature"
    # Re-signed by someone else: integrity holds, but not the signer.
    forged: dict[str, Any] = copy.deepcopy(dict(receipt))
    forged["signature"]["public_key"] = erasekit.receipt_public_key(bytes(32))
    with pytest.raises(erasekit.ReceiptError):
        erasekit.verify_receipt(forged)


@pytest.mark.parametrize("bad", ["", "not json", "[]", '{"receipt": {}}', '{"receipt": 1, "signature": 2}'])
def test_what_is_not_a_receipt_is_invalid(bad: str) -> None:
    with pytest.raises(erasekit.ReceiptError) as info:
        erasekit.verify_receipt(bad)
    assert info.value.code == "invalid_receipt"


def test_receipt_arguments_are_checked() -> None:
    with pytest.raises(erasekit.InputError):
        erasekit.verify_receipt(5)  # type: ignore[arg-type]
    with pytest.raises(erasekit.InputError):
        erasekit.receipt_public_key(b"short")
    with pytest.raises(erasekit.InputError):
        erasekit.receipt_public_key("00" * 32)  # type: ignore[arg-type]


# ---- the signing key --------------------------------------------------------------------------


def test_signing_key_order_argument_env_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SIGNING_KEY_ENV, raising=False)
    assert signing_key(SIGNING) == SIGNING
    assert signing_key(SIGNING.hex()) == SIGNING
    monkeypatch.setenv(SIGNING_KEY_ENV, (b"\x02" * 32).hex())
    assert signing_key(None) == b"\x02" * 32
    monkeypatch.setenv(SIGNING_KEY_ENV, "zz")
    with pytest.raises(erasekit.InputError):
        signing_key(None)
    monkeypatch.delenv(SIGNING_KEY_ENV)
    ledger = FakeLedger([], path=str(tmp_path / "ledger.db"))
    first = signing_key(None, ledger)
    key_file = tmp_path / SIGNING_KEY_FILE
    assert key_file.read_text().strip() == first.hex()
    assert (key_file.stat().st_mode & 0o777) == 0o600
    assert signing_key(None, ledger) == first
    for bad in (b"short", "abc", 5):
        with pytest.raises(erasekit.InputError):
            signing_key(bad)  # type: ignore[arg-type]
    monkeypatch.chdir(tmp_path)
    assert signing_key(None, FakeLedger([])) == first  # no path: the current directory


# ---- drivers over MockTransport ---------------------------------------------------------------


PROBE_IDS = (
    "erasekit-target-check-0000000000000000",
    "00000000-0000-0000-0000-000000000000",
    "USR-00000000-0000-0000-0000-000000000000",
)


class Vonage:
    """A MockTransport handler: answers from a per-id script, counts concurrency."""

    def __init__(self, script: Optional[dict[str, list[Any]]] = None, delay: float = 0.0) -> None:
        self.script = script or {}
        self.delay = delay
        self.lock = threading.Lock()
        self.active = 0
        self.peak = 0
        self.calls: dict[str, int] = {}

    def _target(self, request: httpx.Request) -> str:
        if request.method == "POST":
            return str(json.loads(request.content)["id"])
        return request.url.path.rsplit("/", 1)[1]

    def answer(self, request: httpx.Request) -> httpx.Response:
        target = self._target(request)
        if target in PROBE_IDS:
            # The job's target check: the not-found Vonage gives for an id that cannot exist.
            code = "invalid-id" if request.method == "POST" else "not-found"
            return httpx.Response(404, json={"type": f"https://developer.nexmo.com/api-errors#{code}", "title": code})
        with self.lock:
            n = self.calls.get(target, 0)
            self.calls[target] = n + 1
        steps = self.script.get(target, [])
        step = steps[n] if n < len(steps) else 204
        if isinstance(step, Exception):
            raise step
        if step == 404:
            return httpx.Response(404, json={
                "type": "https://developer.nexmo.com/api-errors#invalid-id", "title": "Invalid ID",
                "detail": f"ID '{target}' could not be found", "instance": f"trace-{target}",
            })
        return httpx.Response(step, headers={"retry-after": "1"} if step == 429 else {})

    def __call__(self, request: httpx.Request) -> httpx.Response:
        with self.lock:
            self.active += 1
            self.peak = max(self.peak, self.active)
        try:
            if self.delay:
                time.sleep(self.delay)
            return self.answer(request)
        finally:
            with self.lock:
                self.active -= 1

    async def async_handler(self, request: httpx.Request) -> httpx.Response:
        with self.lock:
            self.active += 1
            self.peak = max(self.peak, self.active)
        try:
            if self.delay:
                await asyncio.sleep(self.delay)
            return self.answer(request)
        finally:
            with self.lock:
                self.active -= 1


def fast_job(p: erasekit.ErasurePlan, **kwargs: Any) -> erasekit.ErasureJob:
    settings: dict[str, Any] = {"rate_per_second": 1000, "backoff_base_ms": 10, "backoff_max_ms": 50, "seed": 1}
    settings.update(kwargs)
    return erasekit.ErasureJob(p, **settings)


def test_run_sends_everything_and_returns_a_signed_receipt() -> None:
    vonage = Vonage(
        {"SMS-1": [503, 204], "SMS-2": [httpx.ConnectError("refused"), 204], "SMS-3": [httpx.ReadTimeout("slow"), 204],
         "SMS-4": [404], "SMS-5": [httpx.UnsupportedProtocol("gopher"), 204]},
        delay=0.01,
    )
    job = fast_job(plan(sms(40)), max_in_flight=8)
    events: list[erasekit.JobEvent] = []
    with httpx.Client(transport=httpx.MockTransport(vonage)) as client:
        receipt = job.run(credentials=creds(), client=client, on_progress=events.append, signing_key=SIGNING)
    assert erasekit.verify_receipt(receipt, erasekit.receipt_public_key(SIGNING))
    counts = receipt["receipt"]["counts"]
    assert (counts["done"], counts["not_found"], counts["failed"], counts["retries"]) == (39, 1, 0, 4)
    assert 1 < vonage.peak <= 8
    reasons = sorted(e["reason"] for e in events if e["event"] == "retrying")
    assert reasons[:3] == ["UnsupportedProtocol: gopher (api.nexmo.com)", "connection failed: refused (api.nexmo.com)",
                           "server error 503"]
    assert "timeout: no complete answer from api.nexmo.com within 30000 ms" in reasons
    assert events[0]["event"] == "started" and events[-1]["event"] == "finished"
    assert vonage.calls == {f"SMS-{i}": 2 if i in (1, 2, 3, 5) else 1 for i in range(40)}


def test_run_with_its_own_client_against_nothing_gives_up_cleanly() -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    job = fast_job(plan(sms(2)), max_attempts=2)
    receipt = job.run(credentials=creds(), base_url=f"http://127.0.0.1:{port}", signing_key=SIGNING, timeout=2.0)
    ops = receipt["receipt"]["operations"]
    assert [o["state"] for o in ops] == ["failed", "failed"]
    assert all("connection failed" in (o["problem"] or "") for o in ops)


def test_run_checkpoints_and_forgets_after_success() -> None:
    ledger = FakeLedger(sms(25))
    job = fast_job(erasekit.plan_erasure(ledger, "user-42"), max_in_flight=4)
    with httpx.Client(transport=httpx.MockTransport(Vonage())) as client:
        receipt = job.run(credentials=creds(), client=client, ledger=ledger, checkpoint_every=10)
    states = [s for s, _ in ledger.saves]
    assert states[0] == "running" and states[-1] == "finished"
    assert states.count("running") >= 3  # the start, then every 10 answers
    assert ledger.saves[0][1] == 0 and ledger.saves[-1][1] == 25
    assert ledger.forgotten == [("user-42", receipt["receipt"]["receipt_id"])]
    assert ledger.load_job(job.job_id) is None  # the end of the run deletes its row
    assert ledger.real.receipt(job.job_id) == receipt
    assert receipt["signature"]["public_key"] == ledger.real.receipt_public_key()


def test_a_job_with_failures_keeps_the_subject() -> None:
    ledger = FakeLedger(sms(3))
    job = fast_job(erasekit.plan_erasure(ledger, "user-42"), max_in_flight=1)
    with httpx.Client(transport=httpx.MockTransport(Vonage({"SMS-0": [401]}))) as client:
        receipt = job.run(credentials=creds(), client=client, ledger=ledger)
    assert receipt["receipt"]["counts"]["failed"] == 3  # the 401 stopped the whole sms group
    assert ledger.forgotten == []
    assert len(ledger.entries("user-42")) == 3  # nothing settled, nothing forgotten
    assert ledger.real.receipt(job.job_id) == receipt


def test_interrupt_saves_a_stopped_checkpoint_and_resume_completes() -> None:
    ledger = FakeLedger(sms(30))
    vonage = Vonage(delay=0.005)
    job = fast_job(erasekit.plan_erasure(ledger, "user-42"), max_in_flight=4)

    def interrupt(event: erasekit.JobEvent) -> None:
        if event["event"] == "operation_finished" and event["counts"]["done"] >= 10:
            raise KeyboardInterrupt

    with httpx.Client(transport=httpx.MockTransport(vonage)) as client:
        with pytest.raises(KeyboardInterrupt):
            job.run(credentials=creds(), client=client, ledger=ledger, on_progress=interrupt)
        stored = ledger.load_job(job.job_id)
        assert stored is not None and stored["state"] == "stopped"
        resumed = erasekit.resume_job(ledger, job.job_id)
        assert 10 <= resumed.counts()["done"] < 30
        receipt = resumed.run(credentials=creds(), client=client, ledger=ledger)
    assert receipt["receipt"]["counts"]["done"] == 30
    assert receipt["receipt"]["receipt_id"] == job.job_id
    assert set(vonage.calls) == {f"SMS-{i}" for i in range(30)}
    # Only calls in flight at the interrupt may have been sent twice.
    assert sum(vonage.calls.values()) - 30 <= 4
    with pytest.raises(erasekit.InputError):
        erasekit.resume_job(ledger, "no-such-job")


def test_plan_erasure_passes_times_and_options() -> None:
    ledger = FakeLedger([entry("user", "USR-1")])
    p = erasekit.plan_erasure(ledger, "user-42", now=1_800_000_000_000, received_at=1_799_000_000_000, user_action="scrub")
    assert p.planned_at == 1_800_000_000_000
    assert p.deadline.received_at == 1_799_000_000_000
    assert p.operations[0]["action"] == "scrub_user"
    with pytest.raises(erasekit.InputError) as info:
        erasekit.plan_erasure(ledger, "someone-else")
    assert info.value.code == "unknown_subject"
    assert len(erasekit.plan_erasure(ledger, "someone-else", allow_empty=True)) == 0


def test_run_async_sends_everything() -> None:
    vonage = Vonage({"SMS-1": [503, 204], "SMS-2": [httpx.RemoteProtocolError("closed"), 204]}, delay=0.01)
    job = fast_job(plan(sms(30)), max_in_flight=6)
    ledger = FakeLedger([])
    events: list[erasekit.JobEvent] = []

    async def main() -> erasekit.Receipt:
        async with httpx.AsyncClient(transport=httpx.MockTransport(vonage.async_handler)) as client:
            return await job.run_async(
                credentials=creds(), client=client, ledger=ledger, on_progress=events.append
            )

    receipt = asyncio.run(asyncio.wait_for(main(), 30))
    assert receipt["receipt"]["counts"]["done"] == 30
    assert receipt["receipt"]["counts"]["retries"] == 2
    assert 1 < vonage.peak <= 6
    assert ledger.forgotten == [("user-42", job.job_id)]
    assert any(e["event"] == "retrying" and e["reason"].startswith("connection failed: ") for e in events)


def test_cancelling_run_async_leaves_a_stopped_checkpoint() -> None:
    ledger = FakeLedger(sms(50))
    vonage = Vonage(delay=0.02)
    job = fast_job(erasekit.plan_erasure(ledger, "user-42"), max_in_flight=4)

    async def main() -> None:
        async with httpx.AsyncClient(transport=httpx.MockTransport(vonage.async_handler)) as client:
            task = asyncio.ensure_future(
                job.run_async(credentials=creds(), client=client, ledger=ledger)
            )
            await asyncio.sleep(0.15)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task

    asyncio.run(asyncio.wait_for(main(), 30))
    stored = ledger.load_job(job.job_id)
    assert stored is not None and stored["state"] == "stopped"
    restored = erasekit.ErasureJob.restore(stored["snapshot"])
    assert 0 < restored.counts()["done"] < 50
    assert restored.counts()["in_flight"] == 0


def test_a_finished_up_front_job_runs_without_sending() -> None:
    job = erasekit.ErasureJob(plan([entry("leg", "LEG-1")]), seed=1)
    assert job.is_finished()

    def refuse(request: httpx.Request) -> httpx.Response:
        raise AssertionError("nothing should be sent")

    with httpx.Client(transport=httpx.MockTransport(refuse)) as client:
        receipt = job.run(credentials=creds(), client=client, signing_key=SIGNING)
    assert receipt["receipt"]["counts"]["skipped"] == 1


def test_a_bug_in_a_transport_propagates_after_a_checkpoint() -> None:
    ledger = FakeLedger(sms(3))
    job = fast_job(erasekit.plan_erasure(ledger, "user-42"))

    def broken(request: httpx.Request) -> httpx.Response:
        raise ZeroDivisionError("bug")

    with httpx.Client(transport=httpx.MockTransport(broken)) as client:
        with pytest.raises(ZeroDivisionError):
            job.run(credentials=creds(), client=client, ledger=ledger)
    stored = ledger.load_job(job.job_id)
    assert stored is not None and stored["state"] == "stopped"


def test_a_bad_signing_key_fails_before_anything_is_sent() -> None:
    job = fast_job(plan(sms(1)))

    def refuse(request: httpx.Request) -> httpx.Response:
        raise AssertionError("nothing should be sent")

    with httpx.Client(transport=httpx.MockTransport(refuse)) as client:
        with pytest.raises(erasekit.InputError):
            job.run(credentials=creds(), client=client, signing_key=b"short")
    assert job.counts()["in_flight"] == 0
