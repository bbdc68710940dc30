"""What the ``erasekit`` command checks before it saves or sends anything: option values, the
clock, the target's base URL, and a person's go-ahead before calls leave this machine.

Every problem here is a :class:`Usage` (exit 2, one line, no traceback) raised before the
ledger holds a job for the run: a refused option must never leave a "stopped" job behind
that blocks the next ``erase``. Ranges that are the core's rules (``--rate``,
``--max-in-flight``, the base URL's shape) are checked by the core; this module only gives
its answer the name of the option the person typed.
"""

from __future__ import annotations

import argparse
import ipaddress
import math
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, Optional, TextIO
from urllib.parse import urlsplit

from .job import ErasureJob
from .exceptions import ErasekitError

if TYPE_CHECKING:
    from ._native import ErasurePlan
    from .types import PlannedCall


NOW_ENV = "ERASEKIT_NOW"
"""Pins the command's "now" (ISO 8601 with a zone, or ms since the epoch), as ``--now`` does."""
BASE_URL_ENV = "VONAGE_BASE_URL"
"""Another host for every Vonage API, as ``--base-url`` (which wins) gives it."""

MAX_TIMEOUT_SECONDS = 3600.0
"""``--timeout`` above an hour is a typo, not a wish: a stuck call would hold the run that long."""

# Core field names and the options a person typed for them.
_OPTIONS = {
    "rate_per_second": "--rate",
    "max_in_flight": "--max-in-flight",
    "base_url": "--base-url",
}


class Usage(Exception):
    """A problem with the command line or the environment: exit 2 with the message."""


# ---- option types (argparse prints "argument --x: <message>" and exits 2) ------------------


def parse_time(text: str) -> int:
    """ms since the epoch (digits), or an ISO-8601 time with a zone (``Z`` or ``+hh:mm``)."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not a time: {text!r} (ISO 8601 with a zone, e.g. 2026-01-31T10:00:00Z, or ms)"
        ) from None
    if parsed.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{text!r} has no timezone (add Z or +00:00)")
    return int(parsed.timestamp() * 1000)


def timeout_seconds(text: str) -> float:
    """Seconds, finite, above 0 and at most an hour (``nan``, ``inf``, 0 and negatives refused)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not math.isfinite(value) or value <= 0 or value > MAX_TIMEOUT_SECONDS:
        raise argparse.ArgumentTypeError(
            f"must be a number of seconds above 0 and at most {MAX_TIMEOUT_SECONDS:.0f}, not {text}"
        )
    return value


# ---- the clock -------------------------------------------------------------------------------


def now_ms(pinned: Optional[int], env: Mapping[str, str]) -> int:
    """The command's "now": ``--now``, else ``$ERASEKIT_NOW``, else the wall clock. Tests and
    rehearsals pin it so that nothing they check depends on today's date."""
    if pinned is not None:
        return pinned
    text = env.get(NOW_ENV, "").strip()
    if text:
        try:
            return parse_time(text)
        except argparse.ArgumentTypeError as err:
            raise Usage(f"{NOW_ENV}: {err}") from None
    return time.time_ns() // 1_000_000


def iso(ms: Optional[int]) -> str:
    """``2026-01-31T10:00:00Z``, or ``-``."""
    if ms is None:
        return "-"
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# ---- credentials and the target --------------------------------------------------------------


def private_key(path: str) -> str:
    """The PEM text of the file at ``path``: unreadable or binary files are a usage error
    naming the path only (never a byte of the file)."""
    try:
        data = Path(path).read_bytes()
    except OSError as err:
        raise Usage(f"VONAGE_PRIVATE_KEY_PATH: cannot read {path}: {err.strerror}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise Usage(
            f"VONAGE_PRIVATE_KEY_PATH: {path} is not a PEM text file (expected "
            "-----BEGIN PRIVATE KEY-----)"
        ) from None


def base_url(flag: Optional[str], env: Mapping[str, str]) -> tuple[Optional[str], str]:
    """The base URL and where it came from: ``--base-url``, else ``$VONAGE_BASE_URL``, else
    ``None`` (Vonage's own hosts)."""
    if flag is not None:
        return flag, "--base-url"
    value = env.get(BASE_URL_ENV, "").strip()
    if value:
        return value, BASE_URL_ENV
    return None, "default"


def target(args: argparse.Namespace, env: Mapping[str, str]) -> tuple[Optional[str], str, int]:
    """The base URL (``--base-url``, else ``$VONAGE_BASE_URL``; stored back in
    ``args.base_url``), where it came from, and the command's "now" (``--now``, else
    ``$ERASEKIT_NOW``, else the clock)."""
    base, source = base_url(args.base_url, env)
    args.base_url = base
    return base, source, now_ms(args.now, env)


def job_for(plan: ErasurePlan, args: argparse.Namespace) -> ErasureJob:
    """The job for ``plan`` with the command's settings, checked by the core (``--rate``,
    ``--max-in-flight``) before anything is saved."""
    try:
        return ErasureJob(
            plan,
            rate_per_second=args.rate,
            max_in_flight=args.max_in_flight,
            check_target=not args.no_check_target,
            wait_for_premature=not args.no_wait,
        )
    except ErasekitError as err:
        raise option_error(err) from None


def option_error(err: ErasekitError, source: Optional[str] = None) -> Usage:
    """The core's refusal of an option, named as the person typed it (``--rate: must be ...``)."""
    if err.code == "invalid_base_url" and source:
        return Usage(f"{source}: {err}")
    details = getattr(err, "details", None) or {}
    field = details.get("field") if isinstance(details, dict) else None
    reason = details.get("reason") if isinstance(details, dict) else None
    name = source if field == "base_url" and source else _OPTIONS.get(str(field))
    if name and reason:
        return Usage(f"{name}: {reason}")
    return Usage(f"{err} ({err.code})")


def check_base_url(calls_of: Callable[[], list[PlannedCall]], source: str) -> list[PlannedCall]:
    """The plan's calls against the base URL, which the core checks on the way."""
    try:
        return calls_of()
    except ErasekitError as err:
        raise option_error(err, source) from None


def hosts_of(calls: Iterable[PlannedCall]) -> list[str]:
    """The hosts (``host`` or ``host:port``) the pending calls go to, sorted."""
    return sorted({urlsplit(c["url"]).netloc for c in calls if c["initial"] == "pending"})


def is_loopback(host: str) -> bool:
    """``localhost``, ``127.x.x.x`` or ``[::1]`` (with any port): this machine."""
    name = urlsplit(f"//{host}").hostname or ""
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def confirm_target(hosts: list[str], yes: bool, stdin: TextIO, out: TextIO) -> None:
    """Asks before calls go to a host that is not this machine, unless ``--yes``. Without a
    terminal to ask (CI, a pipe) it refuses: erasing at the wrong place cannot be undone."""
    remote = [h for h in hosts if not is_loopback(h)]
    if not remote or yes:
        return
    where = ", ".join(remote)
    if not stdin.isatty():
        raise Usage(
            f"not sending to {where} without a go-ahead and there is no terminal to ask: "
            "check the target above, then pass --yes"
        )
    out.write(f"erasekit: send these calls to {where}? [y/N] ")
    out.flush()
    answer = stdin.readline().strip().lower()
    if answer not in ("y", "yes"):
        raise Usage("nothing sent (not confirmed)")
