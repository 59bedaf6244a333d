"""The caller of an API request, once its token is checked."""

from __future__ import annotations

import re
from dataclasses import dataclass

LOCAL_TENANT = "default"
TENANT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")


def valid_tenant(name: str) -> str:
    """``name`` when it is a usable tenant name; tenants appear in ids and logs, so keep them plain."""
    if not TENANT_NAME.match(name):
        raise ValueError("a tenant name is 1-100 letters, digits, '_', '.' or '-', starting with a letter or digit")
    return name


@dataclass(frozen=True)
class Principal:
    """A tenant acting through one token. ``admin`` may also manage sources and patterns."""

    token_id: str
    tenant: str
    admin: bool
