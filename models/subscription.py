"""Who wants to hear about what, and where to tell them."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated

from pydantic import BeforeValidator, Field, HttpUrl, SecretStr, field_validator

from models._base import WireModel
from models.durations import parse_duration
from models.severity import Severity

SECRET_PREFIX = "whsec_"
MIN_SECRET_BYTES = 24
MAX_SECRET_BYTES = 64
DEFAULT_GROUP_WAIT = 0.0
DEFAULT_GROUP_INTERVAL = 300.0
DEFAULT_REPEAT_INTERVAL = 4 * 3600.0


Duration = Annotated[float, BeforeValidator(parse_duration)]


def decode_webhook_secret(secret: str) -> bytes:
    """The raw key bytes of a ``whsec_<base64>`` secret (Standard Webhooks).

    Raises ``ValueError`` naming the problem, never echoing the secret itself.
    """
    if not secret.startswith(SECRET_PREFIX):
        raise ValueError(f"webhook secret must start with {SECRET_PREFIX!r}")
    try:
        raw = base64.b64decode(secret[len(SECRET_PREFIX) :], validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("webhook secret is not valid base64 after 'whsec_'") from None
    if not MIN_SECRET_BYTES <= len(raw) <= MAX_SECRET_BYTES:
        raise ValueError(f"webhook secret must decode to {MIN_SECRET_BYTES}-{MAX_SECRET_BYTES} bytes, got {len(raw)}")
    return raw


class WebhookTarget(WireModel):
    """A signed-webhook channel."""

    url: HttpUrl
    secret: SecretStr
    previous_secrets: list[SecretStr] = Field(
        default_factory=list, description="older secrets still signed with during rotation"
    )

    @field_validator("secret")
    @classmethod
    def _valid_secret(cls, value: SecretStr) -> SecretStr:
        decode_webhook_secret(value.get_secret_value())
        return value

    @field_validator("previous_secrets")
    @classmethod
    def _valid_previous(cls, values: list[SecretStr]) -> list[SecretStr]:
        for value in values:
            decode_webhook_secret(value.get_secret_value())
        return values


class Subscription(WireModel):
    """Filters over detections plus the channels that receive matching alerts.

    An empty filter list means "any". Countries are ISO 3166-1 alpha-2 codes.
    """

    id: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.:-]+$")
    tenant: str = "default"
    patterns: list[str] = Field(default_factory=list)
    countries: list[str] = Field(default_factory=list)
    actors: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)
    aliases: dict[str, list[str]] = Field(default_factory=dict, description="other names of an actor in ``actors``")
    min_confidence: float = Field(default=0.0, ge=0.0, le=1.0)
    min_severity: Severity = "alert"
    languages: list[str] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list, description="source ids")
    group_wait: Duration = DEFAULT_GROUP_WAIT
    group_interval: Duration = DEFAULT_GROUP_INTERVAL
    repeat_interval: Duration = DEFAULT_REPEAT_INTERVAL
    webhook: WebhookTarget | None = None
    channels: list[str] = Field(
        default_factory=list, description="apprise URLs, or smtp://host:port?from=..&to=.. for direct mail"
    )

    @field_validator("countries")
    @classmethod
    def _upper_iso(cls, codes: list[str]) -> list[str]:
        for code in codes:
            if len(code) != 2 or not code.isalpha():
                raise ValueError(f"country {code!r} is not an ISO 3166-1 alpha-2 code")
        return [code.upper() for code in codes]
