"""Erase several users from Vonage at once, with asyncio.

    export VONAGE_API_KEY=... VONAGE_API_SECRET=...              # Redact (and Media) API
    export VONAGE_APPLICATION_ID=... VONAGE_PRIVATE_KEY_PATH=...  # Media, Conversation API
    .venv/bin/python examples/python/erase_user_async.py user-42 user-43 --ledger ledger.db \\
        [--base-url http://127.0.0.1:8765] [--receipts-dir receipts/]

The same steps as erase_user.py, for an asyncio application: one job per subject, all running
concurrently with ``await job.run_async(...)`` over one shared ``httpx.AsyncClient``. Vonage's
Redact limit (170 requests/s) is per account, so the subjects share it: each job gets
``--rate`` divided by the number of subjects. Each job checkpoints into the ledger and, when
nothing failed, forgets its subject there; each receipt is saved and verified.

``--base-url`` (or ``VONAGE_BASE_URL``) points every API at another host, such as the local
simulator. Receipts are signed with the ledger's own receipt key
(``ledger.receipt_public_key()``). Exit status: 0 when no operation failed for any subject, 1 otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from pathlib import Path
from typing import Optional

import httpx

import erasekit
from erasekit import JobEvent


def credentials_from_env() -> erasekit.Credentials:
    key_path = os.environ.get("VONAGE_PRIVATE_KEY_PATH")
    return erasekit.Credentials(
        api_key=os.environ.get("VONAGE_API_KEY"),
        api_secret=os.environ.get("VONAGE_API_SECRET"),
        application_id=os.environ.get("VONAGE_APPLICATION_ID"),
        private_key=Path(key_path).read_text(encoding="ascii") if key_path else None,
    )


async def erase(
    subject: str,
    ledger: erasekit.Ledger,
    client: httpx.AsyncClient,
    credentials: erasekit.Credentials,
    base_url: Optional[str],
    rate: int,
    receipts: Path,
) -> int:
    """Erases one subject; returns how many operations failed."""
    plan = erasekit.plan_erasure(ledger, subject)
    due = plan.deadline.due_at
    print(f"{subject}: {len(plan)} operation(s), GDPR deadline {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime(due / 1000))}", flush=True)
    if len(plan) == 0:
        return 0
    job = erasekit.ErasureJob(plan, rate_per_second=rate)

    def progress(event: JobEvent) -> None:
        if event["event"] == "finished":
            c = event["counts"]
            print(f"{subject}: finished, done {c['done']}, not found {c['not_found']},"
                  f" failed {c['failed']}, retries {c['retries']}", flush=True)
        elif event["event"] == "retrying":
            print(f"{subject}: retrying #{event['op']}: {event['reason']}", flush=True)

    receipt = await job.run_async(
        credentials=credentials,
        client=client,
        base_url=base_url,
        ledger=ledger,
        on_progress=progress,
    )
    path = receipts / f"receipt-{job.job_id}.json"
    path.write_text(json.dumps(receipt, indent=2) + "\n", encoding="utf-8")
    body = erasekit.verify_receipt(path.read_text(encoding="utf-8"), ledger.receipt_public_key())
    print(f"{subject}: receipt {body['receipt_id']} verified, saved to {path}", flush=True)
    return body["counts"]["failed"]


async def main_async(args: argparse.Namespace) -> int:
    receipts = Path(args.receipts_dir)
    receipts.mkdir(parents=True, exist_ok=True)
    credentials = credentials_from_env()
    rate = max(1, args.rate // len(args.subjects))
    with erasekit.Ledger.sqlite(args.ledger) as ledger:
        limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
        async with httpx.AsyncClient(limits=limits, timeout=30.0) as client:
            failed = await asyncio.gather(*(
                erase(subject, ledger, client, credentials, args.base_url, rate, receipts)
                for subject in args.subjects
            ))
        for subject, count in zip(args.subjects, failed):
            left = len(ledger.entries(subject))
            print(f"{subject}: {count} failed, {left} ledger entries left")
    return 1 if any(failed) else 0


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("subjects", nargs="+", help="the users to erase, as recorded in the ledger")
    parser.add_argument("--ledger", default="ledger.db", help="SQLite ledger file (default ledger.db)")
    parser.add_argument("--base-url", default=os.environ.get("VONAGE_BASE_URL"))
    parser.add_argument("--rate", type=int, default=170, help="requests per second for all jobs together")
    parser.add_argument("--receipts-dir", default=".", help="where to save the receipts")
    return asyncio.run(main_async(parser.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
