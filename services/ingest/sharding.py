"""Scale-out: Kafka's group protocol decides which instance polls which source.

Every source is a record in the compacted ``<prefix>sources`` topic, keyed by source id,
its configuration as the value (a tombstone removes it). Each ingest instance upserts the
sources of its config file at start, then joins the ``ingest`` consumer group on that topic.
An instance polls exactly the sources found in the partitions Kafka assigned to it: it reads
those partitions from the beginning (it never commits offsets), so it learns every source
definition they hold, including ones added at run time by anyone producing to the topic.

On a rebalance the revoke callback stops the revoked sources' loops before the group moves
on, so a source is never polled by two instances at once; the new owner picks up the
source's cursor and status from the shared database.
"""

from __future__ import annotations

import asyncio
import json
from collections import defaultdict
from typing import TYPE_CHECKING

import structlog
from aiokafka import ConsumerRebalanceListener, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError, TopicAlreadyExistsError
from pydantic import ValidationError

from services.ingest.kinds import InvalidSource, SourceSpec, build_spec
from services.platform import kafka as kafka_helpers
from services.platform.config import KafkaSettings, SourceSettings

if TYPE_CHECKING:
    from services.ingest.service import SourceRoster

log = structlog.get_logger(__name__)

SOURCES_TOPIC = "sources"
GROUP = "ingest"


def sources_topic(kafka: KafkaSettings) -> str:
    return kafka.topic(SOURCES_TOPIC)


def encode_source(spec: SourceSpec) -> bytes:
    options = spec.options.model_dump(mode="json", exclude_defaults=True)
    url = options.pop("url", None)
    return json.dumps({"id": spec.id, "kind": spec.kind, "url": url, "interval": spec.interval, **options}).encode()


def decode_source(value: bytes) -> SourceSpec:
    """A spec from a sources-topic record; raises ``ValueError`` naming the problem."""
    try:
        return build_spec(SourceSettings(**json.loads(value)))
    except (json.JSONDecodeError, UnicodeDecodeError, TypeError) as exc:
        raise ValueError(f"not a source definition: {exc}") from None
    except (ValidationError, InvalidSource) as exc:
        raise ValueError(str(exc)) from None


async def ensure_sources_topic(kafka: KafkaSettings) -> None:
    """Creates the compacted sources topic if it is missing."""
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka.bootstrap)
    await admin.start()
    try:
        if sources_topic(kafka) not in set(await admin.list_topics()):
            topic = NewTopic(
                sources_topic(kafka),
                num_partitions=kafka.partitions,
                replication_factor=kafka.replication_factor,
                topic_configs={"cleanup.policy": "compact"},
            )
            try:
                await admin.create_topics([topic])
            except TopicAlreadyExistsError:
                pass
    finally:
        await admin.close()


async def publish_sources(kafka: KafkaSettings, specs: list[SourceSpec]) -> None:
    """Upserts ``specs`` into the sources topic, keyed by source id."""
    producer = kafka_helpers.make_producer(kafka, enable_idempotence=False)
    await producer.start()
    try:
        futures = [
            await producer.send(sources_topic(kafka), encode_source(spec), key=spec.id.encode()) for spec in specs
        ]
        await asyncio.gather(*futures)
    finally:
        await producer.stop()


async def forget_source(kafka: KafkaSettings, source_id: str) -> None:
    """Writes a tombstone: the owning instance stops polling ``source_id`` and compaction
    eventually drops it. Removing a source from the config file alone does not do this."""
    producer = kafka_helpers.make_producer(kafka, enable_idempotence=False)
    await producer.start()
    try:
        await producer.send_and_wait(sources_topic(kafka), None, key=source_id.encode())
    finally:
        await producer.stop()


class SourceShards(ConsumerRebalanceListener):  # type: ignore[misc]  # aiokafka ships no types: the base is Any
    """Keeps a :class:`SourceRoster` equal to the sources in this instance's partitions."""

    def __init__(
        self, kafka: KafkaSettings, configured: list[SourceSpec], roster: "SourceRoster", instance: str
    ) -> None:
        self.kafka = kafka
        self.configured = configured
        self.roster = roster
        self.instance = instance
        self._definitions: defaultdict[TopicPartition, dict[str, SourceSpec]] = defaultdict(dict)
        self._changed = False

    async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        leaving: set[str] = set()
        for partition in revoked:
            leaving |= set(self._definitions.pop(partition, {}))
        if leaving:
            await self.roster.stop(leaving)
            log.info("ingest.sources_revoked", instance=self.instance, sources=sorted(leaving))

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        log.info("ingest.partitions_assigned", instance=self.instance, partitions=sorted(p.partition for p in assigned))
        self._changed = True

    def _wanted(self) -> dict[str, SourceSpec]:
        return {spec.id: spec for definitions in self._definitions.values() for spec in definitions.values()}

    def _absorb(self, partition: TopicPartition, key: bytes | None, value: bytes | None) -> None:
        if key is None:
            return
        source_id = key.decode("utf-8", "replace")
        if value is None:
            self._definitions[partition].pop(source_id, None)
        else:
            try:
                self._definitions[partition][source_id] = decode_source(value)
            except ValueError as exc:
                log.error("ingest.source_definition_invalid", source_id=source_id, error=str(exc))
                return
        self._changed = True

    async def run(self, stop: asyncio.Event) -> None:
        await ensure_sources_topic(self.kafka)
        await publish_sources(self.kafka, self.configured)
        consumer = kafka_helpers.make_consumer(self.kafka, group=GROUP)
        consumer.subscribe([sources_topic(self.kafka)], listener=self)
        await consumer.start()
        try:
            while not stop.is_set():
                try:
                    batches = await consumer.getmany(timeout_ms=500)
                except KafkaError as exc:
                    log.warning("ingest.sources_topic_unavailable", error=str(exc))
                    await asyncio.sleep(1.0)
                    continue
                for partition, records in batches.items():
                    for record in records:
                        self._absorb(partition, record.key, record.value)
                if self._changed:
                    self._changed = False
                    await self.roster.reconcile(self._wanted())
                    log.info("ingest.sources_owned", instance=self.instance, sources=sorted(self.roster.owned))
        finally:
            await self.roster.close()
            await consumer.stop()
