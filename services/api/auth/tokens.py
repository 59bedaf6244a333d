"""Issuing and checking bearer tokens.

A token is ``tcs_`` plus 32 random bytes (URL-safe base64): far too much entropy to guess, so
a plain SHA-256 digest is a safe way to store it (no salt or slow hash needed, unlike a
password), and a lookup by digest is one indexed query.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass

from sqlalchemy import select, update

from services.api.auth.principal import Principal, valid_tenant
from services.api.auth.tables import ApiTokenRow
from services.platform.storage import Database, rows_affected

TOKEN_PREFIX = "tcs_"
TOKEN_BYTES = 32


@dataclass(frozen=True)
class IssuedToken:
    """A freshly issued token: the only moment its plain text exists."""

    id: str
    token: str
    tenant: str
    admin: bool


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


async def issue_token(db: Database, tenant: str, *, admin: bool = False, label: str = "") -> IssuedToken:
    valid_tenant(tenant)
    token = TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
    ident = "tok_" + secrets.token_hex(12)
    async with db.sessions() as session, session.begin():
        session.add(
            ApiTokenRow(
                id=ident, digest=digest(token), tenant=tenant, admin=admin, label=label[:100], created_at=time.time()
            )
        )
    return IssuedToken(id=ident, token=token, tenant=tenant, admin=admin)


async def authenticate(db: Database, token: str) -> Principal | None:
    """The principal behind ``token``, or None when it is unknown or revoked."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    async with db.sessions() as session:
        row = (await session.scalars(select(ApiTokenRow).where(ApiTokenRow.digest == digest(token)))).first()
    if row is None or row.revoked_at is not None:
        return None
    return Principal(token_id=row.id, tenant=row.tenant, admin=row.admin)


async def list_tokens(db: Database, tenant: str | None = None) -> list[ApiTokenRow]:
    """Token records (never the tokens), oldest first."""
    async with db.sessions() as session:
        query = select(ApiTokenRow).order_by(ApiTokenRow.created_at)
        if tenant is not None:
            query = query.where(ApiTokenRow.tenant == tenant)
        return list(await session.scalars(query))


async def revoke_token(db: Database, token_id: str) -> bool:
    """Revokes one token by its id (``tok_...``); False when there is no live token with it."""
    async with db.sessions() as session, session.begin():
        result = await session.execute(
            update(ApiTokenRow)
            .where(ApiTokenRow.id == token_id, ApiTokenRow.revoked_at.is_(None))
            .values(revoked_at=time.time())
        )
        return rows_affected(result) == 1


async def revoke_tokens(db: Database, *, tenant: str, label: str) -> int:
    """Revokes every live token of ``tenant`` carrying ``label``; returns how many."""
    async with db.sessions() as session, session.begin():
        result = await session.execute(
            update(ApiTokenRow)
            .where(ApiTokenRow.tenant == tenant, ApiTokenRow.label == label, ApiTokenRow.revoked_at.is_(None))
            .values(revoked_at=time.time())
        )
        return rows_affected(result)
