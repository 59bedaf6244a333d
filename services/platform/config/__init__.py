"""Configuration: ``load_settings()`` and the value objects it returns."""

from models.durations import Seconds, parse_duration
from services.platform.config.loader import ConfigError, load_settings
from services.platform.config.settings import (
    DeliverySettings,
    HttpSettings,
    KafkaSettings,
    SecuritySettings,
    Settings,
    SourceSettings,
)

__all__ = [
    "ConfigError",
    "DeliverySettings",
    "HttpSettings",
    "KafkaSettings",
    "Seconds",
    "SecuritySettings",
    "Settings",
    "SourceSettings",
    "load_settings",
    "parse_duration",
]
