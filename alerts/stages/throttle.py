"""Throttle and dedup: apply :func:`alerts.dedup.decide` and park stories that must wait."""

from __future__ import annotations

from dataclasses import replace

import structlog

from alerts.context import Candidate, IntakeContext
from alerts.dedup import GroupTiming, decide
from alerts.matching import severity_passes

log = structlog.get_logger(__name__)


def timing_of(candidate: Candidate) -> GroupTiming:
    sub = candidate.subscription
    return GroupTiming(sub.group_wait, sub.group_interval, sub.repeat_interval)


class ThrottleStage:
    """Lets through only the candidates that should notify now.

    A waiting story gets a ``flush_at`` on its group row; the dispatcher's flush loop brings
    it back through this same stage when that time comes.
    """

    async def exec(self, ctx: IntakeContext, items: list[Candidate]) -> tuple[IntakeContext, list[Candidate]]:
        out: list[Candidate] = []
        for item in items:
            assert item.group is not None and item.story is not None
            verdict = decide(
                now=ctx.now,
                timing=timing_of(item),
                notifications=item.group.sequence,
                first_seen_at=item.group.first_seen_at,
                last_notified_at=item.group.last_notified_at,
                changed=item.story.changed,
                severe_enough=severity_passes(item.subscription, item.severity),
            )
            if verdict.decision.notifies:
                item.group.flush_at = None
                out.append(replace(item, decision=verdict.decision))
            elif verdict.decision.waits:
                due = verdict.due_at
                if item.group.flush_at is None or (due is not None and due < item.group.flush_at):
                    item.group.flush_at = due
            log.debug(
                "alert.decision",
                subscription=item.subscription.id,
                story=item.story_id,
                decision=verdict.decision.value,
            )
        return ctx, out
