"""Stories and windowed rules on the real broker, through ``tocsin detect``."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml

from models import SIGNALS, Document
from services.platform.config import KafkaSettings
from services.platform.kafka import ensure_topics
from tests.conftest import OWN_FIXTURES, SEED_ARTICLE
from tests.stream.kafka_io import produce_documents, read_topic
from tests.support.processes import TocsinProcess, kafka_env

pytestmark = pytest.mark.broker

T0 = datetime(2025, 12, 22, 18, 0, tzinfo=timezone.utc)
RULES = [
    {
        "id": "buildup-burst",
        "kind": "frequency",
        "window": "1h",
        "threshold": 3,
        "filter": {"patterns": ["military_buildup"], "countries": ["VE"]},
    },
    {"id": "new-actor", "kind": "new_actor", "filter": {"patterns": ["military_buildup"]}},
]


def five_outlets(article: str) -> list[Document]:
    """The article from three outlets verbatim, then two outlets' own rewrites."""
    rewrites = (OWN_FIXTURES / "e2e" / "rewrites.txt").read_text(encoding="utf-8").splitlines()
    texts = [article, article, article, rewrites[0], rewrites[1]]
    outlets = ["outlet-a.example", "outlet-b.example", "outlet-c.example", "outlet-d.example", "outlet-e.example"]
    return [
        Document(
            id=f"doc-{index}",
            source_id=f"feed-{index}",
            url=f"https://www.{outlet}/world/venezuela",
            title="Venezuela",
            text=text,
            fetched_at=T0 + timedelta(minutes=5 * index),
        )
        for index, (outlet, text) in enumerate(zip(outlets, texts, strict=False))
    ]


async def test_one_story_per_event_with_corroboration_and_rules(tmp_path: Path, broker) -> None:
    if not SEED_ARTICLE.exists():
        pytest.skip(f"{SEED_ARTICLE} is absent")
    kafka = KafkaSettings(
        bootstrap=broker.bootstrap,
        topic_prefix=f"stories-{tmp_path.name}.",
        consumer_group_prefix=f"stories-{tmp_path.name}",
        partitions=1,  # one partition keeps arrival order
    )
    await ensure_topics(
        kafka, [kafka.documents_topic, kafka.detections_topic, kafka.signals_topic, kafka.dead_letter_topic]
    )
    (tmp_path / "tocsin.yaml").write_text(yaml.safe_dump({"rules": RULES}))
    await produce_documents(kafka, five_outlets(SEED_ARTICLE.read_text(encoding="utf-8")))

    with TocsinProcess(["detect"], tmp_path, kafka_env(kafka)) as worker:
        records = await read_topic(kafka, kafka.signals_topic, until=6, timeout=90, quiet_after=6)
        details = worker.describe()
    signals = [SIGNALS.decode(record.value) for record in records]
    stories = defaultdict(list)
    for signal in signals:
        if signal.story_id:
            stories[signal.story_id].append(signal)

    buildup = [items for items in stories.values() if items[0].detections[0].pattern == "military_buildup"]
    assert len(buildup) == 1, f"expected one buildup story, got {len(buildup)}\n{details}"
    transitions = [(s.type, s.severity, len(s.story_documents)) for s in buildup[0]]
    # a opens it; b and c are syndicated copies: each new outlet is told (the console and the
    # webhook list every outlet and how it counted), but copies raise neither corroboration nor
    # severity; d and e are independent rewrites, and the third independent outlet makes it urgent.
    assert transitions == [
        ("story.opened", "alert", 1),
        ("story.updated", "alert", 2),
        ("story.updated", "alert", 3),
        ("story.updated", "alert", 4),
        ("story.updated", "urgent", 5),
    ], transitions
    assert [s.corroboration for s in buildup[0]] == [1, 1, 1, 2, 3]
    assert "VE" in buildup[0][-1].detections[0].countries

    for pattern in ("ultimatum", "wire_denial"):
        opened = [items for items in stories.values() if items[0].detections[0].pattern == pattern]
        assert opened, f"no {pattern} story\n{details}"
        for items in opened:
            assert items[0].type == "story.opened"
            assert sum(1 for s in items if s.type == "story.opened") == 1

    fired = [s for s in signals if s.type == "rule.fired"]
    bursts = [s for s in fired if s.rule.id == "buildup-burst"]
    assert len(bursts) == 1 and bursts[0].rule.count == 3, [s.rule for s in fired]
    new_actors = [s.rule.actor for s in fired if s.rule.id == "new-actor"]
    assert new_actors.count("united states") == 1, new_actors
