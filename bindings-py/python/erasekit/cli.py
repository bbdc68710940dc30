"""The ``erasekit`` command: erase a data subject from Vonage, resume a stopped erasure, verify
a receipt.

    erasekit erase SUBJECT --ledger ledger.db [--base-url URL] [--dry-run] [--rate N]
                                              [--receipt-out PATH] [--new-job]
                                              [--create] [--allow-empty]
    erasekit resume JOB_ID --ledger ledger.db [--base-url URL] [--receipt-out PATH]
    erasekit receipt JOB_ID --ledger ledger.db [--out PATH]
    erasekit verify receipt.json [--public-key HEX]
    erasekit jobs --ledger ledger.db

``--ledger`` is an SQLite file or a ``postgresql://`` DSN. Credentials come from
``VONAGE_API_KEY`` and ``VONAGE_API_SECRET`` (Redact, Media) and ``VONAGE_APPLICATION_ID`` and
``VONAGE_PRIVATE_KEY_PATH`` (Media, Conversation API). Receipts are signed with the ledger's own
receipt key (made when the ledger is created, kept in it: back the ledger up) and stored in the
ledger before anything is forgotten; publish its public key (printed after each erasure) so
others can check receipts. A ledger file that does not exist is an error unless ``--create``;
a subject the ledger has no entry for is an error unless ``--allow-empty``. One erasure per
subject runs at a time: a second one exits 2 (``subject_busy``).

Exit status: 0 when every operation ended done, not found, expired or skipped; 1 when any
failed (a summary says which and why) or a receipt does not verify; 2 for bad arguments,
credentials or ledger; 130 when stopped (Ctrl-C, SIGTERM) after saving a checkpoint.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from datetime import datetime, timezone
from pathlib import Path
from types import FrameType
from typing import Any, Optional, Sequence, TextIO

from ._native import Credentials, ErasureJob, verify_receipt
from ._progress import Progress
from .exceptions import ErasekitError
from .job import plan_erasure, resume_job
from .ledger import Ledger
from .types import Receipt, ReceiptBody

__all__ = ["main"]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_STOPPED = 130


class _Usage(Exception):
    """A problem with the command line or the environment: exit 2 with the message."""


def _iso(ms: Optional[int]) -> str:
    if ms is None:
        return "-"
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _is_dsn(spec: str) -> bool:
    return spec.startswith(("postgresql://", "postgres://"))


def _open_ledger(spec: str, create: bool = False) -> Ledger:
    try:
        return Ledger.postgres(spec) if _is_dsn(spec) else Ledger.sqlite(spec, create=create)
    except ErasekitError as err:
        raise _Usage(f"cannot open the ledger: {err}") from err


def _credentials(env: dict[str, str]) -> Credentials:
    key_path = env.get("VONAGE_PRIVATE_KEY_PATH")
    private_key: Optional[str] = None
    if key_path:
        try:
            private_key = Path(key_path).read_text(encoding="utf-8")
        except OSError as err:
            raise _Usage(f"VONAGE_PRIVATE_KEY_PATH: cannot read {key_path}: {err.strerror}") from err
    try:
        return Credentials(
            api_key=env.get("VONAGE_API_KEY") or None,
            api_secret=env.get("VONAGE_API_SECRET") or None,
            application_id=env.get("VONAGE_APPLICATION_ID") or None,
            private_key=private_key,
        )
    except ErasekitError as err:
        raise _Usage(
            f"{err} (set VONAGE_API_KEY and VONAGE_API_SECRET, and for Media and the "
            "Conversation API VONAGE_APPLICATION_ID and VONAGE_PRIVATE_KEY_PATH)"
        ) from err


def _time_arg(text: str) -> int:
    """ms since the epoch, or an ISO-8601 time with a zone."""
    if text.isdigit():
        return int(text)
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a time: {text!r} (ISO-8601 with a zone, or ms)") from None
    if parsed.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{text!r} has no timezone (add Z or +00:00)")
    return int(parsed.timestamp() * 1000)


def _lease_arg(text: str) -> float:
    """``--lease``: 1 to 3600 seconds (the core's bounds), checked before anything runs."""
    try:
        seconds = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 1 <= seconds <= 3600:  # also refuses nan and inf
        raise argparse.ArgumentTypeError(f"{text!r}: the lease is 1 to 3600 seconds")
    return seconds


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="erasekit",
        description="Erase a data subject's data from Vonage, at Vonage's limits, with a signed receipt.",
        epilog="Credentials: VONAGE_API_KEY, VONAGE_API_SECRET, VONAGE_APPLICATION_ID, "
        "VONAGE_PRIVATE_KEY_PATH. Receipts are signed with the ledger's own receipt key and "
        "stored in the ledger.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def run_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--ledger", required=True, help="SQLite file or postgresql:// DSN")
        p.add_argument("--base-url", help="Vonage API base URL (default https://api.nexmo.com)")
        p.add_argument("--receipt-out", type=Path, help="where to write the receipt "
                       "(default erasekit-receipt-JOB_ID.json)")
        p.add_argument("--checkpoint-every", type=int, default=100, metavar="N",
                       help="save a checkpoint every N answers (default 100)")
        p.add_argument("--timeout", type=float, default=30.0, help="seconds per HTTP call (default 30)")
        p.add_argument("--quiet", action="store_true", help="no progress display")
        p.add_argument("--lease", type=_lease_arg, default=60.0, metavar="SECONDS",
                       help="the run's lease on its job, renewed while it works; a crashed run's "
                       "job can be resumed once it expired (default 60)")

    erase = commands.add_parser("erase", help="plan and run the erasure of SUBJECT")
    erase.add_argument("subject", metavar="SUBJECT")
    run_options(erase)
    erase.add_argument("--dry-run", action="store_true", help="print the plan; send nothing")
    erase.add_argument("--json", action="store_true", help="with --dry-run: the plan as JSON")
    erase.add_argument("--rate", type=int, metavar="N", help="requests per second (default 170)")
    erase.add_argument("--max-in-flight", type=int, metavar="N", help="calls at once (default 32)")
    erase.add_argument("--received-at", type=_time_arg, metavar="TIME",
                       help="when the erasure request was received (sets the deadline; default now)")
    erase.add_argument("--user-action", choices=["delete", "scrub"], help="Conversation users")
    erase.add_argument("--delete-legs", action="store_true", help="also delete voice call legs")
    erase.add_argument("--delete-conversations", action="store_true", help="also delete conversations")
    erase.add_argument("--conversation-api", choices=["v1", "v0.1"], help="Conversation API version")
    erase.add_argument("--new-job", action="store_true",
                       help="start a new job even if an unfinished one exists for SUBJECT")
    erase.add_argument("--create", action="store_true",
                       help="create the SQLite ledger file if it does not exist")
    erase.add_argument("--allow-empty", action="store_true",
                       help="erase a subject the ledger has no entry for (a receipt of 0 operations)")

    receipt = commands.add_parser("receipt", help="write the stored receipt of a finished job")
    receipt.add_argument("job_id", metavar="JOB_ID")
    receipt.add_argument("--ledger", required=True, help="SQLite file or postgresql:// DSN")
    receipt.add_argument("--out", type=Path, help="write it to this file (default: standard output)")

    resume = commands.add_parser("resume", help="continue a stopped or crashed erasure")
    resume.add_argument("job_id", metavar="JOB_ID")
    run_options(resume)

    verify = commands.add_parser("verify", help="check a receipt's signature")
    verify.add_argument("receipt", type=Path, metavar="RECEIPT")
    verify.add_argument("--public-key", metavar="HEX", help="require this signer")

    jobs = commands.add_parser("jobs", help="list the erasure jobs saved in a ledger")
    jobs.add_argument("--ledger", required=True, help="SQLite file or postgresql:// DSN")
    return parser


