"""Channels: where a delivery goes. Each notifier raises RetryableError or PermanentError."""

from __future__ import annotations

from typing import Protocol

from alerts.channels.keys import WEBHOOK, channel_keys, channel_url, key_for, kind_of
from alerts.tables import DeliveryRow
from models import Subscription


class Notifier(Protocol):
    async def send(self, delivery: DeliveryRow, subscription: Subscription) -> int | None: ...


class ChannelSet:
    """Picks the notifier for a delivery by its channel kind (``webhook``, ``apprise``, ``smtp``)."""

    def __init__(self, notifiers: dict[str, Notifier]) -> None:
        self.notifiers = dict(notifiers)

    def notifier_for(self, channel: str) -> Notifier | None:
        return self.notifiers.get(channel.split(":", 1)[0])


__all__ = ["WEBHOOK", "ChannelSet", "Notifier", "channel_keys", "channel_url", "key_for", "kind_of"]
