"""Builders for signals, subscriptions and settings used across the alerter tests."""

from __future__ import annotations

import base64
import itertools
from pathlib import Path

from models import Detection, DocumentRef, Signal, Subscription
from services.platform.config import KafkaSettings, Settings

SECRET = "whsec_" + base64.b64encode(b"tocsin-test-secret-0123456789ab").decode()
OTHER_SECRET = "whsec_" + base64.b64encode(b"tocsin-rotated-secret-abcdefghij").decode()
_numbers = itertools.count()


def detection(
    pattern: str = "ultimatum",
    countries: tuple[str, ...] = ("VE",),
    actor: str | None = "Nicolás Maduro",
    target: str | None = "Guyana",
    sentence: str = "Maduro gave Guyana a 48-hour ultimatum to withdraw from the Essequibo.",
    confidence: float = 0.9,
    agency: str | None = None,
) -> Detection:
    return Detection(
        pattern=pattern,
        sentence=sentence,
        start=0,
        end=len(sentence),
        triggers=["ultimatum"],
        actor=actor,
        target=target,
        agency=agency,
        countries=list(countries),
        confidence=confidence,
        rule=f"{pattern}.r1",
    )


def signal(
    *detections: Detection,
    source_id: str = "seed-feed",
    document_id: str | None = None,
    language: str | None = "en",
    severity: str = "alert",
    title: str = "Caracas issues ultimatum",
) -> Signal:
    n = next(_numbers)
    doc_id = document_id or f"doc_{n:04d}"
    return Signal(
        id=f"sig_{doc_id}",
        document=DocumentRef(
            id=doc_id,
            source_id=source_id,
            url=f"https://news.example/{doc_id}",
            title=title,
            language=language,
        ),
        detections=list(detections) or [detection()],
        severity=severity,  # type: ignore[arg-type]
    )


def subscription(sub_id: str = "desk", url: str | None = None, **fields: object) -> Subscription:
    data: dict[str, object] = {"id": sub_id, **fields}
    if url is not None:
        data["webhook"] = {"url": url, "secret": SECRET}
    return Subscription.model_validate(data)


def settings_for(
    kafka: KafkaSettings,
    tmp_path: Path,
    subscriptions: list[Subscription],
    *,
    retry_schedule: list[float] | None = None,
    timeout: float = 3.0,
    database_url: str | None = None,
) -> Settings:
    return Settings(
        kafka=kafka,
        security={"allow_private_targets": True},
        database={"url": database_url or f"sqlite+aiosqlite:///{tmp_path / 'alerts.db'}"},
        delivery={"retry_schedule": retry_schedule or [0.2, 0.4, 0.8], "timeout": timeout},
        subscriptions=subscriptions,
    )


async def read_topic(kafka: KafkaSettings, topic: str, count: int, timeout: float = 20.0) -> list:
    """The first ``count`` records of ``topic`` (bounded wait), read without a group."""
    import asyncio

    from aiokafka import AIOKafkaConsumer

    consumer = AIOKafkaConsumer(topic, bootstrap_servers=kafka.bootstrap, auto_offset_reset="earliest", group_id=None)
    await consumer.start()
    records: list = []
    try:
        async with asyncio.timeout(timeout):
            while len(records) < count:
                batch = await consumer.getmany(timeout_ms=200)
                for messages in batch.values():
                    records.extend(messages)
    finally:
        await consumer.stop()
    return records
