"""An attempt cut off by a stopping alerter is on record, not lost (issue 19, item 12).

The SIGKILL case (the attempt stays ``sending``, the next claim marks it ``interrupted``) runs
with real processes in ``test_crash_and_scale``; here the alerter stops cleanly while a
receiver hangs, and the drain cancels the attempt.
"""

from __future__ import annotations

import time

import pytest

from alerts import dispatcher as dispatcher_module
from alerts.intake import record_signal
from alerts.outbox import attempts, deliveries
from tests.alerts.delivery_harness import run_dispatcher_until
from tests.alerts.factories import detection, settings_for, signal, subscription
from tests.alerts.receivers import Receiver, Reply


async def test_an_attempt_cancelled_by_shutdown_is_recorded_as_interrupted(
    db, tmp_path, kafka_settings_free, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(dispatcher_module, "STOP_GRACE", 0.2)
    async with Receiver(lambda request: Reply(hang=True)) as receiver:
        sub = subscription("desk", receiver.url)
        settings = settings_for(kafka_settings_free, tmp_path, [sub], timeout=30.0)
        await record_signal(db, [sub], signal(detection()), time.time())

        async def sent() -> bool:
            return len(receiver.requests) == 1

        await run_dispatcher_until(db, settings, [sub], sent)
    (row,) = await deliveries(db)
    (attempt,) = await attempts(db, row.id)
    assert (row.status, row.attempts) == ("pending", 1)
    assert (attempt.number, attempt.outcome, attempt.status_code) == (1, "interrupted", None)
    assert "the receiver may have got it" in attempt.error and attempt.latency_ms > 0


async def test_a_resent_delivery_settles_its_new_attempt_not_an_old_one_with_the_same_number(db):
    from alerts.outbox import INTERRUPTED, claim_due, record_attempt, resend

    sub = subscription("desk", "http://127.0.0.1:9/hook")
    now = time.time()
    await record_signal(db, [sub], signal(detection()), now)
    (first,) = await claim_due(db, now=now, owner="a", lease=30, limit=5)
    await record_attempt(
        db, first, started_at=now, latency_ms=5, status_code=None, outcome=INTERRUPTED, error="cut off", instance="a"
    )
    assert await resend(db, first.id, now + 60)
    (again,) = await claim_due(db, now=now + 60, owner="a", lease=30, limit=5)
    await record_attempt(
        db, again, started_at=now + 60, latency_ms=5, status_code=200, outcome="delivered", error=None, instance="a"
    )
    history = [(a.number, a.outcome) for a in await attempts(db, first.id)]
    assert history == [(1, "interrupted"), (1, "delivered")]
    (row,) = await deliveries(db)
    assert (row.status, row.attempts) == ("delivered", 1)
