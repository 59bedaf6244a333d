"""Chat and mail through apprise URLs (Slack, Teams, Discord, Telegram, Mattermost, ntfy, mailto...)."""

from __future__ import annotations

from urllib.parse import urlsplit

import apprise

from alerts.channels.keys import channel_url
from alerts.channels.message import render_payload
from alerts.errors import PermanentError, RetryableError
from alerts.tables import DeliveryRow
from models import Subscription
from services.platform.netguard import ForbiddenTarget, check_url

# Schemes whose URL host is the server apprise will contact (self-hosted services and
# generic HTTP). For SaaS schemes (slack://, tgram://, ...) the "host" is a token and
# apprise talks to the vendor's fixed public address, so there is nothing to guard.
SELF_HOSTED = frozenset({
    "json", "jsons", "xml", "xmls", "form", "forms", "mmost", "mmosts", "ntfy", "ntfys", "gotify", "gotifys",
    "rocket", "rockets", "matrix", "matrixs", "apprise", "apprises", "mailto", "mailtos", "nctalk", "nctalks",
})


async def guard_apprise_url(url: str, allow_private: bool) -> None:
    """Applies the SSRF guard to apprise URLs that name a host of the user's choosing."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in SELF_HOSTED or not parts.hostname:
        return
    port = f":{parts.port}" if parts.port else ""
    await check_url(f"http://{parts.hostname}{port}/", allow_private)


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
            await guard_apprise_url(url, self.allow_private)
        except ForbiddenTarget as exc:
            raise PermanentError(f"forbidden target: {exc}") from None
        notifier = apprise.Apprise()
        if not notifier.add(url):
            raise PermanentError("apprise does not understand this channel URL")
        message = render_payload(delivery.payload)
        ok = await notifier.async_notify(
            body=message.markdown, title=message.title, body_format=apprise.NotifyFormat.MARKDOWN
        )
        if not ok:
            raise RetryableError("apprise reported a failed notification")
        return None
