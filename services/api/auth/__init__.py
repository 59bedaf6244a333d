"""Who is calling: bearer API tokens (stored hashed) that belong to a tenant, some of them admin."""

from services.api.auth.principal import LOCAL_TENANT, Principal
from services.api.auth.tokens import IssuedToken, authenticate, issue_token, list_tokens, revoke_token, revoke_tokens

__all__ = [
    "LOCAL_TENANT",
    "IssuedToken",
    "Principal",
    "authenticate",
    "issue_token",
    "list_tokens",
    "revoke_token",
    "revoke_tokens",
]
