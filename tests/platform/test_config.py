"""The config contract: the issue's example works as written; mistakes name the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.platform.config import ConfigError, load_settings, parse_duration

EXAMPLE = """\
http:
  host: 127.0.0.1
  port: 8000
security:
  allow_private_targets: true      # default false; loopback feeds/webhooks need it
sources:
  - id: seed-feed
    kind: rss
    url: http://127.0.0.1:8081/feed.xml
    interval: 10s
subscriptions:
  - id: desk
    patterns: [ultimatum, military_buildup, wire_denial]
    countries: [VE]
    webhook:
      url: http://127.0.0.1:8082/hook
      secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
"""


@pytest.fixture
def example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for key in list(__import__("os").environ):
        if key.startswith("TOCSIN_"):
            monkeypatch.delenv(key)
    path = tmp_path / "tocsin.yaml"
    path.write_text(EXAMPLE)
    return path


def test_the_documented_example_loads(example: Path) -> None:
    settings = load_settings(example)
    assert settings.http.port == 8000
    assert settings.security.allow_private_targets is True
    assert settings.sources[0].interval == 10.0
    subscription = settings.subscriptions[0]
    assert subscription.countries == ["VE"]
    assert str(subscription.webhook.url) == "http://127.0.0.1:8082/hook"
    assert settings.kafka.bootstrap is None  # embedded broker


def test_environment_overrides_single_values(example: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOCSIN_HTTP_PORT", "9100")
    monkeypatch.setenv("TOCSIN_KAFKA_BOOTSTRAP", "kafka:9092")
    monkeypatch.setenv("TOCSIN_LOG_FORMAT", "json")
    settings = load_settings(example)
    assert settings.http.port == 9100
    assert settings.http.host == "127.0.0.1"
    assert settings.kafka.bootstrap == "kafka:9092"
    assert settings.log.format == "json"


def test_turning_private_targets_off_refuses_the_loopback_webhook(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOCSIN_SECURITY_ALLOW_PRIVATE_TARGETS", "false")
    with pytest.raises(ConfigError, match=r"subscriptions\.0\.webhook\.url: forbidden target"):
        load_settings(example)


@pytest.mark.parametrize(
    "channel",
    [
        "hassio://127.0.0.1:18080/x",
        "kodi://127.0.0.1:18080/",
        "json://[::1]:8080/",
        "mailto://u:p@10.0.0.1?to=a@b.c",
        "smtp://localhost:25?to=a@b.c",
        "rsyslog://169.254.169.254",
        "bark://[2002:7f00:1::]/key",
        "syslog://",
    ],
)
def test_config_refuses_chat_and_mail_urls_aimed_inside(tmp_path: Path, channel: str) -> None:
    path = tmp_path / "tocsin.yaml"
    path.write_text(f"subscriptions:\n  - id: desk\n    channels: ['{channel}']\n")
    with pytest.raises(ConfigError, match=r"subscriptions\.0\.channels\.0: forbidden target"):
        load_settings(path)


def test_config_keeps_saas_chat_urls(tmp_path: Path) -> None:
    path = tmp_path / "tocsin.yaml"
    path.write_text("subscriptions:\n  - id: desk\n    channels: ['slack://T1/B1/C1', 'tgram://123:abc/456']\n")
    assert len(load_settings(path).subscriptions[0].channels) == 2


@pytest.mark.parametrize(
    ("edit", "field"),
    [
        (("interval: 10s", "interval: 2s"), "sources.0.interval"),
        (("interval: 10s", "interval: soon"), "sources.0.interval"),
        (("countries: [VE]", "countries: [Venezuela]"), "subscriptions.0.countries"),
        (("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "not-a-secret"), "subscriptions.0.webhook.secret"),
        (("port: 8000", "port: eighty"), "http.port"),
        (("  host: 127.0.0.1\n", "  host: 127.0.0.1\n  hots: typo\n"), "http.hots"),
    ],
)
def test_a_bad_file_fails_with_one_message_naming_the_field(example: Path, edit: tuple[str, str], field: str) -> None:
    example.write_text(EXAMPLE.replace(*edit))
    with pytest.raises(ConfigError) as caught:
        load_settings(example)
    message = str(caught.value)
    assert str(example) in message
    assert field in message
    assert "whsec_MfKQ" not in message  # secrets never echoed


def test_missing_explicit_file_and_invalid_yaml_are_clear(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "absent.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("sources: [\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_settings(broken)


def test_duplicate_ids_are_refused(example: Path) -> None:
    example.write_text(
        EXAMPLE.replace("subscriptions:", "  - id: seed-feed\n    kind: rss\n    url: http://x/\nsubscriptions:")
    )
    with pytest.raises(ConfigError, match="seed-feed"):
        load_settings(example)


def test_negative_durations_are_refused_outside_retention() -> None:
    with pytest.raises(ValueError):
        parse_duration(-1)


@pytest.mark.parametrize(
    ("text", "seconds"), [("500ms", 0.5), ("10s", 10), ("5m", 300), ("2h", 7200), ("1d", 86400), (30, 30)]
)
def test_durations(text: object, seconds: float) -> None:
    assert parse_duration(text) == seconds


def test_topic_retention_is_configuration_with_defaults(example: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    example.write_text(
        EXAMPLE + "kafka:\n  topic_prefix: news.\n  retention:\n    documents: 3d\n    sources: forever\n    ops: -1\n"
    )
    kafka = load_settings(example).kafka
    assert kafka.topic_configs("news.documents") == {"retention.ms": str(3 * 86400 * 1000)}
    assert kafka.topic_configs("news.sources") == kafka.topic_configs("news.ops") == {"retention.ms": "-1"}
    assert kafka.topic_configs("news.unknown") == {}
    assert load_settings(None).kafka.topic_configs("tocsin.signals") == {"retention.ms": str(30 * 86400 * 1000)}
