"""The CLI's progress display: a live bar on a terminal, plain lines otherwise.

It only reads the job's events and counts; it never changes what the job does.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Callable, Mapping, Optional, TextIO, cast

if TYPE_CHECKING:
    from ._native import ErasureJob
    from .types import Counts, JobEvent


BAR_WIDTH = 24


def format_duration(seconds: float) -> str:
    """``1:02:03`` or ``2:03``."""
    seconds = max(0, int(round(seconds)))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _clock_time(ms: int) -> str:
    """``HH:MM`` UTC of a time in ms."""
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).strftime("%H:%M UTC")


class Progress:
    """An ``on_progress`` callback that shows done/total, rate per second, retries and ETA.

    On a terminal (``tty=True``) one line is redrawn at most every ``interval`` seconds
    (default 0.1); otherwise a plain line is printed every ``interval`` seconds (default 2)
    and at the end. The rate is the calls this run sent per second (the core's
    ``job.calls_sent``): operations that end without a call (expired, skipped, a group
    stopped by a 401) count towards ``done`` but not towards the rate, so a wrong secret
    does not read as thousands of calls a second.
    """

    def __init__(
        self,
        job: ErasureJob,
        stream: TextIO,
        *,
        tty: Optional[bool] = None,
        interval: Optional[float] = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.job = job
        self.stream = stream
        self.tty = stream.isatty() if tty is None else tty
        self.interval = interval if interval is not None else (0.1 if self.tty else 2.0)
        self.clock = clock
        self.sent = job.calls_sent  # sent before this run started (a resumed job)
        self.started = clock()
        self.last_drawn = float("-inf")
        self.note = ""
        self.closed = False

    def line(self, counts: Counts) -> str:
        total = counts["total"]
        finished = counts["finished"]
        elapsed = max(self.clock() - self.started, 1e-9)
        rate = (self.job.calls_sent - self.sent) / elapsed
        remaining = total - finished
        if remaining == 0:
            eta = "done"
        elif rate > 0:
            # At least one call per remaining operation: a lower bound when retries come.
            eta = format_duration(remaining / rate)
        else:
            eta = "--:--"
        share = finished / total if total else 1.0
        parts = [
            f"{finished}/{total}",
            f"{share:4.0%}",
            f"{rate:6.1f}/s",
            f"retries {counts['retries']}",
            f"429s {counts['rate_limited']}",
            f"failed {counts['failed']}",
            f"ETA {eta}",
        ]
        if self.note:
            parts.append(self.note)
        text = "  ".join(parts)
        if self.tty:
            filled = int(BAR_WIDTH * share)
            return f"[{'#' * filled}{'-' * (BAR_WIDTH - filled)}] {text}"
        return text

    def __call__(self, event: JobEvent) -> None:
        kind: str = event["event"]  # a plain str: "waiting" is newer than some cores' types
        urgent = False
        if event["event"] == "throttled":
            self.note = f"throttled to {event['pace']:.0f}/s"
        elif event["event"] == "retrying" and event["reason"] == "premature":
            self.note = "waiting for the 60-minute rule"
        elif kind == "waiting":
            # A long, silent wait must say so at once, and how to avoid it.
            until = cast("Mapping[str, Any]", event).get("until")
            when = _clock_time(until) if isinstance(until, int) else "later"
            self.note = f"waiting until {when} for records younger than an hour (--no-wait to stop here)"
            urgent = True
        elif kind == "target_checked":
            # The one probe per API family before the bulk: a failure stops that family.
            check = cast("Mapping[str, Any]", event)
            if not check.get("ok", True):
                status = check.get("status")
                answered = f" answered {status}" if status is not None else ""
                self.note = f"target check failed for {check.get('group')}{answered}: {check.get('reason')}"
                urgent = True
        elif event["event"] == "operation_finished":
            self.note = ""
        final = kind == "finished"
        now = self.clock()
        if final or urgent or now - self.last_drawn >= self.interval:
            self.draw(final=final)

    def draw(self, *, final: bool = False) -> None:
        if self.closed:
            return
        self.last_drawn = self.clock()
        text = self.line(self.job.counts())
        if self.tty:
            self.stream.write("\r\x1b[2K" + text + ("\n" if final else ""))
        else:
            self.stream.write(text + "\n")
        self.stream.flush()
        if final:
            self.closed = True

    def close(self) -> None:
        """Ends the display (draws the last state once if the job did not finish)."""
        if not self.closed:
            self.draw(final=True)
