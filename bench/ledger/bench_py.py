#!/usr/bin/env python3
"""Ledger benchmark, Python: record 1,000,000 entries (batched, one transaction per batch) and
read back one subject's 10,000 entries, on SQLite (stdlib sqlite3, a temporary WAL file) and
PostgreSQL (psycopg 3, a fresh schema on $ERASEKIT_PG_DSN, else ``scripts/pg.sh start``).
Each backend runs in a child process of its own so that its peak RSS is its own.

    .venv/bin/python bench/ledger/bench_py.py [--entries 1000000] [--batch 10000] [--reads 20]
                                              [--backend sqlite|postgres|all]

Prints a Markdown table: entries/s (record calls only; capture is timed apart), ms per subject
read (median and minimum of --reads), peak RSS of the process (``resource.getrusage``). Same
workload and columns as ``bench_js.mjs``. A benchmark, not a test: ``make test`` never runs it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

REPO = Path(__file__).resolve().parents[2]
AT = 1_700_000_000_000


def pg_dsn() -> str:
    dsn = os.environ.get("ERASEKIT_PG_DSN")
    if dsn:
        return dsn
    out = subprocess.run(
        [str(REPO / "scripts" / "pg.sh"), "start"], check=True, capture_output=True, text=True
    )
    return out.stdout.strip().splitlines()[-1]


def open_backend(backend: str) -> tuple[Any, Callable[[], None]]:
    """The ledger to measure and how to remove it afterwards."""
    import erasekit

    if backend == "sqlite":
        where = tempfile.mkdtemp(prefix="erasekit-bench-")
        ledger = erasekit.Ledger.sqlite(os.path.join(where, "ledger.db"))
        return ledger, lambda: shutil.rmtree(where, ignore_errors=True)
    import psycopg
    from psycopg import sql
    from psycopg.conninfo import make_conninfo

    dsn = pg_dsn()
    schema = f"erasekit_bench_py_{os.getpid()}"
    with psycopg.connect(dsn, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    ledger = erasekit.Ledger.postgres(make_conninfo(dsn, options=f"-c search_path={schema}"))

    def drop() -> None:
        with psycopg.connect(dsn, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))

    return ledger, drop


def run(backend: str, entries: int, batch: int, reads: int) -> dict[str, Any]:
    """One backend, in this process."""
    import erasekit

    ledger, cleanup = open_backend(backend)
    try:
        capture_s = record_s = 0.0
        recorded = 0
        for batch_no, start in enumerate(range(0, entries, batch)):
            t0 = time.perf_counter()
            parts = [
                {"message-id": f"B{i:012d}", "status": "0", "network": "23410"}
                for i in range(start, min(start + batch, entries))
            ]
            captured = erasekit.capture.sms_send({"messages": parts}, at=AT + start)
            t1 = time.perf_counter()
            recorded += ledger.record(f"bench-user-{batch_no:04d}", captured)
            record_s += time.perf_counter() - t1
            capture_s += t1 - t0
        if recorded != entries:
            raise SystemExit(f"recorded {recorded} of {entries}")
        subject = f"bench-user-{entries // batch // 2:04d}"
        times = []
        count = 0
        for _ in range(reads):
            t0 = time.perf_counter()
            count = len(ledger.entries(subject))
            times.append((time.perf_counter() - t0) * 1000)
        times.sort()
        return {
            "backend": backend,
            "entries": entries,
            "batch": batch,
            "record_seconds": record_s,
            "entries_per_second": round(entries / record_s),
            "capture_entries_per_second": round(entries / capture_s),
            "subject_entries": count,
            "read_ms_median": times[len(times) // 2],
            "read_ms_min": times[0],
            # ru_maxrss is in KiB on Linux.
            "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        }
    finally:
        ledger.close()
        cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--reads", type=int, default=20)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "all"], default="all")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run(args.backend, args.entries, args.batch, args.reads)))
        return

    import erasekit

    backends = ["sqlite", "postgres"] if args.backend == "all" else [args.backend]
    print(
        f"python {platform.python_version()}, erasekit {erasekit.__version__}, "
        f"{args.entries} entries in record() calls of {args.batch}, subject read x{args.reads}\n"
    )
    print(
        "| backend | entries/s (record) | record total s | ms per read of 10,000 (median / min) "
        "| peak RSS MiB | capture entries/s |"
    )
    print("|---|---|---|---|---|---|")
    for backend in backends:
        out = subprocess.run(
            [sys.executable, __file__, "--child", *sys.argv[1:], "--backend", backend],
            check=True,
            capture_output=True,
            text=True,
        )
        r = json.loads(out.stdout)
        print(
            f"| {r['backend']} | {r['entries_per_second']:,} | {r['record_seconds']:.1f} | "
            f"{r['read_ms_median']:.1f} / {r['read_ms_min']:.1f} ({r['subject_entries']} entries) "
            f"| {r['peak_rss_mib']} | {r['capture_entries_per_second']:,} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
