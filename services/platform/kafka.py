"""aiokafka clients configured the way every Tocsin service needs them.

Producers are idempotent with ``acks=all`` so that "Kafka acknowledged it" really means
the item is durable: ingest marks an item seen only after that acknowledgement.
"""

from __future__ import annotations

import asyncio

import structlog
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaConnectionError, KafkaError, TopicAlreadyExistsError

from services.platform.config import KafkaSettings

log = structlog.get_logger(__name__)


def make_producer(kafka: KafkaSettings, **overrides: object) -> AIOKafkaProducer:
    """An idempotent, fully acknowledged producer. Call ``await producer.start()``."""
    options: dict[str, object] = {
        "bootstrap_servers": kafka.bootstrap,
        "acks": "all",
        "enable_idempotence": True,
        "linger_ms": 5,
        "request_timeout_ms": 30000,
        "compression_type": compression_type(kafka),
    }
    options.update(overrides)
    return AIOKafkaProducer(**options)


def compression_type(kafka: KafkaSettings) -> str | None:
    """The configured producer compression as aiokafka and Faust name it (``None``: off)."""
    return None if kafka.compression == "none" else kafka.compression


def make_consumer(kafka: KafkaSettings, *topics: str, group: str, **overrides: object) -> AIOKafkaConsumer:
    """A group consumer with manual commits: callers commit after their side effects."""
    options: dict[str, object] = {
        "bootstrap_servers": kafka.bootstrap,
        "group_id": f"{kafka.consumer_group_prefix}-{group}",
        "enable_auto_commit": False,
        "auto_offset_reset": "earliest",
        "rebalance_timeout_ms": int(kafka.rebalance_timeout * 1000),
        "session_timeout_ms": 10000,
        "heartbeat_interval_ms": 1000,
    }
    options.update(overrides)
    return AIOKafkaConsumer(*topics, **options)


async def ensure_topics(kafka: KafkaSettings, names: list[str], partitions: int | None = None) -> None:
    """Creates missing topics; existing ones are left as they are."""
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka.bootstrap)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        wanted = [
            NewTopic(
                name,
                num_partitions=partitions or kafka.partitions,
                replication_factor=kafka.replication_factor,
                topic_configs=kafka.topic_configs(name),
            )
            for name in names
            if name not in existing
        ]
        if wanted:
            try:
                await admin.create_topics(wanted)
            except TopicAlreadyExistsError:
                pass
            log.info("kafka.topics_created", topics=[topic.name for topic in wanted])
    finally:
        await admin.close()


async def wait_for_kafka(kafka: KafkaSettings, timeout: float = 30.0) -> None:
    """Returns once the cluster answers metadata requests, or raises ``TimeoutError``."""
    deadline = asyncio.get_running_loop().time() + timeout
    delay = 0.1
    while True:
        admin = AIOKafkaAdminClient(bootstrap_servers=kafka.bootstrap, request_timeout_ms=3000)
        try:
            await admin.start()
            await admin.list_topics()
            return
        except (KafkaConnectionError, KafkaError, OSError) as exc:
            if asyncio.get_running_loop().time() + delay > deadline:
                raise TimeoutError(f"Kafka at {kafka.bootstrap} did not answer within {timeout:g}s: {exc}") from None
        finally:
            await admin.close()
        await asyncio.sleep(delay)
        delay = min(delay * 2, 2.0)
