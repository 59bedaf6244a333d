"""Alerter throughput and latency against a loopback receiver, next to baselines measured in the same run.

    .venv/bin/python bench/bench_alerter.py [--deliveries 500] [--signals 200] [--database-url URL]

Prints deliveries/s at concurrency 1 and 50 (raw httpx POST loop vs the alerter's outbox →
sign → POST → record path) and signal → webhook latency p50/p99 through the real embedded
broker (vs a bare Kafka produce → consume of the same messages).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from alerts import run_alerter  # noqa: E402
from alerts.admission import DeliveryLimits  # noqa: E402
from alerts.dispatcher import Dispatcher  # noqa: E402
from alerts.intake import record_signal  # noqa: E402
from alerts.pipelines import delivery_pipeline  # noqa: E402
from alerts.retry import RetrySchedule  # noqa: E402
from alerts.service import FETCH_MAX_WAIT_MS, build_channels, webhook_client  # noqa: E402
from alerts.tables import DeliveryRow  # noqa: E402
from models import SIGNALS, Detection, DocumentRef, Signal, Subscription  # noqa: E402
from services.platform import kafka as kafka_clients  # noqa: E402
from services.platform.broker import EmbeddedBroker  # noqa: E402
from services.platform.config import KafkaSettings, Settings  # noqa: E402
from services.platform.log import configure_logging  # noqa: E402
from services.platform.storage import open_database  # noqa: E402

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
RESPONSE = b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n"


# --- a receiver in its own process, so it does not share the event loop being measured ---


async def _serve(port_queue: multiprocessing.Queue) -> None:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                await reader.readexactly(length)
                writer.write(RESPONSE)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=1024)
    port_queue.put(server.sockets[0].getsockname()[1])
    await server.serve_forever()


def _receiver_main(port_queue: multiprocessing.Queue) -> None:
    asyncio.run(_serve(port_queue))


def start_receiver() -> tuple[multiprocessing.Process, str]:
    queue: multiprocessing.Queue = multiprocessing.Queue()
    process = multiprocessing.Process(target=_receiver_main, args=(queue,), daemon=True)
    process.start()
    return process, f"http://127.0.0.1:{queue.get(timeout=10)}/hook"


# --- fixtures of the benchmark ---


def make_signal(n: int) -> Signal:
    sentence = f"President {n} gave the neighbour a 48-hour ultimatum to withdraw its troops."
    return Signal(
        id=f"sig_bench_{n}",
        document=DocumentRef(
            id=f"doc_bench_{n}", source_id="bench", url=f"https://news.example/{n}", title="Ultimatum"
        ),
        detections=[
            Detection(
                pattern="ultimatum",
                sentence=sentence,
                start=0,
                end=len(sentence),
                triggers=["ultimatum"],
                actor=f"President {n}",
                target="Neighbour",
                countries=["VE"],
                confidence=0.9,
                rule="r1",
            )
        ],
    )


def settings_for(url: str, database_url: str, kafka: KafkaSettings | None = None) -> Settings:
    return Settings(
        kafka=kafka or KafkaSettings(bootstrap="127.0.0.1:9"),
        security={"allow_private_targets": True},
        database={"url": database_url},
        delivery={"retry_schedule": [1.0], "timeout": 10.0},
        subscriptions=[Subscription.model_validate({"id": "bench", "webhook": {"url": url, "secret": SECRET}})],
    )


# --- measurements ---


async def pending_count(db) -> int:  # type: ignore[no-untyped-def]
    async with db.sessions() as session:
        return await session.scalar(
            select(func.count()).select_from(DeliveryRow).where(DeliveryRow.status != "delivered")
        )


async def baseline_posts(url: str, count: int, concurrency: int) -> float:
    """Deliveries/s of a bare httpx POST loop with a fixed body (no signing, no storage)."""
    body = make_signal(0).model_dump_json().encode()
    async with httpx.AsyncClient(limits=httpx.Limits(max_connections=concurrency)) as client:
        queue = list(range(count))
        started = time.perf_counter()

        async def worker() -> None:
            while queue:
                queue.pop()
                response = await client.post(url, content=body, headers={"content-type": "application/json"})
                response.raise_for_status()

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return count / (time.perf_counter() - started)


async def alerter_deliveries(url: str, database_url: str, count: int, concurrency: int) -> float:
    """Deliveries/s of the dispatcher draining ``count`` recorded deliveries (claim, sign, POST, record)."""
    settings = settings_for(url, database_url)
    db = open_database(database_url)
    await db.create_schema()
    now = time.time()
    for n in range(count):
        await record_signal(db, settings.subscriptions, make_signal(n + concurrency * 100_000), now)
    client = webhook_client(settings)

    class NoOps:
        async def publish(self, kind: str, **fields: object) -> None:
            raise RuntimeError(f"unexpected ops event {kind}: {fields}")

    pipeline = delivery_pipeline(
        db, build_channels(settings, client, time.time), NoOps(), RetrySchedule((1.0,)), time.time, 10.0
    )
    dispatcher = Dispatcher(
        db,
        lambda: settings.subscriptions,
        pipeline,
        clock=time.time,
        instance="bench",
        lease=30.0,
        idle_poll=0.02,
        # One endpoint of one tenant: the per-tenant and per-endpoint bounds
        # (issue 19) are lifted so this measures the pipeline, not them.
        limits=DeliveryLimits(concurrency, concurrency, concurrency),
    )
    stop = asyncio.Event()
    started = time.perf_counter()
    task = asyncio.create_task(dispatcher.run(stop))
    while await pending_count(db):
        await asyncio.sleep(0.05)
    elapsed = time.perf_counter() - started
    stop.set()
    await task
    await client.aclose()
    async with db.engine.begin() as connection:
        for table in ("alert_attempts", "alert_deliveries", "alert_groups", "alert_endpoints"):
            await connection.exec_driver_sql(f"DELETE FROM {table}")
    await db.close()
    return count / elapsed


async def kafka_baseline_latency(kafka: KafkaSettings, count: int, rate: float) -> list[float]:
    """Produce → consume latency of the same messages through the same broker and the same
    consumer settings as the alerter's, with no alerter work in between."""
    topic = kafka.topic("bench-baseline")
    await kafka_clients.ensure_topics(kafka, [topic])
    consumer = kafka_clients.make_consumer(kafka, topic, group="bench-baseline", fetch_max_wait_ms=FETCH_MAX_WAIT_MS)
    await consumer.start()
    producer = kafka_clients.make_producer(kafka, enable_idempotence=False)
    await producer.start()
    sent: dict[bytes, float] = {}
    latencies: list[float] = []

    async def consume() -> None:
        while len(latencies) < count:
            batch = await consumer.getmany(timeout_ms=100)
            for messages in batch.values():
                for message in messages:
                    latencies.append(time.perf_counter() - sent[message.key])

    reader = asyncio.create_task(consume())
    for n in range(count):
        key = str(n).encode()
        sent[key] = time.perf_counter()
        await producer.send(topic, SIGNALS.encode(make_signal(n)), key=key)
        await asyncio.sleep(1 / rate)
    await asyncio.wait_for(reader, 60)
    await producer.stop()
    await consumer.stop()
    return latencies


