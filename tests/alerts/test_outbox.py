"""Leases, resend and replay on the persisted outbox (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

import asyncio

from alerts import replay_since, resend
from alerts.intake import record_signal
from alerts.outbox import claim_due, deliveries, mark_dead, next_due_at, record_attempt
from tests.alerts.factories import detection, signal, subscription

T0 = 1_700_000_000.0
HOOK = "http://127.0.0.1:9/hook"


async def _record(db, count: int, sub_id: str = "desk", at: float = T0) -> None:
    sub = subscription(sub_id, HOOK)
    for n in range(count):
        await record_signal(db, [sub], signal(detection(actor=f"actor {sub_id} {n}")), at + n)


class TestClaim:
    async def test_concurrent_claimers_split_the_rows(self, db):
        await _record(db, 6)
        first, second = await asyncio.gather(
            claim_due(db, now=T0 + 10, owner="a", lease=30, limit=6),
            claim_due(db, now=T0 + 10, owner="b", lease=30, limit=6),
        )
        ids_a, ids_b = {r.id for r in first}, {r.id for r in second}
        assert not ids_a & ids_b
        assert len(ids_a | ids_b) == 6

    async def test_leased_row_comes_back_after_its_lease(self, db):
        await _record(db, 1)
        (row,) = await claim_due(db, now=T0 + 1, owner="crashed", lease=30, limit=5)
        assert await claim_due(db, now=T0 + 20, owner="other", lease=30, limit=5) == []
        assert await next_due_at(db) == T0 + 31
        (again,) = await claim_due(db, now=T0 + 32, owner="other", lease=30, limit=5)
        assert again.id == row.id

    async def test_rows_not_yet_due_are_not_claimed(self, db):
        await _record(db, 1, at=T0 + 100)
        assert await claim_due(db, now=T0, owner="a", lease=30, limit=5) == []


class TestResendAndReplay:
    async def test_resend_keeps_the_webhook_id(self, db):
        await _record(db, 1)
        (row,) = await deliveries(db)
        await record_attempt(
            db, row, started_at=T0, latency_ms=3.0, status_code=200, outcome="delivered", error=None, instance="i"
        )
        assert (await deliveries(db))[0].status == "delivered"
        assert await resend(db, row.id, now=T0 + 50)
        (again,) = await deliveries(db)
        assert (again.id, again.status, again.next_attempt_at, again.attempts) == (row.id, "pending", T0 + 50, 0)
        assert not await resend(db, "msg_missing", now=T0)

    async def test_replay_since_requeues_only_that_endpoint_since_then(self, db):
        await _record(db, 3, "desk", at=T0)
        await _record(db, 2, "other", at=T0)
        for row in await deliveries(db):
            await mark_dead(db, row.id, "gone", T0 + 10)
        assert await replay_since(db, "desk", since=T0 + 1, now=T0 + 20) == 2
        statuses = {(r.subscription_id, r.created_at): r.status for r in await deliveries(db)}
        assert statuses[("desk", T0)] == "dead"
        assert statuses[("desk", T0 + 1)] == statuses[("desk", T0 + 2)] == "pending"
        assert statuses[("other", T0 + 1)] == "dead"
