"""Record: write one outbox row per channel before anything is sent.

The delivery id (the ``webhook-id``) is derived from subscription, channel, story and the
story's notification number, so recording the same notification twice (a replayed Kafka
message, a racing instance) finds the existing row instead of adding a second one.
"""

from __future__ import annotations

import structlog

from alerts.channels.keys import channel_keys
from alerts.context import Candidate, IntakeContext
from alerts.dedup import Decision
from alerts.links import console_url
from alerts.payload import EventHeader, alert_id_for, build_event
from alerts.tables import PENDING, SILENCED, DeliveryRow
from models.ids import stable_id
from services.platform.metrics import FEED_TO_OUTBOX

log = structlog.get_logger(__name__)

EVENT_TYPES = {Decision.NOTIFY_NEW: "alert.created"}


def delivery_id(subscription_id: str, channel: str, group_key: str, sequence: int) -> str:
    return stable_id("msg_", subscription_id, channel, group_key, str(sequence), length=32)


class RecordStage:
    """Stores the outbox rows and advances the story's notification count. Passes items on."""

    async def exec(self, ctx: IntakeContext, items: list[Candidate]) -> tuple[IntakeContext, list[Candidate]]:
        for item in items:
            assert item.group is not None and item.story is not None and item.decision is not None
            group = item.group
            sequence = group.sequence + 1
            event_type = EVENT_TYPES.get(item.decision, "alert.updated")
            for channel in channel_keys(item.subscription):
                ident = delivery_id(item.subscription.id, channel, item.group_key, sequence)
                if await ctx.session.get(DeliveryRow, ident) is not None:
                    continue
                header = EventHeader(
                    event_id=ident,
                    event_type=event_type,
                    reason=item.decision.value,
                    time=ctx.now,
                    subscription_id=item.subscription.id,
                    tenant=item.subscription.tenant,
                    story_id=item.story_id,
                    sequence=sequence,
                    alert_id=alert_id_for(item.group_key, item.subscription.id),
                    console_url=console_url(item.story_id),
                )
                ctx.session.add(
                    DeliveryRow(
                        id=ident,
                        subscription_id=item.subscription.id,
                        channel=channel,
                        event_type=event_type,
                        story_id=item.story_id,
                        group_key=item.group_key,
                        signal_id=(item.signal.id if item.signal else "")[:200],
                        severity=item.severity,
                        payload=build_event(header, item.story, item.grade).decode("utf-8"),
                        status=SILENCED if item.silenced_by else PENDING,
                        attempts=0,
                        created_at=ctx.now,
                        next_attempt_at=None if item.silenced_by else ctx.now,
                        last_error=f"silenced by {item.silenced_by}" if item.silenced_by else None,
                    )
                )
                log.info(
                    "alert.recorded",
                    delivery=ident,
                    subscription=item.subscription.id,
                    channel=channel,
                    type=event_type,
                    silenced=bool(item.silenced_by),
                )
            if item.signal is not None:
                FEED_TO_OUTBOX.observe(max(0.0, ctx.now - item.signal.created_at.timestamp()))
            item.story.mark_notified()
            group.state = item.story.dumps()
            group.sequence = sequence
            group.last_notified_at = ctx.now
            group.flush_at = None
        return ctx, items
