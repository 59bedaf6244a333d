"""``tocsin token create --tenant NAME [--admin]``: issue an API token.

The token is printed alone on the last line of stdout (scripts take ``| tail -1``); it is
shown this once and stored only as a digest.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from services.cli.common import settings_or_exit
from services.cli.main import add_config_argument


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("token", help="manage API tokens", description="Manage API tokens.")
    actions = parser.add_subparsers(dest="token_action", metavar="ACTION")
    actions.required = True
    create = actions.add_parser("create", help="issue a token for a tenant", description="Issue a token for a tenant.")
    add_config_argument(create)
    create.add_argument("--tenant", required=True, help="tenant the token acts for")
    create.add_argument("--admin", action="store_true", help="may also manage sources and patterns")
    create.add_argument("--label", default="", help="a note to recognise the token by")
    create.set_defaults(handler=_create)


def _create(args: argparse.Namespace) -> int:
    from services.auth import issue_token
    from services.auth.principal import valid_tenant
    from services.storage import open_database

    try:
        valid_tenant(args.tenant)
    except ValueError as exc:
        print(f"tocsin token: {exc}", file=sys.stderr)
        return 2
    settings = settings_or_exit(args)

    async def create() -> str:
        db = open_database(settings.database.url)
        try:
            await db.create_schema()
            issued = await issue_token(db, args.tenant, admin=args.admin, label=args.label)
        finally:
            await db.close()
        return issued.token

    token = asyncio.run(create())
    role = "admin " if args.admin else ""
    print(f"{role}token for tenant {args.tenant!r} (shown once; store it now):")
    print(token)
    return 0
