"""``tocsin db upgrade``, ``tocsin db current``, ``tocsin db revision -m MESSAGE``.

Services migrate on start; ``upgrade`` runs the migrations alone (a deploy step before
rolling out new replicas, or an init container). ``current`` prints the database's revision.
``revision`` is for developers: after changing a table, it writes the next migration.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.exc import SQLAlchemyError

from services.cli.common import settings_or_exit
from services.cli.main import add_config_argument
from services.platform.storage import Database, SchemaError

T = TypeVar("T")

EXIT_SCHEMA_REFUSED = 1
EXIT_UNREACHABLE = 1


class _Unreachable(Exception):
    """The database could not be opened; the message names why, never the URL's password."""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "db", help="database schema: upgrade, current revision", description="Manage the database schema."
    )
    actions = parser.add_subparsers(dest="db_action", metavar="ACTION")
    actions.required = True
    upgrade = actions.add_parser(
        "upgrade", help="apply pending migrations and exit", description="Apply pending migrations and exit."
    )
    add_config_argument(upgrade)
    upgrade.set_defaults(handler=_upgrade)
    current = actions.add_parser(
        "current", help="print the database's schema revision", description="Print the database's schema revision."
    )
    add_config_argument(current)
    current.set_defaults(handler=_current)
    revision = actions.add_parser(
        "revision",
        help="write the next migration from the tables in code (developers)",
        description="Autogenerate the next migration under services/platform/storage/migrations/versions; read it before committing.",
    )
    revision.add_argument("-m", "--message", required=True, help="what the migration changes")
    revision.set_defaults(handler=_revision)


def _on_database(url: str, work: Callable[[Database], Awaitable[T]]) -> T:
    from services.platform.storage import open_database

    async def run() -> T:
        db = open_database(url)
        try:
            return await work(db)
        except (OSError, SQLAlchemyError) as exc:
            raise _Unreachable(f"cannot use the database: {type(exc).__name__}: {str(exc).splitlines()[0]}") from exc
        finally:
            await db.close()

    return asyncio.run(run())


def _upgrade(args: argparse.Namespace) -> int:
    from services.platform.storage.schema import upgrade_schema

    settings = settings_or_exit(args)
    try:
        state = _on_database(settings.database.url, upgrade_schema)
    except (SchemaError, _Unreachable) as exc:
        print(f"tocsin db: {exc}", file=sys.stderr)
        return EXIT_SCHEMA_REFUSED
    print(f"schema at {state.describe()}")
    return 0


def _current(args: argparse.Namespace) -> int:
    from services.platform.storage.schema import schema_state

    settings = settings_or_exit(args)
    try:
        state = _on_database(settings.database.url, schema_state)
    except _Unreachable as exc:
        print(f"tocsin db: {exc}", file=sys.stderr)
        return EXIT_UNREACHABLE
    print(state.describe())
    return EXIT_SCHEMA_REFUSED if state.unknown else 0


def _revision(args: argparse.Namespace) -> int:
    from services.platform.storage.authoring import NothingToMigrate, new_revision

    try:
        path = asyncio.run(new_revision(args.message))
    except NothingToMigrate as exc:
        print(f"tocsin db: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {path}: read it, fix what autogenerate cannot see (renames, data), then commit it")
    return 0
