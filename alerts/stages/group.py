"""Group: merge a candidate into its story's persisted state (creating it when new)."""

from __future__ import annotations

from dataclasses import replace

from alerts.context import Candidate, IntakeContext
from alerts.decisions import grade_of_signal, recall, remember
from alerts.story import StoryState
from alerts.tables import StoryGroupRow


class GroupStage:
    async def exec(self, ctx: IntakeContext, items: list[Candidate]) -> tuple[IntakeContext, list[Candidate]]:
        out: list[Candidate] = []
        for item in items:
            row = await ctx.session.get(StoryGroupRow, (item.subscription.id, item.group_key))
            if row is None:
                row = StoryGroupRow(
                    subscription_id=item.subscription.id,
                    group_key=item.group_key,
                    story_id=item.story_id,
                    state="",
                    first_seen_at=ctx.now,
                    last_notified_at=None,
                    sequence=0,
                    flush_at=None,
                )
                ctx.session.add(row)
            story = StoryState.loads(row.state)
            if item.signal is not None:
                story.merge(item.signal, list(item.detections))
            row.state = story.dumps()
            grade = grade_of_signal(item.signal) if item.signal is not None else None
            if grade is not None and item.signal is not None:
                await remember(ctx.session, row.story_id, grade, ctx.now)
            grade = await recall(ctx.session, row.story_id) or grade
            out.append(replace(item, group=row, story=story, story_id=row.story_id, grade=grade))
        return ctx, out
