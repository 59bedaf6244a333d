"""Other tenants' webhook latency while one tenant's endpoints hang (issue 19, item 5).

    .venv/bin/python bench/bench_tenant_isolation.py [--hanging 60] [--duration 45]

Runs the real dispatcher and delivery stages (SQLite outbox, signing, httpx, attempt records)
with production delivery settings (15 s timeout, the default retry schedule and bounds). One
"noisy" tenant has ``--hanging`` webhooks that accept the connection and never answer, and
raises an alert for all of them every ``--noisy-every`` seconds; five "quiet" tenants each get
one alert per second to a receiver that answers at once. After ``--duration`` seconds it waits
up to 30 s more for quiet alerts still on their way; any that never came are counted. Prints the quiet tenants' latency
(recorded in the outbox → POST received) with no hanging endpoints and with ``--hanging``.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from alerts.intake import record_signal  # noqa: E402
from alerts.outbox import deliveries  # noqa: E402
from alerts.retry import RetrySchedule  # noqa: E402
from alerts.service import (  # noqa: E402
    build_channels,
    circuit_breakers,
    delivery_dispatcher,
    delivery_pipeline,
    webhook_client,
)
from models import Detection, DocumentRef, Signal, Subscription  # noqa: E402
from services.platform.config import KafkaSettings, Settings  # noqa: E402
from services.platform.log import configure_logging  # noqa: E402
from services.platform.storage import open_database  # noqa: E402

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
QUIET_TENANTS = 5
DRAIN = 30.0
OK = b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n"


class Receivers:
    """Two loopback servers: one answers 204 and notes when each ``webhook-id`` arrived, the
    other reads the request and never answers (the attack's dead endpoint)."""

    def __init__(self) -> None:
        self.arrived: dict[str, float] = {}
        self.hanging_requests = 0
        self._held: list[asyncio.StreamWriter] = []

    async def start(self) -> tuple[str, str]:
        self._ok = await asyncio.start_server(self._answer, "127.0.0.1", 0, backlog=1024)
        self._dead = await asyncio.start_server(self._hang, "127.0.0.1", 0, backlog=1024)
        ok_port = self._ok.sockets[0].getsockname()[1]
        dead_port = self._dead.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{ok_port}/hook", f"http://127.0.0.1:{dead_port}/hook"

    async def stop(self) -> None:
        for server in (self._ok, self._dead):
            server.close()
        for writer in self._held:
            writer.close()

    @staticmethod
    async def _request(reader: asyncio.StreamReader) -> dict[str, str]:
        head = await reader.readuntil(b"\r\n\r\n")
        headers = {}
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.decode().partition(":")
            headers[name.strip().lower()] = value.strip()
        await reader.readexactly(int(headers.get("content-length", "0")))
        return headers

    async def _answer(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                headers = await self._request(reader)
                self.arrived.setdefault(headers.get("webhook-id", ""), time.time())
                writer.write(OK)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    async def _hang(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await self._request(reader)
        except (asyncio.IncompleteReadError, ConnectionError):
            return
        self.hanging_requests += 1
        self._held.append(writer)  # never answered; closed when the run ends


def make_signal(name: str) -> Signal:
    sentence = f"{name} gave the neighbour a 48-hour ultimatum to withdraw its troops."
    return Signal(
        id=f"sig_{name}",
        document=DocumentRef(
            id=f"doc_{name}", source_id="bench", url=f"https://news.example/{name}", title="Ultimatum"
        ),
        detections=[
            Detection(
                pattern="ultimatum",
                sentence=sentence,
                start=0,
                end=len(sentence),
                triggers=["ultimatum"],
                actor=name,
                target="Neighbour",
                countries=["VE"],
                confidence=0.9,
                rule="r1",
            )
        ],
    )


def webhook(sub_id: str, tenant: str, url: str) -> Subscription:
    return Subscription.model_validate({"id": sub_id, "tenant": tenant, "webhook": {"url": url, "secret": SECRET}})


async def scenario(
    hanging: int, duration: float, noisy_every: float, database_url: str
) -> tuple[list[tuple[float, float]], int]:
    """Quiet tenants' (seconds into the run, latency) pairs, and how many requests the dead
    endpoints received."""
    receivers = Receivers()
    ok_url, dead_url = await receivers.start()
    noisy = [webhook(f"noisy-{n}", "noisy", f"{dead_url}?n={n}") for n in range(hanging)]
    quiet = [webhook(f"quiet-{n}", f"quiet-{n}", ok_url) for n in range(QUIET_TENANTS)]
    settings = Settings(
        kafka=KafkaSettings(bootstrap="127.0.0.1:9"),
        security={"allow_private_targets": True},
        database={"url": database_url},
        subscriptions=[*noisy, *quiet],
    )
    db = open_database(database_url)
    await db.create_schema()
    client = webhook_client(settings)

    class DiscardedOps:
        async def publish(self, kind: str, **fields: object) -> None:
            return None

    breakers = circuit_breakers(settings)
    pipeline = delivery_pipeline(
        db,
        build_channels(settings, client, time.time),
        DiscardedOps(),
        RetrySchedule(tuple(settings.delivery.retry_schedule)),
        time.time,
        settings.delivery.timeout,
        breakers,
    )
    dispatcher = delivery_dispatcher(
        settings, db, lambda: settings.subscriptions, pipeline, breakers=breakers, clock=time.time, instance="bench"
    )
    stop = asyncio.Event()
    running = asyncio.create_task(dispatcher.run(stop))
    started = time.time()
    tick = 0
    try:
        while time.time() - started < duration:
            if noisy and tick % max(1, round(noisy_every)) == 0:
                await record_signal(db, noisy, make_signal(f"Noisy {tick}"), time.time())
            for sub in quiet:
                await record_signal(db, [sub], make_signal(f"Quiet {sub.tenant} {tick}"), time.time())
            dispatcher.wake()
            tick += 1
            await asyncio.sleep(max(0.0, started + tick - time.time()))
        # Let the last quiet alerts arrive: until every one has, or DRAIN seconds.
        quiet_ids = {sub.id for sub in quiet}
        drain_until = time.time() + DRAIN
        while time.time() < drain_until:
            rows = [row for row in await deliveries(db) if row.subscription_id in quiet_ids]
            if all(row.id in receivers.arrived for row in rows):
                break
            await asyncio.sleep(0.5)
    finally:
        stop.set()
        await running
        await client.aclose()
        await receivers.stop()
    latencies: list[tuple[float, float]] = []
    missing = 0
    for row in await deliveries(db):
        if row.subscription_id not in quiet_ids:
            continue
        if row.id in receivers.arrived:
            latencies.append((row.created_at - started, receivers.arrived[row.id] - row.created_at))
        else:
            missing += 1
    await db.close()
    if missing:
        print(f"  ({missing} quiet deliveries had not arrived when the run ended)")
    return latencies, receivers.hanging_requests


def describe(latencies: list[tuple[float, float]], duration: float) -> str:
    """p50/p95/max over the run, and the worst in its last ten seconds (does the delay grow?)."""
    if not latencies:
        return "none arrived"
    ordered = sorted(latency for _, latency in latencies)
    late = [latency for at, latency in latencies if at >= duration - 10]
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return (
        f"n={len(ordered)} p50={statistics.median(ordered):.2f}s p95={p95:.2f}s max={ordered[-1]:.2f}s, "
        f"last 10 s max={max(late, default=0.0):.2f}s"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hanging", type=int, default=60)
    parser.add_argument("--duration", type=float, default=45.0, help="seconds of alerts per scenario")
    parser.add_argument("--noisy-every", type=float, default=2.0, help="seconds between the noisy tenant's alerts")
    args = parser.parse_args()
    configure_logging("console", "WARNING")
    with tempfile.TemporaryDirectory() as scratch:
        for hanging in (0, args.hanging):
            url = f"sqlite+aiosqlite:///{Path(scratch) / f'bench-{hanging}.db'}"
            latencies, dead_requests = await scenario(hanging, args.duration, args.noisy_every, url)
            print(
                f"{hanging:>3} hanging endpoints: quiet tenants' latency {describe(latencies, args.duration)}; "
                f"requests held by dead endpoints: {dead_requests}"
            )


if __name__ == "__main__":
    asyncio.run(main())
