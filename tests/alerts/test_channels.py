"""Chat (apprise), mail (apprise mailto and direct SMTP) and the message they carry."""

from __future__ import annotations

import json
import time

from alerts.channels.message import render
from alerts.intake import record_signal
from alerts.outbox import deliveries
from alerts.payload import EventHeader, build_event
from alerts.story import StoryState
from tests.alerts.delivery_harness import run_dispatcher_until
from tests.alerts.factories import detection, settings_for, signal, subscription
from tests.alerts.receivers import Receiver
from tests.alerts.smtp_server import smtp_server

SENTENCE = "Maduro gave Guyana a 48-hour ultimatum <b>now</b>."


def event(event_type: str = "alert.created") -> dict:
    story = StoryState()
    sig = signal(detection(sentence=SENTENCE), title="Caracas issues ultimatum")
    story.merge(sig, sig.detections)
    header = EventHeader(
        event_id="msg_" + "1" * 32,
        event_type=event_type,
        reason="new",
        time=0.0,
        subscription_id="desk",
        tenant="default",
        story_id="story_x",
        sequence=1,
    )
    return json.loads(build_event(header, story))


class TestMessage:
    def test_markdown_emphasises_the_matched_words(self):
        message = render(event())
        assert "**ultimatum**" in message.markdown
        assert "Nicolás Maduro → Guyana" in message.markdown
        assert "(https://news.example/" in message.markdown
        assert message.title.startswith("[ALERT] Alert: ultimatum — Caracas issues ultimatum")

    def test_html_is_escaped_and_emphasised(self):
        message = render(event())
        assert "<strong>ultimatum</strong>" in message.html
        assert "&lt;b&gt;now&lt;/b&gt;" in message.html
        assert "<b>now</b>" not in message.html

    def test_updates_say_so(self):
        assert "Update: ultimatum" in render(event("alert.updated")).title


async def _all(db, status):
    rows = await deliveries(db)
    return bool(rows) and all(row.status == status for row in rows)


async def test_mattermost_chat_through_apprise(db, tmp_path, kafka_settings_free):
    async with Receiver() as receiver:
        sub = subscription("desk", channels=[f"mmost://127.0.0.1:{receiver.port}/tokentoken"])
        settings = settings_for(kafka_settings_free, tmp_path, [sub])
        await record_signal(db, [sub], signal(detection()), time.time())
        await run_dispatcher_until(db, settings, [sub], lambda: _all(db, "delivered"))
    (request,) = receiver.requests
    assert request.path == "/hooks/tokentoken"
    text = request.json()["text"]
    assert "ultimatum" in text and "Guyana" in text


async def test_failing_chat_is_retried_then_dead(db, tmp_path, kafka_settings_free):
    from tests.alerts.receivers import Reply

    async with Receiver(lambda request: Reply(500)) as receiver:
        sub = subscription("desk", channels=[f"json://127.0.0.1:{receiver.port}/chat"])
        settings = settings_for(kafka_settings_free, tmp_path, [sub], retry_schedule=[0.02])
        await record_signal(db, [sub], signal(detection()), time.time())
        await run_dispatcher_until(db, settings, [sub], lambda: _all(db, "dead"))
    assert len(receiver.requests) == 2


async def test_mailto_through_apprise(db, tmp_path, kafka_settings_free):
    with smtp_server() as (box, port):
        sub = subscription("desk", channels=[f"mailto://127.0.0.1:{port}?from=alerts@example.org&to=desk@example.org"])
        settings = settings_for(kafka_settings_free, tmp_path, [sub])
        await record_signal(db, [sub], signal(detection()), time.time())
        await run_dispatcher_until(db, settings, [sub], lambda: _all(db, "delivered"))
    (mail,) = box.messages()
    assert mail["To"] == "desk@example.org"
    assert "ultimatum" in mail["Subject"]


async def test_direct_smtp_sends_plain_and_html(db, tmp_path, kafka_settings_free):
    with smtp_server() as (box, port):
        url = f"smtp://127.0.0.1:{port}?from=alerts@example.org&to=desk@example.org,night@example.org"
        sub = subscription("desk", channels=[url])
        settings = settings_for(kafka_settings_free, tmp_path, [sub])
        await record_signal(db, [sub], signal(detection(sentence=SENTENCE)), time.time())
        await run_dispatcher_until(db, settings, [sub], lambda: _all(db, "delivered"))
    (envelope,) = box.envelopes
    assert envelope.rcpt_tos == ["desk@example.org", "night@example.org"]
    (mail,) = box.messages()
    (row,) = await deliveries(db)
    assert mail["Message-ID"] == f"<{row.id}@tocsin>"
    plain = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert "ultimatum" in plain and "<strong>ultimatum</strong>" in html


async def test_unreachable_smtp_is_retried(db, tmp_path, kafka_settings_free):
    from tests.alerts.smtp_server import _free_port

    sub = subscription("desk", channels=[f"smtp://127.0.0.1:{_free_port()}?to=desk@example.org"])
    settings = settings_for(kafka_settings_free, tmp_path, [sub], retry_schedule=[0.02])
    await record_signal(db, [sub], signal(detection()), time.time())
    await run_dispatcher_until(db, settings, [sub], lambda: _all(db, "dead"))
    (row,) = await deliveries(db)
    assert row.attempts == 2 and "retry schedule spent" in row.last_error
