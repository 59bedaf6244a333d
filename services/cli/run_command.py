"""``tocsin run`` (everything) and ``tocsin ingest | detect | alert | api`` (one service each)."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from services.cli.common import EXIT_CONFIG_ERROR, settings_or_exit
from services.cli.main import add_config_argument
from services.platform.runtime import until_signalled
from services.platform.storage.errors import SchemaTooNew

if TYPE_CHECKING:
    from services.platform.config import Settings


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    commands = {
        "run": ("run the whole service (embedded broker when none is configured)", _run),
        "ingest": ("run the ingest service alone against the configured Kafka", _ingest),
        "detect": ("run a detect worker (Faust) against the configured Kafka", _detect),
        "alert": ("run the alerter alone against the configured Kafka", _alert),
        "api": ("run the HTTP API alone", _api),
    }
    for name, (help_text, handler) in commands.items():
        parser = subparsers.add_parser(name, help=help_text, description=help_text)
        add_config_argument(parser)
        parser.set_defaults(handler=handler)


EXIT_INTERRUPTED = 130  # what a shell reports for a command ended by Ctrl-C (128 + SIGINT)


def _run(args: argparse.Namespace) -> int:
    """Refuses (exit 2, one line) before anything starts when the data folder is taken or the
    port is busy; a Ctrl-C before the services are ready is one line and exit 130."""
    from services.cli.embedded import DATA_FOLDER, ServiceRefusedConfig, StartupInterrupted, run_everything
    from services.cli.run_guard import DataFolderLock, RunRefused, check_port_free

    settings = settings_or_exit(args)
    lock = DataFolderLock(DATA_FOLDER)
    try:
        lock.acquire()
        check_port_free(settings.http.host, settings.http.port)
    except RunRefused as exc:
        lock.release()
        print(f"tocsin: {exc}", file=sys.stderr)
        return EXIT_CONFIG_ERROR
    code = 0
    try:
        asyncio.run(until_signalled(lambda stop: run_everything(settings, stop)))
    except StartupInterrupted:
        print("tocsin: interrupted during start-up; everything it had started is stopped", file=sys.stderr)
        code = EXIT_INTERRUPTED
    except ServiceRefusedConfig as exc:
        print(f"tocsin: {exc}", file=sys.stderr)
        code = EXIT_CONFIG_ERROR
    finally:
        lock.release()
    leave_now(code)
    return code  # not reached


def leave_now(code: int) -> None:
    """Ends ``tocsin run`` at once, once every service and the broker have stopped.

    Why: by then nothing is left to clean up (the children and the broker are gone, the lock
    is released, logs are flushed below), yet the interpreter's own shutdown — collecting the
    API's and the Kafka clients' objects — took up to three seconds more on every Ctrl-C.
    """
    import logging
    import os

    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)


def _require_kafka(settings: Settings, service: str) -> None:
    if not settings.kafka.bootstrap:
        raise SystemExit(
            f"tocsin {service}: no Kafka configured; set TOCSIN_KAFKA_BOOTSTRAP=host:port "
            "(or kafka.bootstrap in the config file), or use `tocsin run` for the embedded broker"
        )


def _serve(args: argparse.Namespace, service: str, run: "Callable[[Settings, asyncio.Event], Awaitable[None]]") -> int:
    """Runs one asyncio service until SIGINT/SIGTERM, telling a supervisor it is ready."""
    from services.platform.readiness import notify_ready

    settings = settings_or_exit(args)
    _require_kafka(settings, service)

    async def main(stop: asyncio.Event) -> None:
        notify_ready(service)
        await run(settings, stop)

    try:
        asyncio.run(until_signalled(main))
    except DBAPIError as exc:
        print(f"tocsin {service}: {describe_database_failure(settings.database.url, exc)}", file=sys.stderr)
        return 1
    except SchemaTooNew as exc:
        print(f"tocsin {service}: {exc}", file=sys.stderr)
        return 1
    return 0


def describe_database_failure(url: str, error: DBAPIError) -> str:
    """One line an operator can act on, naming the database but never its password."""
    parsed = make_url(url)
    reason = str(error.orig).splitlines()[0] if error.orig is not None else str(error).splitlines()[0]
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        folder = Path(parsed.database).resolve().parent
        if not os.access(folder, os.W_OK):
            return f"cannot write the SQLite database {parsed.database}: the folder {folder} is read-only ({reason})"
        return f"cannot use the SQLite database {parsed.database}: {reason}"
    return f"cannot use the database {parsed.render_as_string(hide_password=True)}: {reason}"


def _ingest(args: argparse.Namespace) -> int:
    from services.ingest.service import run_ingest

    return _serve(args, "ingest", run_ingest)


def _detect(args: argparse.Namespace) -> int:
    from services.stream.worker import run_detect_worker

    settings = settings_or_exit(args)
    _require_kafka(settings, "detect")
    return run_detect_worker(settings)


def _alert(args: argparse.Namespace) -> int:
    from alerts.service import run_alerter

    return _serve(args, "alert", run_alerter)


def _api(args: argparse.Namespace) -> int:
    import uvicorn

    from services.api.app import create_app
    from services.api.http_protocol import server_config

    settings = settings_or_exit(args)
    uvicorn.Server(server_config(create_app(settings), settings.http.host, settings.http.port, log_config=None)).run()
    return 0
