"""Match: keep the subscriptions a signal concerns, one candidate per story."""

from __future__ import annotations

from dataclasses import replace

from alerts.context import Candidate, IntakeContext
from alerts.matching import matching_detections
from alerts.story import group_key_for, story_id_for
from models import Detection


class MatchStage:
    """Turns one unrouted candidate per subscription into one candidate per matching story."""

    async def exec(self, ctx: IntakeContext, items: list[Candidate]) -> tuple[IntakeContext, list[Candidate]]:
        out: list[Candidate] = []
        for item in items:
            signal = item.signal or ctx.signal
            if signal is None:
                continue
            by_story: dict[str, list[Detection]] = {}
            for detection in matching_detections(item.subscription, signal):
                by_story.setdefault(group_key_for(signal, detection), []).append(detection)
            for key, detections in by_story.items():
                out.append(
                    replace(
                        item,
                        signal=signal,
                        detections=tuple(detections),
                        group_key=key,
                        story_id=story_id_for(signal, key),
                    )
                )
        return ctx, out
