"""Erase one of your users from Vonage: plan, run, keep a signed receipt.

    export VONAGE_API_KEY=... VONAGE_API_SECRET=...              # Redact (and Media) API
    export VONAGE_APPLICATION_ID=... VONAGE_PRIVATE_KEY_PATH=...  # Media, Conversation API
    .venv/bin/python examples/python/erase_user.py user-42 --ledger ledger.db \\
        [--base-url http://127.0.0.1:8765] [--dry-run] [--rate 170] [--receipt-out receipt.json]
    .venv/bin/python examples/python/erase_user.py --resume JOB_ID --ledger ledger.db

1. Plans every call needed to erase the subject's ids recorded in the ledger (see
   webhook_capture.py) and prints it with the GDPR deadline: that is the dry run.
2. Runs the job with ``job.run()``: Vonage's rate limit, retries, the one-hour rule and
   checkpoints in the ledger, with a progress line. Ctrl-C (or SIGTERM) stops it cleanly;
   ``--resume JOB_ID`` continues where it stopped.
3. Saves the Ed25519-signed receipt, verifies it against our public key, and checks that the
   ledger forgot the subject (only a tombstone with a keyed hash remains).

``--base-url`` (or ``VONAGE_BASE_URL``) points every API at another host: a regional one, or
the local simulator (``make sim``; its credentials are sim-key / sim-secret). The receipt is
signed with the ledger's own receipt key (made when the ledger is created and kept in it: back
the ledger up), and ``ledger.receipt_public_key()`` is the public key to publish.
Exit status: 0 when every operation ended done, not found, expired or skipped; 1 otherwise;
130 when stopped.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
from pathlib import Path
from types import FrameType
from typing import Optional

import erasekit
from erasekit import ErasurePlan, JobEvent, Receipt


def iso(ms: Optional[int]) -> str:
    return "-" if ms is None else time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(ms / 1000))


def credentials_from_env() -> erasekit.Credentials:
    key_path = os.environ.get("VONAGE_PRIVATE_KEY_PATH")
    return erasekit.Credentials(
        api_key=os.environ.get("VONAGE_API_KEY"),
        api_secret=os.environ.get("VONAGE_API_SECRET"),
        application_id=os.environ.get("VONAGE_APPLICATION_ID"),
        private_key=Path(key_path).read_text(encoding="ascii") if key_path else None,
    )


def print_plan(plan: ErasurePlan, base_url: Optional[str]) -> None:
    """The dry run: the deadline and every call, with the earliest time it may be sent."""
    deadline = plan.deadline
    print(f"erasure of {plan.subject}: {len(plan)} operation(s), due {iso(deadline.due_at)}"
          f" (GDPR Art. 12(3): a month after the request)")
    for call in plan.describe(base_url):
        when = "" if call["not_before"] <= plan.planned_at else f" not before {iso(call['not_before'])}"
        if call["initial"] != "pending":
            print(f"  #{call['op']:<3} {call['action']:<17} {call['target']}: {call['initial']}")
        else:
            what = " ".join(str(x) for x in (call.get("product"), call.get("direction"), call["target"]) if x)
            print(f"  #{call['op']:<3} {call['method']:<6} {call['url']}  {what}{when}")


class ProgressLine:
    """An ``on_progress`` callback: one redrawn line on a terminal, plain lines in a log."""

    def __init__(self, job: erasekit.ErasureJob) -> None:
        self.job = job
        self.tty = sys.stderr.isatty()
        self.last = 0.0

    def __call__(self, event: JobEvent) -> None:
        if event["event"] == "retrying":
            self.write(f"retrying #{event['op']} (attempt {event['attempt']}): {event['reason']}", True)
        elif event["event"] == "throttled":
            self.write(f"Vonage said 429: slowing to {event['pace']:.0f}/s", True)
        elif event["event"] == "group_stopped":
            self.write(f"stopped {event['stopped']} {event['group']} operation(s): {event['reason']}", True)
        elif event["event"] in ("started", "operation_finished", "finished"):
            c = self.job.counts()  # the core's counts, "finished" included
            done, total = c["finished"], max(c["total"], 1)
            bar = "#" * (24 * done // total)
            line = (f"[{bar:<24}] {done}/{c['total']}  done {c['done']}  not found {c['not_found']}"
                    f"  failed {c['failed']}  retries {c['retries']}")
            now = time.monotonic()
            if event["event"] == "finished" or now - self.last > (0.1 if self.tty else 1.0):
                self.last = now
                self.write(line, event["event"] == "finished")

    def write(self, line: str, keep: bool) -> None:
        if self.tty:
            sys.stderr.write("\r\033[K" + line + ("\n" if keep else ""))
        else:
            sys.stderr.write(line + "\n")
        sys.stderr.flush()


def check_receipt(receipt: Receipt, path: Path, public_key: str) -> None:
    """Saves the receipt and verifies the file as someone else would, against our public key."""
    path.write_text(json.dumps(receipt, indent=2) + "\n", encoding="utf-8")
    body = erasekit.verify_receipt(path.read_text(encoding="utf-8"), public_key)
    print(f"receipt {body['receipt_id']} saved to {path}; signature verified with public key {public_key}")
    print(f"  subject hash {body['subject_hash']}, on time: {body['on_time']}, counts {body['counts']}")


def interrupt(signum: int, frame: Optional[FrameType]) -> None:
    raise KeyboardInterrupt


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("subject", nargs="?", help="the user to erase, as recorded in the ledger")
    parser.add_argument("--ledger", default="ledger.db", help="SQLite ledger file (default ledger.db)")
    parser.add_argument("--base-url", default=os.environ.get("VONAGE_BASE_URL"))
    parser.add_argument("--dry-run", action="store_true", help="print the plan and stop")
    parser.add_argument("--rate", type=int, default=170, help="requests per second (default 170)")
    parser.add_argument("--receipt-out", help="where to save the receipt (default receipt-<id>.json)")
    parser.add_argument("--resume", metavar="JOB_ID", help="continue a stopped job from its checkpoint")
    args = parser.parse_args(argv)
    if (args.subject is None) == (args.resume is None):
        parser.error("give a SUBJECT or --resume JOB_ID")

    with erasekit.Ledger.sqlite(args.ledger) as ledger:
        if args.resume:
            job = erasekit.resume_job(ledger, args.resume)  # the plan and progress, no secrets
            args.subject = job.plan.subject
            print(f"resuming job {job.job_id} for {args.subject}: {job.counts()}")
        else:
            plan = erasekit.plan_erasure(ledger, args.subject)
            if len(plan) == 0:
                print(f"the ledger has nothing for {args.subject}")
                return 1
            print_plan(plan, args.base_url)
            if args.dry_run:
                return 0
            job = erasekit.ErasureJob(plan, rate_per_second=args.rate)
            print(f"job {job.job_id}: erasing at up to {args.rate} requests/s", flush=True)

        signal.signal(signal.SIGTERM, interrupt)  # SIGTERM stops as cleanly as Ctrl-C
        try:
            receipt = job.run(
                credentials=credentials_from_env(),
                base_url=args.base_url,
                ledger=ledger,  # a lease, checkpoints, the ledger's receipt key; forgets what is settled
                on_progress=ProgressLine(job),
            )
        except KeyboardInterrupt:
            # run() saved a "stopped" checkpoint; calls in flight are sent again on resume.
            print(f"\nstopped; the checkpoint is in the ledger: erase_user.py --resume {job.job_id}"
                  f" --ledger {args.ledger}", file=sys.stderr)
            return 130
        check_receipt(receipt, Path(args.receipt_out or f"receipt-{job.job_id}.json"), ledger.receipt_public_key())

        counts = receipt["receipt"]["counts"]
        for op in receipt["receipt"]["operations"]:
            if op["state"] == "failed":
                print(f"  failed #{op['op']} {op['action']} {op['target']}: {op['problem']}")
        if counts["failed"]:
            print(f"{counts['failed']} operation(s) failed: {args.subject} stays in the ledger; fix and run again")
            return 1
        left = ledger.entries(args.subject)
        tombstones = ledger.tombstones(args.subject)
        print(f"ledger: {len(left)} entries left for {args.subject};"
              f" tombstone {tombstones[-1]['subject_hash'][:16]}... for receipt {tombstones[-1]['receipt_id']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
