"""Stage combinators and the retry stage in isolation, with an injected clock."""

from __future__ import annotations

import random
from dataclasses import dataclass

from alerts.context import DeliveryContext, Outgoing
from alerts.errors import EndpointGone, PermanentError, RetryableError
from alerts.intake import record_signal
from alerts.outbox import deliveries, endpoint_state, record_attempt
from alerts.pipeline import MultiStage
from alerts.retry import RetrySchedule
from alerts.stages.retry import RetryStage
from tests.alerts.factories import detection, signal, subscription

T0 = 1_700_000_000.0
DAY = 86400.0


@dataclass
class Recorder:
    keep: bool = True
    calls: int = 0

    async def exec(self, ctx, items):
        self.calls += 1
        return ctx, (list(items) if self.keep else [])


class TestMultiStage:
    async def test_stops_when_nothing_is_left(self):
        dropper, after = Recorder(keep=False), Recorder()
        _, left = await MultiStage([dropper, after]).exec(None, [1, 2])
        assert left == [] and dropper.calls == 1 and after.calls == 0

    async def test_runs_every_stage_in_order(self):
        class Add:
            def __init__(self, n):
                self.n = n

            async def exec(self, ctx, items):
                return ctx + [self.n], items

        ctx, left = await MultiStage([Add(1), Add(2)]).exec([], ["x"])
        assert ctx == [1, 2] and left == ["x"]


class TestRetryStage:
    async def _outgoing(self, db, failing_since: float | None):
        sub = subscription("desk", "http://127.0.0.1:9/hook")
        await record_signal(db, [sub], signal(detection()), T0)
        (row,) = await deliveries(db)
        await record_attempt(
            db,
            row,
            started_at=failing_since or T0,
            latency_ms=1,
            status_code=503,
            outcome="retry",
            error="503",
            instance="t",
        )
        return row, sub

    async def test_schedules_the_next_try_with_the_clock(self, db):
        row, sub = await self._outgoing(db, None)
        stage = RetryStage(db, RetrySchedule((10.0,), jitter=0.0, rng=random.Random(1)), clock=lambda: T0 + 1)
        _, onward = await stage.exec(DeliveryContext(T0, "t"), [Outgoing(row, sub, RetryableError("503"))])
        assert onward == []
        assert (await deliveries(db))[0].next_attempt_at == T0 + 11

    async def test_permanent_errors_pass_straight_on(self, db):
        row, sub = await self._outgoing(db, None)
        stage = RetryStage(db, RetrySchedule((10.0,)), clock=lambda: T0)
        item = Outgoing(row, sub, PermanentError("bad"))
        assert (await stage.exec(DeliveryContext(T0, "t"), [item]))[1] == [item]

    async def test_endpoint_failing_for_five_days_is_given_up(self, db):
        row, sub = await self._outgoing(db, failing_since=T0)
        assert (await endpoint_state(db, "desk", "webhook")).failing_since == T0
        stage = RetryStage(db, RetrySchedule((10.0,)), clock=lambda: T0 + 5 * DAY)
        _, (item,) = await stage.exec(DeliveryContext(T0, "t"), [Outgoing(row, sub, RetryableError("503"))])
        assert isinstance(item.error, EndpointGone)
