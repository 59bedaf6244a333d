"""Standard Webhooks signatures (https://www.standardwebhooks.com/).

The signed content is ``{webhook-id}.{webhook-timestamp}.{body}``; the key is the raw
bytes behind ``whsec_<base64>``. During a secret rotation every active secret signs, and
the signatures travel space-separated in one header so receivers can switch at leisure.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Iterable

from models.subscription import SECRET_PREFIX, decode_webhook_secret

SIGNATURE_VERSION = "v1"
SECRET_BYTES = 32


def generate_webhook_secret() -> str:
    """A new ``whsec_`` secret for a subscription (32 random bytes). Show it to its owner once."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def sign(secret: str, webhook_id: str, timestamp: int, body: bytes) -> str:
    """One ``v1,<base64>`` signature of ``body`` under ``secret``."""
    key = decode_webhook_secret(secret)
    content = f"{webhook_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, content, hashlib.sha256).digest()
    return f"{SIGNATURE_VERSION},{base64.b64encode(digest).decode()}"


def webhook_headers(secrets: Iterable[str], webhook_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The three Standard Webhooks headers plus the content type."""
    signatures = " ".join(sign(secret, webhook_id, timestamp, body) for secret in secrets)
    if not signatures:
        raise ValueError("at least one secret is needed to sign a webhook")
    return {
        "content-type": "application/json",
        "webhook-id": webhook_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signatures,
    }