def _print_plan(job: ErasureJob, base_url: Optional[str], out: TextIO, as_json: bool) -> None:
    plan = job.plan
    calls = plan.describe(base_url)
    deadline = plan.deadline
    if as_json:
        doc = {
            "subject_hash": plan.subject_hash,
            "planned_at": plan.planned_at,
            "deadline": deadline.to_dict(),
            "earliest_finish": plan.earliest_finish,
            "calls": calls,
        }
        out.write(json.dumps(doc, indent=2) + "\n")
        return
    pending = [c for c in calls if c["initial"] == "pending"]
    out.write(f"dry run: {len(calls)} operations, {len(pending)} to send, nothing sent\n")
    out.write(f"subject (keyed hash) {plan.subject_hash}\n")
    out.write(f"deadline {_iso(deadline.due_at)} (received {_iso(deadline.received_at)}")
    if deadline.extension_months:
        out.write(f", extended {deadline.extension_months} months: {deadline.extension_reason}")
    out.write(")\n")
    if plan.earliest_finish is not None:
        out.write(f"earliest finish {_iso(plan.earliest_finish)}\n")
    for c in calls:
        when: str
        if c["initial"] != "pending":
            when = c["initial"]
        elif c["not_before"] <= plan.planned_at:
            when = "now"
        else:
            when = f"from {_iso(c['not_before'])}"
        out.write(f"  #{c['op']:<5} {c['action']:<19} {c['method']:<6} {c['url']}  [{when}]\n")


