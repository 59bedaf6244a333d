"""What the embedded broker keeps per document: tansu memory storage, by batch shape and compression.

tansu's memory engine keeps every batch it is sent for as long as it runs, so its resident
memory grows with what is produced, and how much per document depends on how the producer
batched and compressed it. This sends the soak's documents (``bench/soak.py``: two varied real
news sentences each, ~490 bytes of JSON) into a fresh tansu per case and prints the broker's
growth per document next to the document's own size, the baseline: a ratio below 1 means
compression more than pays for tansu's per-batch overhead.

Cases: one partition, N documents per produce round-trip (1, 10, 100), each compression; then
the soak's own shape (10 documents per 50 ms tick, keyed by id, over 4 and over 1 partition).

Run: .venv/bin/python bench/bench_broker_memory.py [--documents 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Iterable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from models import DOCUMENTS  # noqa: E402
from services.platform.broker import EmbeddedBroker  # noqa: E402
from services.platform.broker.memory_watch import resident_bytes  # noqa: E402
from services.platform.config import KafkaSettings  # noqa: E402
from services.platform.kafka import ensure_topics, make_producer  # noqa: E402

TOPIC = "memory.documents"
SETTLE = 1.0

Batch = list[tuple[bytes, bytes]]
"""(key, value) records sent together: one produce round-trip."""


async def broker_growth(
    batches: Iterable[Batch], compression: str = "zstd", partitions: int = 4, skip: int = 0, topic: str = TOPIC
) -> int:
    """Bytes a fresh tansu grows by while it is sent ``batches``, one round-trip each, and nothing
    else; the first ``skip`` records are sent before the first reading (a run's warm-up)."""
    with EmbeddedBroker() as broker:
        kafka = KafkaSettings(bootstrap=broker.bootstrap, compression=compression)  # type: ignore[arg-type]
        await ensure_topics(kafka, [topic], partitions=partitions)
        producer = make_producer(kafka, enable_idempotence=False)
        await producer.start()
        sent, before = 0, None
        try:
            await producer.send_and_wait(topic, b"warm-up", key=b"warm-up")
            for batch in batches:
                if before is None and sent >= skip:
                    await asyncio.sleep(SETTLE)
                    before = resident_bytes(broker.pid) or 0
                await asyncio.gather(*[await producer.send(topic, value, key=key) for key, value in batch])
                sent += len(batch)
        finally:
            await producer.stop()
        await asyncio.sleep(SETTLE)
        return (resident_bytes(broker.pid) or 0) - (before or 0)


async def broker_bytes_per_document(
    documents: list[bytes], per_send: int, compression: str, partitions: int = 1
) -> float:
    """Broker growth per document when ``documents`` arrive ``per_send`` per round-trip."""
    records = [(b"%d" % n, value) for n, value in enumerate(documents)]
    batches = (records[start : start + per_send] for start in range(0, len(records), per_send))
    return await broker_growth(batches, compression, partitions) / len(documents)


async def main(args: argparse.Namespace) -> int:
    from bench.soak import document

    documents = [DOCUMENTS.encode(document(n, alerting=False)) for n in range(args.documents)]
    size = sum(len(d) for d in documents) / len(documents)
    print(f"{args.documents} soak documents, {size:.0f} bytes of JSON each on average (the baseline)")
    print(f"{'case':48} {'broker B/doc':>12} {'vs document':>12}")
    cases = [
        (f"1 partition, {n:>3} per send, {compression}", n, compression, 1)
        for compression in ("none", "zstd", "lz4", "gzip")
        for n in (1, 10, 100)
    ]
    cases += [
        ("soak's shape: 10 per tick, 4 partitions, zstd", 10, "zstd", 4),
        ("10 per tick, 1 partition, zstd", 10, "zstd", 1),
    ]
    for label, per_send, compression, partitions in cases:
        per_document = await broker_bytes_per_document(documents, per_send, compression, partitions)
        print(f"{label:48} {per_document:12.0f} {per_document / size:12.2f}", flush=True)
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=10000)
    raise SystemExit(asyncio.run(main(parser.parse_args())))
