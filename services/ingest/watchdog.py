"""Huginn-style watchdog: a source that keeps failing or falls silent is news for operators."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from services.ingest.status import SourceStatus

DEFAULT_FAILURE_THRESHOLD = 5


class Alarm(Enum):
    FAILING = "source.failing"
    SILENT = "source.silent"
    RECOVERED = "source.recovered"


@dataclass(frozen=True)
class Verdict:
    alarm: Alarm | None
    state: str | None
    """What to remember in ``SourceStatus.watchdog`` so an alarm fires once per episode."""


def assess(
    status: SourceStatus,
    now: datetime,
    expected_update: float | None,
    started_at: datetime,
    failure_threshold: int = DEFAULT_FAILURE_THRESHOLD,
) -> Verdict:
    """The alarm to raise now, if any, given the status after a poll."""
    current = status.watchdog
    if status.consecutive_failures >= failure_threshold:
        return Verdict(Alarm.FAILING if current != "failing" else None, "failing")
    if expected_update:
        quiet_since = max(status.last_new_item_at or started_at, started_at)
        if now - quiet_since >= timedelta(seconds=expected_update):
            return Verdict(Alarm.SILENT if current != "silent" else None, "silent")
    if current is not None:
        return Verdict(Alarm.RECOVERED, None)
    return Verdict(None, None)