def _write_receipt(receipt: Receipt, path: Path) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(receipt, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def _summary(body: ReceiptBody, out: TextIO) -> None:
    c = body["counts"]
    out.write(f"receipt {body['receipt_id']}\n")
    out.write(f"subject (keyed hash) {body['subject_hash']}\n")
    out.write(
        f"finished {_iso(body['finished_at'])}, due {_iso(body['deadline']['due_at'])}: "
        f"{'on time' if body['on_time'] else 'LATE'}\n"
    )
    out.write(
        f"{c['total']} operations: {c['done']} done, {c['not_found']} not found, "
        f"{c['expired']} expired, {c['skipped']} skipped, {c['failed']} failed; "
        f"{c['retries']} retries, {c['rate_limited']} answered 429\n"
    )


def _failures(body: ReceiptBody, out: TextIO, limit: int = 20) -> None:
    failed = [o for o in body["operations"] if o["state"] == "failed"]
    for o in failed[:limit]:
        status = f" HTTP {o['status']}" if o["status"] is not None else ""
        out.write(f"  failed #{o['op']} {o['action']} {o['target']}:{status} {o['problem'] or ''}\n")
    if len(failed) > limit:
        out.write(f"  ... and {len(failed) - limit} more (see the receipt)\n")


def _run(job: ErasureJob, ledger: Ledger, args: argparse.Namespace, credentials: Credentials) -> int:
    # Checked before anything is sent: the receipt is stored in the ledger whatever happens, but
    # a path that cannot be written should not surface only after the erasure.
    path: Path = args.receipt_out or Path(f"erasekit-receipt-{job.job_id}.json")
    _check_writable(path)
    err = sys.stderr
    err.write(f"erasekit: job {job.job_id}: {job.counts()['total']} operations\n")
    err.flush()
    progress = None if args.quiet else Progress(job, err)
    try:
        receipt = job.run(
            credentials=credentials,
            base_url=args.base_url,
            on_progress=progress,
            ledger=ledger,
            checkpoint_every=args.checkpoint_every,
            timeout=args.timeout,
            lease_ms=round(args.lease * 1000),
        )
    except KeyboardInterrupt:
        if progress is not None:
            progress.close()
        err.write(
            f"erasekit: stopped; checkpoint saved. Continue with:\n"
            f"  erasekit resume {job.job_id} --ledger {args.ledger}\n"
        )
        return EXIT_STOPPED
    if progress is not None:
        progress.close()
    # The receipt is already stored in the ledger (`erasekit receipt JOB_ID`); the file is a copy.
    body = receipt["receipt"]
    out = sys.stdout
    _summary(body, out)
    try:
        _write_receipt(receipt, path)
        out.write(f"receipt written to {path}\n")
    except OSError as exc:
        err.write(
            f"erasekit: cannot write {path} ({exc.strerror}); the receipt is stored in the ledger: "
            f"erasekit receipt {job.job_id} --ledger {args.ledger}\n"
        )
    out.write(f"signed by {ledger.receipt_public_key()}\n")
    failed = body["counts"]["failed"]
    # What remains of the subject: the failed operations' entries and ids recorded meanwhile.
    arrived = len(ledger.entries(job.plan.subject)) - failed
    if arrived > 0:
        err.write(
            f"erasekit: {arrived} ids arrived during the erasure; run erase again\n"
        )
    if failed:
        err.write(f"erasekit: {failed} operations failed; their entries stay in the ledger\n")
        _failures(body, err)
        return EXIT_FAILED
    return EXIT_OK


def _check_writable(path: Path) -> None:
    """``--receipt-out`` must be writable before the run starts: exit 2 with one line."""
    where = path if path.exists() else (path.parent if str(path.parent) else Path("."))
    if path.exists() and path.is_dir():
        raise _Usage(f"--receipt-out {path}: is a directory")
    if not where.exists():
        raise _Usage(f"--receipt-out {path}: the directory {where} does not exist")
    if not os.access(where, os.W_OK):
        raise _Usage(f"--receipt-out {path}: not writable")


def _erase(args: argparse.Namespace) -> int:
    options: dict[str, Any] = {}
    if args.user_action:
        options["user_action"] = args.user_action
    if args.delete_legs:
        options["delete_legs"] = True
    if args.delete_conversations:
        options["delete_conversations"] = True
    if args.conversation_api:
        options["conversation_api"] = args.conversation_api
    if args.allow_empty:
        options["allow_empty"] = True
    credentials = None if args.dry_run else _credentials(dict(os.environ))
    with _open_ledger(args.ledger, create=args.create) as ledger:
        unfinished = [j["job_id"] for j in ledger.jobs() if j["subject"] == args.subject and j["state"] != "finished"]
        if unfinished and not args.dry_run and not args.new_job:
            raise _Usage(
                f"job {unfinished[-1]} for this subject did not finish; continue it with "
                f"`erasekit resume {unfinished[-1]} --ledger {args.ledger}` (or pass --new-job)"
            )
        plan = plan_erasure(ledger, args.subject, received_at=args.received_at, **options)
        job = ErasureJob(plan, rate_per_second=args.rate, max_in_flight=args.max_in_flight)
        if args.dry_run:
            _print_plan(job, args.base_url, sys.stdout, args.json)
            return EXIT_OK
        if len(plan) == 0:
            sys.stderr.write(f"erasekit: nothing recorded for this subject in {args.ledger} (--allow-empty)\n")
        assert credentials is not None
        return _run(job, ledger, args, credentials)


def _resume(args: argparse.Namespace) -> int:
    credentials = _credentials(dict(os.environ))
    with _open_ledger(args.ledger) as ledger:
        if ledger.load_job(args.job_id) is None and ledger.receipt(args.job_id) is not None:
            raise _Usage(
                f"job {args.job_id} has finished; its receipt: "
                f"erasekit receipt {args.job_id} --ledger {args.ledger}"
            )
        job = resume_job(ledger, args.job_id)
        return _run(job, ledger, args, credentials)


def _receipt(args: argparse.Namespace) -> int:
    with _open_ledger(args.ledger) as ledger:
        receipt = ledger.receipt(args.job_id)
    if receipt is None:
        sys.stderr.write(f"erasekit: no receipt for job {args.job_id} in {args.ledger}\n")
        return EXIT_FAILED
    if args.out is None:
        sys.stdout.write(json.dumps(receipt, indent=2) + "\n")
        return EXIT_OK
    try:
        _write_receipt(receipt, args.out)
    except OSError as exc:
        raise _Usage(f"cannot write {args.out}: {exc.strerror}") from exc
    sys.stdout.write(f"receipt written to {args.out}\n")
    return EXIT_OK


def _verify(args: argparse.Namespace) -> int:
    try:
        text = args.receipt.read_text(encoding="utf-8")
    except OSError as err:
        raise _Usage(f"cannot read {args.receipt}: {err.strerror}") from err
    try:
        body = verify_receipt(text, args.public_key)
    except ErasekitError as err:
        sys.stderr.write(f"erasekit: {args.receipt}: NOT VALID ({err.code}): {err}\n")
        return EXIT_FAILED
    signer = json.loads(text)["signature"]["public_key"]
    sys.stdout.write(f"{args.receipt}: signature valid, signed by {signer}\n")
    _summary(body, sys.stdout)
    return EXIT_OK


def _jobs(args: argparse.Namespace) -> int:
    with _open_ledger(args.ledger) as ledger:
        for job in ledger.jobs():
            counts = ErasureJob.restore(job["snapshot"]).counts()
            done = sum(counts[k] for k in ("done", "not_found", "expired", "skipped", "failed"))
            sys.stdout.write(
                f"{job['job_id']}  {job['state']:<8}  {done}/{counts['total']}  "
                f"failed {counts['failed']}  saved {_iso(job['updated_at'])}\n"
            )
    return EXIT_OK


def _stop_on_sigterm() -> Any:
    """SIGTERM stops like Ctrl-C: the driver saves a checkpoint on the way out. Returns the
    previous handler (``None`` when not on the main thread, where handlers cannot be set)."""

    def handler(signum: int, frame: Optional[FrameType]) -> None:
        raise KeyboardInterrupt

    try:
        return signal.signal(signal.SIGTERM, handler)
    except ValueError:
        return None


def main(argv: Optional[Sequence[str]] = None) -> int:
    """The ``erasekit`` console script; returns the exit status."""
    args = _parser().parse_args(argv)
    previous = _stop_on_sigterm()
    try:
        return _dispatch(args)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _dispatch(args: argparse.Namespace) -> int:
    try:
        if args.command == "erase":
            return _erase(args)
        if args.command == "resume":
            return _resume(args)
        if args.command == "verify":
            return _verify(args)
        if args.command == "receipt":
            return _receipt(args)
        return _jobs(args)
    except _Usage as err:
        sys.stderr.write(f"erasekit: {err}\n")
        return EXIT_USAGE
    except ErasekitError as err:
        sys.stderr.write(f"erasekit: {err} ({err.code})\n")
        return EXIT_USAGE
    except KeyboardInterrupt:
        sys.stderr.write("erasekit: interrupted\n")
        return EXIT_STOPPED


if __name__ == "__main__":
    sys.exit(main())
