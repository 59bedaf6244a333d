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

SLOW_FILES = (
    "test_terminal.py",  # a pseudo-terminal around `tocsin run`
    "test_run_lifecycle.py",  # starts and stops `tocsin run`
    "test_supervisor_config_refusal.py",
    "test_config_contract.py",  # every `tocsin` command as a process
    "test_analyze_feed.py",
    "api/test_schemathesis.py",
    "api/test_readiness_writes.py",  # a full tmpfs and a held write lock
    "api/test_offline_docs.py",  # Chromium
    "api/test_slow_clients.py",
    "api/test_auth.py",  # `tocsin token` as a process
    "platform/test_bombs.py",  # each bomb in a bounded child process
    "platform/storage/test_concurrency.py",
    "platform/storage/test_migrations.py",
    "alerts/test_tenant_isolation.py",
    "detector/test_training.py",  # a real (tiny) training run with torch
    "detector/test_batched.py",  # every batch size through the whole engine
    "api/test_patterns.py",  # backtests through the whole engine
)
"""Files whose tests start processes, browsers or training runs: also left out of the unit tier."""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Marks what the unit tier leaves out: anything on the real broker, and the slow folders."""
    tests_root = Path(__file__).resolve().parent
    for item in items:
        if "broker" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.broker)
        relative = Path(str(item.fspath)).resolve().relative_to(tests_root)
        if (relative.parts and relative.parts[0] in SLOW_FOLDERS) or relative.as_posix() in SLOW_FILES:
            item.add_marker(pytest.mark.slow)
