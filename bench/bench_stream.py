"""Stream throughput and latency: detect -> stories with 1 and 2 workers vs a raw aiokafka loop.

Everything runs on one embedded tansu broker started here. Figures:
  ceiling    raw aiokafka consume -> produce loop (one consumer, one producer), msgs/s; run
             before and after everything else, and the higher of the two is the baseline
  floor      Faust alone on the topology's shape (two hops, a changelogged table, a signal per
             document, no Tocsin code): what Faust itself reaches here
  faust-N    documents/s through detect -> detections -> stories -> signals with N workers
             using a fixed-cost detector (the stream's own cost; spaCy excluded), at two event
             densities: every document an event that opens its own story (the worst case: every
             document crosses both hops and writes the table), and one document in 20
  detector   the real engine alone, documents/s on one core (detection's own cost)
  latency    produce -> signal p50/p99 at 50 % of the 1-worker maximum rate (every document an event)
Throughput runs drain a backlog: the workers are paused (SIGSTOP) while it is produced and the
clock starts when they are resumed, so the rate is the pipeline's alone.
Run: .venv/bin/python bench/bench_stream.py [--documents 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from models import DOCUMENTS, SIGNALS, Document  # noqa: E402
from services.platform.broker import EmbeddedBroker  # noqa: E402
from services.platform.config import KafkaSettings  # noqa: E402
from services.platform.kafka import ensure_topics  # noqa: E402

PARTITIONS = 4
SPARSE_EVERY = 20
"""One document in 20 with an event is already generous for news: the real Guardian US front
page among the shared feed fixtures has none in 55, and the soak alerts on 1 in 100."""
ARTICLE = (
    "{actor} has deployed thousands of troops and armoured vehicles to its border, officials said. "
    "The move follows weeks of rising tension and warnings from neighbouring capitals. "
) * 8


def documents(count: int, tag: str) -> list[Document]:
    return [
        Document(
            id=f"{tag}-{i}",
            source_id="bench",
            url=f"https://o{i % 50}.example/{tag}/{i}",
            text=ARTICLE.format(actor=f"Actor{tag}-{i}"),
        )
        for i in range(count)
    ]


def kafka_for(broker: EmbeddedBroker, name: str) -> KafkaSettings:
    return KafkaSettings(
        bootstrap=broker.bootstrap,
        topic_prefix=f"bench-{name}.",
        consumer_group_prefix=f"bench-{name}",
        partitions=PARTITIONS,
    )


async def produce(kafka: KafkaSettings, items: list[Document], rate: float | None = None) -> dict[str, float]:
    producer = AIOKafkaProducer(bootstrap_servers=kafka.bootstrap, acks="all", linger_ms=5)
    await producer.start()
    sent: dict[str, float] = {}
    started = time.perf_counter()
    try:
        for index, item in enumerate(items):
            if rate:
                delay = started + index / rate - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
            sent[item.id] = time.perf_counter()
            await producer.send(kafka.documents_topic, DOCUMENTS.encode(item), key=item.id.encode())
        await producer.flush()
    finally:
        await producer.stop()
    return sent


async def first_arrivals(
    kafka: KafkaSettings, topic: str, document_of, expected: int, timeout: float
) -> dict[str, float]:
    """document id -> arrival time of the first record on ``topic`` that names it."""
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=kafka.bootstrap, auto_offset_reset="earliest", group_id=None)
    await consumer.start()
    arrived: dict[str, float] = {}
    deadline = time.perf_counter() + timeout
    try:
        while len(arrived) < expected and time.perf_counter() < deadline:
            batch = await consumer.getmany(timeout_ms=200)
            now = time.perf_counter()
            for records in batch.values():
                for record in records:
                    arrived.setdefault(document_of(record.value), now)
    finally:
        await consumer.stop()
    return arrived


async def collect_signals(kafka: KafkaSettings, expected: int, timeout: float) -> dict[str, float]:
    return await first_arrivals(
        kafka, kafka.signals_topic, lambda value: SIGNALS.decode(value).document.id, expected, timeout
    )


async def collect_passed_documents(kafka: KafkaSettings, expected: int, timeout: float) -> dict[str, float]:
    return await first_arrivals(kafka, kafka.signals_topic, lambda value: DOCUMENTS.decode(value).id, expected, timeout)


async def collect_detected_documents(kafka: KafkaSettings, expected: int, timeout: float) -> dict[str, float]:
    """The detect stage's output, for runs whose detections merge into few stories."""
    from models import DETECTION_EVENTS

    return await first_arrivals(
        kafka, kafka.detections_topic, lambda value: DETECTION_EVENTS.decode(value).document.id, expected, timeout
    )


