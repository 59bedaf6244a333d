"""Operational events (dead letters, disabled endpoints) on the ops topic."""

from __future__ import annotations

import json
from typing import Any, Protocol

import structlog
from aiokafka import AIOKafkaProducer

log = structlog.get_logger(__name__)


class OpsEvents(Protocol):
    async def publish(self, kind: str, **fields: Any) -> None: ...


class KafkaOpsEvents:
    """Publishes ``{"kind": ..., "level": "endpoint", ...}`` JSON to the ops topic.

    A failure to publish is logged, never raised: losing an ops event must not stop
    the delivery of the next alert.
    """

    def __init__(self, producer: AIOKafkaProducer, topic: str) -> None:
        self.producer = producer
        self.topic = topic

    async def publish(self, kind: str, **fields: Any) -> None:
        event = {"kind": kind, "service": "alerter", **fields}
        try:
            await self.producer.send_and_wait(
                self.topic, json.dumps(event, default=str).encode(), key=str(fields.get("subscription_id", "")).encode()
            )
        except Exception as exc:  # noqa: BLE001 - ops events are best effort
            log.warning("alert.ops_event_failed", kind=kind, error=str(exc))
