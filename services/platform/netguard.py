"""SSRF protection for every outbound URL (feeds, webhooks, full-article fetches, chat, mail).

A URL is refused when its host resolves to a private, loopback, link-local, multicast,
reserved or cloud-metadata address, unless ``security.allow_private_targets`` is set
(tests and single-machine set-ups need loopback). IPv6 addresses that carry an IPv4
address (IPv4-mapped, 6to4, Teredo, NAT64) are judged by the address they lead to.

Checking a name and then letting the HTTP library look it up again is not enough: a name
can answer with a public address to the check and with ``127.0.0.1`` to the connection
(DNS rebinding). So HTTP clients made here connect through :class:`PinnedBackend`, which
resolves each host once, checks every address, and connects to the checked address only.
Every connection is checked, so a redirect cannot smuggle a request to an internal address.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

import httpcore
import httpx

from services.platform.httpbody import ACCEPT_ENCODING

ALLOWED_SCHEMES = frozenset({"http", "https"})
_METADATA_HOSTS = frozenset({"metadata.google.internal", "metadata", "instance-data"})
_NAT64 = ipaddress.ip_network("64:ff9b::/96")

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[list[str]]]


class ForbiddenTarget(ValueError):
    """An outbound URL that Tocsin refuses to contact, with the reason."""


class Unresolvable(ForbiddenTarget):
    """A host name that has no address now; to a connection, a failure like any other."""


def embedded_ipv4(address: IpAddress) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address leads to (IPv4-mapped, 6to4, Teredo, NAT64)."""
    if not isinstance(address, ipaddress.IPv6Address):
        return []
    if address.ipv4_mapped is not None:
        return [address.ipv4_mapped]
    if address.sixtofour is not None:
        return [address.sixtofour]
    if address.teredo is not None:
        server, client = address.teredo
        return [server, client]
    if address in _NAT64:
        return [ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)]
    return []


def _is_internal_one(address: IpAddress) -> bool:
    return (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
    )


def is_internal(address: IpAddress) -> bool:
    """True for any address Tocsin must not contact without ``allow_private_targets``."""
    inner = embedded_ipv4(address)
    if inner:
        return any(_is_internal_one(a) for a in inner)
    return _is_internal_one(address)


def parse_ip(text: str) -> IpAddress | None:
    """An IP literal (brackets and zone ids allowed), or None for a name."""
    try:
        return ipaddress.ip_address(text.strip("[]").split("%", 1)[0])
    except ValueError:
        return None


def normalise_host(host: str) -> str:
    return host.strip("[]").rstrip(".").lower()


def check_host_static(host: str, allow_private: bool) -> None:
    """Refuses what can be judged without DNS: no host, internal names and internal literals."""
    host = normalise_host(host)
    if not host:
        raise ForbiddenTarget("URL has no host")
    if allow_private:
        return
    if host in _METADATA_HOSTS or host == "localhost" or host.endswith(".localhost"):
        raise ForbiddenTarget(f"host {host!r} is internal")
    literal = parse_ip(host)
    if literal is not None and is_internal(literal):
        raise ForbiddenTarget(f"{host!r} is an internal address; set security.allow_private_targets to allow it")


def check_static(url: str | httpx.URL, allow_private: bool) -> None:
    """The scheme (http or https only) and :func:`check_host_static` for an HTTP URL."""
    parts = urlsplit(str(url))
    if parts.scheme not in ALLOWED_SCHEMES:
        raise ForbiddenTarget(f"scheme {parts.scheme!r} is not allowed (http and https only)")
    check_host_static(parts.hostname or "", allow_private)


async def resolve_host(host: str, port: int) -> list[str]:
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({str(info[4][0]) for info in infos})


def check_addresses(host: str, addresses: Iterable[str], allow_private: bool) -> list[str]:
    """``addresses`` (what ``host`` resolved to) when none is internal; raises otherwise."""
    checked = [a.split("%", 1)[0] for a in addresses]
    if not checked:
        raise ForbiddenTarget(f"{host[:80]!r} resolves to no address")
    if allow_private:
        return checked
    for text in checked:
        if is_internal(ipaddress.ip_address(text)):
            raise ForbiddenTarget(
                f"{host[:80]!r} resolves to internal address {text}; set security.allow_private_targets to allow it"
            )
    return checked