async def raw_ceiling(kafka: KafkaSettings, count: int) -> float:
    await ensure_topics(kafka, [kafka.documents_topic, kafka.signals_topic])
    await produce(kafka, documents(count, "raw"))
    consumer = AIOKafkaConsumer(
        kafka.documents_topic,
        bootstrap_servers=kafka.bootstrap,
        auto_offset_reset="earliest",
        group_id=f"{kafka.consumer_group_prefix}-raw",
        enable_auto_commit=False,
    )
    producer = AIOKafkaProducer(bootstrap_servers=kafka.bootstrap, acks="all", linger_ms=5)
    await consumer.start()
    await producer.start()
    done = 0
    started = None
    try:
        while done < count:
            batch = await consumer.getmany(timeout_ms=500)
            if started is None and batch:
                started = time.perf_counter()
            for records in batch.values():
                for record in records:
                    document = DOCUMENTS.decode(record.value)
                    await producer.send(kafka.signals_topic, record.value, key=document.id.encode())
                    done += 1
            await consumer.commit()
        await producer.flush()
    finally:
        await consumer.stop()
        await producer.stop()
    return count / (time.perf_counter() - (started or time.perf_counter()))


def start_workers(
    kafka: KafkaSettings,
    mode: str,
    count: int,
    workdir: Path,
    extra_env: dict[str, str] | None = None,
    every: int = 1,
) -> list[subprocess.Popen]:
    env = {
        **os.environ,
        **(extra_env or {}),
        "TOCSIN_KAFKA_BOOTSTRAP": kafka.bootstrap or "",
        "TOCSIN_KAFKA_TOPIC_PREFIX": kafka.topic_prefix,
        "TOCSIN_KAFKA_CONSUMER_GROUP_PREFIX": kafka.consumer_group_prefix,
        "TOCSIN_KAFKA_PARTITIONS": str(kafka.partitions),
        "TOCSIN_LOG_FORMAT": "json",
    }
    workers = []
    for index in range(count):
        directory = workdir / f"{kafka.topic_prefix}{index}"
        directory.mkdir(parents=True, exist_ok=True)
        workers.append(
            subprocess.Popen(
                [sys.executable, str(REPO / "bench" / "stream_worker.py"), mode, str(every)],
                cwd=directory,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=(directory / "worker.log").open("wb"),
            )
        )
    return workers


def stop_workers(workers: list[subprocess.Popen]) -> None:
    for worker in workers:
        worker.terminate()
    for worker in workers:
        try:
            worker.wait(20)
        except subprocess.TimeoutExpired:
            worker.kill()


def events_among(count: int, every: int) -> int:
    """How many of ``documents(count, …)`` the fixed detector reports with ``every``."""
    return len(range(0, count, every))


async def faust_throughput(
    broker: EmbeddedBroker, name: str, workers: int, count: int, workdir: Path, mode: str = "fixed", every: int = 1
) -> float:
    """Backlog drain of ``count`` documents; the rate counts every document, events or not.

    With ``every`` > 1 the last signal marks the end: at most ``every`` - 1 quiet documents of
    a partition can follow it, a negligible share of the backlog.
    """
    kafka = kafka_for(broker, name)
    await ensure_topics(
        kafka, [kafka.documents_topic, kafka.detections_topic, kafka.signals_topic, kafka.dead_letter_topic]
    )
    # The floor passes documents through unchanged, so its signals are document envelopes.
    collect = collect_signals if mode != "floor" else collect_passed_documents
    # Warm up (group join, first rebalance) on a few documents before the timed backlog.
    processes = start_workers(kafka, mode, workers, workdir, every=every)
    try:
        warm, expected = events_among(5, every), events_among(count, every)
        await produce(kafka, documents(5, f"{name}w"))
        await collect(kafka, warm, timeout=120)
        for process in processes:
            process.send_signal(signal.SIGSTOP)
        try:
            await produce(kafka, documents(count, name))
        finally:
            for process in processes:
                process.send_signal(signal.SIGCONT)
        started = time.perf_counter()
        arrived = await collect(kafka, warm + expected, timeout=600)
        finished = max(arrived.values()) if arrived else time.perf_counter()
        if len(arrived) < warm + expected:
            raise SystemExit(f"{name}: only {len(arrived) - warm} of {expected} signals arrived")
        return count / (finished - started)
    finally:
        stop_workers(processes)


async def latency_at(broker: EmbeddedBroker, rate: float, count: int, workdir: Path) -> list[float]:
    kafka = kafka_for(broker, "latency")
    await ensure_topics(
        kafka, [kafka.documents_topic, kafka.detections_topic, kafka.signals_topic, kafka.dead_letter_topic]
    )
    processes = start_workers(kafka, "fixed", 1, workdir)
    try:
        await produce(kafka, documents(5, "latw"))
        await collect_signals(kafka, 5, timeout=120)
        items = documents(count, "lat")
        collector = asyncio.create_task(collect_signals(kafka, count + 5, timeout=300))
        sent = await produce(kafka, items, rate=rate)
        arrived = await collector
        return sorted(arrived[i] - sent[i] for i in sent if i in arrived)
    finally:
        stop_workers(processes)


