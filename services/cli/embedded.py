"""``tocsin run``: the whole service on one machine, on embedded defaults when nothing is configured."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import Awaitable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import structlog
import uvicorn
from sqlalchemy.engine import make_url

from services.api.app import create_app
from services.api.http_protocol import server_config
from services.ingest.replay import replay_unconfirmed
from services.platform.broker import EmbeddedBroker
from services.platform.broker.memory_watch import BrokerMemoryWatch
from services.platform.config import Settings
from services.platform.kafka import ensure_topics, wait_for_kafka
from services.platform.metrics import prepare_multiprocess_dir
from services.platform.supervisor import Supervisor
from services.platform.terminal import Terminal
from services.stream.app import required_topics

log = structlog.get_logger(__name__)

SERVICES = ["ingest", "detect", "alert"]
DATA_FOLDER = Path("var")  # the SQLite database, metrics and the local token live here by default
READY_TIMEOUT = 120.0
T = TypeVar("T")


STATUS_INTERVAL = 2.0


class StartupInterrupted(Exception):
    """Ctrl-C (or SIGTERM) arrived before every service was ready; all was stopped."""


class ServiceRefusedConfig(Exception):
    """A child exited refusing its configuration during start-up; the message says which."""


async def _unless_stopped(stop: asyncio.Event, awaitable: "Awaitable[T]") -> "T":
    """``awaitable``'s result, or :class:`StartupInterrupted` as soon as ``stop`` is set."""
    if stop.is_set():
        raise StartupInterrupted
    task = asyncio.ensure_future(awaitable)
    stopped = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait([task, stopped], return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopped.cancel()
    if not task.done():
        task.cancel()
        raise StartupInterrupted
    return task.result()


@dataclass
class StartupReport:
    broker: str
    embedded_broker: bool
    api_url: str
    database: str
    config_file: str | None
    seconds_to_ready: float | None
    login: str = ""


def describe(report: StartupReport) -> str:
    broker = f"{report.broker} ({'embedded tansu, memory storage' if report.embedded_broker else 'configured cluster'})"
    config = report.config_file or "none (embedded defaults; create tocsin.yaml or pass --config)"
    if report.config_file and Path(report.config_file).match("examples/world.yaml"):
        config += "  (the starter set; copy it to tocsin.yaml to edit)"
    ready = f"ready in {report.seconds_to_ready:.1f} s" if report.seconds_to_ready is not None else "NOT ready"
    return "\n".join(
        [
            "Tocsin is running",
            f"  broker    {broker}",
            f"  console   {report.api_url}/  ({report.login})" if report.login else f"  console   {report.api_url}/",
            f"  api       {report.api_url}/v1  (docs: {report.api_url}/docs, health: {report.api_url}/healthz)",
            f"  database  {report.database}",
            f"  config    {config}",
            f"  services  {', '.join(SERVICES)}",
            f"  {ready}; Ctrl-C stops everything",
        ]
    )


def _database_label(url: str) -> str:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"{parsed.database} (SQLite)"
    return parsed.render_as_string(hide_password=True)


async def run_everything(settings: Settings, stop: asyncio.Event) -> None:
    started = time.monotonic()
    broker: EmbeddedBroker | None = None
    memory: BrokerMemoryWatch | None = None
    env: dict[str, str] = {}
    if not settings.kafka.bootstrap:
        broker = EmbeddedBroker().start()
        settings.kafka.bootstrap = broker.bootstrap
        env["TOCSIN_KAFKA_BOOTSTRAP"] = broker.bootstrap
        # The memory broker forgets every topic when it stops: documents stay in the archive
        # until detected, and what was not is replayed below before ingest starts.
        settings.archive.track_detection = True
        env["TOCSIN_ARCHIVE_TRACK_DETECTION"] = "true"
        if broker.pid is not None:
            memory = BrokerMemoryWatch(broker.pid, settings.kafka.embedded_memory_warning_mb)
    if stop.is_set():  # Ctrl-C while the broker was starting (that call blocks the loop)
        if broker is not None:
            broker.stop()
        raise StartupInterrupted
    env.update(prepare_multiprocess_dir(DATA_FOLDER / "metrics"))
    os.environ.update(env)  # the API in this process reads the same folder at scrape time
    terminal = Terminal(sys.stderr) if sys.stdout.isatty() and sys.stderr.isatty() else None
    original_stderr = sys.stderr
    if terminal is not None:
        sys.stderr = terminal.stream()  # our own log lines, too, go above the status line
        if settings.log.format == "auto":
            env["TOCSIN_LOG_FORMAT"] = "console"  # children write to a pipe, yet for a person
    supervisor = Supervisor(SERVICES, settings.config_file, env, terminal)
    server: uvicorn.Server | None = None
    serving: asyncio.Task[None] | None = None
    watching_memory = asyncio.create_task(memory.run()) if memory is not None else None
    interrupted = False
    try:
        kafka = settings.kafka
        await _unless_stopped(stop, wait_for_kafka(kafka))
        await _unless_stopped(stop, ensure_topics(kafka, [*required_topics(settings), kafka.ops_topic]))
        if broker is not None:
            await _unless_stopped(stop, replay_unconfirmed(settings))
        supervisor.start()
        watcher = asyncio.create_task(supervisor.watch())

        def readiness() -> dict[str, bool]:
            return {name: bool(state["alive"] and state["ready"]) for name, state in supervisor.status().items()}

        config = server_config(
            create_app(settings, readiness, extra_metrics=memory.families if memory else None),
            settings.http.host,
            settings.http.port,
            log_config=None,
            lifespan="on",
        )
        server = uvicorn.Server(config)
        # uvicorn (>= 0.29) has no install_signal_handlers to switch off: serve() catches
        # SIGINT/SIGTERM itself while it runs and raises them again when it returns, which is
        # when until_signalled's handler sets ``stop``.
        serving = asyncio.create_task(server.serve())
        seconds: float | None = None
        try:
            await _unless_stopped(
                stop, asyncio.wait_for(_first(supervisor.all_ready.wait(), supervisor.gave_up.wait()), READY_TIMEOUT)
            )
            if supervisor.gave_up.is_set():
                refused = [child.failed for child in supervisor.children.values() if child.failed]
                raise ServiceRefusedConfig("; ".join(str(reason) for reason in refused))
            if supervisor.all_ready.is_set():
                seconds = time.monotonic() - started
        except TimeoutError:
            log.error("run.not_ready", timeout=READY_TIMEOUT, services=supervisor.status())
        login = await _unless_stopped(stop, _login_hint(settings))
        report = StartupReport(
            broker=kafka.bootstrap or "",
            embedded_broker=broker is not None,
            api_url=f"http://{settings.http.host}:{settings.http.port}",
            database=_database_label(settings.database.url),
            config_file=str(settings.config_file) if settings.config_file else None,
            seconds_to_ready=seconds,
            login=login,
        )
        print(describe(report), flush=True)
        log.info("run.ready" if seconds is not None else "run.started", seconds=seconds)
        status = asyncio.create_task(_keep_status_line(settings, terminal)) if terminal is not None else None
        await _first(stop.wait(), serving)
        watcher.cancel()
        if status is not None:
            status.cancel()
    except (StartupInterrupted, ServiceRefusedConfig):
        interrupted = True
        raise
    finally:
        stopping_at = time.monotonic()
        if watching_memory is not None:
            watching_memory.cancel()
        if server is not None:
            server.should_exit = True
            if serving is not None:
                await asyncio.wait([serving], timeout=5)
        await supervisor.stop()
        if broker is not None:
            broker.stop()
        if terminal is not None:
            terminal.end_status()
            sys.stderr = original_stderr
        if not interrupted:
            print(f"Tocsin stopped in {time.monotonic() - stopping_at:.1f} s", file=sys.stderr, flush=True)


async def _login_hint(settings: Settings) -> str:
    """The local admin token on a terminal; where to find it otherwise (it is a secret)."""
    from services.api.auth.local import ensure_local_token, local_token_file

    try:
        token = await ensure_local_token(settings)
    except Exception as exc:
        log.error("run.local_token_failed", error=f"{type(exc).__name__}: {exc}")
        return "no local token: see the log"
    if sys.stdout.isatty():
        return f"log in with token {token}"
    path = local_token_file(settings)
    return f"log-in token in {path}" if path else "create a token: tocsin token create --tenant NAME"


async def _keep_status_line(settings: Settings, terminal: Terminal) -> None:
    """Redraws one status line below the log lines every few seconds; only ever on a terminal."""
    from services.cli.status_line import StatusSampler, render
    from services.platform.storage import open_database

    database = open_database(settings.database.url)
    sampler = StatusSampler(settings.kafka, database)
    previous = None
    try:
        while True:
            current = await sampler.sample()
            terminal.status(render(current, previous))
            previous = current
            await asyncio.sleep(STATUS_INTERVAL)
    finally:
        terminal.end_status()
        await sampler.close()
        await database.close()


async def _first(*awaitables: object) -> None:
    """Waits until the first of several awaitables finishes.

    Coroutines passed in are wrapped and cancelled if they lose; tasks passed in belong to
    the caller and are left running.
    """
    owned = [asyncio.ensure_future(a) for a in awaitables if asyncio.iscoroutine(a)]
    given = [a for a in awaitables if isinstance(a, asyncio.Future)]
    try:
        await asyncio.wait([*owned, *given], return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in owned:
            if not task.done():
                task.cancel()
