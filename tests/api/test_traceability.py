"""A webhook can be traced: its alert id resolves, it links to the console, and every event
the alerter sends (test events included) validates against the schema generated from the
pydantic model."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from sqlalchemy import select

import alerts
from alerts import links
from alerts.tables import DeliveryRow
from models import OutletRef
from models.alert import alert_event_schema, alert_event_schema_text
from tests.api.live import make_signal
from tests.support.http_servers import LoopbackServer

SCHEMA_FILE = Path(alerts.__file__).parent / "schema" / "alert-event.v1.json"


def story_signal(n: int):
    signal = make_signal(n)
    return signal.model_copy(
        update={
            "type": "story.opened",
            "story_id": "story_trace",
            "severity": "urgent",
            "corroboration": 2,
            "severity_reason": "2 independent outlets (1 wire); not counted: 1 copy",
            "outlets": [
                OutletRef(
                    name="reuters.com", url="https://reuters.com/a", independent=True, counted_as="origin", wire=True
                ),
                OutletRef(name="bbc.co.uk", url="https://bbc.co.uk/b", independent=True, counted_as="origin"),
                OutletRef(
                    name="theguardian.com",
                    url="https://theguardian.com/c",
                    independent=False,
                    counted_as="copy",
                    copy_of="reuters.com",
                ),
            ],
        }
    )


@pytest.fixture
def public_base():
    links.configure("https://desk.example.org/")
    yield "https://desk.example.org"
    links.configure(None)


def test_the_committed_schema_is_generated_from_the_model() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == alert_event_schema_text(), "regenerate: make schema"


async def test_alert_id_resolves_and_the_payload_links_to_the_console(live, public_base) -> None:
    token = await live.token("desk")
    with LoopbackServer() as receiver:
        created = await live.subscription(token, webhook={"url": receiver.url("/hook")}, group_interval="0s")
        assert await live.push_alert(created["id"], story_signal(1)) == 1
    async with live.db.sessions() as session:
        payload = json.loads((await session.scalars(select(DeliveryRow.payload))).one())
    jsonschema.validate(payload, alert_event_schema())
    data = payload["data"]
    assert data["console_url"] == "https://desk.example.org/#/story/story_trace"
    assert data["corroboration"] == 2 and data["severity"] == "urgent"
    assert [o["counted_as"] for o in data["outlets"]] == ["origin", "origin", "copy"]
    async with live.client(token) as client:
        response = await client.get(f"/v1/alerts/{data['alert_id']}")
        assert response.status_code == 200, response.text
        assert response.json()["story_id"] == "story_trace"
        # The delivery id (the webhook-id) resolves to the same alert, for receivers that kept only that.
        by_delivery = await client.get(f"/v1/alerts/{payload['id']}")
        assert by_delivery.status_code == 200 and by_delivery.json()["id"] == data["alert_id"]


async def test_the_test_event_validates_against_the_published_schema(live) -> None:
    token = await live.token("desk")
    with LoopbackServer() as receiver:
        created = await live.subscription(token, webhook={"url": receiver.url("/hook")})
        async with live.client(token) as client:
            result = (await client.post(f"/v1/subscriptions/{created['id']}/test")).json()
        (post,) = receiver.wait_for_posts(1, timeout=10)
    assert result["delivered"] is True
    event = json.loads(post.body)
    jsonschema.validate(event, alert_event_schema())
    assert event["type"] == "alert.test" and event["id"] == result["webhook_id"]
