"""The alerter: signals in, signed webhooks and chat/mail notifications out, nothing lost.

Small stages (``stages/``) assembled into pipelines in :mod:`alerts.pipelines`; channels
(``channels/``) that say whether a failure is worth retrying; the outbox that makes delivery
durable; the subscription catalogue (:mod:`alerts.catalogue`) the API writes and the
alerter reads. The composition root is :mod:`alerts.service`.
"""

from typing import Any

from alerts.outbox import enable_endpoint, replay_since, resend
from alerts.signing import generate_webhook_secret, sign, webhook_headers
from alerts.silences import Silence, add_silence, expire_silence

__all__ = [
    "Silence",
    "add_silence",
    "enable_endpoint",
    "expire_silence",
    "generate_webhook_secret",
    "replay_since",
    "resend",
    "run_alerter",
    "sign",
    "webhook_headers",
]


def __getattr__(name: str) -> Any:
    # The service module pulls in every stage, channel and the API's subscription store;
    # importing it lazily lets those modules import alerts.tables without a cycle.
    if name == "run_alerter":
        from alerts.service import run_alerter

        return run_alerter
    raise AttributeError(f"module 'alerts' has no attribute {name!r}")
