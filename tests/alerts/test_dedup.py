"""The grouping/throttle/repeat decision, branch by branch, with an injected ``now``."""

from __future__ import annotations

from alerts.dedup import Decision, GroupTiming, decide

TIMING = GroupTiming(group_wait=0.0, group_interval=300.0, repeat_interval=4 * 3600.0)


def verdict(
    now: float,
    *,
    notifications: int = 1,
    first: float = 0.0,
    last: float | None = 0.0,
    changed: bool = False,
    timing: GroupTiming = TIMING,
    severe: bool = True,
):
    return decide(
        now=now,
        timing=timing,
        notifications=notifications,
        first_seen_at=first,
        last_notified_at=last,
        changed=changed,
        severe_enough=severe,
    )


class TestFirstNotification:
    def test_goes_out_at_once_by_default(self):
        assert verdict(10.0, notifications=0, first=10.0, last=None).decision is Decision.NOTIFY_NEW

    def test_waits_for_a_positive_group_wait(self):
        timing = GroupTiming(group_wait=30.0)
        result = verdict(10.0, notifications=0, first=10.0, last=None, timing=timing)
        assert result.decision is Decision.WAIT_GROUP
        assert result.due_at == 40.0

    def test_goes_out_when_group_wait_is_over(self):
        timing = GroupTiming(group_wait=30.0)
        assert verdict(40.0, notifications=0, first=10.0, last=None, timing=timing).decision is Decision.NOTIFY_NEW


class TestUpdates:
    def test_changed_story_waits_for_group_interval(self):
        result = verdict(100.0, last=0.0, changed=True)
        assert result.decision is Decision.WAIT_INTERVAL
        assert result.due_at == 300.0

    def test_changed_story_updates_after_group_interval(self):
        assert verdict(300.0, last=0.0, changed=True).decision is Decision.NOTIFY_UPDATE


class TestRepeats:
    def test_unchanged_story_is_a_duplicate_before_repeat_interval(self):
        assert verdict(3600.0, last=0.0).decision is Decision.DUPLICATE

    def test_unchanged_story_repeats_after_repeat_interval(self):
        assert verdict(4 * 3600.0, last=0.0).decision is Decision.NOTIFY_REPEAT


class TestSeverity:
    def test_below_minimum_severity_never_notifies(self):
        assert verdict(1e9, notifications=0, last=None, severe=False).decision is Decision.BELOW_SEVERITY


def test_decision_flags():
    assert {d for d in Decision if d.notifies} == {Decision.NOTIFY_NEW, Decision.NOTIFY_UPDATE, Decision.NOTIFY_REPEAT}
    assert {d for d in Decision if d.waits} == {Decision.WAIT_GROUP, Decision.WAIT_INTERVAL}
