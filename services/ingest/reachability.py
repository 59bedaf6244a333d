"""Telling "no network" apart from "this source is broken", and saying it in one line.

Why: offline, or behind a proxy, every source fails the same way at every poll. Logged one
warning per source and poll, that was a wall of errors on the terminal in which nothing
else could be read. A failure that only says the host could not be reached is now counted
here instead, and one summary line (``38/45 sources unreachable — no network?``) is
logged when the count changes; each source's own state stays on the sources page and in
``tocsin sources``. Failures that say something about the source itself (HTTP 404, an
unreadable body) are still logged one by one.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Protocol

import structlog

log = structlog.get_logger(__name__)

_UNREACHABLE_MARKS = (
    "cannot resolve",
    "connecterror",
    "connecttimeout",
    "timed out",
    "no complete answer within",
    "network is unreachable",
    "name or service not known",
    "temporary failure in name resolution",
    "no address associated",
    "connection refused",
    "proxyerror",
)
NO_NETWORK_SHARE = 0.5  # from this share of sources unreachable, suspect the network
RESUMMARISE_AFTER = 300.0  # seconds between two summaries while the count moves


class Clock(Protocol):
    def monotonic(self) -> float: ...


def looks_unreachable(error: str) -> bool:
    """Whether a fetch error only says the host could not be reached (DNS, connect, timeout)."""
    lowered = error.lower()
    return any(mark in lowered for mark in _UNREACHABLE_MARKS)


def summary_line(unreachable: int, total: int) -> str | None:
    """``38/45 sources unreachable — no network?``; None when every source was reached."""
    if unreachable <= 0 or total <= 0:
        return None
    line = f"{unreachable}/{total} sources unreachable"
    return f"{line} — no network?" if unreachable / total >= NO_NETWORK_SHARE else line


@dataclass
class ReachabilityDigest:
    """Each source's last outcome, summarised in one log line once every source has reported.

    ``expected`` is the number of sources this instance polls; until each has reported once
    nothing is logged, so the first line gives the whole picture rather than a running count.
    """

    expected: int = 0
    clock: Clock = time  # the module satisfies the protocol
    _unreachable: dict[str, bool] = field(default_factory=dict)
    _logged: int | None = None
    _logged_at: float = float("-inf")

    def record(self, source_id: str, unreachable: bool) -> None:
        self._unreachable[source_id] = unreachable
        total = max(self.expected, len(self._unreachable))
        if len(self._unreachable) < total:
            return
        count = sum(self._unreachable.values())
        if count == self._logged:
            return
        now = self.clock.monotonic()
        recovered = count == 0
        first = self._logged is None
        if not (first or recovered or now - self._logged_at >= RESUMMARISE_AFTER):
            return
        self._logged, self._logged_at = count, now
        line = summary_line(count, total)
        if line is not None:
            log.warning("ingest.sources_unreachable", summary=line, unreachable=count, sources=total)
        elif not first:
            log.info("ingest.sources_reachable_again", sources=total)

    @property
    def unreachable(self) -> int:
        return sum(self._unreachable.values())
