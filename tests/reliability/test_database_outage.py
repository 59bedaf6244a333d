"""Fault 5: the database goes away for a while and comes back; the alerter waits it out.

PostgreSQL only (the outage is a TCP proxy between the alerter process and the server that
the test cuts and restores); skipped with a reason when ``TOCSIN_TEST_POSTGRES_URL`` is not
set. The issue asks for 30 s; the outage here is ``OUTAGE`` seconds, long enough for the
alerter's pool to lose every connection, for connects to be refused repeatedly, and for its
intake's backoff to climb — the same paths, in CI time.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from services.platform.storage import open_database
from tests.alerts.factories import detection, signal
from tests.alerts.receivers import Receiver, Reply
from tests.reliability.alerter_harness import alerter_config, produce, start_alerter, stop_alerter, wait_for_rows
from tests.reliability.tcp_proxy import CuttableProxy
from tests.support.postgres import scratch_postgres

pytestmark = [pytest.mark.broker, pytest.mark.postgres]

OUTAGE = 12.0


@pytest.fixture
async def postgres_url():
    async with scratch_postgres("the database-outage test needs PostgreSQL") as url:
        yield url


async def test_alerter_rides_out_a_database_outage_without_restart(
    kafka_settings, postgres_url, tmp_path: Path
) -> None:
    direct = make_url(postgres_url)
    log = tmp_path / "alerter.log"
    async with CuttableProxy(direct.host or "127.0.0.1", direct.port or 5432) as proxy, Receiver() as receiver:
        proxied = direct.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        config = alerter_config(tmp_path / "tocsin.yaml", kafka_settings, proxied, receiver.url)
        alerter = start_alerter(config, log)
        db = open_database(postgres_url)
        try:
            await produce(kafka_settings, signal(detection(actor="Before Outage")))
            await receiver.wait_for(1, timeout=60)
            # Cut only once the success is recorded: a cut between the POST and its record makes
            # the alerter send again with the same webhook-id (at-least-once; see the README, "Reliability").
            await wait_for_rows(
                db, lambda rows: [r.status for r in rows] == ["delivered"], 30, "first delivery recorded", log
            )

            await proxy.cut()
            outage_started = time.monotonic()
            await produce(kafka_settings, *(signal(detection(actor=f"During Outage {n}")) for n in range(3)))
            await asyncio.sleep(OUTAGE)
            assert alerter.poll() is None, f"the alerter died during the outage\n{log.read_text()[-3000:]}"
            assert len(receiver.requests) == 1, "something was delivered without a database"
            await proxy.restore()
            outage = time.monotonic() - outage_started

            await receiver.wait_for(4, timeout=60)
            rows = await wait_for_rows(
                db,
                lambda rows: len(rows) == 4 and all(r.status == "delivered" for r in rows),
                30,
                "all four deliveries recorded as delivered",
                log,
            )
            await asyncio.sleep(1.0)  # room for a (wrong) duplicate
            assert alerter.poll() is None, "the alerter was restarted, not recovered"
            await stop_alerter(alerter, log)
        finally:
            if alerter.poll() is None:
                alerter.kill()
            await db.close()

    assert receiver.successes == {row.id: 1 for row in rows}
    text = log.read_text(errors="replace")
    assert "alert.outbox_unavailable" in text, "the intake did not report waiting for the database"
    assert "alert.signal_failed" not in text, "a signal was dead-lettered because the database was away"
    print(f"\noutage {outage:.1f} s; proxy connections served {proxy.connections_served}")


async def test_a_success_recorded_during_an_outage_is_not_sent_again(
    kafka_settings, postgres_url, tmp_path: Path
) -> None:
    """The database goes away between the receiver's 2xx and the outbox recording it: the
    alerter holds the outcome until the database is back instead of letting the lease expire
    and sending the same webhook-id again (it did, before; also seen as SQLite "database is
    locked" once in 24,000 deliveries in the soak)."""
    direct = make_url(postgres_url)
    log = tmp_path / "alerter.log"
    async with CuttableProxy(direct.host or "127.0.0.1", direct.port or 5432) as proxy:

        async def cut_then_answer(_request):  # type: ignore[no-untyped-def]
            if not proxy_cut.is_set():
                proxy_cut.set()
                await proxy.cut()
            return Reply(200)

        proxy_cut = asyncio.Event()
        async with Receiver(cut_then_answer) as receiver:
            proxied = direct.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
            config = alerter_config(tmp_path / "tocsin.yaml", kafka_settings, proxied, receiver.url)
            alerter = start_alerter(config, log)
            db = open_database(postgres_url)
            try:
                await produce(kafka_settings, signal(detection(actor="Cut Mid Record")))
                await receiver.wait_for(1, timeout=60)
                await asyncio.sleep(6.0)  # longer than the 4 s lease (2 x the 2 s timeout)
                await proxy.restore()
                rows = await wait_for_rows(
                    db, lambda rows: [r.status for r in rows] == ["delivered"], 30, "the delivery recorded", log
                )
                await asyncio.sleep(2.0)  # room for a (wrong) second send
                await stop_alerter(alerter, log)
            finally:
                if alerter.poll() is None:
                    alerter.kill()
                await db.close()
    assert receiver.successes == {rows[0].id: 1}, receiver.successes
