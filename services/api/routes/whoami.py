"""``/v1/whoami``: which tenant a token acts for (the console's log-in check)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from services.api.deps import Caller

router = APIRouter(tags=["auth"])


class Identity(BaseModel):
    tenant: str
    admin: bool


@router.get("/v1/whoami", response_model=Identity)
async def whoami(caller: Caller) -> Identity:
    return Identity(tenant=caller.tenant, admin=caller.admin)
