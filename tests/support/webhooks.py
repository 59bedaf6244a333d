"""An independent Standard Webhooks verifier for tests (deliberately not the product's code)."""

from __future__ import annotations

import base64
import hashlib
import hmac


def verify_standard_webhook(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """True when any ``v1,`` signature in ``webhook-signature`` matches the spec's HMAC."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    for candidate in headers.get("webhook-signature", "").split():
        version, _, signature = candidate.partition(",")
        if version == "v1" and hmac.compare_digest(signature, expected):
            return True
    return False
