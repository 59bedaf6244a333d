"""``tocsin token create --tenant NAME [--admin]``, ``tocsin token list``, ``tocsin token revoke ID``.

``create`` prints the token alone on the last line of stdout (scripts take ``| tail -1``);
it is shown this once and stored only as a digest. ``list`` shows token ids, never tokens.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from typing import TypeVar

from services.cli.common import settings_or_exit
from services.cli.main import add_config_argument
from services.platform.config import Settings
from services.platform.storage import Database

T = TypeVar("T")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("token", help="manage API tokens", description="Manage API tokens.")
    actions = parser.add_subparsers(dest="token_action", metavar="ACTION")
    actions.required = True
    create = actions.add_parser("create", help="issue a token for a tenant", description="Issue a token for a tenant.")
    add_config_argument(create)
    create.add_argument("--tenant", required=True, help="tenant the token acts for")
    create.add_argument("--admin", action="store_true", help="may also manage sources and patterns")
    create.add_argument("--label", default="", help="a note to recognise the token by")
    create.set_defaults(handler=_create)
    listing = actions.add_parser("list", help="list token ids (never the tokens)", description="List token ids.")
    add_config_argument(listing)
    listing.add_argument("--tenant", default=None, help="only this tenant's tokens")
    listing.set_defaults(handler=_list)
    revoke = actions.add_parser("revoke", help="revoke a token by its id", description="Revoke a token by its id.")
    add_config_argument(revoke)
    revoke.add_argument("token_id", metavar="ID", help="the token's id (tok_...), from `tocsin token list`")
    revoke.set_defaults(handler=_revoke)


def _with_database(settings: Settings, work: Callable[[Database], Awaitable[T]]) -> T:
    from services.platform.storage import open_database

    async def run() -> T:
        db = open_database(settings.database.url)
        try:
            await db.create_schema()
            return await work(db)
        finally:
            await db.close()

    return asyncio.run(run())


def _create(args: argparse.Namespace) -> int:
    from services.api.auth import issue_token
    from services.api.auth.principal import valid_tenant

    try:
        valid_tenant(args.tenant)
    except ValueError as exc:
        print(f"tocsin token: {exc}", file=sys.stderr)
        return 2
    settings = settings_or_exit(args)
    issued = _with_database(settings, lambda db: issue_token(db, args.tenant, admin=args.admin, label=args.label))
    role = "admin " if args.admin else ""
    print(f"{role}token {issued.id} for tenant {args.tenant!r} (shown once; store it now):")
    print(issued.token)
    return 0


def _list(args: argparse.Namespace) -> int:
    from services.api.auth import list_tokens

    settings = settings_or_exit(args)
    rows = _with_database(settings, lambda db: list_tokens(db, args.tenant))
    print(f"{'ID':<30} {'TENANT':<20} {'ROLE':<6} {'CREATED':<20} {'STATE':<8} LABEL")
    for row in rows:
        created = datetime.fromtimestamp(row.created_at, timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
        state = "revoked" if row.revoked_at is not None else "active"
        print(
            f"{row.id:<30} {row.tenant:<20} {'admin' if row.admin else 'tenant':<6} {created:<20} {state:<8} {row.label}"
        )
    return 0


def _revoke(args: argparse.Namespace) -> int:
    from services.api.auth import revoke_token

    settings = settings_or_exit(args)
    if not _with_database(settings, lambda db: revoke_token(db, args.token_id)):
        print(f"tocsin token: no active token with id {args.token_id!r}", file=sys.stderr)
        return 1
    print(f"revoked {args.token_id}")
    return 0
