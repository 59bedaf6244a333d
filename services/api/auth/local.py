"""The admin token ``tocsin run`` prints so a local user can log in to the console at once.

Only digests are stored, so a token cannot be read back from the database. With SQLite the
plain token is kept in a ``local-token`` file (mode 0600) beside the database file and reused
while it still authenticates; otherwise (PostgreSQL, or the file is gone) the previous local
token is revoked and a new one issued.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.engine import make_url

from services.api.auth.principal import LOCAL_TENANT
from services.api.auth.tokens import authenticate, issue_token, revoke_tokens
from services.platform.config import Settings
from services.platform.storage import Database, open_database

LOCAL_LABEL = "local"
TOKEN_FILE = "local-token"


def local_token_file(settings: Settings) -> Path | None:
    parsed = make_url(settings.database.url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database).parent / TOKEN_FILE


async def ensure_local_token(settings: Settings) -> str:
    """An admin token of the local default tenant, reused when possible, created when needed."""
    db = open_database(settings.database.url)
    try:
        await db.create_schema()
        return await _ensure(db, local_token_file(settings))
    finally:
        await db.close()


async def _ensure(db: Database, path: Path | None) -> str:
    if path is not None and path.is_file():
        token = path.read_text(encoding="utf-8").strip()
        principal = await authenticate(db, token)
        if principal is not None and principal.admin and principal.tenant == LOCAL_TENANT:
            return token
    await revoke_tokens(db, tenant=LOCAL_TENANT, label=LOCAL_LABEL)
    issued = await issue_token(db, LOCAL_TENANT, admin=True, label=LOCAL_LABEL)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(issued.token + "\n")
    return issued.token
