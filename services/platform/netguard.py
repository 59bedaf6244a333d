"""SSRF protection for every outbound URL (feeds, webhooks, full-article fetches).

A URL is refused when its host resolves to a private, loopback, link-local, multicast,
reserved or cloud-metadata address, unless ``security.allow_private_targets`` is set
(tests and single-machine set-ups need loopback). The check runs on every request hop,
so a redirect cannot smuggle a request to an internal address.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

import httpx

ALLOWED_SCHEMES = frozenset({"http", "https"})
_METADATA_HOSTS = frozenset({"metadata.google.internal", "metadata", "instance-data"})


class ForbiddenTarget(ValueError):
    """An outbound URL that Tocsin refuses to contact, with the reason."""


def _is_internal(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
    )


async def resolve_host(host: str, port: int) -> list[str]:
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({info[4][0] for info in infos})


async def check_url(url: str | httpx.URL, allow_private: bool) -> None:
    """Raises :class:`ForbiddenTarget` unless ``url`` may be contacted."""
    parts = urlsplit(str(url))
    if parts.scheme not in ALLOWED_SCHEMES:
        raise ForbiddenTarget(f"scheme {parts.scheme!r} is not allowed (http and https only)")
    host = (parts.hostname or "").rstrip(".").lower()
    if not host:
        raise ForbiddenTarget("URL has no host")
    if allow_private:
        return
    if host in _METADATA_HOSTS or host == "localhost" or host.endswith(".localhost"):
        raise ForbiddenTarget(f"host {host!r} is internal")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        literal = ipaddress.ip_address(host)
        addresses = [str(literal)]
    except ValueError:
        try:
            addresses = await resolve_host(host, port)
        except (OSError, UnicodeError) as exc:  # UnicodeError: a label over 63 characters
            raise ForbiddenTarget(f"cannot resolve {host[:80]!r}: {exc}") from None
    for text in addresses:
        if _is_internal(ipaddress.ip_address(text.split("%", 1)[0])):
            raise ForbiddenTarget(
                f"{host!r} resolves to internal address {text}; "
                "set security.allow_private_targets to allow it"
            )


def guarded_client(allow_private: bool, **options: object) -> httpx.AsyncClient:
    """An ``httpx.AsyncClient`` that checks every request, redirects included."""

    async def _guard(request: httpx.Request) -> None:
        await check_url(request.url, allow_private)

    hooks = options.pop("event_hooks", None) or {}
    request_hooks = [_guard, *hooks.get("request", [])]  # type: ignore[union-attr]
    return httpx.AsyncClient(event_hooks={**hooks, "request": request_hooks}, **options)  # type: ignore[arg-type]
