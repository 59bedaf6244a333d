"""How a channel says what went wrong: only the retry stage decides what happens next."""

from __future__ import annotations


class DeliveryError(Exception):
    """A failed delivery attempt. ``status`` is the HTTP status when there was a response."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class RetryableError(DeliveryError):
    """Worth trying again later (timeouts, 5xx, throttling).

    ``retry_after`` carries the receiver's own ``Retry-After`` in seconds, which the retry
    stage honours when it is later than the schedule.
    """

    def __init__(self, message: str, *, status: int | None = None, retry_after: float | None = None) -> None:
        super().__init__(message, status=status)
        self.retry_after = retry_after


class PermanentError(DeliveryError):
    """Retrying cannot help (4xx other than throttling, forbidden target, bad config)."""


class EndpointGone(PermanentError):
    """The receiver answered ``410 Gone``: the endpoint is disabled, not just this delivery."""
