"""The alerter's composition root: builds every part, runs intake and delivery, closes all."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import time
import uuid
from collections.abc import Callable, Sequence

import httpx
import structlog
from aiokafka import AIOKafkaConsumer

from alerts.admission import DeliveryLimits
from alerts.breaker import BreakerPolicy, Breakers
from alerts.catalogue import SubscriptionCatalog
from alerts.channels import ChannelSet, Notifier
from alerts.channels.chat import AppriseChannel
from alerts.channels.mail import SmtpChannel
from alerts.channels.webhook import WebhookChannel
from alerts.consumer import SignalConsumer
from alerts.context import DeliveryContext, Outgoing
from alerts.dispatcher import Dispatcher
from alerts.links import configure as configure_links
from alerts.ops import OpsRelay, OutboxOpsEvents
from alerts.pipeline import MultiStage
from alerts.pipelines import delivery_pipeline
from alerts.retry import RetrySchedule
from models import Subscription
from services.platform import kafka as kafka_clients
from services.platform.config import Settings
from services.platform.netguard import guarded_client
from services.platform.storage import Database, ensure_schema, open_database

log = structlog.get_logger(__name__)


CONSUMER_STOP_TIMEOUT = 3.0
FETCH_MAX_WAIT_MS = 50


def instance_name() -> str:
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


def lease_for(timeout: float) -> float:
    """How long a claimed delivery stays reserved: longer than any one attempt can take."""
    return max(2 * timeout, timeout + 2.0)


def webhook_client(settings: Settings) -> httpx.AsyncClient:
    return guarded_client(
        settings.security.allow_private_targets,
        timeout=settings.delivery.timeout,
        follow_redirects=False,  # the webhook channel follows 307/308 itself, on the same host only
        headers={"Accept-Encoding": "identity"},  # the body is discarded unread; nothing to decode
        limits=httpx.Limits(max_connections=200, max_keepalive_connections=50),
    )


def build_channels(settings: Settings, client: httpx.AsyncClient, clock: Callable[[], float]) -> ChannelSet:
    allow_private = settings.security.allow_private_targets
    notifiers: dict[str, Notifier] = {
        "webhook": WebhookChannel(client, allow_private=allow_private, clock=clock),
        "apprise": AppriseChannel(allow_private=allow_private),
        "smtp": SmtpChannel(allow_private=allow_private, timeout=settings.delivery.timeout),
    }
    return ChannelSet(notifiers)


def delivery_limits(settings: Settings) -> DeliveryLimits:
    delivery = settings.delivery
    return DeliveryLimits(delivery.concurrency, delivery.tenant_concurrency, delivery.endpoint_concurrency)


def circuit_breakers(settings: Settings) -> Breakers:
    delivery = settings.delivery
    return Breakers(BreakerPolicy(delivery.breaker_failures, delivery.breaker_cooldown, delivery.breaker_max_cooldown))


def delivery_dispatcher(
    settings: Settings,
    db: Database,
    subscriptions: Callable[[], Sequence[Subscription]],
    pipeline: MultiStage[DeliveryContext, Outgoing],
    *,
    breakers: Breakers,
    clock: Callable[[], float],
    instance: str,
    idle_poll: float | None = None,
) -> Dispatcher:
    """The dispatcher with the configured bounds; ``breakers`` is the pipeline's."""
    extra = {} if idle_poll is None else {"idle_poll": idle_poll}
    return Dispatcher(
        db,
        subscriptions,
        pipeline,
        clock=clock,
        instance=instance,
        lease=lease_for(settings.delivery.timeout),
        limits=delivery_limits(settings),
        breakers=breakers,
        **extra,
    )


async def run_alerter(settings: Settings, stop: asyncio.Event) -> None:
    """Consumes signals, records deliveries in the outbox, and delivers them until ``stop``."""
    kafka = settings.kafka
    clock = time.time
    instance = instance_name()
    await kafka_clients.ensure_topics(kafka, [kafka.signals_topic, kafka.dead_letter_topic, kafka.ops_topic])
    configure_links(settings.http.public_base())
    db = open_database(settings.database.url)
    await ensure_schema(db)
    # Dead letters and ops events tolerate a duplicate, and tansu's memory engine hands out
    # no producer ids, so this producer is not idempotent.
    producer = kafka_clients.make_producer(kafka, enable_idempotence=False)
    # A short fetch wait: an alert is worth more than a fuller fetch.
    consumer = kafka_clients.make_consumer(
        kafka, kafka.signals_topic, group="alerter", fetch_max_wait_ms=FETCH_MAX_WAIT_MS
    )
    client = webhook_client(settings)
    producer_started = False
    try:
        await producer.start()
        producer_started = True
        # Config-file subscriptions plus those made through the API, kept current in the background.
        catalog = SubscriptionCatalog(db, settings.subscriptions)
        await catalog.refresh()
        subscriptions = catalog.current
        breakers = circuit_breakers(settings)
        relay = OpsRelay(db, producer, kafka.ops_topic)
        pipeline = delivery_pipeline(
            db,
            build_channels(settings, client, clock),
            OutboxOpsEvents(db, clock, on_recorded=relay.wake),
            RetrySchedule(tuple(settings.delivery.retry_schedule)),
            clock,
            settings.delivery.timeout,
            breakers,
        )
        dispatcher = delivery_dispatcher(
            settings, db, subscriptions, pipeline, breakers=breakers, clock=clock, instance=instance
        )
        intake = SignalConsumer(
            consumer,
            producer,
            db,
            subscriptions,
            dead_letter_topic=kafka.dead_letter_topic,
            clock=clock,
            on_recorded=dispatcher.wake,
        )
        log.info("alert.started", instance=instance, subscriptions=len(subscriptions()))
        async with asyncio.TaskGroup() as group:
            # Pending deliveries resume at once; joining the consumer group can take a while.
            group.create_task(dispatcher.run(stop))
            group.create_task(_consume(consumer, intake, stop))
            group.create_task(catalog.run(stop))
            group.create_task(relay.run(stop))
    finally:
        if producer_started:
            await producer.stop()
        await client.aclose()
        await db.close()
        log.info("alert.stopped", instance=instance)


async def _consume(consumer: AIOKafkaConsumer, intake: SignalConsumer, stop: asyncio.Event) -> None:
    """Joins the consumer group (abandoned if ``stop`` comes first), runs the intake, leaves."""
    joining = asyncio.create_task(consumer.start())
    stopping = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait({joining, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if not joining.done():
            joining.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await joining
            return
        joining.result()
        log.info("alert.consuming", topics=sorted(consumer.subscription()))
        await intake.run(stop)
    finally:
        stopping.cancel()
        try:
            async with asyncio.timeout(CONSUMER_STOP_TIMEOUT):
                await consumer.stop()
        except TimeoutError:
            # A join cut short can leave aiokafka waiting on the coordinator; the group
            # forgets this member after its session timeout anyway.
            log.warning("alert.consumer_stop_timeout", seconds=CONSUMER_STOP_TIMEOUT)
