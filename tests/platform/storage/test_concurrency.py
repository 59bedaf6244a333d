"""Several processes on one database: replicas starting together, alerters sharing an outbox."""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter

from sqlalchemy import func, select, text

from alerts.outbox import claim_due
from alerts.tables import DELIVERED, PENDING, AttemptRow, DeliveryRow
from services.platform.storage import Database, open_database
from services.platform.storage.schema import head_revision, schema_state
from tests.platform.storage.racing import race

REPLICAS = 3
DELIVERIES = 120


class TestConcurrentCreateSchema:
    async def test_replicas_starting_together_all_succeed_and_migrate_once(self, empty_url, tmp_path):
        finished = await race("migrate", empty_url, REPLICAS, tmp_path)
        assert [f.returncode for f in finished] == [0] * REPLICAS, [f.output for f in finished]
        db = open_database(empty_url)
        try:
            state = await schema_state(db)
            async with db.engine.connect() as connection:
                versions = (await connection.execute(text("SELECT version_num FROM alembic_version"))).scalars().all()
        finally:
            await db.close()
        assert state.at_head
        assert versions == [head_revision()]
        upgraded = sum("storage.schema_upgraded" in f.output for f in finished)
        assert upgraded == 1, "exactly one replica migrates; the others find the schema at head"


async def _pending_outbox(db: Database, count: int) -> list[str]:
    now = time.time()
    ids = [f"delivery-{n:04d}" for n in range(count)]
    async with db.sessions.begin() as session:
        session.add_all(
            DeliveryRow(
                id=delivery_id,
                subscription_id="sub-1",
                channel="webhook",
                event_type="alert.created",
                story_id="story-1",
                group_key=f"group-{n}",
                signal_id=f"signal-{n}",
                severity="high",
                payload="{}",
                status=PENDING,
                attempts=0,
                created_at=now,
                next_attempt_at=now - 1,
            )
            for n, delivery_id in enumerate(ids)
        )
    return ids


async def _attempts_per_delivery(db: Database) -> Counter[str]:
    async with db.sessions() as session:
        rows = await session.execute(select(AttemptRow.delivery_id, func.count()).group_by(AttemptRow.delivery_id))
        return Counter(dict(rows.all()))


async def _statuses(db: Database) -> Counter[str]:
    async with db.sessions() as session:
        return Counter(await session.scalars(select(DeliveryRow.status)))


class TestTwoAlerterReplicas:
    """Two alerters on one database never deliver one outbox entry twice (and lose none)."""

    async def test_two_processes_claim_each_delivery_once(self, empty_url, tmp_path):
        db = open_database(empty_url)
        try:
            await db.create_schema()
            ids = await _pending_outbox(db, DELIVERIES)
            finished = await race("claim", empty_url, 2, tmp_path)
            assert [f.returncode for f in finished] == [0, 0], [f.output for f in finished]
            claims = [json.loads((tmp_path / f"out-{n}.json").read_text())["claimed"] for n in range(2)]
            attempts = await _attempts_per_delivery(db)
            statuses = await _statuses(db)
        finally:
            await db.close()
        every_claim = Counter(claim for claimed in claims for claim in claimed)
        assert sorted(every_claim) == ids, "every delivery is claimed"
        assert max(every_claim.values()) == 1, [d for d, n in every_claim.items() if n > 1]
        assert set(attempts) == set(ids) and set(attempts.values()) == {1}
        assert statuses == Counter({DELIVERED: DELIVERIES})

    async def test_two_engines_racing_on_the_same_rows_claim_each_once(self, empty_url):
        """Two connection pools claiming in lockstep: each round both ask for the same head rows."""
        first, second = open_database(empty_url), open_database(empty_url)
        try:
            await first.create_schema()
            ids = await _pending_outbox(first, DELIVERIES)
            claimed: Counter[str] = Counter()
            for _round in range(DELIVERIES):
                now = time.time()
                a, b = await asyncio.gather(
                    claim_due(first, now=now, owner="replica-a", lease=600, limit=7),
                    claim_due(second, now=now, owner="replica-b", lease=600, limit=7),
                )
                claimed.update(row.id for row in a + b)
                if not a and not b:
                    break
        finally:
            await first.close()
            await second.close()
        assert sorted(claimed) == ids
        assert max(claimed.values()) == 1
