"""Links from a notification back to Tocsin: the console page of the story it is about.

The public base URL is configured once (``http.public_url``, else the API's own address)
when the alerter starts; payloads built before that (tests, tools) carry no link.
"""

from __future__ import annotations

from urllib.parse import quote

_public_base: str | None = None


def configure(base: str | None) -> None:
    global _public_base
    _public_base = base.rstrip("/") if base else None


def public_base() -> str | None:
    return _public_base


def console_url(story_id: str, base: str | None = None) -> str | None:
    """``https://tocsin.example/#/story/<id>``: the console's story page."""
    root = (base or _public_base or "").rstrip("/")
    if not root:
        return None
    return f"{root}/#/story/{quote(story_id, safe='')}"
