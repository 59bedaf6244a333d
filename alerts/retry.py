"""The retry schedule: fixed steps with jitter, stretched by a receiver's ``Retry-After``."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

DEFAULT_SCHEDULE = (5.0, 300.0, 1800.0, 7200.0, 18000.0, 36000.0, 36000.0)
DEFAULT_JITTER = 0.1
MAX_RETRY_AFTER = 24 * 3600.0
FAILING_ENDPOINT_LIMIT = 5 * 24 * 3600.0


@dataclass(frozen=True)
class RetrySchedule:
    """Delay before retry *n* (1-based) is ``delays[n-1]`` ± ``jitter`` of it.

    Jitter spreads the retries of many deliveries that failed together (one receiver
    outage) so they do not all come back at the same instant.
    """

    delays: Sequence[float] = DEFAULT_SCHEDULE
    jitter: float = DEFAULT_JITTER
    rng: random.Random = field(default_factory=random.Random, compare=False)

    def delay_after(self, attempts: int, retry_after: float | None = None) -> float | None:
        """Seconds to wait after ``attempts`` failed attempts, or None when the schedule is spent."""
        if attempts < 1 or attempts > len(self.delays):
            return None
        base = float(self.delays[attempts - 1])
        delay = base * (1 + self.rng.uniform(-self.jitter, self.jitter)) if base > 0 else 0.0
        if retry_after is not None:
            delay = max(delay, min(retry_after, MAX_RETRY_AFTER))
        return delay


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP date); None if absent or bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, when.timestamp() - now) if isinstance(when, datetime) else None