async def checked_addresses(host: str, port: int, allow_private: bool, resolver: Resolver | None = None) -> list[str]:
    """Resolves ``host`` once and returns its addresses if every one may be contacted."""
    check_host_static(host, allow_private)
    host = normalise_host(host)
    literal = parse_ip(host)
    if literal is not None:
        return [str(literal)]
    try:
        addresses = await (resolver or resolve_host)(host, port)
    except (OSError, UnicodeError) as exc:  # UnicodeError: a label over 63 characters
        raise Unresolvable(f"cannot resolve {host[:80]!r}: {exc}") from None
    return check_addresses(host, addresses, allow_private)


async def check_url(url: str | httpx.URL, allow_private: bool) -> None:
    """Raises :class:`ForbiddenTarget` unless ``url`` may be contacted (resolves the host)."""
    check_static(url, allow_private)
    parts = urlsplit(str(url))
    if allow_private:
        return
    port = parts.port or (443 if parts.scheme == "https" else 80)
    await checked_addresses(parts.hostname or "", port, allow_private)


class PinnedBackend(httpcore.AsyncNetworkBackend):
    """Connects only to addresses it has just checked: one lookup per connection, no second.

    httpcore hands the origin's host name to ``connect_tcp``; TLS still verifies the
    certificate against that name (httpcore passes it as ``server_hostname``), while the
    socket goes to the checked IP address.
    """

    def __init__(
        self, allow_private: bool, inner: httpcore.AsyncNetworkBackend | None = None, resolver: Resolver | None = None
    ) -> None:
        self.allow_private = allow_private
        self.inner = inner or httpcore.AnyIOBackend()
        self.resolver = resolver

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            async with asyncio.timeout(timeout):  # the look-up counts against the connect timeout
                addresses = await checked_addresses(host, port, self.allow_private, self.resolver)
        except Unresolvable as exc:
            raise httpcore.ConnectError(str(exc)) from None
        except TimeoutError:
            raise httpcore.ConnectTimeout(f"no address for {host[:80]!r} within {timeout}s") from None
        last: Exception | None = None
        for address in addresses:
            try:
                return await self.inner.connect_tcp(
                    address, port, timeout=timeout, local_address=local_address, socket_options=socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None
        raise last

    async def connect_unix_socket(self, *args: Any, **kwargs: Any) -> httpcore.AsyncNetworkStream:
        raise ForbiddenTarget("unix sockets are not an outbound target")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


class PinnedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport over :class:`PinnedBackend`; ignores proxy settings from the
    environment, since a proxy would make the connection to an address nobody checked."""

    def __init__(
        self, allow_private: bool, *, limits: httpx.Limits | None = None, backend: PinnedBackend | None = None
    ) -> None:
        limits = limits or httpx.Limits()
        super().__init__(limits=limits, trust_env=False)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=backend or PinnedBackend(allow_private),
        )


def guarded_client(allow_private: bool, **options: Any) -> httpx.AsyncClient:
    """An ``httpx.AsyncClient`` that checks every request (redirects included) and connects
    only to checked addresses. A ``transport`` given by the caller (a test's mock) replaces
    the pinned one; the static check still runs on each request."""

    async def _guard(request: httpx.Request) -> None:
        check_static(request.url, allow_private)

    hooks = options.pop("event_hooks", None) or {}
    limits = options.pop("limits", httpx.Limits())
    backend = options.pop("backend", None)
    headers = {"Accept-Encoding": ACCEPT_ENCODING, **(options.pop("headers", None) or {})}
    transport = options.pop("transport", None) or PinnedTransport(allow_private, limits=limits, backend=backend)
    request_hooks = [_guard, *hooks.get("request", [])]
    return httpx.AsyncClient(
        event_hooks={**hooks, "request": request_hooks},
        transport=transport,
        trust_env=False,
        headers=headers,
        **options,
    )
