"""What the ``erasekit`` command prints about a plan and a finished run: the dry run in
figures, the target before a live run, and failures grouped by cause.

Figures come from the core (``ErasurePlan.summary``, ``describe``, the receipt); this module
only lays them out. A person reads "2,000 SMS redactions, about 0:12 at 170/s" and "2,000 ×
HTTP 401", not 2,000 near-identical lines.
"""

from __future__ import annotations

import json
import math
import sys
from collections import Counter
from typing import TYPE_CHECKING, Any, Mapping, Optional, TextIO, cast

from . import _cli_checks as checks
from ._cli_checks import iso
from ._progress import format_duration

if TYPE_CHECKING:
    from ._native import ErasureJob, ErasurePlan
    from .exceptions import ErasekitError
    from .types import PlanGroup, PlannedCall, PlanSummary, ReceiptBody, ReceiptOperation


DAY_MS = 86_400_000


def _about(ms: int) -> str:
    """A duration in whole seconds, rounded up: a few calls read "0:01", not "0:00"."""
    return format_duration(math.ceil(ms / 1000))


def group_label(group: PlanGroup) -> str:
    """``redact sms``, ``delete_recording``."""
    product = group["product"]
    return f"{group['action']} {product}" if product else group["action"]


def _group_line(group: PlanGroup) -> str:
    parts = []
    if group["pending"]:
        parts.append(f"{group['pending']} to send, about {_about(group['send_ms'])}")
    if group["expired"]:
        parts.append(f"{group['expired']} expired")
    if group["skipped"]:
        parts.append(f"{group['skipped']} skipped")
    return f"  {group['operations']:>7}  {group_label(group):<24} {'; '.join(parts)}\n"


def _deadline_line(plan: ErasurePlan, now: int) -> str:
    deadline = plan.deadline
    text = f"deadline {iso(deadline.due_at)} (received {iso(deadline.received_at)}"
    if deadline.extension_months:
        text += f", extended {deadline.extension_months} months: {deadline.extension_reason}"
    left = deadline.due_at - now
    if left < 0:
        text += f"; OVERDUE by {-left // DAY_MS} days"
    else:
        text += f"; {left // DAY_MS} days left"
    return text + ")\n"


def _estimate_line(summary: PlanSummary, hosts: list[str]) -> str:
    where = f" to {', '.join(hosts)}" if hosts else ""
    text = (
        f"{summary['pending']} calls{where} at {summary['rate_per_second']}/s: "
        f"about {_about(summary['send_ms'])} of sending"
    )
    if summary["estimated_finish"] is not None:
        text += f", finishing at the earliest {iso(summary['estimated_finish'])}"
    if summary["late"]:
        text += " — AFTER THE DEADLINE"
    return text + "\n"


def print_dry_run(
    plan: ErasurePlan,
    summary: PlanSummary,
    calls: list[PlannedCall],
    hosts: list[str],
    now: int,
    out: TextIO,
    *,
    as_json: bool,
    verbose: bool,
) -> None:
    """The dry run: a summary per action and product with counts, the time sending takes at
    the rate and the deadline; every call with its id only with ``verbose``; everything as
    JSON with ``as_json``."""
    if as_json:
        doc = {
            "subject_hash": plan.subject_hash,
            "planned_at": plan.planned_at,
            "deadline": plan.deadline.to_dict(),
            "earliest_finish": plan.earliest_finish,
            "summary": summary,
            "calls": calls,
        }
        out.write(json.dumps(doc, indent=2) + "\n")
        return
    out.write(f"dry run: {summary['operations']} operations, {summary['pending']} to send, nothing sent\n")
    out.write(f"subject (keyed hash) {plan.subject_hash}\n")
    out.write(_deadline_line(plan, now))
    out.write(_estimate_line(summary, hosts))
    for group in summary["groups"]:
        out.write(_group_line(group))
    if not verbose:
        out.write("(--verbose lists every call with its id; --json prints the plan as JSON)\n")
        return
    for c in calls:
        when: str
        if c["initial"] != "pending":
            when = c["initial"]
        elif c["not_before"] <= plan.planned_at:
            when = "now"
        else:
            when = f"from {iso(c['not_before'])}"
        out.write(f"  #{c['op']:<5} {c['action']:<19} {c['method']:<6} {c['url']}  [{when}]\n")


