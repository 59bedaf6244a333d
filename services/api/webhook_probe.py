"""A test event sent through the alerter's own webhook channel, so a subscriber can check
its receiver and signature verification before a real alert arrives."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable
from typing import Any

from alerts.channels.webhook import WebhookChannel
from alerts.errors import DeliveryError
from alerts.links import console_url
from alerts.payload import EventHeader, build_event
from alerts.service import webhook_client
from alerts.story import StoryState
from alerts.tables import DeliveryRow
from models import Subscription
from services.platform.config import Settings

TEST_EVENT_TYPE = "alert.test"
NAME_LOOKUP_ALLOWANCE = 5.0  # the SSRF check resolves the host before the HTTP timeout starts


def sample_story() -> StoryState:
    return StoryState(
        documents={
            "doc_test": {
                "id": "doc_test",
                "url": None,
                "title": "Tocsin test event",
                "source_id": "tocsin",
                "published_at": None,
            }
        },
        detections=[
            {
                "pattern": "test",
                "sentence": "This is a test event from Tocsin.",
                "triggers": ["test"],
                "actor": None,
                "target": None,
                "agency": None,
                "countries": [],
                "confidence": 1.0,
                "rule": "test",
            }
        ],
        sources=["tocsin"],
    )


async def send_test_event(settings: Settings, subscription: Subscription, clock: Callable[[], float]) -> dict[str, Any]:
    # A real-looking id and sequence 1: the test event must validate against the published
    # schema, which is how a receiver checks its own parsing with it.
    ident = "msg_" + secrets.token_hex(16)
    now = clock()
    header = EventHeader(
        event_id=ident,
        event_type=TEST_EVENT_TYPE,
        reason="test",
        time=now,
        subscription_id=subscription.id,
        tenant=subscription.tenant,
        story_id="story_test",
        sequence=1,
        alert_id="alert_test",
        console_url=console_url("story_test", settings.http.public_base()),
    )
    delivery = DeliveryRow(
        id=ident,
        subscription_id=subscription.id,
        channel="webhook",
        event_type=TEST_EVENT_TYPE,
        story_id="story_test",
        group_key="grp_test",
        signal_id="",
        severity="alert",
        payload=build_event(header, sample_story()).decode("utf-8"),
        status="pending",
        attempts=0,
        created_at=now,
    )
    client = webhook_client(settings)
    try:
        channel = WebhookChannel(client, allow_private=settings.security.allow_private_targets, clock=clock)
        try:
            async with asyncio.timeout(settings.delivery.timeout + NAME_LOOKUP_ALLOWANCE):
                code = await channel.send(delivery, subscription)
        except DeliveryError as exc:
            return {
                "delivered": False,
                "webhook_id": ident,
                "status_code": getattr(exc, "status", None),
                "error": str(exc)[:500],
            }
        except TimeoutError:
            return {"delivered": False, "webhook_id": ident, "status_code": None, "error": "timed out"}
        except Exception as exc:  # a test must report any failure, not turn it into a server error
            return {"delivered": False, "webhook_id": ident, "status_code": None, "error": type(exc).__name__}
    finally:
        await client.aclose()
    return {"delivered": True, "webhook_id": ident, "status_code": code, "error": None}
