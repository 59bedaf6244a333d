"""One tenant's dead endpoints must not hold back another tenant's alerts (issue 19, item 5).

The attack: sixty webhooks that accept the connection and never answer. Each attempt holds a
delivery slot for the whole timeout, and with one shared pool of slots every other tenant's
alert queued behind them. These tests assert on order and counts, never on tight timings.
"""

from __future__ import annotations

import time

from sqlalchemy import func, select

from alerts.intake import record_signal
from alerts.outbox import deliveries
from alerts.tables import AttemptRow
from tests.alerts.delivery_harness import run_dispatcher_until
from tests.alerts.factories import detection, settings_for, signal, subscription
from tests.alerts.receivers import Receiver, Reply

HANGING = 60
TIMEOUT = 10.0  # long enough that no hanging attempt ends before the other tenant's alert is due


async def _attempts_ended(db) -> int:
    """Attempts with an outcome (an attempt is also stored as ``sending`` while in flight)."""
    async with db.sessions() as session:
        return await session.scalar(select(func.count()).select_from(AttemptRow).where(AttemptRow.outcome != "sending"))


async def test_sixty_hanging_endpoints_of_one_tenant_do_not_delay_another(db, tmp_path, kafka_settings_free):
    seen_at_arrival: list[tuple[int, int]] = []  # (attempts ended, noisy requests hanging) when quiet's POST came

    async def quiet_behaviour(request):  # type: ignore[no-untyped-def]
        seen_at_arrival.append((await _attempts_ended(db), len(hanging.requests)))
        return Reply(200)

    async with Receiver(lambda request: Reply(hang=True)) as hanging, Receiver(quiet_behaviour) as healthy:
        noisy = [subscription(f"noisy-{n}", f"{hanging.url}?n={n}", tenant="noisy") for n in range(HANGING)]
        quiet = subscription("quiet", healthy.url, tenant="quiet")
        settings = settings_for(kafka_settings_free, tmp_path, [*noisy, quiet], retry_schedule=[60.0], timeout=TIMEOUT)
        now = time.time()
        # The noisy tenant's deliveries are older, so they are first in line.
        await record_signal(db, noisy, signal(detection(actor="Noisy")), now - 1)
        await record_signal(db, [quiet], signal(detection(actor="Quiet")), now)

        async def quiet_delivered() -> bool:
            return [row.status for row in await deliveries(db, "quiet")] == ["delivered"]

        await run_dispatcher_until(db, settings, [*noisy, quiet], quiet_delivered, timeout=60)
        hanging_at_end = len(hanging.requests)

    ((attempts_then, hanging_then),) = seen_at_arrival
    # The quiet tenant's POST went out while every noisy attempt was still hanging: none had
    # timed out (and freed a slot) yet. Before per-tenant bounds it waited for the first timeout.
    assert attempts_then == 0, f"quiet's webhook waited for {attempts_then} noisy attempt(s) to end"
    assert hanging_then >= 1
    # The noisy tenant never held more slots than its own bound, however many endpoints it has.
    assert hanging_at_end <= settings.delivery.tenant_concurrency < HANGING


async def test_a_failing_endpoint_opens_its_circuit_and_its_other_deliveries_wait_unspent(
    db, tmp_path, kafka_settings_free
):
    async with Receiver(lambda request: Reply(503)) as failing:
        sub = subscription("desk", failing.url)
        settings = settings_for(kafka_settings_free, tmp_path, [sub], retry_schedule=[0.05] * 5)
        settings = settings.model_copy(
            update={
                "delivery": settings.delivery.model_copy(
                    update={
                        "endpoint_concurrency": 1,
                        "tenant_concurrency": 1,
                        "breaker_failures": 3,
                        "breaker_cooldown": 120.0,
                    }
                )
            }
        )
        now = time.time()
        for n in range(8):
            await record_signal(db, [sub], signal(detection(actor=f"Actor {n}")), now)

        async def all_waiting() -> bool:
            rows = await deliveries(db)
            return len(rows) == 8 and all(
                row.lease_until is None and row.next_attempt_at > time.time() + 60 for row in rows
            )

        await run_dispatcher_until(db, settings, [sub], all_waiting, timeout=30)
    rows = await deliveries(db)
    # Three failures in a row opened the circuit; nothing else was sent, and the deliveries that
    # never went out still have their whole retry schedule ahead of them.
    assert len(failing.requests) == 3
    assert sum(row.attempts for row in rows) == 3
    assert sum(1 for row in rows if row.attempts == 0) >= 5
    assert all(row.status == "pending" for row in rows)
