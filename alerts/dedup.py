"""The grouping, throttling and repeat decision: a pure function of a story's timing.

Kept free of I/O and of the clock (``now`` is an argument) so every branch is a one-line
unit test, as Alertmanager does with its ``needsUpdate``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from models.subscription import DEFAULT_GROUP_INTERVAL, DEFAULT_GROUP_WAIT, DEFAULT_REPEAT_INTERVAL


class Decision(enum.Enum):
    NOTIFY_NEW = "new"  # first notification of the story
    NOTIFY_UPDATE = "update"  # the story changed and group_interval has passed
    NOTIFY_REPEAT = "repeat"  # unchanged, but repeat_interval has passed
    WAIT_GROUP = "wait_group"  # first notification, batching for group_wait
    WAIT_INTERVAL = "wait_interval"  # changed, but notified less than group_interval ago
    DUPLICATE = "duplicate"  # unchanged and notified less than repeat_interval ago
    BELOW_SEVERITY = "below_severity"  # the story is not yet severe enough for the subscriber

    @property
    def notifies(self) -> bool:
        return self in (Decision.NOTIFY_NEW, Decision.NOTIFY_UPDATE, Decision.NOTIFY_REPEAT)

    @property
    def waits(self) -> bool:
        return self in (Decision.WAIT_GROUP, Decision.WAIT_INTERVAL)


@dataclass(frozen=True)
class GroupTiming:
    group_wait: float = DEFAULT_GROUP_WAIT
    group_interval: float = DEFAULT_GROUP_INTERVAL
    repeat_interval: float = DEFAULT_REPEAT_INTERVAL


@dataclass(frozen=True)
class Verdict:
    decision: Decision
    due_at: float | None = None  # when a waiting story should be flushed


def decide(
    *,
    now: float,
    timing: GroupTiming,
    notifications: int,
    first_seen_at: float,
    last_notified_at: float | None,
    changed: bool,
    severe_enough: bool = True,
) -> Verdict:
    """What to do with a story right now."""
    if not severe_enough:
        return Verdict(Decision.BELOW_SEVERITY)
    if notifications == 0 or last_notified_at is None:
        due = first_seen_at + timing.group_wait
        return Verdict(Decision.NOTIFY_NEW) if now >= due else Verdict(Decision.WAIT_GROUP, due)
    if changed:
        due = last_notified_at + timing.group_interval
        return Verdict(Decision.NOTIFY_UPDATE) if now >= due else Verdict(Decision.WAIT_INTERVAL, due)
    if now >= last_notified_at + timing.repeat_interval:
        return Verdict(Decision.NOTIFY_REPEAT)
    return Verdict(Decision.DUPLICATE)
