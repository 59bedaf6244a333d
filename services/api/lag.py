"""Consumer lag for ``/metrics``: how far each pipeline stage is behind its input topic.

Read at scrape time from Kafka (the committed offsets of each consumer group against the
end of its topic), bounded by a short timeout and cached briefly, so a scrape never hangs
on an unreachable broker and frequent scrapes do not load it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import structlog
from aiokafka import AIOKafkaConsumer, TopicPartition

from services.platform.config import KafkaSettings

log = structlog.get_logger(__name__)

LAG_TIMEOUT = 3.0
CACHE_FOR = 5.0

Lag = dict[tuple[str, str], int]


def pipeline_groups(kafka: KafkaSettings) -> dict[str, str]:
    """Consumer group → the topic it consumes, for the stages that commit to Kafka."""
    return {
        f"{kafka.consumer_group_prefix}-detect": kafka.documents_topic,
        f"{kafka.consumer_group_prefix}-alerter": kafka.signals_topic,
    }


async def _group_lag(kafka: KafkaSettings, group: str, topic: str) -> int:
    """Messages on ``topic`` past ``group``'s committed offsets. The reader uses the group id
    only to fetch its commits; it never subscribes, so it never joins or rebalances the group."""
    reader = AIOKafkaConsumer(bootstrap_servers=kafka.bootstrap, group_id=group, enable_auto_commit=False)
    await reader.start()
    try:
        await reader.topics()
        partitions = [TopicPartition(topic, p) for p in sorted(reader.partitions_for_topic(topic) or ())]
        if not partitions:
            return 0
        ends = await reader.end_offsets(partitions)
        lag = 0
        for partition in partitions:
            committed = await reader.committed(partition)
            lag += max(0, ends[partition] - (committed or 0))
        return lag
    finally:
        await reader.stop()


async def _read_lag(kafka: KafkaSettings, groups: dict[str, str]) -> Lag:
    return {(group, topic): await _group_lag(kafka, group, topic) for group, topic in groups.items()}


class LagReader:
    """Caches the last reading for ``CACHE_FOR`` seconds; an unreachable broker gives no figures."""

    def __init__(self, kafka: KafkaSettings, clock: Callable[[], float] = time.monotonic) -> None:
        self.kafka = kafka
        self.clock = clock
        self._at = -CACHE_FOR
        self._last: Lag = {}

    async def read(self) -> Lag:
        if not self.kafka.bootstrap:
            return {}
        if self.clock() - self._at < CACHE_FOR:
            return self._last
        try:
            async with asyncio.timeout(LAG_TIMEOUT):
                self._last = await _read_lag(self.kafka, pipeline_groups(self.kafka))
        except Exception as exc:  # no broker, no figures; the rest of /metrics still answers
            log.info("api.lag_unavailable", error=type(exc).__name__)
            self._last = {}
        self._at = self.clock()
        return self._last
