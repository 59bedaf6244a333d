"""Stable ids: the one way Tocsin derives an id from content.

Ids are hashes of their parts, so the same item seen twice (a replayed message, a second
poll, another instance) gets the same id and every downstream write stays idempotent. The
parts are joined with the unit separator, which no part contains.
"""

from __future__ import annotations

import hashlib

DEFAULT_LENGTH = 24


def stable_id(prefix: str, *parts: str, length: int = DEFAULT_LENGTH) -> str:
    """``prefix`` and the first ``length`` hex digits of the SHA-256 of ``parts``."""
    return prefix + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:length]
