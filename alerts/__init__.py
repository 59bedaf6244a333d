"""The alerter: signals in, signed webhooks and chat/mail notifications out, nothing lost."""

from alerts.outbox import enable_endpoint, replay_since, resend
from alerts.service import run_alerter
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
