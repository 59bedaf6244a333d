"""``tocsin check``: is Kafka (and the database) reachable? Used by container health checks."""

from __future__ import annotations

import argparse
import asyncio
import sys

from services.cli.common import settings_or_exit
from services.cli.main import add_config_argument
from services.platform.config import Settings


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("check", help="check that Kafka and the database answer (exit 0 when they do)")
    add_config_argument(parser)
    parser.add_argument("what", nargs="?", choices=["kafka", "database", "all"], default="all")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for each (default 10)")
    parser.set_defaults(handler=_check)


def _check(args: argparse.Namespace) -> int:
    settings = settings_or_exit(args)
    return asyncio.run(_run_checks(settings, args.what, args.timeout))


async def _run_checks(settings: Settings, what: str, timeout: float) -> int:
    from sqlalchemy import text

    from services.platform.kafka import wait_for_kafka
    from services.platform.storage import open_database

    failures = 0
    if what in ("kafka", "all"):
        if not settings.kafka.bootstrap:
            print("kafka: not configured (tocsin run starts an embedded broker)")
        else:
            try:
                await wait_for_kafka(settings.kafka, timeout=timeout)
                print(f"kafka: ok ({settings.kafka.bootstrap})")
            except TimeoutError as exc:
                print(f"kafka: FAILED: {exc}", file=sys.stderr)
                failures += 1
    if what in ("database", "all"):
        database = open_database(settings.database.url)
        try:
            async with asyncio.timeout(timeout):
                async with database.engine.connect() as connection:
                    await connection.execute(text("SELECT 1"))
            print("database: ok")
        except Exception as exc:
            print(f"database: FAILED: {type(exc).__name__}: {exc}", file=sys.stderr)
            failures += 1
        finally:
            await database.close()
    return 1 if failures else 0
