"""The signed webhook channel (Standard Webhooks)."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from alerts.errors import EndpointGone, PermanentError, RetryableError
from alerts.retry import parse_retry_after
from alerts.signing import webhook_headers
from alerts.tables import DeliveryRow
from models import Subscription
from services.platform.httpbody import discard
from services.platform.netguard import ForbiddenTarget, check_static

THROTTLING = frozenset({429, 502, 503, 504})
USER_AGENT = "tocsin-alerter/0.1"
RESPONSE_CAP = 64 * 1024
"""Bytes of a receiver's answer read (raw, never decoded) before the rest is dropped unread."""
SAME_HOST_REDIRECTS = 3
"""How many 307/308 hops on the checked host are followed; the method and body are kept."""


class WebhookChannel:
    """POSTs the stored payload, signed with the subscription's secret(s).

    The client comes from the composition root (a netguard-guarded ``httpx.AsyncClient``
    that connects only to checked addresses), which is also the seam tests point at
    loopback receivers. Any non-2xx answer except ``410`` is retried: a receiver that is
    misconfigured today (a wrong secret, a 401) should still get the alert once it is fixed.

    Redirects are not a delivery: a 301/302/303 would turn the POST into a bodiless GET, so
    it is a failed attempt recorded with its status. Only 307/308, which keep the POST,
    are followed, and only on the host that was checked. The answer's body is never
    decoded and at most :data:`RESPONSE_CAP` bytes of it are read.
    """

    def __init__(self, client: httpx.AsyncClient, *, allow_private: bool, clock: Callable[[], float]) -> None:
        self.client = client
        self.allow_private = allow_private
        self.clock = clock

    async def send(self, delivery: DeliveryRow, subscription: Subscription) -> int:
        target = subscription.webhook
        if target is None:
            raise PermanentError("subscription has no webhook any more")
        url = str(target.url)
        try:
            check_static(url, self.allow_private)
        except ForbiddenTarget as exc:
            raise PermanentError(f"forbidden target: {exc}") from None
        secrets = [target.secret.get_secret_value(), *(s.get_secret_value() for s in target.previous_secrets)]
        body = delivery.payload.encode("utf-8")
        headers = webhook_headers(secrets, delivery.id, int(self.clock()), body)
        headers["user-agent"] = USER_AGENT
        try:
            status, answer = await self._post(httpx.URL(url), body, headers)
        except ForbiddenTarget as exc:
            raise PermanentError(f"forbidden target: {exc}") from None
        except httpx.TimeoutException:
            raise RetryableError("timed out") from None
        except httpx.HTTPError as exc:
            raise RetryableError(f"{type(exc).__name__}: {exc}"[:500]) from None
        if 200 <= status < 300:
            return status
        if status == 410:
            raise EndpointGone("receiver answered 410 Gone", status=status)
        if 300 <= status < 400:
            raise RetryableError(
                f"receiver answered {status} redirect ({answer.get('location', 'no location')[:200]}); "
                "webhooks do not follow it: update the URL",
                status=status,
            )
        retry_after = parse_retry_after(answer.get("retry-after"), self.clock()) if status in THROTTLING else None
        raise RetryableError(f"receiver answered {status}", status=status, retry_after=retry_after)

    async def _post(self, url: httpx.URL, body: bytes, headers: dict[str, str]) -> tuple[int, httpx.Headers]:
        """The final status and headers, following 307/308 on the same origin only."""
        origin = (url.scheme, url.host, url.port)
        for _ in range(SAME_HOST_REDIRECTS + 1):
            async with self.client.stream("POST", url, content=body, headers=headers) as response:
                await discard(response, RESPONSE_CAP)
            status, answer = response.status_code, response.headers
            location = answer.get("location")
            if status not in (307, 308) or not location:
                return status, answer
            following = url.join(location)
            if (following.scheme, following.host, following.port) != origin:
                return status, answer  # a failed attempt: never off the checked host
            url = following
        return status, answer
