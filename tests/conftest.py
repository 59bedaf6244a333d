"""Shared fixtures: the real embedded broker, the shared fixture folders, settings factories."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from services.platform.broker import EmbeddedBroker
from services.platform.config import KafkaSettings

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("TOCSIN_SHARED_DIR", REPO_ROOT.parent / "shared"))
SHARED_FEEDS = SHARED / "fixtures" / "feeds"
SEED_ARTICLE = SHARED / "seed_article.txt"
OWN_FIXTURES = Path(__file__).resolve().parent / "fixtures"

_unique = itertools.count()


def shared_path(path: Path) -> Path:
    """``path`` under ``../shared``, or a skip naming what is missing."""
    if not path.exists():
        pytest.skip(f"{path} is absent (the shared fixtures are read in place, never copied)")
    return path


@pytest.fixture(scope="session")
def broker() -> Iterator[EmbeddedBroker]:
    """One real tansu broker for the whole test session (never a fake Kafka)."""
    with EmbeddedBroker() as running:
        yield running


@pytest.fixture
def kafka_settings(broker: EmbeddedBroker) -> KafkaSettings:
    """Kafka settings on the session broker with topic and group names unique to this test."""
    n = next(_unique)
    return KafkaSettings(
        bootstrap=broker.bootstrap,
        topic_prefix=f"t{n}-{os.getpid()}.",
        consumer_group_prefix=f"tocsin-t{n}-{os.getpid()}",
        partitions=2,
    )


SLOW_FOLDERS = ("console", "reliability", "fuzz")
"""Browser runs, fault scenarios and property searches: left out of ``make test-quick``."""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Marks what the unit tier leaves out: anything on the real broker, and the slow folders."""
    tests_root = Path(__file__).resolve().parent
    for item in items:
        if "broker" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.broker)
        relative = Path(str(item.fspath)).resolve().relative_to(tests_root)
        if relative.parts and relative.parts[0] in SLOW_FOLDERS:
            item.add_marker(pytest.mark.slow)
