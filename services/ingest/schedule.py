"""When to poll next: pure functions of the outcome, so they are tested without a clock."""

from __future__ import annotations

import random
from enum import Enum

JITTER = 0.1
FAILURE_BACKOFF_CAP = 3600.0
BROKER_RETRY_BASE = 1.0


class Outcome(Enum):
    SUCCESS = "success"
    SOURCE_FAILED = "source_failed"
    BROKER_FAILED = "broker_failed"


def next_delay(
    interval: float,
    outcome: Outcome,
    failures: int = 0,
    retry_after: float | None = None,
    rng: random.Random | None = None,
) -> float:
    """Seconds until the next poll.

    Success: the interval, jittered by ±10% so sources configured together drift apart.
    Source failure: the interval doubled per consecutive failure, capped at an hour (or the
    interval, if longer); a server's ``Retry-After`` is honoured when it asks for more.
    Broker failure: the source is fine, so retry soon (1 s, 2 s, 4 s … up to the interval).
    """
    draw = (rng or random).uniform(1 - JITTER, 1 + JITTER)
    if outcome is Outcome.SUCCESS:
        return interval * draw
    if outcome is Outcome.BROKER_FAILED:
        return min(BROKER_RETRY_BASE * _doublings(failures), interval) * draw
    cap = max(FAILURE_BACKOFF_CAP, interval)
    delay = min(interval * _doublings(failures), cap) * draw
    if retry_after is not None:
        delay = max(delay, retry_after)
    return delay


def _doublings(failures: int) -> int:
    """1, 1, 2, 4, 8 …: two to the power of the failures after the first (``1 << n`` is ``2 ** n``, typed ``int``)."""
    return 1 << max(failures - 1, 0)
