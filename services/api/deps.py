"""Route dependencies: the context, the authenticated caller, the admin check."""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from services.api.auth import Principal, authenticate
from services.api.context import ApiContext

bearer = HTTPBearer(auto_error=False, description="an API token from `tocsin token create`")


def api_context(request: Request) -> ApiContext:
    api: ApiContext = request.app.state.api  # set by create_app
    return api


Ctx = Annotated[ApiContext, Depends(api_context)]


async def current_principal(
    ctx: Ctx, request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> Principal:
    """The caller, from ``Authorization: Bearer <token>``; 401 without a valid token, 429 over the rate.

    Refused tokens also count against the client's address: past the allowance, further
    refusals answer 429 so a guesser is told to back off. A valid token is never held up by
    them (many users may share one address behind a proxy); it has its own rate.
    """
    principal = None
    if credentials is not None and credentials.scheme.lower() == "bearer":
        principal = await authenticate(ctx.db, credentials.credentials)
    if principal is None:
        client = f"client:{request.client.host if request.client else 'unknown'}"
        wait = ctx.failed_auth.take(client)
        if wait > 0:
            raise HTTPException(429, "too many refused tokens", headers={"Retry-After": str(max(1, math.ceil(wait)))})
        raise HTTPException(401, "missing or invalid API token", headers={"WWW-Authenticate": "Bearer"})
    wait = ctx.limiter.take(principal.token_id)
    if wait > 0:
        raise HTTPException(429, "rate limit exceeded", headers={"Retry-After": str(max(1, math.ceil(wait)))})
    return principal


Caller = Annotated[Principal, Depends(current_principal)]


async def admin_principal(principal: Caller) -> Principal:
    if not principal.admin:
        raise HTTPException(403, "this needs an admin token")
    return principal


Admin = Annotated[Principal, Depends(admin_principal)]


def not_found(what: str) -> HTTPException:
    """The same answer whether the thing does not exist or belongs to another tenant."""
    return HTTPException(404, f"{what} not found")
