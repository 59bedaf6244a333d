"""Standard Webhooks signatures (https://www.standardwebhooks.com/).

The signed content is ``{webhook-id}.{webhook-timestamp}.{body}``; the key is the raw
bytes behind ``whsec_<base64>``. During a secret rotation every active secret signs, and
the signatures travel space-separated in one header so receivers can switch at leisure.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable

from models.subscription import decode_webhook_secret

SIGNATURE_VERSION = "v1"


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
