"""Soak: a steady document rate through ``tocsin run`` for minutes; lag, latency and memory.

Not part of ``make test``. It starts ``tocsin run`` (embedded tansu broker, ingest, detect,
alert, API) with 20 webhook subscriptions pointed at a loopback receiver, then produces
documents **directly to the documents topic** at ``--rate`` per second (so the rate is exact
and the clock starts when a document enters Kafka; feed polling is measured apart, in
``bench/bench_ingest.py``). Most documents are ordinary news sentences the detector reads and
drops; ``--alerting`` per second describe a troop build-up by one of eight actors, and with a
short ``stories.window`` each opens a new story, so each reaches all 20 subscriptions.

Figures: throughput held (produced vs. committed by the detect group), p50/p99 latency from
produce to the first webhook for each alerting document, consumer lag over time (committed
offsets of each group against the end of its topic), resident memory (VmRSS of ``tocsin run``
and every descendant, from /proc, also per process: broker, ingest, detect, alert, run+api)
at start (30 s in), middle and end, and, measured after the run, what a fresh tansu grows by
when it is sent only the same documents in the same ticks (the broker's baseline: the rest of
its growth is Tocsin's own topics and offsets). Writes ``bench/out/soak.png``
(lag and memory curves), ``bench/out/soak.json`` and prints a summary table.

Run: .venv/bin/python bench/soak.py [--minutes 10] [--rate 200] [--alerting 2]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import yaml
from aiokafka import AIOKafkaConsumer, TopicPartition

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from models import DOCUMENTS, Document  # noqa: E402
from services.platform.broker import free_port  # noqa: E402
from services.platform.broker.memory_watch import MIB, resident_bytes  # noqa: E402
from services.platform.config import KafkaSettings  # noqa: E402
from services.platform.kafka import make_producer  # noqa: E402
from tests.support.processes import descendants  # noqa: E402

OUT = REPO / "bench" / "out"
SUBSCRIPTIONS = 20
TOPIC_PREFIX = "tocsin."
GROUP_PREFIX = "tocsin"
SAMPLE_EVERY = 5.0
DRAIN = 60.0
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
PAIRS = [
    ("Russia", "Ukraine"),
    ("China", "Taiwan"),
    ("India", "Pakistan"),
    ("Turkey", "Syria"),
    ("Israel", "Lebanon"),
    ("Iran", "Iraq"),
    ("Ethiopia", "Eritrea"),
    ("Azerbaijan", "Armenia"),
]
QUIET = [
    "The city council approved a new budget for road repairs on Tuesday.",
    "Shares in the retailer rose after it reported stronger holiday sales.",
    "The museum reopened its east wing after a two-year renovation.",
    "Farmers expect a larger wheat harvest thanks to a mild spring.",
    "The central bank kept interest rates unchanged at its monthly meeting.",
    "A new ferry route will link the two islands from next summer.",
]


def _background() -> list[str]:
    """Real news sentences from the shared feed fixtures (the detector benchmark's background),
    so quiet documents vary the way real ones do; the short list above when fixtures are absent."""
    try:
        from bench.bench_detector import feed_sentences

        return feed_sentences() or QUIET
    except Exception:  # noqa: BLE001 - a bench convenience, never fatal
        return QUIET


BACKGROUND: list[str] = []


def quiet_text(n: int) -> str:
    """Two background sentences chosen by ``n``, as two paragraphs (ingest turns block elements
    into line breaks, and the detector never reads across one): every quiet document differs.
    Joined by a space instead, a headline without a full stop runs into the next sentence, and
    the detector rightly reads the run-on as one sentence."""
    if not BACKGROUND:
        BACKGROUND.extend(_background())
    size = len(BACKGROUND)
    return f"{BACKGROUND[n % size]}\n{BACKGROUND[(n * 7919 + 13) % size]}"


ALERTING_ID = re.compile(r"soak-a\d{7}")


@dataclass
class Sample:
    at: float
    lag: dict[str, int]
    committed: dict[str, int]
    rss_mb: float
    rss_by_role: dict[str, float]


@dataclass
class Run:
    minutes: float
    rate: float
    alerting: float
    produced: int = 0
    produced_alerting: int = 0
    started: float = 0.0
    finished_producing: float = 0.0
    samples: list[Sample] = field(default_factory=list)


class WebhookReceiver:
    """Loopback receiver: records, per alerting document id, when its first webhook came."""

    def __init__(self) -> None:
        self.first_seen: dict[str, float] = {}
        self.posts = 0
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args: object) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802 (stdlib naming)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                now = time.time()
                with receiver._lock:
                    receiver.posts += 1
                    for doc_id in set(ALERTING_ID.findall(body.decode("utf-8", "replace"))):
                        receiver.first_seen.setdefault(doc_id, now)
                self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]

    def __enter__(self) -> "WebhookReceiver":
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


def write_config(workdir: Path, receiver_port: int) -> Path:
    config = {
        "http": {"host": "127.0.0.1", "port": free_port()},
        "security": {"allow_private_targets": True},
        "database": {"url": f"sqlite+aiosqlite:///{workdir / 'tocsin.db'}"},
        "log": {"format": "json", "level": "WARNING"},
        "stories": {"window": "2s"},
        "subscriptions": [
            {
                "id": f"desk-{n:02d}",
                "patterns": ["ultimatum", "military_buildup", "wire_denial"],
                "webhook": {"url": f"http://127.0.0.1:{receiver_port}/hook/{n}", "secret": SECRET},
            }
            for n in range(SUBSCRIPTIONS)
        ],
    }
    path = workdir / "tocsin.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


def role_of(pid: int) -> str:
    """Which part of ``tocsin run`` a process is, from its command line."""
    try:
        args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return "gone"
    words = [a.decode(errors="replace") for a in args if a]
    if any("tansu" in w for w in words[:1]):
        return "broker"
    for role in ("ingest", "detect", "alert"):
        if role in words:
            return role
    return "run+api" if "run" in words else "other"


def family_rss(pid: int) -> dict[str, float]:
    """VmRSS (MB) of ``pid`` and every descendant, summed per role (broker, detect, …)."""
    family = [pid, *descendants(pid)]
    by_role: dict[str, float] = {}
    for member in family:
        resident = resident_bytes(member)
        if resident is not None:
            role = role_of(member)
            by_role[role] = by_role.get(role, 0.0) + resident / MIB
    return by_role


async def read_offsets(bootstrap: str, groups: dict[str, str]) -> tuple[dict[str, int], dict[str, int]]:
    """Per group: lag (end offsets minus committed) and the committed total."""
    lag: dict[str, int] = {}
    committed_total: dict[str, int] = {}
    for group, topic in groups.items():
        reader = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False)
        await reader.start()
        try:
            await reader.topics()
            partitions = [TopicPartition(topic, p) for p in sorted(reader.partitions_for_topic(topic) or ())]
            ends = await reader.end_offsets(partitions) if partitions else {}
            committed = [await reader.committed(tp) or 0 for tp in partitions]
            lag[group] = sum(max(0, ends[tp] - c) for tp, c in zip(partitions, committed, strict=False))
            committed_total[group] = sum(committed)
        finally:
            await reader.stop()
    return lag, committed_total


def document(n: int, alerting: bool) -> Document:
    if alerting:
        actor, target = PAIRS[n % len(PAIRS)]
        text = (
            f"{actor} has deployed thousands of troops and armoured vehicles to its border with {target}, "
            f"satellite images published on bulletin {n} show."
        )
        doc_id = f"soak-a{n:07d}"
    else:
        text = quiet_text(n)
        doc_id = f"soak-q{n:08d}"
    return Document(id=doc_id, source_id=f"soak-{n % 50}", url=f"https://outlet{n % 500}.example/{doc_id}", text=text)


TICK = 0.05
DOCUMENTS_TOPIC = f"{TOPIC_PREFIX}documents"


def ticks(rate: float, alerting: float):  # noqa: ANN201 - an endless generator of lists
    """The documents of each 50 ms tick, in order: ``rate`` per second, ``alerting`` of them alerting.

    The soak and its broker baseline both produce from this, so both send the same documents in
    the same batches."""
    per_tick = rate * TICK
    alerting_every = rate / alerting if alerting > 0 else float("inf")
    owed = 0.0
    produced = quiet_n = alerting_n = 0
    while True:
        owed += per_tick
        batch: list[Document] = []
        while owed >= 1:
            owed -= 1
            produced += 1
            if produced % alerting_every < 1:
                batch.append(document(alerting_n, True))
                alerting_n += 1
            else:
                batch.append(document(quiet_n, False))
                quiet_n += 1
        yield batch


async def produce(bootstrap: str, run: Run, produced_at: dict[str, float]) -> None:
    """``run.rate`` documents/s in 20 ticks per second; ``run.alerting`` of them alerting."""
    # It stands in for ingest, so it produces the way ingest does (kafka.compression included).
    producer = make_producer(KafkaSettings(bootstrap=bootstrap), enable_idempotence=False)
    await producer.start()
    loop = asyncio.get_running_loop()
    start = loop.time()
    end = start + run.minutes * 60
    next_tick = start
    try:
        for batch in ticks(run.rate, run.alerting):
            if loop.time() >= end:
                break
            for item in batch:
                if ALERTING_ID.fullmatch(item.id):
                    produced_at[item.id] = time.time()
                    run.produced_alerting += 1
            sends = [await producer.send(DOCUMENTS_TOPIC, DOCUMENTS.encode(i), key=i.id.encode()) for i in batch]
            await asyncio.gather(*sends)
            run.produced += len(batch)
            next_tick += TICK
            await asyncio.sleep(max(0.0, next_tick - loop.time()))
    finally:
        await producer.stop()
    run.finished_producing = time.time()


def figure_samples(run: Run) -> tuple[Sample, Sample]:
    """The samples the RSS figures compare: the first 30 s in, and the last while producing."""
    warm = [s for s in run.samples if s.at >= run.started + 30] or run.samples
    during = [s for s in run.samples if s.at <= run.finished_producing]
    return warm[0], (during[-1] if during else warm[-1])


def documents_by(run: Run, sample: Sample) -> int:
    """About how many documents had been produced when ``sample`` was taken."""
    return min(run.produced, round(run.rate * max(0.0, sample.at - run.started)))


async def documents_alone(run: Run, from_document: int, to_document: int) -> float:
    """Same-run baseline for the broker: MB a fresh tansu grows by when it only stores the soak's
    documents, sent by the same producer in the same ticks (at full speed: the batches, not the
    rate, decide what the broker keeps), between the same two points as the soak's RSS figures.
    What the soak's broker grows beyond this is what Tocsin's own topics and offsets cost it."""
    from bench.bench_broker_memory import broker_growth

    def records_up_to_the_end():  # noqa: ANN202 - the soak's ticks, as records, to its last RSS sample
        sent = 0
        for batch in ticks(run.rate, run.alerting):
            if sent >= to_document:
                return
            sent += len(batch)
            yield [(item.id.encode(), DOCUMENTS.encode(item)) for item in batch]

    kafka = KafkaSettings()  # the soak's producer settings: its compression and partitions
    grown = await broker_growth(
        records_up_to_the_end(), kafka.compression, kafka.partitions, skip=from_document, topic=DOCUMENTS_TOPIC
    )
    return grown / MIB


async def sample_forever(bootstrap: str, pid: int, run: Run, groups: dict[str, str], stop: asyncio.Event) -> None:
    while not stop.is_set():
        try:
            lag, committed = await asyncio.wait_for(read_offsets(bootstrap, groups), 10)
        except Exception as exc:  # noqa: BLE001 - a missed sample is shown as a gap, not a crash
            print(f"  lag sample failed: {type(exc).__name__}: {exc}", file=sys.stderr)
            lag, committed = {}, {}
        by_role = family_rss(pid)
        run.samples.append(Sample(time.time(), lag, committed, sum(by_role.values()), by_role))
        try:
            await asyncio.wait_for(stop.wait(), SAMPLE_EVERY)
        except TimeoutError:
            pass


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))] if ordered else float("nan")


def plot(run: Run, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    t0 = run.started
    fig, (lag_ax, rss_ax) = plt.subplots(2, 1, figsize=(10, 7), sharex=True)
    groups = sorted({g for s in run.samples for g in s.lag})
    for group in groups:
        points = [((s.at - t0) / 60, s.lag[group]) for s in run.samples if group in s.lag]
        lag_ax.plot([p[0] for p in points], [p[1] for p in points], label=group)
    lag_ax.set_ylabel("consumer lag (messages)")
    lag_ax.set_title(f"Soak: {run.rate:g} documents/s for {run.minutes:g} min through tocsin run")
    lag_ax.legend()
    lag_ax.grid(alpha=0.3)
    minutes = [(s.at - t0) / 60 for s in run.samples]
    rss_ax.plot(minutes, [s.rss_mb for s in run.samples], color="black", label="total")
    for role in sorted({r for s in run.samples for r in s.rss_by_role}):
        rss_ax.plot(minutes, [s.rss_by_role.get(role, 0.0) for s in run.samples], label=role)
    rss_ax.set_ylabel("RSS (MB)")
    rss_ax.legend(loc="upper left", fontsize="small", ncol=3)
    rss_ax.set_xlabel("minutes since production started")
    rss_ax.axvline(run.minutes, color="grey", linestyle="--", linewidth=1)
    rss_ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def summarise(
    run: Run, receiver: WebhookReceiver, produced_at: dict[str, float], broker_baseline_mb: float
) -> dict[str, object]:
    latencies = [receiver.first_seen[d] - t for d, t in produced_at.items() if d in receiver.first_seen]
    during = [s for s in run.samples if s.at <= run.finished_producing]
    detect_group = f"{GROUP_PREFIX}-detect"
    with_commits = [s for s in during if detect_group in s.committed]
    processed_rate = float("nan")
    if len(with_commits) >= 2:
        first, last = with_commits[0], with_commits[-1]
        processed_rate = (last.committed[detect_group] - first.committed[detect_group]) / (last.at - first.at)
    warm = [s for s in run.samples if s.at >= run.started + 30] or run.samples
    start_sample, end_sample = figure_samples(run)
    start_rss = start_sample.rss_mb
    middle_rss = min(warm, key=lambda s: abs(s.at - (run.started + run.minutes * 30))).rss_mb
    end_rss = end_sample.rss_mb
    roles = sorted(set(start_sample.rss_by_role) | set(end_sample.rss_by_role))
    growth_by_role = {r: end_sample.rss_by_role.get(r, 0.0) - start_sample.rss_by_role.get(r, 0.0) for r in roles}
    start_by_role = {r: start_sample.rss_by_role.get(r, 0.0) for r in roles}
    tocsin_start = start_rss - start_by_role.get("broker", 0.0)
    tocsin_end = end_rss - end_sample.rss_by_role.get("broker", 0.0)
    max_lag = {g: max((s.lag.get(g, 0) for s in during), default=0) for g in {g for s in during for g in s.lag}}
    final_lag = run.samples[-1].lag if run.samples else {}
    produced_seconds = run.finished_producing - run.started
    return {
        "minutes": run.minutes,
        "target_rate": run.rate,
        "produced": run.produced,
        "produced_rate": run.produced / produced_seconds if produced_seconds > 0 else float("nan"),
        "detect_committed_rate": processed_rate,
        "alerting_documents": run.produced_alerting,
        "alerting_delivered": len(latencies),
        "webhooks_received": receiver.posts,
        "latency_p50_s": percentile(latencies, 50),
        "latency_p99_s": percentile(latencies, 99),
        "latency_max_s": max(latencies, default=float("nan")),
        "max_lag": max_lag,
        "lag_after_drain": final_lag,
        "rss_mb_start": start_rss,
        "rss_mb_middle": middle_rss,
        "rss_mb_end": end_rss,
        "rss_growth_pct": (end_rss - start_rss) / start_rss * 100 if start_rss else float("nan"),
        "rss_mb_start_by_role": start_by_role,
        "rss_mb_growth_by_role": growth_by_role,
        "rss_mb_tocsin_start": tocsin_start,
        "rss_mb_tocsin_end": tocsin_end,
        "rss_tocsin_growth_pct": (tocsin_end - tocsin_start) / tocsin_start * 100 if tocsin_start else float("nan"),
        "broker_growth_mb": growth_by_role.get("broker", float("nan")),
        "broker_baseline_growth_mb": broker_baseline_mb,
        "machine": f"{os.cpu_count()} cores, {os.uname().sysname} {os.uname().release}",
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }


def print_table(summary: dict[str, object]) -> None:
    rows = [
        ("documents produced", f"{summary['produced']} in {summary['minutes']:g} min"),
        ("produced rate", f"{summary['produced_rate']:.1f} docs/s (target {summary['target_rate']:g})"),
        ("detect committed rate", f"{summary['detect_committed_rate']:.1f} docs/s"),
        ("alerting docs delivered", f"{summary['alerting_delivered']} / {summary['alerting_documents']}"),
        ("webhooks received", f"{summary['webhooks_received']}"),
        ("latency produce→webhook p50", f"{summary['latency_p50_s']:.2f} s"),
        ("latency produce→webhook p99", f"{summary['latency_p99_s']:.2f} s (max {summary['latency_max_s']:.2f} s)"),
        ("max lag while producing", ", ".join(f"{g}={v}" for g, v in sorted(summary["max_lag"].items()))),
        ("lag after drain", ", ".join(f"{g}={v}" for g, v in sorted(summary["lag_after_drain"].items()))),
        (
            "RSS start / middle / end",
            f"{summary['rss_mb_start']:.0f} / {summary['rss_mb_middle']:.0f} / "
            f"{summary['rss_mb_end']:.0f} MB ({summary['rss_growth_pct']:+.1f} %)",
        ),
        (
            "RSS growth by process",
            ", ".join(
                f"{role} {summary['rss_mb_start_by_role'][role]:.0f}{grown:+.0f}"
                for role, grown in sorted(summary["rss_mb_growth_by_role"].items())
            ),
        ),
        (
            "RSS of Tocsin's processes (all but the broker)",
            f"{summary['rss_mb_tocsin_start']:.0f} → "
            f"{summary['rss_mb_tocsin_end']:.0f} MB ({summary['rss_tocsin_growth_pct']:+.1f} %)",
        ),
        (
            "broker growth: soak / same documents alone",
            f"{summary['broker_growth_mb']:+.0f} / "
            f"{summary['broker_baseline_growth_mb']:+.0f} MB "
            f"(ratio {summary['broker_growth_mb'] / summary['broker_baseline_growth_mb']:.2f})"
            if summary["broker_baseline_growth_mb"] > 0
            else "n/a",
        ),
    ]
    width = max(len(name) for name, _ in rows)
    print("\n| figure | value |\n|---|---|")
    for name, value in rows:
        print(f"| {name.ljust(width)} | {value} |")


async def wait_for_ready(run_process: subprocess.Popen, stdout: Path, timeout: float = 120) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = stdout.read_text(errors="replace") if stdout.exists() else ""
        match = re.search(r"broker\s+(127\.0\.0\.1:\d+)", text)
        if "Tocsin is running" in text and match:
            return match.group(1)
        if run_process.poll() is not None:
            raise SystemExit(f"tocsin run exited {run_process.returncode}; see {stdout.parent}")
        await asyncio.sleep(0.5)
    raise SystemExit(f"tocsin run not ready within {timeout}s; see {stdout.parent}")


async def main(args: argparse.Namespace) -> int:
    workdir = OUT / "soak-run"
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    run = Run(minutes=args.minutes, rate=args.rate, alerting=args.alerting)
    produced_at: dict[str, float] = {}
    groups = {f"{GROUP_PREFIX}-detect": f"{TOPIC_PREFIX}documents", f"{GROUP_PREFIX}-alerter": f"{TOPIC_PREFIX}signals"}
    with WebhookReceiver() as receiver:
        config = write_config(workdir, receiver.port)
        env = {k: v for k, v in os.environ.items() if not k.startswith("TOCSIN_")}
        stdout = workdir / "run.stdout"
        process = subprocess.Popen(
            [sys.executable, "-m", "services.cli.main", "run", "--config", str(config)],
            cwd=workdir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=stdout.open("wb"),
            stderr=(workdir / "run.stderr").open("wb"),
        )
        try:
            bootstrap = await wait_for_ready(process, stdout)
            print(f"tocsin run ready (broker {bootstrap}); producing {run.rate:g} docs/s for {run.minutes:g} min")
            stop = asyncio.Event()
            run.started = time.time()
            sampler = asyncio.create_task(sample_forever(bootstrap, process.pid, run, groups, stop))
            await produce(bootstrap, run, produced_at)
            print(f"produced {run.produced}; draining up to {DRAIN:.0f} s")
            drain_end = time.monotonic() + DRAIN
            while time.monotonic() < drain_end and len(receiver.first_seen) < len(produced_at):
                await asyncio.sleep(1)
            await asyncio.sleep(SAMPLE_EVERY)  # one sample after the drain
            stop.set()
            await sampler
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
        start_sample, end_sample = figure_samples(run)
        print("baseline: the same documents into a fresh tansu, nothing else")
        baseline = await documents_alone(run, documents_by(run, start_sample), documents_by(run, end_sample))
        summary = summarise(run, receiver, produced_at, baseline)
    OUT.mkdir(exist_ok=True)
    (OUT / "soak.json").write_text(
        json.dumps({"summary": summary, "samples": [asdict(s) for s in run.samples]}, indent=1)
    )
    plot(run, OUT / "soak.png")
    print_table(summary)
    print(f"\nwrote {OUT / 'soak.png'} and {OUT / 'soak.json'}")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=200.0, help="documents per second")
    parser.add_argument("--alerting", type=float, default=2.0, help="alerting documents per second (within --rate)")
    raise SystemExit(asyncio.run(main(parser.parse_args())))
