"""Which outlet published a document: a publisher, named the same way for every article.

An outlet is the registrable domain of the article's URL (``reuters.com`` for
``https://www.reuters.com/world/...``, ``bbc.co.uk`` for ``https://news.bbc.co.uk/...``), or,
on a social network, the account (``bsky.app/@kremlin.ru``). Without a URL the source id
(a feed or account id from tocsin.yaml) stands in. Feed id and domain are never both used for
one article, so an article counts once.
"""

from __future__ import annotations

from urllib.parse import urlsplit

SECOND_LEVEL = frozenset({"co", "com", "org", "net", "gov", "ac", "edu", "ne", "or", "go", "gob", "info", "rep", "mil"})
"""Labels that, under a two-letter country TLD, are part of the public suffix (``co.uk``)."""

SOCIAL_HOSTS = frozenset(
    {
        "bsky.app",
        "x.com",
        "twitter.com",
        "t.me",
        "telegram.me",
        "facebook.com",
        "youtube.com",
        "instagram.com",
        "tiktok.com",
        "threads.net",
    }
)
"""Hosts where the publisher is the account in the path, not the host."""


def registrable_domain(host: str) -> str:
    """``news.bbc.co.uk`` → ``bbc.co.uk``; ``www.reuters.com`` → ``reuters.com``."""
    labels = [label for label in host.lower().rstrip(".").split(".") if label]
    if len(labels) <= 2:
        return ".".join(labels)
    if len(labels[-1]) == 2 and labels[-2] in SECOND_LEVEL:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def _account(host: str, path: str) -> str | None:
    """The account segment of a social URL: ``/profile/x``, ``/@x``, ``/x/status/1``, ``/s/x``."""
    parts = [part for part in path.split("/") if part]
    if not parts:
        return None
    if parts[0] == "profile" and len(parts) > 1:
        return parts[1]
    if parts[0] == "s" and len(parts) > 1 and host in {"t.me", "telegram.me"}:
        return parts[1]
    return parts[0].removeprefix("@")


def outlet_of(url: str | None, source_id: str) -> str:
    """The outlet's name: registrable domain, ``host/@account`` on social networks, else ``source_id``."""
    if not url:
        return source_id
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().rstrip(".")
    if not host:
        return source_id
    domain = registrable_domain(host)
    path = parts.path or ""
    if domain in SOCIAL_HOSTS or path.startswith("/@"):
        account = _account(domain, path)
        if account:
            return f"{domain}/@{account.lower()}"
    return domain
