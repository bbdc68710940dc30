"""The ``erasekit`` command: dry run, erase, verify, jobs, exit codes and the progress display,
in-process against the simulator; and as a process killed with SIGKILL (or stopped with
SIGTERM) mid-job, then ``erasekit resume`` to the end with nothing lost."""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

import erasekit
from erasekit._progress import Progress, format_duration
from erasekit.cli import main
from conftest import KEYS, REPO, now_ms

from sim import Simulator  # on the path: conftest puts tests/simulator/clients there

HOUR = 3_600_000
SUBJECT = "user-42"
SIGNING = bytes([5]) * 32



@pytest.fixture(autouse=True)
def no_target_or_clock_from_the_shell(monkeypatch: pytest.MonkeyPatch) -> None:
    """A VONAGE_BASE_URL or ERASEKIT_NOW exported in the shell running the tests must not
    change what they check (or where a run would go)."""
    monkeypatch.delenv("VONAGE_BASE_URL", raising=False)
    monkeypatch.delenv("ERASEKIT_NOW", raising=False)


@pytest.fixture
def env(sim: Simulator, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    values = {
        "VONAGE_API_KEY": sim.api_key,
        "VONAGE_API_SECRET": sim.api_secret,
        "VONAGE_APPLICATION_ID": sim.application_id,
        "VONAGE_PRIVATE_KEY_PATH": str(KEYS / "app_private.pem"),
        "ERASEKIT_SIGNING_KEY": SIGNING.hex(),
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return values


def seed(sim: Simulator, db: Path, n: int, *, products: tuple[str, ...] = ("sms",), users: int = 0,
         now: int | None = None) -> None:
    """``n`` records per product in the simulator and the ledger, two hours old (in the ledger:
    two hours before ``now`` when given, for runs whose clock is pinned)."""
    created = (now_ms() if now is None else now) - 2 * HOUR
    records = [{"product": p, "id": f"{p}-{i}", "age_ms": 2 * HOUR} for p in products for i in range(n)]
    entries: list[dict[str, Any]] = [
        {"kind": "transaction", "product": r["product"], "direction": None, "id": r["id"],
         "created_at": created, "source": "test", "extra": {}}
        for r in records
    ]
    entries += [{"kind": "user", "product": None, "direction": None, "id": f"USR-{i}",
                 "created_at": created, "source": "test", "extra": {}} for i in range(users)]
    sim.seed({"records": records, "users": [{"id": f"USR-{i}", "name": f"u{i}"} for i in range(users)]})
    with erasekit.Ledger.sqlite(db) as ledger:
        ledger.record(SUBJECT, entries)  # type: ignore[arg-type]


def redactions(sim: Simulator) -> dict[str, int]:
    return {r["id"]: r["count"] for r in sim.state()["redactions"]}


# ---- in process -------------------------------------------------------------------------------


def test_dry_run_prints_the_plan_and_sends_nothing(
    sim: Simulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "ledger.db"
    seed(sim, db, 2, users=1, now=1_770_717_600_000)  # 2026-02-10T10:00:00Z, as --now below
    host = sim.base_url.split("//", 1)[1]
    dry = ["erase", SUBJECT, "--ledger", str(db), "--base-url", sim.base_url, "--dry-run",
           "--received-at", "2026-01-31T10:00:00Z", "--now", "2026-02-10T10:00:00Z"]
    code = main(dry)
    out = capsys.readouterr().out
    assert code == 0
    assert "dry run: 3 operations, 3 to send, nothing sent" in out
    assert "deadline 2026-02-28T10:00:00Z (received 2026-01-31T10:00:00Z; 18 days left)" in out
    # A summary per action and product, not a line per id: the ids only with --verbose.
    assert f"3 calls to {host} at 170/s: about 0:01 of sending" in out
    assert "        2  redact sms               2 to send, about 0:01" in out
    assert "        1  delete_user              1 to send, about 0:01" in out
    assert "USR-0" not in out and "[now]" not in out
    code = main(dry + ["--verbose"])
    out = capsys.readouterr().out
    assert code == 0
    assert f"DELETE {sim.base_url}/v1/users/USR-0  [now]" in out
    assert out.count(f"POST   {sim.base_url}/v1/redact/transaction  [now]") == 2
    assert SUBJECT not in out
    assert sim.state()["routes"] == {}
    code = main(["erase", SUBJECT, "--ledger", str(db), "--dry-run", "--json", "--delete-legs"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0
    assert [c["url"] for c in doc["calls"]][:1] == ["https://api.nexmo.com/v1/redact/transaction"]
    assert doc["deadline"]["extension_months"] == 0
    assert [(g["action"], g["product"], g["pending"]) for g in doc["summary"]["groups"]] == [
        ("redact", "sms", 2), ("delete_user", None, 1)]
    with erasekit.Ledger.sqlite(db) as ledger:
        assert len(ledger.entries(SUBJECT)) == 3 and ledger.jobs() == []


def test_erase_then_verify(
    sim: Simulator, env: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "ledger.db"
    seed(sim, db, 20, products=("sms", "voice"), users=2)
    out_path = tmp_path / "receipt.json"
    code = main(["erase", SUBJECT, "--ledger", str(db), "--base-url", sim.base_url, "--receipt-out", str(out_path)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "42 operations: 42 done, 0 not found" in captured.out
    assert f"receipt written to {out_path}" in captured.out
    with erasekit.Ledger.sqlite(db) as ledger:
        public = ledger.receipt_public_key()
    assert f"signed by {public}" in captured.out  # the ledger's own receipt key
    assert "42/42" in captured.err and "ETA done" in captured.err  # plain progress lines
    assert len(redactions(sim)) == 40
    receipt = json.loads(out_path.read_text())
    assert erasekit.verify_receipt(receipt)["counts"]["done"] == 42
    with erasekit.Ledger.sqlite(db) as ledger:
        assert ledger.entries(SUBJECT) == []
        assert [t["receipt_id"] for t in ledger.tombstones(SUBJECT)] == [receipt["receipt"]["receipt_id"]]
        assert ledger.receipt(receipt["receipt"]["receipt_id"]) == receipt
    # `resume` of the finished job points at its stored receipt instead of saying "no job".
    job_id = receipt["receipt"]["receipt_id"]
    capsys.readouterr()
    assert main(["resume", job_id, "--ledger", str(db)]) == 2
    assert f"erasekit receipt {job_id} --ledger {db}" in capsys.readouterr().err
    # The stored receipt, written again by `erasekit receipt`.
    copy = tmp_path / "copy.json"
    assert main(["receipt", receipt["receipt"]["receipt_id"], "--ledger", str(db), "--out", str(copy)]) == 0
    assert json.loads(copy.read_text()) == receipt
    capsys.readouterr()
    assert main(["receipt", "job-none", "--ledger", str(db)]) == 1
    assert "no receipt for job job-none" in capsys.readouterr().err

    # Without a trusted key only integrity can be checked: said plainly, and not a success.
    assert main(["verify", str(out_path)]) == 1
    captured = capsys.readouterr()
    assert "signature valid" not in captured.out
    assert "integrity only: signature matches the key inside the receipt, which proves nothing " \
        "about who signed it" in captured.err
    assert main(["verify", str(out_path), "--public-key", public]) == 0
    assert "signature valid, signed by the trusted key" in capsys.readouterr().out
    assert main(["verify", str(out_path), "--public-key", erasekit.receipt_public_key(bytes(32))]) == 1
    assert "bad_signature" in capsys.readouterr().err
    receipt["receipt"]["operations"][0]["state"] = "not_found"
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(receipt))
    assert main(["verify", str(edited), "--public-key", public]) == 1
    assert "NOT VALID (bad_signature)" in capsys.readouterr().err
    edited.write_text("{}")
    assert main(["verify", str(edited)]) == 1
    assert "invalid_receipt" in capsys.readouterr().err
    assert main(["verify", str(tmp_path / "missing.json")]) == 2


def test_failures_exit_1_with_a_summary(
    sim: Simulator, env: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "ledger.db"
    seed(sim, db, 3, products=("sms", "verify"))
    sim.settings({"unprovisioned_products": ["verify"]})
    try:
        code = main(["erase", SUBJECT, "--ledger", str(db), "--base-url", sim.base_url, "--quiet",
                     "--max-in-flight", "1", "--receipt-out", str(tmp_path / "r.json")])
    finally:
        sim.settings({"unprovisioned_products": []})
    captured = capsys.readouterr()
    assert code == 1
    assert "6 operations: 3 done, 0 not found, 0 expired, 0 skipped, 3 failed" in captured.out
    assert "3 operations failed; their entries stay in the ledger" in captured.err
    assert "ids arrived" not in captured.err
    # The target check found the 403 before any verify operation was sent; the failures are
    # grouped by cause with a count: one line for the three, not one per operation.
    causes = [line.strip() for line in captured.err.splitlines() if " × " in line]
    assert len(causes) == 1, captured.err
    assert causes[0].startswith("3 × redact verify: target check failed: verify answered 403"), causes
    with erasekit.Ledger.sqlite(db) as ledger:
        # The 3 settled entries are forgotten; the 3 failed ones stay for a new erase.
        assert sorted(e["id"] for e in ledger.entries(SUBJECT)) == ["verify-0", "verify-1", "verify-2"]
        assert ledger.jobs() == [] and len(ledger.receipts()) == 1


def test_usage_errors_exit_2(
    sim: Simulator, env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db = tmp_path / "ledger.db"
    seed(sim, db, 1)
    assert main(["resume", "no-such-job", "--ledger", str(db)]) == 2
    assert 'no job "no-such-job" in the ledger (job_not_found)' in capsys.readouterr().err
    monkeypatch.delenv("VONAGE_API_SECRET")
    assert main(["erase", SUBJECT, "--ledger", str(db)]) == 2
    assert "VONAGE_API_KEY and VONAGE_API_SECRET" in capsys.readouterr().err
    monkeypatch.setenv("VONAGE_API_SECRET", "x")
    monkeypatch.setenv("VONAGE_PRIVATE_KEY_PATH", str(tmp_path / "missing.pem"))
    assert main(["erase", SUBJECT, "--ledger", str(db)]) == 2
    assert "cannot read" in capsys.readouterr().err
    monkeypatch.delenv("VONAGE_PRIVATE_KEY_PATH")
    monkeypatch.delenv("VONAGE_APPLICATION_ID")
    # An unwritable --receipt-out is refused before anything is sent.
    assert main(["erase", SUBJECT, "--ledger", str(db), "--base-url", sim.base_url,
                 "--receipt-out", str(tmp_path / "no-dir" / "r.json")]) == 2
    assert "--receipt-out" in capsys.readouterr().err
    # A subject the ledger never saw, and a ledger that does not exist: errors, nothing written.
    assert main(["erase", "never-seen", "--ledger", str(db), "--base-url", sim.base_url]) == 2
    assert "unknown_subject" in capsys.readouterr().err
    assert main(["erase", SUBJECT, "--ledger", str(tmp_path / "other.db"), "--base-url", sim.base_url]) == 2
    assert "ledger not found: no SQLite ledger" in capsys.readouterr().err
    assert not (tmp_path / "other.db").exists()
    assert sim.state()["routes"] == {}
    with erasekit.Ledger.sqlite(db) as ledger:
        assert ledger.receipts() == [] and ledger.tombstones("never-seen") == []
    with pytest.raises(SystemExit) as exit_info:
        main(["erase", SUBJECT])  # --ledger is required
    assert exit_info.value.code == 2
    for bad in ("nan", "0.5", "inf", "x"):
        with pytest.raises(SystemExit) as exit_info:
            main(["erase", SUBJECT, "--ledger", str(db), "--lease", bad])
        assert exit_info.value.code == 2
    assert main(["erase", SUBJECT, "--ledger", str(tmp_path / "no-dir" / "x.db")]) == 2
    assert f"cannot open the ledger {tmp_path / 'no-dir' / 'x.db'}: " in capsys.readouterr().err


def test_an_empty_erasure_only_on_purpose_and_a_new_ledger_only_with_create(
    sim: Simulator, env: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "new.db"
    code = main(["erase", "never-seen", "--ledger", str(db), "--base-url", sim.base_url, "--quiet",
                 "--create", "--allow-empty", "--receipt-out", str(tmp_path / "r.json")])
    assert code == 0, capsys.readouterr().err
    assert "0 operations" in capsys.readouterr().out
    with erasekit.Ledger.sqlite(db, create=False) as ledger:
        assert len(ledger.tombstones("never-seen")) == 1 and len(ledger.receipts()) == 1


def test_ids_recorded_during_the_erasure_stay_and_are_reported(
    sim: Simulator, env: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import threading

    db = tmp_path / "ledger.db"
    seed(sim, db, 20)
    late: list[dict[str, Any]] = [{"kind": "transaction", "product": "sms", "direction": None, "id": "sms-late",
             "created_at": now_ms() - 2 * HOUR, "source": "test", "extra": {}}]

    def webhook() -> None:  # a webhook handler records a new id while the job runs
        time.sleep(0.5)
        with erasekit.Ledger.sqlite(db) as other:
            other.record(SUBJECT, late)  # type: ignore[arg-type]

    recorder = threading.Thread(target=webhook)
    recorder.start()
    code = main(["erase", SUBJECT, "--ledger", str(db), "--base-url", sim.base_url, "--quiet", "--rate", "10",
                 "--receipt-out", str(tmp_path / "r.json")])
    recorder.join()
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "1 of the subject's entries remain in the ledger (failed, or recorded during the erasure); run erase again" in captured.err
    with erasekit.Ledger.sqlite(db) as ledger:
        assert [e["id"] for e in ledger.entries(SUBJECT)] == ["sms-late"]  # kept, never redacted
        assert ledger.tombstones(SUBJECT) == []  # the subject stays
        assert len(ledger.receipts()) == 1


@pytest.fixture(scope="module")
def pg_url() -> str:
    """A ``postgresql://`` URL to the throwaway server (``ERASEKIT_PG_DSN`` or scripts/pg.sh)."""
    dsn = os.environ.get("ERASEKIT_PG_DSN")
    if not dsn:
        started = subprocess.run(
            [str(REPO / "scripts" / "pg.sh"), "start"], check=True, capture_output=True, text=True, timeout=120
        )
        dsn = started.stdout.strip().splitlines()[-1]
    assert dsn.startswith("postgresql://"), dsn
    return dsn


def test_erase_with_a_postgresql_ledger(
    sim: Simulator, env: dict[str, str], tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import psycopg

    schema = f"erasekit_cli_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}".encode())
    url = f"{pg_url}?options=-c%20search_path%3D{schema}"
    created = now_ms() - 2 * HOUR
    sim.seed({"records": [{"product": "voice", "id": f"call-{i}", "age_ms": 2 * HOUR} for i in range(5)]})
    with erasekit.Ledger.postgres(url) as ledger:
        ledger.record(SUBJECT, [{"kind": "transaction", "product": "voice", "direction": None, "id": f"call-{i}",
                                 "created_at": created, "source": "test", "extra": {}} for i in range(5)])
    monkeypatch.chdir(tmp_path)
    assert main(["erase", SUBJECT, "--ledger", url, "--base-url", sim.base_url, "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "5 operations: 5 done" in out
    (receipt_file,) = tmp_path.glob("erasekit-receipt-*.json")
    assert erasekit.verify_receipt(receipt_file.read_text())["counts"]["done"] == 5
    assert len(redactions(sim)) == 5
    with erasekit.Ledger.postgres(url) as ledger:
        assert ledger.entries(SUBJECT) == [] and len(ledger.tombstones(SUBJECT)) == 1
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE".encode())


# ---- the progress display ---------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_on_a_terminal() -> None:
    t = now_ms()
    plan = erasekit.ErasurePlan("s", b"0123456789abcdef", [
        {"kind": "transaction", "product": "sms", "direction": None, "id": f"S{i}",
         "created_at": t - 2 * HOUR, "source": "t", "extra": {}} for i in range(4)
    ], t)
    job = erasekit.ErasureJob(plan, seed=1, check_target=False)  # raw calls, never answered here
    clock = Clock()
    stream = Tty()
    bar = Progress(job, stream, clock=clock)
    assert bar.tty and bar.interval == 0.1
    creds = erasekit.Credentials(api_key="k", api_secret="s")
    calls = []
    for _ in range(100):  # the limiter paces calls a few ms apart
        while (call := job.poll_request(t, creds)) is not None:
            calls.append(call)
        wake = job.poll_timeout(t)
        if wake is None:
            break
        t = wake
    clock.t += 2.0
    job.handle_response(calls[0]["call_id"], {"status": 204}, t)
    job.handle_response(calls[1]["call_id"], {"status": 503}, t)
    while (event := job.poll_event()) is not None:
        bar(event)
    text = stream.getvalue()
    assert "\r\x1b[2K[" in text
    last = text.rsplit("\r\x1b[2K", 1)[1]
    assert last.startswith("[######------------------] 1/4   25%")
    # 4 calls sent in 2 s: the rate counts calls sent, not operations finished.
    assert "2.0/s" in last and "retries 1" in last and "ETA 0:02" in last
    bar.close()
    assert stream.getvalue().endswith("\n")


def test_progress_lines_without_a_terminal() -> None:
    job = erasekit.ErasureJob(erasekit.ErasurePlan("s", b"0123456789abcdef", [], now_ms(), allow_empty=True), seed=1)
    stream = io.StringIO()
    bar = Progress(job, stream)
    assert not bar.tty and bar.interval == 2.0
    bar.close()
    assert stream.getvalue() == "0/0  100%     0.0/s  retries 0  429s 0  failed 0  ETA done\n"
    assert format_duration(3723) == "1:02:03" and format_duration(61.4) == "1:01"


# ---- as a process: SIGKILL, SIGTERM, resume ---------------------------------------------------


def command() -> list[str]:
    script = Path(sys.executable).parent / "erasekit"
    return [str(script)] if script.exists() else [sys.executable, "-m", "erasekit.cli"]


def test_the_console_script_is_installed() -> None:
    script = shutil.which("erasekit", path=str(Path(sys.executable).parent))
    assert script is not None
    result = subprocess.run([script, "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "erase" in result.stdout and "VONAGE_API_KEY" in result.stdout


def wait_for(predicate: Any, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@pytest.mark.parametrize("stop", ["SIGKILL", "SIGTERM"])
def test_a_stopped_process_resumes_to_the_end_with_nothing_lost(
    stop: str, sim: Simulator, env: dict[str, str], tmp_path: Path
) -> None:
    n, checkpoint_every, in_flight = 300, 100, 4  # the core's checkpoint cadence
    db = tmp_path / "ledger.db"
    seed(sim, db, n)
    base = ["--ledger", str(db), "--base-url", sim.base_url]
    log = (tmp_path / "erase.log").open("w")
    proc = subprocess.Popen(
        command() + ["erase", SUBJECT, *base, "--rate", "40", "--max-in-flight", str(in_flight),
                     "--receipt-out", str(tmp_path / "first.json"),
                     "--lease", "3"],
        stdout=log, stderr=subprocess.STDOUT, env=dict(os.environ), cwd=tmp_path,
    )
    try:
        wait_for(lambda: len(redactions(sim)) >= 80, 60)
        proc.send_signal(signal.SIGKILL if stop == "SIGKILL" else signal.SIGTERM)
        code = proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        log.close()
    output = (tmp_path / "erase.log").read_text()
    assert code == (-signal.SIGKILL if stop == "SIGKILL" else 130), output
    assert not (tmp_path / "first.json").exists()
    before = redactions(sim)
    assert 80 <= len(before) < n
    with erasekit.Ledger.sqlite(db) as ledger:
        (job,) = ledger.jobs()
    assert job["state"] == ("running" if stop == "SIGKILL" else "stopped")
    if stop == "SIGTERM":
        assert f"erasekit resume {job['job_id']} --ledger {db}" in output
    # A second erase of the same subject points at the unfinished job instead of starting over.
    again = subprocess.run(command() + ["erase", SUBJECT, *base], capture_output=True, text=True,
                           timeout=60, env=dict(os.environ), cwd=tmp_path)
    assert again.returncode == 2 and f"erasekit resume {job['job_id']}" in again.stderr
    assert redactions(sim) == before
    if stop == "SIGKILL":
        # The killed run's lease still lives: nobody may take its job over yet.
        busy = subprocess.run(command() + ["resume", job["job_id"], *base], capture_output=True, text=True,
                              timeout=60, env=dict(os.environ), cwd=tmp_path)
        assert busy.returncode == 2 and "subject_busy" in busy.stderr, busy.stderr
        assert redactions(sim) == before
        time.sleep(3.2)  # then its lease expires

    result = subprocess.run(
        command() + ["resume", job["job_id"], *base, "--receipt-out", str(tmp_path / "receipt.json")],
        capture_output=True, text=True, timeout=120, env=dict(os.environ), cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert f"{n} operations: {n} done" in result.stdout
    receipt = json.loads((tmp_path / "receipt.json").read_text())
    with erasekit.Ledger.sqlite(db) as ledger:
        body = erasekit.verify_receipt(receipt, ledger.receipt_public_key())
    assert body["receipt_id"] == job["job_id"] and body["counts"]["done"] == n
    after = redactions(sim)
    assert set(after) == {f"sms-{i}" for i in range(n)}  # nothing lost
    duplicates = sum(count - 1 for count in after.values())
    # Only what was answered after the last checkpoint, or in flight, is sent again.
    assert duplicates <= checkpoint_every + in_flight, duplicates
    if stop == "SIGTERM":
        assert duplicates <= in_flight  # the stop saved the exact state but for calls in flight
    with erasekit.Ledger.sqlite(db) as ledger:
        assert ledger.entries(SUBJECT) == [] and ledger.jobs() == []
