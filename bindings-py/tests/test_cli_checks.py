"""The ``erasekit`` command before it sends anything: options refused up front (exit 2, one
line, no traceback, no job saved), the target (``VONAGE_BASE_URL``, the go-ahead before calls
leave this machine), the pinned clock (``--now``, ``ERASEKIT_NOW``), verification against a
trusted key only, failures grouped by cause and a rate of calls actually sent."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

import erasekit
import erasekit.cli
from erasekit._progress import Progress
from erasekit.cli import main

from sim import Simulator  # on the path: conftest puts tests/simulator/clients there
from test_cli import (  # noqa: F401 (env and no_target_or_clock_from_the_shell: fixtures)
    SIGNING, SUBJECT, Clock, Tty, env, no_target_or_clock_from_the_shell, redactions, seed,
)

HOUR = 3_600_000
T0 = 1_767_225_600_000  # 2026-01-01T00:00:00Z: no expectation here depends on today's date


def saved_jobs(db: Path) -> list[Any]:
    with erasekit.Ledger.sqlite(db) as ledger:
        return ledger.jobs()


def one_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, text
    assert "Traceback" not in text
    return lines[0]


# ---- options refused up front --------------------------------------------------------------


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--timeout", "nan"], "--timeout: must be a number of seconds above 0"),
        (["--timeout", "inf"], "--timeout: must be a number of seconds above 0"),
        (["--timeout", "0"], "--timeout: must be a number of seconds above 0"),
        (["--timeout", "-1"], "--timeout: must be a number of seconds above 0"),
        (["--now", "yesterday"], "--now: not a time: 'yesterday'"),
    ],
)
def test_bad_options_exit_2_in_one_line(
    sim: Simulator, env: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str],
    extra: list[str], message: str,
) -> None:
    db = tmp_path / "ledger.db"
    seed(sim, db, 2)
    with pytest.raises(SystemExit) as exit_info:
        main(["erase", SUBJECT, "--ledger", str(db), "--base-url", sim.base_url, *extra])
    assert exit_info.value.code == 2
    line = one_line(capsys.readouterr().err)
    assert line.startswith("erasekit erase: argument ") and message in line and line.endswith("(see erasekit erase --help)")
    assert saved_jobs(db) == [] and sim.state()["routes"] == {}


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--rate", "0"], "erasekit: --rate: must be 1 to 1000000"),
        (["--max-in-flight", "0"], "erasekit: --max-in-flight: must be 1 to 1024"),
        (["--base-url", "ftp://example.com"], "erasekit: --base-url: "),
        (["--base-url", "not a url"], "erasekit: --base-url: "),
        (["--json"], "erasekit: --json goes with --dry-run"),
        (["--verbose"], "erasekit: --verbose goes with --dry-run"),
    ],
)
def test_values_the_core_refuses_exit_2_before_anything_is_saved(
    sim: Simulator, env: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str],
    extra: list[str], message: str,
) -> None:
    db = tmp_path / "ledger.db"
    seed(sim, db, 2)
    args = ["erase", SUBJECT, "--ledger", str(db)]
    if "--base-url" not in extra:
        args += ["--base-url", sim.base_url]
    assert main(args + extra) == 2
    assert one_line(capsys.readouterr().err).startswith(message)
    # No "stopped" job is left to block the next erase, and nothing went out.
    assert saved_jobs(db) == [] and sim.state()["routes"] == {}
    assert main(["erase", SUBJECT, "--ledger", str(db), "--base-url", sim.base_url, "--quiet",
                 "--receipt-out", str(tmp_path / "r.json")]) == 0


def test_a_binary_or_unreadable_private_key_exits_2_naming_the_path_only(
    sim: Simulator, env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db = tmp_path / "ledger.db"
    seed(sim, db, 1)
    binary = tmp_path / "key.der"
    binary.write_bytes(b"\x30\x82\xff\xfe\x00secret-bytes")
    monkeypatch.setenv("VONAGE_PRIVATE_KEY_PATH", str(binary))
    assert main(["erase", SUBJECT, "--ledger", str(db), "--base-url", sim.base_url]) == 2
    line = one_line(capsys.readouterr().err)
    assert f"{binary} is not a PEM text file" in line and "secret" not in line
    monkeypatch.setenv("VONAGE_PRIVATE_KEY_PATH", str(tmp_path))  # a directory
    assert main(["erase", SUBJECT, "--ledger", str(db), "--base-url", sim.base_url]) == 2
    assert "VONAGE_PRIVATE_KEY_PATH: cannot read" in one_line(capsys.readouterr().err)
    assert saved_jobs(db) == [] and sim.state()["routes"] == {}


# ---- the target: VONAGE_BASE_URL, what is printed, the go-ahead ------------------------------


def test_vonage_base_url_is_the_target_and_is_printed_with_counts_and_deadline(
    sim: Simulator, env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db = tmp_path / "ledger.db"
    seed(sim, db, 3)
    monkeypatch.setenv("VONAGE_BASE_URL", sim.base_url)
    host = sim.base_url.split("//", 1)[1]
    code = main(["erase", SUBJECT, "--ledger", str(db), "--quiet", "--received-at", "2026-01-31T10:00:00Z",
                 "--receipt-out", str(tmp_path / "r.json")])
    err = capsys.readouterr().err
    assert code == 0, err
    assert f"3 operations, 3 left to send to {host}" in err
    assert "erasekit:        3  redact sms               3 to send, about 0:01\n" in err
    assert "erasekit: deadline 2026-02-28T10:00:00Z (received 2026-01-31T10:00:00Z" in err
    assert len(redactions(sim)) == 3  # the rehearsal went to the simulator, not to Vonage
    # The flag wins over the environment.
    monkeypatch.setenv("VONAGE_BASE_URL", "https://api.nexmo.com")
    seed(sim, db, 1)
    assert main(["erase", SUBJECT, "--ledger", str(db), "--quiet", "--base-url", sim.base_url,
                 "--receipt-out", str(tmp_path / "r2.json")]) == 0


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_remote_host_needs_a_go_ahead(
    sim: Simulator, env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db = tmp_path / "ledger.db"
    seed(sim, db, 2)
    remote = ["erase", SUBJECT, "--ledger", str(db), "--base-url", "https://api-eu.vonage.com"]
    # No terminal to ask (CI): refused, with what to do.
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(remote) == 2
    err = capsys.readouterr().err
    assert "to api-eu.vonage.com" in err  # the target was printed first
    assert err.splitlines()[-1] == (
        "erasekit: not sending to api-eu.vonage.com without a go-ahead and there is no terminal "
        "to ask: check the target above, then pass --yes")
    # On a terminal: asked; anything but yes sends nothing.
    monkeypatch.setattr("sys.stdin", Terminal("n\n"))
    assert main(remote) == 2
    err = capsys.readouterr().err
    assert "send these calls to api-eu.vonage.com? [y/N]" in err
    assert err.splitlines()[-1].endswith("erasekit: nothing sent (not confirmed)")
    assert saved_jobs(db) == []
    # "y" (or --yes) goes on to the run. Nothing may reach the real host from a test: the run
    # itself is replaced by a stand-in that records it was reached.
    runs: list[str] = []

    def stand_in(job: erasekit.ErasureJob, *rest: Any, **named: Any) -> int:
        runs.append(job.job_id)
        return 0

    monkeypatch.setattr(erasekit.cli, "_run", stand_in)
    monkeypatch.setattr("sys.stdin", Terminal("y\n"))
    assert main(remote) == 0 and len(runs) == 1
    assert "send these calls to api-eu.vonage.com? [y/N]" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(remote + ["--yes"]) == 0 and len(runs) == 2
    assert "[y/N]" not in capsys.readouterr().err
    monkeypatch.undo()
    # This machine needs no go-ahead.
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["erase", SUBJECT, "--ledger", str(db), "--base-url", sim.base_url.replace("127.0.0.1", "localhost"),
                 "--quiet", "--receipt-out", str(tmp_path / "r.json")]) == 0


# ---- the clock ---------------------------------------------------------------------------


def test_the_clock_is_pinned_by_now_or_erasekit_now(
    sim: Simulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    db = tmp_path / "ledger.db"
    entry: dict[str, Any] = {"kind": "transaction", "product": "sms", "direction": None, "id": "S1",
             "created_at": T0 - 2 * HOUR, "source": "test", "extra": {}}
    with erasekit.Ledger.sqlite(db) as ledger:
        ledger.record(SUBJECT, [entry])  # type: ignore[list-item]
    dry = ["erase", SUBJECT, "--ledger", str(db), "--dry-run"]
    monkeypatch.setenv("ERASEKIT_NOW", "2026-01-01T00:00:00Z")
    assert main(dry) == 0
    out = capsys.readouterr().out
    assert "deadline 2026-02-01T00:00:00Z (received 2026-01-01T00:00:00Z; 31 days left)" in out
    assert "finishing at the earliest 2026-01-01T00:00:00Z" in out
    assert main(dry + ["--now", str(T0 + 40 * 86_400_000)]) == 0  # --now wins; ms work too
    assert "(received 2026-02-10T00:00:00Z; 28 days left)" in capsys.readouterr().out
    assert main(dry + ["--received-at", "2026-01-01T00:00:00Z", "--now", "2026-02-03T00:00:00Z"]) == 0
    assert "; OVERDUE by 2 days)" in capsys.readouterr().out
    monkeypatch.setenv("ERASEKIT_NOW", "soon")
    assert main(dry) == 2
    assert one_line(capsys.readouterr().err).startswith("erasekit: ERASEKIT_NOW: not a time: 'soon'")


# ---- verify against a trusted key ----------------------------------------------------------


def test_verify_with_the_ledgers_receipt_key(
    sim: Simulator, env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    if not hasattr(erasekit.Ledger, "receipt_public_key"):
        pytest.skip("Ledger.receipt_public_key() (the ledger's own receipt key) is not in this build yet")
    monkeypatch.delenv("ERASEKIT_SIGNING_KEY")  # signed with the ledger's own receipt key
    db = tmp_path / "ledger.db"
    seed(sim, db, 2)
    out_path = tmp_path / "receipt.json"
    assert main(["erase", SUBJECT, "--ledger", str(db), "--base-url", sim.base_url, "--quiet",
                 "--receipt-out", str(out_path)]) == 0
    capsys.readouterr()
    assert main(["verify", str(out_path), "--ledger", str(db)]) == 0
    assert "signature valid, signed by the ledger's receipt key" in capsys.readouterr().out
    other = tmp_path / "other.db"
    seed(sim, other, 1)
    assert main(["verify", str(out_path), "--ledger", str(other)]) == 1
    assert "NOT VALID (bad_signature)" in capsys.readouterr().err


def test_verify_refuses_a_receipt_signed_by_someone_else(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = erasekit.ErasurePlan("victim", b"0123456789abcdef", [], T0, allow_empty=True)
    forged = erasekit.ErasureJob(plan, seed=1).receipt(bytes([9]) * 32)  # an attacker's own key
    path = tmp_path / "forged.json"
    path.write_text(json.dumps(forged))
    assert main(["verify", str(path)]) == 1
    captured = capsys.readouterr()
    assert "signature valid" not in captured.out and "integrity only" in captured.err
    assert main(["verify", str(path), "--public-key", erasekit.receipt_public_key(SIGNING)]) == 1
    assert "signed by a different key" in capsys.readouterr().err
    assert main(["verify", str(path), "--ledger", str(tmp_path / "missing.db")]) == 2
    assert "--ledger: no ledger at" in capsys.readouterr().err
    assert not (tmp_path / "missing.db").exists()


# ---- failures by cause, and a rate of calls sent -------------------------------------------


def test_a_wrong_secret_gives_one_line_per_cause(
    sim: Simulator, env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db = tmp_path / "ledger.db"
    seed(sim, db, 20)
    monkeypatch.setenv("VONAGE_API_SECRET", "wrong-secret")
    code = main(["erase", SUBJECT, "--ledger", str(db), "--base-url", sim.base_url, "--quiet",
                 "--max-in-flight", "1", "--receipt-out", str(tmp_path / "r.json")])
    captured = capsys.readouterr()
    err, out = captured.err, captured.out
    assert code == 1
    assert "20 operations failed; their entries stay in the ledger" in err
    causes = [line for line in err.splitlines() if " × " in line]
    assert 1 <= len(causes) <= 2, err  # the call answered 401, and the ones it stopped
    assert sum(int(line.split("×")[0]) for line in causes) == 20
    assert "wrong-secret" not in err
    body = json.loads((tmp_path / "r.json").read_text())["receipt"]
    if "complete" in body:  # receipts that say whether every operation was settled
        assert "INCOMPLETE" in out and "LATE" not in out
    if any(c["result"] == "failed" for c in body.get("target_checks", [])):
        assert "target check failed: sms " in err and "answered HTTP 401" in err


def test_the_rate_counts_only_calls_sent() -> None:
    t = T0
    entries: list[dict[str, Any]] = [{"kind": "transaction", "product": "sms", "direction": None, "id": f"S{i}",
                "created_at": t - 2 * HOUR, "source": "t", "extra": {}} for i in range(20)]
    job = erasekit.ErasureJob(erasekit.ErasurePlan("s", b"0123456789abcdef", entries, t),  # type: ignore[arg-type]
                              seed=1, max_in_flight=1)
    clock = Clock()
    stream = io.StringIO()
    bar = Progress(job, stream, clock=clock, interval=0.0)
    call = job.poll_request(t, erasekit.Credentials(api_key="k", api_secret="wrong"))
    assert call is not None and job.calls_sent == 1
    clock.t += 1.0
    job.handle_response(call["call_id"], {"status": 401, "body": b'{"type":"https://developer.nexmo.com/api-errors#unauthorized","title":"Unauthorized"}'}, t)
    while (event := job.poll_event()) is not None:
        bar(event)
    bar.close()
    last = stream.getvalue().splitlines()[-1]
    # One call in one second: 1.0/s, though 20 operations ended (one answer stopped the rest).
    assert last.startswith("20/20  100%     1.0/s"), last
    assert job.counts()["failed"] == 20 and job.calls_sent == 1


def test_a_long_wait_is_shown_at_once() -> None:
    job = erasekit.ErasureJob(erasekit.ErasurePlan("s", b"0123456789abcdef", [], T0, allow_empty=True), seed=1)
    stream = Tty()
    bar = Progress(job, stream, clock=Clock())
    bar.last_drawn = bar.clock()  # just drawn: only an urgent event draws again now
    bar({"event": "waiting", "until": T0 + 59 * 60_000, "counts": job.counts()})
    assert "waiting until 00:59 UTC for records younger than an hour (--no-wait to stop here)" in stream.getvalue()



# ---- options of other areas, passed to the core only when set -------------------------------


@pytest.mark.parametrize("flag, setting", [("--no-check-target", "check_target"), ("--no-wait", "wait_for_premature")])
def test_no_check_target_and_no_wait_reach_the_core_only_when_set(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], flag: str, setting: str
) -> None:
    db = tmp_path / "ledger.db"
    with erasekit.Ledger.sqlite(db) as ledger:
        ledger.record(SUBJECT, [{"kind": "transaction", "product": "sms", "direction": None, "id": "S1",
                                 "created_at": T0 - 2 * HOUR, "source": "test", "extra": {}}])
    dry = ["erase", SUBJECT, "--ledger", str(db), "--dry-run", "--now", str(T0)]
    assert main(dry) == 0  # without the flag, no new setting is passed: any core takes it
    capsys.readouterr()
    plan = erasekit.ErasurePlan("s", b"0123456789abcdef", [], T0, allow_empty=True)
    supported = setting in erasekit.ErasureJob(plan, seed=1).config
    code = main(dry + [flag])
    err = capsys.readouterr().err
    if supported:
        assert code == 0, err
    else:  # a core from before the setting: refused in one line, not a traceback
        assert code == 2 and one_line(err).startswith(f"erasekit: {flag}: not supported by this erasekit")


def test_no_wait_stops_before_the_one_hour_wait_and_says_how_to_continue(
    sim: Simulator, env: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = erasekit.ErasurePlan("s", b"0123456789abcdef", [], T0, allow_empty=True)
    if "wait_for_premature" not in erasekit.ErasureJob(plan, seed=1).config:
        pytest.skip("wait_for_premature (JobConfig, the proof area) is not in this build yet")
    db = tmp_path / "ledger.db"
    sim.seed({"records": [{"product": "sms", "id": "YOUNG-1", "age_ms": 10 * 60_000}]})
    created = sim.clock() - 10 * 60_000
    with erasekit.Ledger.sqlite(db) as ledger:
        ledger.record(SUBJECT, [{"kind": "transaction", "product": "sms", "direction": None, "id": "YOUNG-1",
                                 "created_at": created, "source": "test", "extra": {}}])
    code = main(["erase", SUBJECT, "--ledger", str(db), "--base-url", sim.base_url, "--no-wait",
                 "--no-check-target", "--receipt-out", str(tmp_path / "r.json")])
    err = capsys.readouterr().err
    assert code == 3, err
    assert "waiting until" in err and "for records younger than an hour" in err
    (job,) = saved_jobs(db)
    assert job["state"] == "stopped"
    assert f"erasekit resume {job['job_id']} --ledger {db}" in err
    assert redactions(sim) == {} and not (tmp_path / "r.json").exists()


def test_a_failed_target_check_is_shown_at_once() -> None:
    job = erasekit.ErasureJob(erasekit.ErasurePlan("s", b"0123456789abcdef", [], T0, allow_empty=True), seed=1)
    stream = Tty()
    bar = Progress(job, stream, clock=Clock())
    bar.last_drawn = bar.clock()
    event: Any = {"event": "target_checked", "group": "sms", "ok": False, "status": 401, "reason": "unauthorized"}
    bar(event)
    assert "target check failed for sms answered 401: unauthorized" in stream.getvalue()


def test_verify_of_a_binary_file_is_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "binary.json"
    path.write_bytes(b"\x80\x81\xfe binary")
    assert main(["verify", str(path), "--public-key", "00" * 32]) == 2
    err = capsys.readouterr().err
    assert err.strip().count("\n") == 0 and "not a receipt (not UTF-8 text)" in err
    assert "Traceback" not in err
