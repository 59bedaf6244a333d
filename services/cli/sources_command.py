"""``tocsin sources``: the health of every configured source, as the ingest service recorded it."""

from __future__ import annotations

import argparse
import asyncio
import json
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from services.cli.common import settings_or_exit
from services.cli.main import add_config_argument
from services.platform.config import Settings

if TYPE_CHECKING:
    from services.ingest.status import SourceStatus

COLUMNS = ("ID", "KIND", "STATE", "LAST SUCCESS", "ITEMS/1H", "NEXT POLL", "LAST ERROR")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("sources", help="show each source's status (last success, errors, items, next poll)")
    add_config_argument(parser)
    parser.add_argument(
        "action",
        nargs="?",
        choices=["check"],
        help="check: poll every enabled source once now and report how each answered (exit 1 if any failed)",
    )
    parser.add_argument("--json", action="store_true", help="one JSON object per source")
    parser.add_argument(
        "--forget",
        metavar="ID",
        help="sharded ingest: remove a source from the Kafka sources topic (write a tombstone)",
    )
    parser.set_defaults(handler=_sources)


def _sources(args: argparse.Namespace) -> int:
    settings = settings_or_exit(args)
    if args.action == "check":
        return _check(settings, args.json)
    if args.forget:
        return _forget(settings, args.forget)
    rows = asyncio.run(source_rows(settings))
    if args.json:
        for row in rows:
            print(json.dumps(row, default=str))
    else:
        print(render_table(rows))
    return 0


def _check(settings: Settings, as_json: bool) -> int:
    from dataclasses import asdict

    from services.cli.sources_check import check_sources, render_checks

    checks = asyncio.run(check_sources(settings))
    if as_json:
        for check in checks:
            print(json.dumps(asdict(check)))
    else:
        print(render_checks(checks))
    return 0 if all(check.state == "ok" for check in checks) else 1


def _forget(settings: Settings, source_id: str) -> int:
    from services.ingest.sharding import forget_source, sources_topic

    if not settings.kafka.bootstrap:
        print("tocsin sources: --forget needs kafka.bootstrap (the sources topic lives in Kafka)")
        return 2
    asyncio.run(forget_source(settings.kafka, source_id))
    print(f"source {source_id!r} removed from {sources_topic(settings.kafka)}")
    return 0


async def source_rows(settings: Settings) -> list[dict[str, Any]]:
    """One row per configured source, joined with its persisted status (if it was ever polled)."""
    from services.ingest.status import StatusBoard
    from services.platform.storage import open_database

    database = open_database(settings.database.url)
    try:
        await database.create_schema()
        now = datetime.now(timezone.utc)
        statuses = {status.source_id: status for status in await StatusBoard(database).all(now=now)}
    finally:
        await database.close()
    rows = []
    for source in settings.sources:
        status = statuses.get(source.id)
        rows.append(
            {
                "id": source.id,
                "kind": source.kind,
                "state": _state(source.enabled, status),
                "last_success_at": status.last_success_at if status else None,
                "last_error_at": status.last_error_at if status else None,
                "last_error": status.last_error if status else None,
                "consecutive_failures": status.consecutive_failures if status else 0,
                "items_last_hour": status.items_last_hour if status else 0,
                "items_total": status.items_total if status else 0,
                "next_poll_at": status.next_poll_at if status else None,
            }
        )
    return rows


def _state(enabled: bool, status: SourceStatus | None) -> str:
    if not enabled:
        return "disabled"
    if status is None or not status.polls:
        return "never polled"
    if status.watchdog:
        return status.watchdog
    if status.consecutive_failures:
        return f"failing ×{status.consecutive_failures}"
    return "ok"


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value else "—"


def render_table(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "no sources configured"
    cells = [
        (
            row["id"],
            row["kind"],
            row["state"],
            _when(row["last_success_at"]),
            str(row["items_last_hour"]),
            _when(row["next_poll_at"]),
            (row["last_error"] or "")[:60] if row["consecutive_failures"] else "",
        )
        for row in rows
    ]
    widths = [max(len(COLUMNS[i]), *(len(line[i]) for line in cells)) for i in range(len(COLUMNS))]
    lines = ["  ".join(title.ljust(width) for title, width in zip(COLUMNS, widths, strict=False)).rstrip()]
    lines += [
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=False)).rstrip() for line in cells
    ]
    return "\n".join(lines)
