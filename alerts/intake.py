"""From a signal (or a story whose wait is over) to outbox rows, in one transaction.

The pipelines it runs are assembled in :mod:`alerts.pipelines`.
"""

from __future__ import annotations

from collections.abc import Sequence

import structlog
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError

from alerts.context import Candidate, IntakeContext
from alerts.decisions import recall
from alerts.pipelines import flush_pipeline, signal_pipeline
from alerts.story import StoryState
from alerts.tables import StoryGroupRow
from models import Signal, Subscription
from services.platform.storage import Database

log = structlog.get_logger(__name__)

TRANSACTION_TRIES = 5


async def record_signal(db: Database, subscriptions: Sequence[Subscription], signal: Signal, now: float) -> int:
    """Records every notification ``signal`` causes; returns how many stories notify now.

    Retried as a whole when another instance wrote the same story concurrently (a unique
    key clash) or SQLite was busy: the second try sees the first one's rows.
    """
    pipeline = signal_pipeline()
    items = [Candidate(subscription=sub, signal=signal) for sub in subscriptions]
    for attempt in range(1, TRANSACTION_TRIES + 1):
        try:
            async with db.sessions() as session, session.begin():
                _, left = await pipeline.exec(IntakeContext(now=now, session=session, signal=signal), items)
            return len(left)
        except (IntegrityError, OperationalError) as exc:
            if attempt == TRANSACTION_TRIES:
                raise
            log.info("alert.record_retry", signal=signal.id, attempt=attempt, error=type(exc).__name__)
    return 0


async def next_flush_at(db: Database) -> float | None:
    async with db.sessions() as session:
        rows = await session.scalars(
            select(StoryGroupRow.flush_at)
            .where(StoryGroupRow.flush_at.is_not(None))
            .order_by(StoryGroupRow.flush_at)
            .limit(1)
        )
        return rows.first()


async def flush_due_stories(db: Database, subscriptions: Sequence[Subscription], now: float) -> int:
    """Notifies the stories whose wait is over; returns how many were notified."""
    by_id = {sub.id: sub for sub in subscriptions}
    pipeline = flush_pipeline()
    async with db.sessions() as session:
        result = await session.execute(
            select(StoryGroupRow.subscription_id, StoryGroupRow.group_key)
            .where(StoryGroupRow.flush_at.is_not(None), StoryGroupRow.flush_at <= now)
            .limit(100)
        )
        keys = [tuple(row) for row in result]
    notified = 0
    for subscription_id, key in keys:
        subscription = by_id.get(subscription_id)
        try:
            async with db.sessions() as session, session.begin():
                row = await session.get(StoryGroupRow, (subscription_id, key))
                if row is None or row.flush_at is None or row.flush_at > now:
                    continue  # another instance flushed it first
                if subscription is None:
                    row.flush_at = None
                    continue
                item = Candidate(
                    subscription=subscription,
                    group_key=key,
                    story_id=row.story_id,
                    group=row,
                    story=StoryState.loads(row.state),
                    grade=await recall(session, row.story_id),
                )
                _, left = await pipeline.exec(IntakeContext(now=now, session=session), [item])
                notified += len(left)
        except (IntegrityError, OperationalError) as exc:
            log.info("alert.flush_retry", subscription=subscription_id, error=type(exc).__name__)
    return notified