async def real_detector_backlog(broker: EmbeddedBroker, count: int, workdir: Path) -> tuple[float, float, float]:
    """One worker with the real engine drains a backlog; returns docs/s and the event loop's
    p99 and max lag meanwhile (spaCy runs in the thread pool, so the loop should stay free)."""
    from prometheus_client import CollectorRegistry
    from prometheus_client.multiprocess import MultiProcessCollector

    from services.platform.metrics import prepare_multiprocess_dir

    kafka = kafka_for(broker, "real")
    await ensure_topics(
        kafka, [kafka.documents_topic, kafka.detections_topic, kafka.signals_topic, kafka.dead_letter_topic]
    )
    metrics_dir = workdir / "real-metrics"
    processes = start_workers(kafka, "real", 1, workdir, prepare_multiprocess_dir(metrics_dir))
    try:
        # Real detections name no known actor here, so documents merge into few stories:
        # count documents through the detect stage, not signals.
        await produce(kafka, documents(3, "realw"))
        await collect_detected_documents(kafka, 3, timeout=120)
        items = documents(count, "real")
        await produce(kafka, items)
        started = time.perf_counter()
        arrived = await collect_detected_documents(kafka, count + 3, timeout=600)
        rate = (len(arrived) - 3) / ((max(arrived.values()) if arrived else time.perf_counter()) - started)
    finally:
        stop_workers(processes)
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=str(metrics_dir))
    buckets: list[tuple[float, float]] = []
    for family in registry.collect():
        if family.name == "tocsin_event_loop_lag_seconds":
            buckets = [(float(s.labels["le"]), s.value) for s in family.samples if s.name.endswith("_bucket")]
    total = max((value for _, value in buckets), default=0)
    p99 = next((bound for bound, value in sorted(buckets) if total and value >= 0.99 * total), float("nan"))
    worst = next((bound for bound, value in sorted(buckets) if value >= total), float("nan"))
    return rate, p99, worst


def detector_rate(count: int) -> float:
    from services.detector.engine import DetectionEngine
    from services.platform.config import Settings

    engine = DetectionEngine.from_settings(Settings())
    texts = [item.text for item in documents(count, "det")]
    started = time.process_time()
    for text in texts:
        engine.detect(text)
    return count / (time.process_time() - started)


def percentile(values: list[float], q: float) -> float:
    return values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=10000)
    args = parser.parse_args()
    workdir = REPO / "bench" / "out" / "stream"
    workdir.mkdir(parents=True, exist_ok=True)
    count = args.documents
    with EmbeddedBroker() as broker:
        ceiling_before = await raw_ceiling(kafka_for(broker, "raw"), count)
        floor_one = await faust_throughput(broker, "floor1", 1, count, workdir, mode="floor")
        floor_two = await faust_throughput(broker, "floor2", 2, count, workdir, mode="floor")
        one = await faust_throughput(broker, "one", 1, count, workdir)
        two = await faust_throughput(broker, "two", 2, count, workdir)
        sparse_one = await faust_throughput(broker, "sparse1", 1, count, workdir, every=SPARSE_EVERY)
        sparse_two = await faust_throughput(broker, "sparse2", 2, count, workdir, every=SPARSE_EVERY)
        latencies = await latency_at(broker, rate=one / 2, count=min(count, int(one * 20)), workdir=workdir)
        real_rate, lag_p99, lag_max = await real_detector_backlog(broker, 200, workdir)
        ceiling_after = await raw_ceiling(kafka_for(broker, "raw2"), count)
    ceiling = max(ceiling_before, ceiling_after)
    detection = detector_rate(200)
    rows = [
        ("Faust alone, topology's shape, 1 worker", floor_one),
        ("Faust alone, topology's shape, 2 workers", floor_two),
        ("detect->stories, every doc an event, 1 worker", one),
        ("detect->stories, every doc an event, 2 workers", two),
        (f"detect->stories, 1 doc in {SPARSE_EVERY} an event, 1 worker", sparse_one),
        (f"detect->stories, 1 doc in {SPARSE_EVERY} an event, 2 workers", sparse_two),
    ]
    print(
        f"machine: {os.cpu_count()} cores; broker: embedded tansu (memory); partitions: {PARTITIONS}; "
        f"documents: {count}; fixed-cost detector unless named"
    )
    print(f"{'measure':<52}{'value':>12}{'vs ceiling':>12}")
    print(f"{'raw aiokafka consume->produce (baseline: higher of)':<52}{ceiling:>9.0f} /s{1.0:>12.2f}")
    print(f"{'  measured before / after the Faust runs':<52}{ceiling_before:>9.0f} / {ceiling_after:.0f} /s")
    for name, rate in rows:
        print(f"{name:<52}{rate:>9.0f} /s{rate / ceiling:>12.2f}")
    print(f"{'real detector alone, 1 core':<52}{detection:>9.0f} /s")
    print(f"{'faust + real detector, 1 worker (detect stage)':<52}{real_rate:>9.0f} /s")
    print(f"{'  event loop lag meanwhile, p99 (bucket)':<52}{lag_p99 * 1000:>9.0f} ms")
    print(f"{'  event loop lag meanwhile, max (bucket)':<52}{lag_max * 1000:>9.0f} ms")
    print(f"{'latency p50 at 50% of 1-worker max':<52}{percentile(latencies, 0.5) * 1000:>9.1f} ms")
    print(f"{'latency p99 at 50% of 1-worker max':<52}{percentile(latencies, 0.99) * 1000:>9.1f} ms")


if __name__ == "__main__":
    asyncio.run(main())
