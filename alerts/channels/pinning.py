"""Name look-ups pinned to checked addresses for libraries Tocsin does not drive (apprise).

Apprise plugins talk through ``requests``/urllib3, smtplib and plain sockets; all of them
resolve names through :func:`socket.getaddrinfo`. Inside a :func:`pinned_scope`, that
function resolves each host once, refuses internal addresses (unless allowed), refuses any
host but the checked one when the scope names one (so a redirect cannot leave it), and
answers later look-ups of the same host from the checked result: the connection goes to
the address that was checked, with no second DNS look-up. Outside a scope it is the
standard function. The scope is a context variable, so it follows apprise into the worker
threads it starts with a copied context, and concurrent deliveries do not see each other's.
"""

from __future__ import annotations

import contextvars
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from services.platform.netguard import ForbiddenTarget, check_addresses, check_host_static, normalise_host, parse_ip

_original_getaddrinfo = socket.getaddrinfo
_lower_getaddrinfo = socket.getaddrinfo
"""The look-up the scope wraps: whatever :func:`socket.getaddrinfo` was when installed."""
_inside = threading.local()
_scope: contextvars.ContextVar[PinnedScope | None] = contextvars.ContextVar("tocsin_pinned_scope", default=None)


class RefusedLookup(socket.gaierror):
    """A look-up refused by the scope; an ``OSError``, so libraries report a failed send."""


@dataclass
class PinnedScope:
    allow_private: bool
    only_host: str | None = None
    pinned: dict[str, list[str]] = field(default_factory=dict)
    lookups: int = 0

    def addresses(self, host: str, port: int | str | None) -> list[str]:
        """The checked addresses of ``host``, resolving it the first time only."""
        name = normalise_host(host)
        if self.only_host is not None and name != self.only_host:
            raise RefusedLookup(socket.EAI_NONAME, f"{name[:80]!r} is not the checked host {self.only_host!r}")
        if name not in self.pinned:
            try:
                check_host_static(name, self.allow_private)
                if parse_ip(name) is not None:
                    found = [str(parse_ip(name))]
                else:
                    self.lookups += 1
                    found = [str(info[4][0]) for info in _lower(name, port, 0, socket.SOCK_STREAM)]
                self.pinned[name] = check_addresses(name, dict.fromkeys(found), self.allow_private)
            except ForbiddenTarget as exc:
                raise RefusedLookup(socket.EAI_NONAME, str(exc)) from None
        return self.pinned[name]


def _lower(host: Any, port: Any, family: int = 0, type: int = 0, proto: int = 0, flags: int = 0) -> Any:
    """The wrapped look-up; the original one if a wrapper installed after us calls back in
    (each would otherwise call the other for ever)."""
    if getattr(_inside, "active", False):
        return _original_getaddrinfo(host, port, family, type, proto, flags)
    _inside.active = True
    try:
        return _lower_getaddrinfo(host, port, family, type, proto, flags)
    finally:
        _inside.active = False


def _pinned_getaddrinfo(host: Any, port: Any, family: int = 0, type: int = 0, proto: int = 0, flags: int = 0) -> Any:
    scope = _scope.get()
    if scope is None or host is None:
        return _lower(host, port, family, type, proto, flags)
    text = host.decode("idna") if isinstance(host, bytes) else str(host)
    results: list[Any] = []
    for address in scope.addresses(text, port):
        try:
            results.extend(_lower(address, port, family, type, proto, flags | socket.AI_NUMERICHOST))
        except socket.gaierror:
            continue  # an IPv6 address asked for as AF_INET, say
    if not results:
        raise RefusedLookup(socket.EAI_NONAME, f"no checked address of {text[:80]!r} fits the request")
    return results


def install() -> None:
    """Routes :func:`socket.getaddrinfo` through the scope check (idempotent); wraps the
    function in place at the time, so another wrapper installed earlier keeps working."""
    global _lower_getaddrinfo
    if socket.getaddrinfo is not _pinned_getaddrinfo:
        _lower_getaddrinfo = socket.getaddrinfo
        socket.getaddrinfo = _pinned_getaddrinfo


@contextmanager
def pinned_scope(allow_private: bool, only_host: str | None = None) -> Iterator[PinnedScope]:
    """Within this block, name look-ups in this context are checked and pinned."""
    install()
    scope = PinnedScope(allow_private=allow_private, only_host=normalise_host(only_host) if only_host else None)
    token = _scope.set(scope)
    try:
        yield scope
    finally:
        _scope.reset(token)
