"""Silence: mark candidates that an active silence covers; the record stage stores them muted."""

from __future__ import annotations

from dataclasses import replace

from alerts.context import Candidate, IntakeContext
from alerts.silences import active_silences


class SilenceStage:
    async def exec(self, ctx: IntakeContext, items: list[Candidate]) -> tuple[IntakeContext, list[Candidate]]:
        silences = await active_silences(ctx.session, ctx.now)
        if not silences:
            return ctx, items
        out: list[Candidate] = []
        for item in items:
            detections = item.story.detections if item.story else []
            hit = next((s for s in silences if s.matches(item.subscription.id, detections)), None)
            out.append(replace(item, silenced_by=hit.id) if hit else item)
        return ctx, out
