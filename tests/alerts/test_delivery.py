"""deliver → retry → dead letter against real loopback receivers."""

from __future__ import annotations

import time

from alerts.intake import record_signal
from alerts.outbox import attempts, deliveries, endpoint_state
from tests.alerts.delivery_harness import run_dispatcher_until
from tests.alerts.factories import SECRET, detection, settings_for, signal, subscription
from tests.alerts.receivers import Receiver, Reply, verify_standard_webhook


async def statuses(db) -> list[str]:
    return [row.status for row in await deliveries(db)]


async def test_fails_twice_then_succeeds_with_the_same_webhook_id(db, tmp_path, kafka_settings_free):
    replies = iter([Reply(503), Reply(500)])
    async with Receiver(lambda request: next(replies, Reply(204))) as receiver:
        sub = subscription("desk", receiver.url)
        settings = settings_for(kafka_settings_free, tmp_path, [sub], retry_schedule=[0.05, 0.05, 0.05])
        await record_signal(db, [sub], signal(detection()), time.time())
        await run_dispatcher_until(db, settings, [sub], lambda: _all(db, "delivered"))
    assert len(receiver.requests) == 3
    assert len({r.headers["webhook-id"] for r in receiver.requests}) == 1
    for request in receiver.requests:
        verify_standard_webhook(SECRET, request.headers, request.body, now=time.time())
    (row,) = await deliveries(db)
    history = await attempts(db, row.id)
    assert [(a.number, a.status_code, a.outcome) for a in history] == [
        (1, 503, "retry"),
        (2, 500, "retry"),
        (3, 204, "delivered"),
    ]
    assert all(a.latency_ms > 0 for a in history)
    assert (await endpoint_state(db, "desk", "webhook")).failing_since is None


async def test_410_disables_the_endpoint_and_dead_letters(db, tmp_path, kafka_settings_free):
    async with Receiver(lambda request: Reply(410)) as receiver:
        sub = subscription("desk", receiver.url)
        settings = settings_for(kafka_settings_free, tmp_path, [sub])
        await record_signal(db, [sub], signal(detection(actor="a")), time.time())
        ops = await run_dispatcher_until(db, settings, [sub], lambda: _all(db, "dead"))
        await record_signal(db, [sub], signal(detection(actor="b")), time.time())
        await run_dispatcher_until(db, settings, [sub], lambda: _all(db, "dead"), ops=ops)
    assert len(receiver.requests) == 1  # the second delivery never reached the disabled endpoint
    endpoint = await endpoint_state(db, "desk", "webhook")
    assert endpoint.disabled and "410" in endpoint.disabled_reason
    kinds = [event["kind"] for event in ops.events]
    assert kinds == ["endpoint.disabled", "delivery.dead_lettered", "delivery.dead_lettered"]
    assert all(event["level"] == "endpoint" for event in ops.events)


async def test_spent_schedule_dead_letters_with_an_ops_event(db, tmp_path, kafka_settings_free):
    async with Receiver(lambda request: Reply(500)) as receiver:
        sub = subscription("desk", receiver.url)
        settings = settings_for(kafka_settings_free, tmp_path, [sub], retry_schedule=[0.02, 0.02])
        await record_signal(db, [sub], signal(detection()), time.time())
        ops = await run_dispatcher_until(db, settings, [sub], lambda: _all(db, "dead"))
    assert len(receiver.requests) == 3
    (row,) = await deliveries(db)
    assert "retry schedule spent" in row.last_error
    assert [e["kind"] for e in ops.events] == ["delivery.dead_lettered"]


async def test_hanging_receiver_times_out_and_is_retried(db, tmp_path, kafka_settings_free):
    replies = iter([Reply(hang=True)])
    async with Receiver(lambda request: next(replies, Reply(200))) as receiver:
        sub = subscription("desk", receiver.url)
        settings = settings_for(kafka_settings_free, tmp_path, [sub], retry_schedule=[0.05] * 5, timeout=0.5)
        await record_signal(db, [sub], signal(detection()), time.time())
        await run_dispatcher_until(db, settings, [sub], lambda: _all(db, "delivered"))
    (row,) = await deliveries(db)
    first, *_, last = await attempts(db, row.id)
    assert first.outcome == "retry" and first.status_code is None and "0.5" in first.error
    assert last.outcome == "delivered"


async def test_429_retry_after_is_honoured(db, tmp_path, kafka_settings_free):
    async with Receiver(lambda request: Reply(429, headers={"Retry-After": "120"})) as receiver:
        sub = subscription("desk", receiver.url)
        settings = settings_for(kafka_settings_free, tmp_path, [sub], retry_schedule=[0.01])
        await record_signal(db, [sub], signal(detection()), time.time())
        await run_dispatcher_until(db, settings, [sub], lambda: _attempted(db))
    (row,) = await deliveries(db)
    assert row.status == "pending"
    assert row.next_attempt_at - time.time() > 100  # 120 s asked for, not the 0.01 s schedule


async def test_private_target_refused_without_permission(db, tmp_path, kafka_settings_free):
    async with Receiver() as receiver:
        sub = subscription("desk", receiver.url)
        settings = settings_for(kafka_settings_free, tmp_path, [sub])
        await record_signal(db, [sub], signal(detection()), time.time())
        await run_dispatcher_until(db, settings, [sub], lambda: _all(db, "dead"), allow_private=False)
    assert receiver.requests == []
    (row,) = await deliveries(db)
    assert "forbidden target" in row.last_error


async def _all(db, status: str) -> bool:
    rows = await deliveries(db)
    return bool(rows) and all(row.status == status for row in rows)


async def _attempted(db) -> bool:
    rows = await deliveries(db)
    return bool(rows) and all(row.attempts > 0 and row.lease_until is None for row in rows)


async def test_corroboration_is_delivered_as_an_update_after_group_interval(db, tmp_path, kafka_settings_free):
    async with Receiver() as receiver:
        sub = subscription("desk", receiver.url, group_interval=0.3)
        settings = settings_for(kafka_settings_free, tmp_path, [sub])
        now = time.time()
        await record_signal(db, [sub], signal(detection(), source_id="a"), now)
        await record_signal(db, [sub], signal(detection(), source_id="b"), now + 0.01)

        async def two_delivered() -> bool:
            rows = await deliveries(db)
            return len(rows) == 2 and all(row.status == "delivered" for row in rows)

        await run_dispatcher_until(db, settings, [sub], two_delivered)
    created, updated = (request.json() for request in receiver.requests)
    assert (created["type"], updated["type"]) == ("alert.created", "alert.updated")
    assert created["subject"] == updated["subject"]
    assert [d["source_id"] for d in updated["data"]["documents"]] == ["a", "b"]
