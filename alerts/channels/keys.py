"""Stable names for a subscription's channels, so an outbox row survives config edits.

A channel key never contains the URL itself (apprise URLs carry tokens): it is the kind and
a short hash of the URL. Reordering the channel list keeps every key.
"""

from __future__ import annotations

from models import Subscription
from models.ids import stable_id

WEBHOOK = "webhook"


def kind_of(url: str) -> str:
    """``smtp`` for direct mail, ``apprise`` for any other URL apprise understands."""
    return "smtp" if url.split(":", 1)[0].lower() in ("smtp", "smtps") else "apprise"


def key_for(url: str) -> str:
    return stable_id(f"{kind_of(url)}:", url, length=12)


def channel_keys(subscription: Subscription) -> list[str]:
    keys = [WEBHOOK] if subscription.webhook is not None else []
    keys.extend(key_for(url) for url in subscription.channels)
    return keys


def channel_url(subscription: Subscription, key: str) -> str | None:
    """The apprise or SMTP URL behind ``key``, or None when the subscription no longer has it."""
    return next((url for url in subscription.channels if key_for(url) == key), None)
