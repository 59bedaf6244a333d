"""Configuration: ``load_settings()`` and the value objects it returns."""

from services.config.durations import Seconds, parse_duration
from services.config.loader import ConfigError, load_settings
from services.config.settings import (
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
