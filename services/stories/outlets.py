"""Which outlet published a document: its web domain, else the source id (an account or feed)."""

from __future__ import annotations

from urllib.parse import urlsplit


def outlet_of(url: str | None, source_id: str) -> str:
    """``apnews.com`` for ``https://www.apnews.com/article/...``; the source id without a URL."""
    if url:
        host = (urlsplit(url).hostname or "").lower().rstrip(".")
        if host.startswith("www."):
            host = host[4:]
        if host:
            return host
    return source_id
