"""The ``erasekit`` command: erase a data subject from Vonage, resume a stopped erasure, verify
a receipt (``erasekit --help``; the pip README's "CLI" section).

    erasekit erase SUBJECT --ledger ledger.db [--base-url URL] [--dry-run [--verbose] [--json]]
                           [--rate N] [--receipt-out PATH] [--new-job] [--yes] [--now TIME]
                           [--no-check-target] [--no-wait] [--create] [--allow-empty]
    erasekit resume JOB_ID --ledger ledger.db [--base-url URL] [--receipt-out PATH] [--yes]
    erasekit receipt JOB_ID --ledger ledger.db [--out PATH]
    erasekit verify receipt.json (--public-key HEX | --ledger ledger.db)
    erasekit jobs --ledger ledger.db

Exit status: 0 when every operation ended settled; 1 when any failed or a receipt does not
verify against a trusted key; 2 for bad arguments, credentials, ledger or a refused target,
before anything is saved or sent; 3 when ``--no-wait`` stopped at a wait; 130 when stopped
(Ctrl-C, SIGTERM) after saving a checkpoint.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from pathlib import Path
from types import FrameType
from typing import Any, NoReturn, Optional, Sequence, TextIO

from . import _cli_checks as checks
from ._cli_checks import Usage, iso, parse_time, timeout_seconds
from ._cli_report import before_sending, print_dry_run, print_failures, stopped_waiting
from ._native import Credentials, verify_receipt
from ._progress import Progress
from .exceptions import ErasekitError
from .job import ErasureJob, plan_erasure, resume_job
from .ledger import Ledger
from .types import JobEvent, Receipt, ReceiptBody

__all__ = ["main"]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_WAITING = 3
EXIT_STOPPED = 130


def _is_dsn(spec: str) -> bool:
    return spec.startswith(("postgresql://", "postgres://"))


def _open_ledger(spec: str, create: bool = False) -> Ledger:
    try:
        return Ledger.postgres(spec) if _is_dsn(spec) else Ledger.sqlite(spec, create=create)
    except ErasekitError as err:
        # Name the file (never a DSN: it may hold a password).
        where = "the PostgreSQL ledger" if _is_dsn(spec) else f"the ledger {spec}"
        raise Usage(f"cannot open {where}: {err}") from err


def _credentials(env: dict[str, str]) -> Credentials:
    key_path = env.get("VONAGE_PRIVATE_KEY_PATH")
    private_key = checks.private_key(key_path) if key_path else None
    try:
        return Credentials(
            api_key=env.get("VONAGE_API_KEY") or None,
            api_secret=env.get("VONAGE_API_SECRET") or None,
            application_id=env.get("VONAGE_APPLICATION_ID") or None,
            private_key=private_key,
        )
    except ErasekitError as err:
        raise Usage(
            f"{err} (set VONAGE_API_KEY and VONAGE_API_SECRET, and for Media and the "
            "Conversation API VONAGE_APPLICATION_ID and VONAGE_PRIVATE_KEY_PATH)"
        ) from err


class _Parser(argparse.ArgumentParser):
    """Misuse is one line on stderr and exit 2 (not argparse's usage block before it)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see {self.prog} --help)\n")


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
    parser = _Parser(
        prog="erasekit",
        description="Erase a data subject's data from Vonage, at Vonage's limits, with a signed receipt.",
        epilog="Credentials: VONAGE_API_KEY, VONAGE_API_SECRET, VONAGE_APPLICATION_ID, "
        "VONAGE_PRIVATE_KEY_PATH. Receipts are signed with the ledger's own receipt key and "
        "stored in the ledger.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)

    def run_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--ledger", required=True, help="SQLite file or postgresql:// DSN")
        p.add_argument("--base-url", help="Vonage API base URL (default $VONAGE_BASE_URL, else "
                       "https://api.nexmo.com)")
        p.add_argument("--receipt-out", type=Path, help="where to write the receipt "
                       "(default erasekit-receipt-JOB_ID.json)")
        p.add_argument("--timeout", type=timeout_seconds, default=30.0,
                       help="seconds per HTTP call (default 30, at most 3600)")
        p.add_argument("--quiet", action="store_true", help="no progress display")
        p.add_argument("--yes", action="store_true",
                       help="send to a host other than this machine without asking")
        p.add_argument("--now", type=parse_time, metavar="TIME",
                       help="pin the clock for planning and display (ISO 8601 or ms; default "
                       "$ERASEKIT_NOW, else the wall clock)")
        p.add_argument("--lease", type=_lease_arg, default=60.0, metavar="SECONDS",
                       help="the run's lease on its job, renewed while it works; a crashed run's "
                       "job can be resumed once it expired (default 60)")

    erase = commands.add_parser("erase", help="plan and run the erasure of SUBJECT")
    erase.add_argument("subject", metavar="SUBJECT")
    run_options(erase)
    erase.add_argument("--dry-run", action="store_true",
                       help="print the plan (a summary per action and product); send nothing")
    erase.add_argument("--verbose", action="store_true", help="with --dry-run: every call with its id")
    erase.add_argument("--json", action="store_true", help="with --dry-run: the plan as JSON")
    erase.add_argument("--rate", type=int, metavar="N", help="requests per second (default 170)")
    erase.add_argument("--max-in-flight", type=int, metavar="N", help="calls at once (default 32)")
    erase.add_argument("--received-at", type=parse_time, metavar="TIME",
                       help="when the erasure request was received (sets the deadline; default now)")
    erase.add_argument("--user-action", choices=["delete", "scrub"], help="Conversation users")
    erase.add_argument("--delete-legs", action="store_true", help="also delete voice call legs")
    erase.add_argument("--delete-conversations", action="store_true", help="also delete conversations")
    erase.add_argument("--conversation-api", choices=["v1", "v0.1"], help="Conversation API version")
    erase.add_argument("--new-job", action="store_true",
                       help="start a new job even if an unfinished one exists for SUBJECT")
    erase.add_argument("--no-check-target", action="store_true",
                       help="skip the check of the base URL, credentials and products before the run")
    erase.add_argument("--no-wait", action="store_true",
                       help="stop (resumable) instead of waiting for records younger than an hour")
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

    verify = commands.add_parser(
        "verify", help="check a receipt's signature against a trusted key",
        description="Checks a receipt against a trusted key. Without --public-key or --ledger only "
        "its integrity is checked (the key inside the receipt could be anyone's): exit 1.")
    verify.add_argument("receipt", type=Path, metavar="RECEIPT")
    trusted = verify.add_mutually_exclusive_group()
    trusted.add_argument("--public-key", metavar="HEX", help="the trusted signer's public key")
    trusted.add_argument("--ledger", help="trust the receipt key of this ledger (SQLite file or DSN)")

    jobs = commands.add_parser("jobs", help="list the erasure jobs saved in a ledger")
    jobs.add_argument("--ledger", required=True, help="SQLite file or postgresql:// DSN")
    return parser


def _write_receipt(receipt: Receipt, path: Path) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(receipt, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def _verdict(body: ReceiptBody) -> str:
    """``on time``, ``LATE``, or ``INCOMPLETE`` when the receipt says not every operation was
    settled."""
    if not body["complete"]:
        return "INCOMPLETE"
    return "on time" if body["on_time"] else "LATE"


def _summary(body: ReceiptBody, out: TextIO) -> None:
    c = body["counts"]
    out.write(f"receipt {body['receipt_id']}\n")
    out.write(f"subject (keyed hash) {body['subject_hash']}\n")
    out.write(
        f"finished {iso(body['finished_at'])}, due {iso(body['deadline']['due_at'])}: "
        f"{_verdict(body)}\n"
    )
    out.write(
        f"{c['total']} operations: {c['done']} done, {c['not_found']} not found, "
        f"{c['expired']} expired, {c['skipped']} skipped, {c['failed']} failed; "
        f"{c['retries']} retries, {c['rate_limited']} answered 429\n"
    )


def _run(job: ErasureJob, ledger: Ledger, args: argparse.Namespace, credentials: Credentials) -> int:
    # Checked before anything is sent: the receipt is stored in the ledger whatever happens, but
    # a path that cannot be written should not surface only after the erasure.
    path: Path = args.receipt_out or Path(f"erasekit-receipt-{job.job_id}.json")
    _check_writable(path)
    err = sys.stderr
    progress = None if args.quiet else Progress(job, err)
    remaining = 0

    def on_progress(event: JobEvent) -> None:
        nonlocal remaining
        if event["event"] == "ledger_finished":
            remaining = event["remaining"]
        if progress is not None:
            progress(event)

    try:
        receipt = job.run(
            credentials=credentials,
            base_url=args.base_url,
            on_progress=on_progress,
            ledger=ledger,
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
    except ErasekitError as stop:
        if stop.code != "job_waiting":
            raise
        if progress is not None:
            progress.close()
        stopped_waiting(job.job_id, args.ledger, stop, err)
        return EXIT_WAITING
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
    if remaining:  # the failed operations' entries and ids recorded while the job ran
        err.write(
            f"erasekit: {remaining} of the subject's entries remain in the ledger (failed, or "
            "recorded during the erasure); run erase again\n"
        )
    if failed:
        err.write(f"erasekit: {failed} operations failed; their entries stay in the ledger\n")
        print_failures(body, err)
        return EXIT_FAILED
    return EXIT_OK


def _check_writable(path: Path) -> None:
    """``--receipt-out`` must be writable before the run starts: exit 2 with one line."""
    where = path if path.exists() else (path.parent if str(path.parent) else Path("."))
    if path.exists() and path.is_dir():
        raise Usage(f"--receipt-out {path}: is a directory")
    if not where.exists():
        raise Usage(f"--receipt-out {path}: the directory {where} does not exist")
    if not os.access(where, os.W_OK):
        raise Usage(f"--receipt-out {path}: not writable")


def _erase(args: argparse.Namespace) -> int:
    if (args.json or args.verbose) and not args.dry_run:
        raise Usage(f"{'--json' if args.json else '--verbose'} goes with --dry-run (a live run prints a receipt)")
    # The core's plan options; None leaves one at the core's default.
    options = {name: getattr(args, name) for name in (
        "user_action", "delete_legs", "delete_conversations", "conversation_api", "allow_empty")}
    credentials = None if args.dry_run else _credentials(dict(os.environ))
    base, source, now = checks.target(args, os.environ)
    with _open_ledger(args.ledger, create=args.create) as ledger:
        unfinished = [j["job_id"] for j in ledger.jobs() if j["subject"] == args.subject and j["state"] != "finished"]
        if unfinished and not args.dry_run and not args.new_job:
            raise Usage(
                f"job {unfinished[-1]} for this subject did not finish; continue it with "
                f"`erasekit resume {unfinished[-1]} --ledger {args.ledger}` (or pass --new-job)"
            )
        plan = plan_erasure(ledger, args.subject, now=now, received_at=args.received_at, **options)
        job = checks.job_for(plan, args)
        if args.dry_run:
            calls = checks.check_base_url(lambda: plan.describe(base), source)
            summary = plan.summary(job.config["rate_per_second"])
            print_dry_run(plan, summary, calls, checks.hosts_of(calls), now, sys.stdout,
                          as_json=args.json, verbose=args.verbose)
            return EXIT_OK
        if len(plan) == 0:
            sys.stderr.write(f"erasekit: nothing recorded for this subject in {args.ledger} (--allow-empty)\n")
        assert credentials is not None
        before_sending(job, args.base_url, source, now, yes=args.yes)
        return _run(job, ledger, args, credentials)


def _resume(args: argparse.Namespace) -> int:
    credentials = _credentials(dict(os.environ))
    _, source, now = checks.target(args, os.environ)
    with _open_ledger(args.ledger) as ledger:
        if ledger.load_job(args.job_id) is None and ledger.receipt(args.job_id) is not None:
            raise Usage(
                f"job {args.job_id} has finished; its receipt: "
                f"erasekit receipt {args.job_id} --ledger {args.ledger}"
            )
        job = resume_job(ledger, args.job_id)
        before_sending(job, args.base_url, source, now, yes=args.yes)
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
        raise Usage(f"cannot write {args.out}: {exc.strerror}") from exc
    sys.stdout.write(f"receipt written to {args.out}\n")
    return EXIT_OK


def _verify(args: argparse.Namespace) -> int:
    try:
        text = args.receipt.read_text(encoding="utf-8")
    except OSError as err:
        raise Usage(f"cannot read {args.receipt}: {err.strerror}") from err
    except UnicodeDecodeError as err:
        raise Usage(f"{args.receipt} is not a receipt (not UTF-8 text)") from err
    trusted = args.public_key or (_ledger_receipt_key(args.ledger) if args.ledger else None)
    try:
        body = verify_receipt(text, trusted)
    except ErasekitError as err:
        sys.stderr.write(f"erasekit: {args.receipt}: NOT VALID ({err.code}): {err}\n")
        return EXIT_FAILED
    if trusted is None:
        # A valid signature by the key inside the receipt proves only that nothing was edited
        # after signing: anyone can sign a receipt with a key of their own.
        sys.stderr.write(
            f"erasekit: {args.receipt}: integrity only: signature matches the key inside the "
            "receipt, which proves nothing about who signed it. Pass --public-key HEX (the "
            "signer's published key) or --ledger L (the ledger's receipt key) to verify it.\n"
        )
        return EXIT_FAILED
    where = "the ledger's receipt key" if args.ledger else "the trusted key"
    sys.stdout.write(f"{args.receipt}: signature valid, signed by {where} {trusted.lower()}\n")
    _summary(body, sys.stdout)
    return EXIT_OK


def _ledger_receipt_key(spec: str) -> str:
    """The ledger's own receipt public key (hex), from an existing ledger only."""
    if not _is_dsn(spec) and not Path(spec).is_file():
        raise Usage(f"--ledger: no ledger at {spec}")
    with _open_ledger(spec) as ledger:
        return ledger.receipt_public_key()


def _jobs(args: argparse.Namespace) -> int:
    with _open_ledger(args.ledger) as ledger:
        for job in ledger.jobs():
            counts = ErasureJob.restore(job["snapshot"]).counts()
            sys.stdout.write(
                f"{job['job_id']}  {job['state']:<8}  {counts['finished']}/{counts['total']}  "
                f"failed {counts['failed']}  saved {iso(job['updated_at'])}\n"
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
    except Usage as err:
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
