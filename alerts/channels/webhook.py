"""The signed webhook channel (Standard Webhooks)."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from alerts.errors import EndpointGone, PermanentError, RetryableError
from alerts.retry import parse_retry_after
from alerts.signing import webhook_headers
from alerts.tables import DeliveryRow
from models import Subscription
from services.netguard import ForbiddenTarget, check_static

THROTTLING = frozenset({429, 502, 503, 504})
USER_AGENT = "tocsin-alerter/0.1"


class WebhookChannel:
    """POSTs the stored payload, signed with the subscription's secret(s).

    The client comes from the composition root (a netguard-guarded ``httpx.AsyncClient``
    that checks every hop), which is also the seam tests point at loopback receivers.
    Any non-2xx answer except ``410`` is retried: a receiver that is misconfigured today
    (a wrong secret, a 401) should still get the alert once it is fixed.
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
            response = await self.client.post(url, content=body, headers=headers)
        except ForbiddenTarget as exc:
            raise PermanentError(f"forbidden redirect target: {exc}") from None
        except httpx.TimeoutException:
            raise RetryableError("timed out") from None
        except httpx.HTTPError as exc:
            raise RetryableError(f"{type(exc).__name__}: {exc}"[:500]) from None
        status = response.status_code
        if 200 <= status < 300:
            return status
        if status == 410:
            raise EndpointGone("receiver answered 410 Gone", status=status)
        retry_after = parse_retry_after(response.headers.get("retry-after"), self.clock()) if status in THROTTLING else None
        raise RetryableError(f"receiver answered {status}", status=status, retry_after=retry_after)
