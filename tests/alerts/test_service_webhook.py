"""The first slice end to end: a Signal on the real broker becomes a signed webhook."""

from __future__ import annotations

import asyncio
import time

import pytest

from alerts import run_alerter
from models import SIGNALS
from services.platform import kafka as kafka_clients
from tests.alerts.factories import SECRET, detection, read_topic, settings_for, signal, subscription
from tests.alerts.receivers import Receiver, verify_standard_webhook

pytestmark = pytest.mark.broker


async def _produce(kafka, *payloads: bytes) -> None:
    producer = kafka_clients.make_producer(kafka, enable_idempotence=False)
    await producer.start()
    try:
        for payload in payloads:
            await producer.send_and_wait(kafka.signals_topic, payload, key=b"k")
    finally:
        await producer.stop()


async def test_signal_becomes_verified_signed_webhook(kafka_settings, tmp_path):
    async with Receiver() as receiver:
        settings = settings_for(
            kafka_settings,
            tmp_path,
            [
                subscription("desk", receiver.url, patterns=["ultimatum"], countries=["VE"]),
                subscription("elsewhere", receiver.url, countries=["FR"]),
            ],
        )
        await kafka_clients.ensure_topics(kafka_settings, [kafka_settings.signals_topic])
        sig = signal(detection(agency="Reuters"), severity="urgent")  # as the stories service graded it
        await _produce(kafka_settings, b"{not json", SIGNALS.encode(sig))
        stop = asyncio.Event()
        task = asyncio.create_task(run_alerter(settings, stop))
        try:
            (request,) = await receiver.wait_for(1)
        finally:
            stop.set()
            await asyncio.wait_for(task, 30)

    verify_standard_webhook(SECRET, request.headers, request.body, now=time.time())
    assert request.headers["webhook-id"].startswith("msg_")
    event = request.json()
    assert event["type"] == "alert.created"
    assert event["id"] == request.headers["webhook-id"]
    data = event["data"]
    assert data["subscription_id"] == "desk"
    assert data["patterns"] == ["ultimatum"]
    assert data["evidence"][0]["sentence"] == sig.detections[0].sentence
    assert data["countries"] == ["VE"]
    assert data["agency"] == "Reuters"
    assert data["severity"] == "urgent"  # a wire agency is cited
    assert data["documents"][0]["url"] == sig.document.url
    assert len(request.body) < 20_000
    assert len(receiver.requests) == 1  # the FR subscription did not match
    (dead,) = await read_topic(kafka_settings, kafka_settings.dead_letter_topic, 1)
    assert dead.value == b"{not json"
    headers = dict(dead.headers)
    assert headers["tocsin-origin-topic"] == kafka_settings.signals_topic.encode()
    assert b"not JSON" in headers["tocsin-error"]


async def test_tampered_body_fails_independent_verifier():
    """Guards the verifier itself: it must reject what it did not sign."""
    from alerts.signing import webhook_headers

    body = b'{"a":1}'
    headers = webhook_headers([SECRET], "msg_x", int(time.time()), body)
    verify_standard_webhook(SECRET, headers, body, now=time.time())
    with pytest.raises(AssertionError):
        verify_standard_webhook(SECRET, headers, b'{"a":2}', now=time.time())


async def test_subscription_made_through_the_api_store_is_served(kafka_settings, tmp_path):
    from alerts.catalogue import save
    from services.platform.storage import open_database

    async with Receiver() as receiver:
        settings = settings_for(kafka_settings, tmp_path, [])
        db = open_database(settings.database.url)
        from services.platform.storage import ensure_schema

        await ensure_schema(db)
        await save(db, subscription("api-made", receiver.url, tenant="newsroom", countries=["VE"]))
        await db.close()
        await kafka_clients.ensure_topics(kafka_settings, [kafka_settings.signals_topic])
        await _produce(kafka_settings, SIGNALS.encode(signal(detection())))
        stop = asyncio.Event()
        task = asyncio.create_task(run_alerter(settings, stop))
        try:
            (request,) = await receiver.wait_for(1)
        finally:
            stop.set()
            await asyncio.wait_for(task, 30)
    verify_standard_webhook(SECRET, request.headers, request.body, now=time.time())
    assert request.json()["data"]["tenant"] == "newsroom"
