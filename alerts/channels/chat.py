"""Chat and mail through apprise URLs (Slack, Teams, Discord, Telegram, Mattermost, ntfy, mailto...).

Where an apprise URL goes is decided by :mod:`services.platform.outbound`: SaaS schemes with a fixed
vendor host, and every other scheme by the host it names. Sending happens inside a
:func:`~alerts.channels.pinning.pinned_scope`, so apprise connects only to addresses that
were checked: the named host alone for a host-naming scheme (a redirect off it fails), and
only public addresses for the SaaS ones.
"""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit, urlunsplit

import apprise

from alerts.channels.keys import channel_url
from alerts.channels.message import Message, render_payload
from alerts.channels.pinning import pinned_scope
from alerts.errors import PermanentError, RetryableError
from alerts.tables import DeliveryRow
from models import Subscription
from services.platform.netguard import ForbiddenTarget
from services.platform.outbound import Target, refuse_internal_static

RESOLVED_BY_SOCKET = frozenset({"rsyslog"})
"""Schemes whose plugin hands a host name straight to the socket (C-level look-up, not
``socket.getaddrinfo``): the URL is rewritten to the checked address instead."""


def _with_host(url: str, address: str) -> str:
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)
    host = f"[{address}]" if ":" in address else address
    port = f":{parts.port}" if parts.port else ""
    rebuilt = (netloc[0] + "@" if len(netloc) == 2 else "") + host + port
    return urlunsplit((parts.scheme, rebuilt, parts.path, parts.query, parts.fragment))


def send_blocking(url: str, target: Target | None, message: Message, allow_private: bool) -> bool:
    """One apprise notification inside a pinned scope; raises :class:`ForbiddenTarget`
    when the URL's host is not a permitted target."""
    only_host = target.host if target is not None and target.host else None
    with pinned_scope(allow_private, only_host=only_host) as scope:
        if target is not None and target.host:
            try:
                addresses = scope.addresses(target.host, target.port)
            except OSError as exc:
                raise ForbiddenTarget(str(exc.args[-1])) from None
            if target.scheme in RESOLVED_BY_SOCKET:
                url = _with_host(url, addresses[0])
                scope.only_host = None  # the plugin now names the literal; it is checked all the same
        notifier = apprise.Apprise(asset=apprise.AppriseAsset(async_mode=False))
        if not notifier.add(url):
            raise ValueError("apprise does not understand this channel URL")
        return bool(
            notifier.notify(body=message.markdown, title=message.title, body_format=apprise.NotifyFormat.MARKDOWN)
        )


class AppriseChannel:
    """Sends the alert as a markdown message. Apprise reports only success or failure, so a
    failure is retried on the schedule (it cannot tell a bad token from an outage)."""

    def __init__(self, *, allow_private: bool) -> None:
        self.allow_private = allow_private

    async def send(self, delivery: DeliveryRow, subscription: Subscription) -> int | None:
        url = channel_url(subscription, delivery.channel)
        if url is None:
            raise PermanentError("the subscription no longer has this channel")
        try:
            target = refuse_internal_static(url, self.allow_private)
            ok = await asyncio.to_thread(
                send_blocking, url, target, render_payload(delivery.payload), self.allow_private
            )
        except ForbiddenTarget as exc:
            raise PermanentError(f"forbidden target: {exc}") from None
        except ValueError as exc:
            raise PermanentError(str(exc)) from None
        if not ok:
            raise RetryableError("apprise reported a failed notification")
        return None