async def signal_to_webhook_latency(kafka: KafkaSettings, database_url: str, count: int, rate: float) -> list[float]:
    """From producing a signal to the signed webhook arriving at an in-process receiver."""
    arrivals: dict[str, float] = {}
    done = asyncio.Event()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(
                    int(line.split(b":", 1)[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                )
                body = await reader.readexactly(length)
                story = body.split(b'"story_id":"', 1)[1].split(b'"', 1)[0].decode()
                arrivals.setdefault(story, time.perf_counter())
                if len(arrivals) >= count:
                    done.set()
                writer.write(RESPONSE)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/hook"
    settings = settings_for(url, database_url, kafka)
    stop = asyncio.Event()
    alerter = asyncio.create_task(run_alerter(settings, stop))
    await kafka_clients.ensure_topics(kafka, [kafka.signals_topic])
    producer = kafka_clients.make_producer(kafka, enable_idempotence=False)
    await producer.start()
    # Warm up: wait until the alerter has joined its group and delivered one signal.
    warm = make_signal(10**9)
    await producer.send_and_wait(kafka.signals_topic, SIGNALS.encode(warm), key=b"warm")
    async with asyncio.timeout(60):
        while not arrivals:
            await asyncio.sleep(0.05)
    arrivals.clear()
    sent: dict[str, float] = {}
    from alerts.story import group_key_for, story_id_for

    for n in range(count):
        item = make_signal(n)
        story = story_id_for(item, group_key_for(item, item.detections[0]))
        sent[story] = time.perf_counter()
        await producer.send(kafka.signals_topic, SIGNALS.encode(item), key=item.id.encode())
        await asyncio.sleep(1 / rate)
    await asyncio.wait_for(done.wait(), 120)
    await producer.stop()
    stop.set()
    await alerter
    server.close()
    return [arrivals[story] - sent[story] for story in sent if story in arrivals]


async def scratch_postgres(base_url: str, create: bool) -> str:
    """A private database next to ``base_url`` (created, or dropped when ``create`` is False),
    so the benchmark never touches rows of tests sharing that server."""
    import asyncpg
    from sqlalchemy.engine import make_url

    url = make_url(base_url)
    name = f"tocsin_bench_alerter_{os.getpid()}"
    connection = await asyncpg.connect(
        host=url.host, port=url.port or 5432, user=url.username, password=url.password, database=url.database
    )
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return url.set(database=name).render_as_string(hide_password=False)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def main(args: argparse.Namespace) -> None:
    configure_logging("console", "WARNING")
    receiver, url = start_receiver()
    workdir = Path(tempfile.mkdtemp(prefix="tocsin-bench-"))
    database_url = args.database_url or f"sqlite+aiosqlite:///{workdir / 'bench.db'}"
    if database_url.startswith("postgresql"):
        database_url = await scratch_postgres(database_url, create=True)
    rows: list[tuple[str, str, str]] = []
    try:
        for concurrency in (1, 50):
            base = await baseline_posts(url, args.deliveries, concurrency)
            ours = await alerter_deliveries(url, database_url, args.deliveries, concurrency)
            rows.append((f"deliveries/s, concurrency {concurrency}", f"{base:,.0f}", f"{ours:,.0f}"))
        with EmbeddedBroker() as broker:
            kafka = KafkaSettings(bootstrap=broker.bootstrap, topic_prefix="bench.", consumer_group_prefix="bench")
            kafka_lat = await kafka_baseline_latency(kafka, args.signals, args.rate)
            ours_lat = await signal_to_webhook_latency(kafka, database_url, args.signals, args.rate)
        for label, q in (("p50", 0.5), ("p99", 0.99)):
            rows.append(
                (
                    f"signal → webhook latency {label} (ms)",
                    f"{percentile(kafka_lat, q) * 1000:.1f}",
                    f"{percentile(ours_lat, q) * 1000:.1f}",
                )
            )
        rows.append(
            (
                "signal → webhook mean (ms)",
                f"{statistics.mean(kafka_lat) * 1000:.1f}",
                f"{statistics.mean(ours_lat) * 1000:.1f}",
            )
        )
    finally:
        receiver.terminate()
        if database_url.startswith("postgresql"):
            await scratch_postgres(args.database_url, create=False)
    database = "PostgreSQL" if database_url.startswith("postgresql") else "SQLite"
    print(
        f"\nAlerter benchmark — {args.deliveries} deliveries per run, {args.signals} signals at {args.rate:g}/s, "
        f"outbox on {database}"
    )
    print("baselines: bare httpx POST loop (throughput); bare Kafka produce→consume (latency)\n")
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'baseline':>10}  {'alerter':>10}")
    print(f"{'-' * width}  {'-' * 10}  {'-' * 10}")
    for label, base, ours in rows:
        print(f"{label:<{width}}  {base:>10}  {ours:>10}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deliveries", type=int, default=500)
    parser.add_argument("--signals", type=int, default=200)
    parser.add_argument("--rate", type=float, default=50.0, help="signals per second for the latency run")
    parser.add_argument("--database-url", default=None)
    asyncio.run(main(parser.parse_args()))
