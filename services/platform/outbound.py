"""What an outbound URL connects to: webhooks, apprise chat URLs and mail URLs alike.

Apprise URLs do not say in one way where they go. For SaaS schemes (``slack://``,
``tgram://``...) the "host" part is a token and apprise talks to the vendor's fixed public
host, so there is nothing a tenant can aim. Every other scheme is taken to connect to the
host it names, whatever the scheme (a list of known self-hosted schemes missed fifteen of
them), and a URL of such a scheme without a host would talk to this machine (``syslog://``,
``dbus://``), so it is refused when private targets are not allowed.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from urllib.parse import urlsplit

from services.platform.netguard import ForbiddenTarget, check_host_static, checked_addresses, normalise_host

SAAS_FIXED_HOST = frozenset(
    {
        "slack",
        "discord",
        "tgram",
        "pover",
        "pbul",
        "opsgenie",
        "gchat",
        "ifttt",
        "join",
        "line",
        "twilio",
        "sns",
        "sendgrid",
        "prowl",
        "pushed",
        "spush",
        "simplepush",
        "wxteams",
        "webex",
        "pagerduty",
    }
)
"""Apprise schemes whose plugin sends to a vendor host fixed in its code, never to the URL's host."""

_DEFAULT_PORTS = {"http": 80, "https": 443, "smtp": 25, "smtps": 465, "mailto": 25, "mailtos": 465, "rsyslog": 514}
LOOKUP_PATIENCE = 2.0
"""Seconds the API and config wait for a name lookup before leaving the check to delivery."""


@dataclass(frozen=True)
class Target:
    """The host and port an outbound URL makes Tocsin connect to."""

    scheme: str
    host: str
    port: int


def connect_target(url: str) -> Target | None:
    """The host ``url`` connects to, or None when its scheme sends only to a fixed SaaS host.

    Raises :class:`ForbiddenTarget` for a URL that is not one (no scheme, a bad port)."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if not scheme:
        raise ForbiddenTarget("URL has no scheme")
    if scheme in SAAS_FIXED_HOST:
        return None
    try:
        port = parts.port
    except ValueError:
        raise ForbiddenTarget("URL has an invalid port") from None
    host = normalise_host(parts.hostname or "")
    default = _DEFAULT_PORTS.get(scheme, 443 if scheme.endswith("s") else 80)
    return Target(scheme=scheme, host=host, port=port or default)


def refuse_internal_static(url: str, allow_private: bool) -> Target | None:
    """Refuses, without DNS, a URL aimed at an internal literal, ``localhost`` or no host."""
    target = connect_target(url)
    if target is not None:
        if not target.host and allow_private:
            return target
        check_host_static(target.host, allow_private)
    return target


async def refuse_internal(url: str, allow_private: bool) -> Target | None:
    """:func:`refuse_internal_static`, then the addresses the name has now. A name that does
    not resolve yet is left to delivery, which checks again before every connection."""
    target = refuse_internal_static(url, allow_private)
    if target is None or allow_private:
        return target
    try:
        async with asyncio.timeout(LOOKUP_PATIENCE):
            await checked_addresses(target.host, target.port, allow_private)
    except ForbiddenTarget as exc:
        if "cannot resolve" not in str(exc):
            raise
    except TimeoutError:
        pass
    return target


MASK = "***"


def mask_channel(url: str) -> str:
    """A channel URL fit to show: scheme, user, host and port stay; passwords, tokens, paths
    and queries (where apprise URLs keep their credentials) are masked. For a SaaS scheme the
    whole rest is a credential, so only its first four characters remain."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    rest = url.split("://", 1)[1] if "://" in url else ""
    if scheme in SAAS_FIXED_HOST or not parts.hostname:
        return f"{scheme}://{rest[:4]}{MASK}" if rest else f"{scheme}://"
    user = parts.username or ""
    userinfo = f"{user}:{MASK}@" if parts.password is not None else (f"{user}@" if user else "")
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        port = ""
    tail = f"/{MASK}" if parts.path.strip("/") or parts.query else ""
    return f"{scheme}://{userinfo}{host}{port}{tail}"


def unmask_channels(incoming: list[str], existing: list[str]) -> list[str]:
    """``incoming`` with each masked URL that stands for one of ``existing`` replaced by it,
    so a client can send back what it was shown (GET, edit the filters, PUT)."""
    by_mask = {mask_channel(url): url for url in existing}
    return [by_mask.get(url, url) for url in incoming]
