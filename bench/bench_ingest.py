"""Ingest polling cost at steady state: 1,000 sources on loopback, most answering 304.

Run: ``.venv/bin/python bench/bench_ingest.py [--sources 1000] [--rounds 3] [--changing 0.05]``

A separate process serves the feeds on 100 loopback addresses (127.0.0.1-100, ten sources
each, so the per-host limit of 2 behaves as it would across real sites). A fraction of the
sources change on every request (one new item, produced to the real embedded broker); the
rest answer ``304 Not Modified`` to the conditional GET. Each round polls every source once
through the real ``PollCycle`` (fetch, parse, dedup against SQLite, produce, status write).

The baseline, measured in the same run, is a bare ``httpx`` GET loop over the same URLs
with the same concurrency and the same ``If-None-Match`` headers: the floor any poller pays.
CPU is this process's CPU time (the server and broker run in other processes).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import random
import socket
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx  # noqa: E402

from services.ingest.cycle import PollCycle  # noqa: E402
from services.ingest.fetcher import Fetcher, FetchLimits, make_http_client  # noqa: E402
from services.ingest.kinds import build_spec  # noqa: E402
from services.ingest.publisher import DocumentPublisher  # noqa: E402
from services.ingest.seen import SeenSet  # noqa: E402
from services.ingest.status import SourceStatus, StatusBoard  # noqa: E402
from services.platform.broker import EmbeddedBroker  # noqa: E402
from services.platform.config import KafkaSettings, SourceSettings  # noqa: E402
from services.platform.kafka import ensure_topics  # noqa: E402
from services.platform.storage import open_database  # noqa: E402

HOSTS = 100
ETAG = '"steady-v1"'
FEED_TEMPLATE = (
    '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Bench {path}</title>'
    "{items}</channel></rss>"
)
ITEM = (
    "<item><title>Item {n} of {path}</title><link>https://bench.example/{path}/{n}</link>"
    "<pubDate>Wed, 25 Nov 2026 10:00:00 GMT</pubDate>"
    "<description>Body of item {n}, long enough to be a realistic summary of an article.</description></item>"
)


# ---- the feed server (separate process) -------------------------------------------------


def _serve(hosts: int, port: int, changing: set[str], ready) -> None:  # type: ignore[no-untyped-def]
    counters: dict[str, int] = {}

    def respond(path: str, headers: dict[str, str]) -> bytes:
        if path not in changing and headers.get("if-none-match") == ETAG:
            return b"HTTP/1.1 304 Not Modified\r\nETag: " + ETAG.encode() + b"\r\nContent-Length: 0\r\n\r\n"
        count = counters[path] = counters.get(path, 0) + 1
        newest = range(count + 9, count - 1, -1) if path in changing else range(10, 0, -1)
        body = FEED_TEMPLATE.format(path=path, items="".join(ITEM.format(n=n, path=path) for n in newest)).encode()
        etag = b"" if path in changing else b"ETag: " + ETAG.encode() + b"\r\n"
        return (
            b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n"
            + etag
            + b"Content-Length: "
            + str(len(body)).encode()
            + b"\r\n\r\n"
            + body
        )

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                path = lines[0].split(" ")[1]
                headers = {}
                for line in lines[1:]:
                    if ":" in line:
                        name, value = line.split(":", 1)
                        headers[name.strip().lower()] = value.strip()
                writer.write(respond(path, headers))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def main() -> None:
        servers = [await asyncio.start_server(handle, f"127.0.0.{h}", port, backlog=512) for h in range(1, hosts + 1)]
        ready.set()
        await asyncio.gather(*(server.serve_forever() for server in servers))

    asyncio.run(main())


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ---- measurements -----------------------------------------------------------------------


@dataclass
class Measure:
    name: str
    polls: int
    wall: float
    cpu: float

    def row(self) -> str:
        return (
            f"{self.name:<44} {self.polls:>6} {self.wall:>8.2f} {self.polls / self.wall:>9.0f} "
            f"{self.cpu:>7.2f} {1000 * self.cpu / self.polls:>11.3f}"
        )


async def _baseline(urls: list[str], limits: FetchLimits, rounds: int) -> Measure:
    gate = asyncio.Semaphore(limits.global_limit)
    per_host: dict[str, asyncio.Semaphore] = {}
    etags: dict[str, str] = {}
    async with httpx.AsyncClient(limits=httpx.Limits(max_connections=limits.global_limit)) as client:

        async def get(url: str) -> None:
            host = url.split("/")[2]
            async with gate, per_host.setdefault(host, asyncio.Semaphore(limits.per_host)):
                headers = {"If-None-Match": etags[url]} if url in etags else {}
                response = await client.get(url, headers=headers)
                if "etag" in response.headers:
                    etags[url] = response.headers["etag"]

        await asyncio.gather(*(get(url) for url in urls))  # warm-up round: learn the ETags
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(rounds):
            await asyncio.gather(*(get(url) for url in urls))
        return Measure(
            "baseline: bare httpx conditional GET",
            len(urls) * rounds,
            time.perf_counter() - wall,
            time.process_time() - cpu,
        )


async def _ingest(
    urls: list[str], limits: FetchLimits, rounds: int, kafka: KafkaSettings, db_url: str
) -> tuple[Measure, Measure, int]:
    database = open_database(db_url)
    await database.create_schema()
    await ensure_topics(kafka, [kafka.documents_topic, kafka.ops_topic])
    publisher = DocumentPublisher(kafka)
    board = StatusBoard(database)
    specs = [build_spec(SourceSettings(id=f"bench-{i}", kind="rss", url=url)) for i, url in enumerate(urls)]
    statuses = {spec.id: SourceStatus(spec.id, "rss") for spec in specs}
    produced = 0
    async with make_http_client(True, limits) as client:
        cycle = PollCycle(Fetcher(client, limits), SeenSet(database), publisher)

        async def poll(spec) -> None:  # type: ignore[no-untyped-def]
            nonlocal produced
            now = datetime.now(timezone.utc)
            result = await cycle.run(spec, statuses[spec.id], now)
            produced += result.produced
            statuses[spec.id] = replace(result.status, next_poll_at=now)
            await board.save(statuses[spec.id])

        wall, cpu = time.perf_counter(), time.process_time()
        await asyncio.gather(*(poll(spec) for spec in specs))
        cold = Measure(
            "tocsin first round (all 200, parse, produce)",
            len(specs),
            time.perf_counter() - wall,
            time.process_time() - cpu,
        )
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(rounds):
            await asyncio.gather(*(poll(spec) for spec in specs))
        steady = Measure(
            "tocsin steady rounds (PollCycle + status)",
            len(specs) * rounds,
            time.perf_counter() - wall,
            time.process_time() - cpu,
        )
    failures = sum(1 for status in statuses.values() if status.consecutive_failures)
    await publisher.close()
    await database.close()
    if failures:
        print(f"warning: {failures} sources failed their last poll", file=sys.stderr)
    return cold, steady, produced


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sources", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--changing", type=float, default=0.05, help="fraction of sources with a new item per poll")
    args = parser.parse_args()
    # Per-poll info lines would bury the table (and the report); warnings still show.
    from services.platform.log import configure_logging

    configure_logging("console", "WARNING")

    port = _free_port()
    paths = [f"/feeds/{i}.xml" for i in range(args.sources)]
    rng = random.Random(7)
    changing = set(rng.sample(paths, int(args.sources * args.changing)))
    urls = [f"http://127.0.0.{1 + i % HOSTS}:{port}{path}" for i, path in enumerate(paths)]
    ready = multiprocessing.Event()
    server = multiprocessing.Process(target=_serve, args=(HOSTS, port, changing, ready), daemon=True)
    server.start()
    if not ready.wait(20):
        raise SystemExit("feed server did not start")
    limits = FetchLimits()
    try:
        with EmbeddedBroker() as broker, tempfile.TemporaryDirectory() as tmp:
            kafka = KafkaSettings(bootstrap=broker.bootstrap, topic_prefix=f"bench-{os.getpid()}.")
            baseline = asyncio.run(_baseline(urls, limits, args.rounds))
            cold, steady, produced = asyncio.run(
                _ingest(urls, limits, args.rounds, kafka, f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}")
            )
    finally:
        server.terminate()
        server.join(5)

    print(
        f"\n{args.sources} sources on {HOSTS} loopback hosts, {len(changing)} changing per poll, "
        f"{args.sources - len(changing)} answering 304; global limit {limits.global_limit}, per host {limits.per_host}; "
        f"{os.cpu_count()} CPUs"
    )
    print(f"{'measure':<44} {'polls':>6} {'wall s':>8} {'polls/s':>9} {'CPU s':>7} {'CPU ms/poll':>11}")
    for measure in (baseline, cold, steady):
        print(measure.row())
    per_poll = steady.cpu / steady.polls
    print(f"documents produced to Kafka: {produced}")
    print(f"steady-state cost vs baseline: {per_poll / (baseline.cpu / baseline.polls):.1f}x CPU per poll")
    print(
        f"1,000 sources every 60 s = {1000 / 60:.1f} polls/s -> {100 * per_poll * 1000 / 60:.1f}% of one core "
        f"(goal: <= 100%); one core sustains about {1 / per_poll:.0f} polls/s"
    )


if __name__ == "__main__":
    main()