def print_target(
    job_id: str,
    plan: ErasurePlan,
    summary: PlanSummary,
    remaining: int,
    hosts: list[str],
    now: int,
    out: TextIO,
) -> None:
    """Before a live run: where the calls go, how many, and the deadline."""
    out.write(
        f"erasekit: job {job_id}: {summary['operations']} operations, {remaining} left to send "
        f"to {', '.join(hosts) or '(no host: nothing to send)'}\n"
    )
    for group in summary["groups"]:
        out.write("erasekit:" + _group_line(group))
    out.write("erasekit: " + _deadline_line(plan, now))
    out.write("erasekit: " + _estimate_line(summary, hosts))
    out.flush()


def before_sending(
    job: ErasureJob, base_url: Optional[str], source: str, now: int, *, yes: bool
) -> None:
    """Prints where the calls go, how many and the deadline, then asks for a go-ahead before
    calls leave this machine (``yes``: given). Nothing has been saved or sent yet."""
    plan = job.plan
    calls = checks.check_base_url(lambda: plan.describe(base_url), source)
    hosts = checks.hosts_of(calls)
    summary = plan.summary(job.config["rate_per_second"])
    counts = job.counts()
    settled = sum(counts[k] for k in ("done", "not_found", "expired", "skipped", "failed"))
    remaining = counts["total"] - settled
    print_target(job.job_id, plan, summary, remaining, hosts, now, sys.stderr)
    if remaining:
        checks.confirm_target(hosts, yes, sys.stdin, sys.stderr)


def stopped_waiting(job_id: str, ledger: str, stop: ErasekitError, out: TextIO) -> None:
    """``--no-wait``: the run stopped (checkpoint saved) where it would wait for the one-hour
    rule; says until when, and how to continue."""
    details = getattr(stop, "details", None)
    until = details.get("until") if isinstance(details, dict) else None
    when = iso(until) if isinstance(until, int) else "later"
    out.write(
        f"erasekit: stopped before waiting until {when} for records younger than an hour "
        f"(--no-wait); checkpoint saved. Continue after that time with:\n"
        f"  erasekit resume {job_id} --ledger {ledger}\n"
    )


def _cause(op: ReceiptOperation) -> tuple[str, Optional[int], str]:
    product = op.get("product")
    label = f"{op['action']} {product}" if product else op["action"]
    return label, op["status"], op["problem"] or "no answer"


def print_failures(body: ReceiptBody, out: TextIO, limit: int = 10) -> None:
    """Failed target checks (the receipt's ``target_checks``, when the core reports them), then
    failed operations grouped by cause (action, HTTP status, problem), largest first, with a
    count and the first operation of each: one line per cause, not one per operation."""
    checks: Any = cast("Mapping[str, Any]", body).get("target_checks") or []
    for check in checks:
        if isinstance(check, dict) and check.get("result") == "failed":
            status = check.get("status")
            answered = f" answered HTTP {status}" if status is not None else ""
            out.write(f"  target check failed: {check.get('group')} {check.get('url')}{answered}: "
                      f"{check.get('reason')}\n")
    failed = [o for o in body["operations"] if o["state"] == "failed"]
    causes: Counter[tuple[str, Optional[int], str]] = Counter()
    first: dict[tuple[str, Optional[int], str], ReceiptOperation] = {}
    for op in failed:
        key = _cause(op)
        causes[key] += 1
        first.setdefault(key, op)
    ranked = causes.most_common()
    for (label, status, problem), count in ranked[:limit]:
        example = first[(label, status, problem)]
        http = f"HTTP {status}: " if status is not None else ""
        out.write(
            f"  {count:>6} × {label}: {http}{problem} (first: #{example['op']} {example['target']})\n"
        )
    if len(ranked) > limit:
        rest = sum(count for _, count in ranked[limit:])
        out.write(f"  ... {rest} more in {len(ranked) - limit} other causes (see the receipt)\n")
