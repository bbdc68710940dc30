"""The ``erasekit`` command: erase a data subject from Vonage, resume a stopped erasure, verify
a receipt.

    erasekit erase SUBJECT --ledger ledger.db [--base-url URL] [--dry-run] [--rate N]
                                              [--receipt-out PATH] [--new-job]
    erasekit resume JOB_ID --ledger ledger.db [--base-url URL] [--receipt-out PATH]
    erasekit verify receipt.json [--public-key HEX]
    erasekit jobs --ledger ledger.db

``--ledger`` is an SQLite file or a ``postgresql://`` DSN. Credentials come from
``VONAGE_API_KEY`` and ``VONAGE_API_SECRET`` (Redact, Media) and ``VONAGE_APPLICATION_ID`` and
``VONAGE_PRIVATE_KEY_PATH`` (Media, Conversation API). Receipts are signed with the key in
``ERASEKIT_SIGNING_KEY`` (64 hex digits) or in ``erasekit-signing.key`` next to the SQLite
ledger (the current directory for PostgreSQL), created on first use: back it up, and publish
its public key (printed after each erasure) so others can check receipts.

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

from ._native import Credentials, ErasureJob, receipt_public_key, verify_receipt
from ._progress import Progress
from .exceptions import ErasekitError
from .job import SIGNING_KEY_FILE, plan_erasure, resume_job, signing_key
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


def _open_ledger(spec: str) -> Ledger:
    try:
        return Ledger.postgres(spec) if _is_dsn(spec) else Ledger.sqlite(spec)
    except ErasekitError as err:
        raise _Usage(f"cannot open the ledger: {err}") from err


def _key_file(spec: str) -> Path:
    if _is_dsn(spec) or spec == ":memory:":
        return Path.cwd() / SIGNING_KEY_FILE
    return Path(spec).resolve().parent / SIGNING_KEY_FILE


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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="erasekit",
        description="Erase a data subject's data from Vonage, at Vonage's limits, with a signed receipt.",
        epilog="Credentials: VONAGE_API_KEY, VONAGE_API_SECRET, VONAGE_APPLICATION_ID, "
        "VONAGE_PRIVATE_KEY_PATH. Signing key: ERASEKIT_SIGNING_KEY or erasekit-signing.key "
        "next to the ledger.",
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
    key = signing_key(None, key_file=_key_file(args.ledger))
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
            signing_key=key,
            timeout=args.timeout,
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
    path: Path = args.receipt_out or Path(f"erasekit-receipt-{job.job_id}.json")
    _write_receipt(receipt, path)
    body = receipt["receipt"]
    out = sys.stdout
    _summary(body, out)
    out.write(f"receipt written to {path}\n")
    out.write(f"signed by {receipt_public_key(key)}\n")
    if body["counts"]["failed"]:
        err.write(f"erasekit: {body['counts']['failed']} operations failed; the subject stays in the ledger\n")
        _failures(body, err)
        return EXIT_FAILED
    return EXIT_OK


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
    credentials = None if args.dry_run else _credentials(dict(os.environ))
    with _open_ledger(args.ledger) as ledger:
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
            sys.stderr.write(f"erasekit: nothing recorded for this subject in {args.ledger}\n")
        assert credentials is not None
        return _run(job, ledger, args, credentials)


def _resume(args: argparse.Namespace) -> int:
    credentials = _credentials(dict(os.environ))
    with _open_ledger(args.ledger) as ledger:
        job = resume_job(ledger, args.job_id)
        return _run(job, ledger, args, credentials)


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
