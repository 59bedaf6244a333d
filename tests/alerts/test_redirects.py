"""Issue 19 item 4: a redirect from a webhook receiver is a failed attempt, recorded with its
status; only 307/308 (which keep the POST and its body) are followed, on the same host only."""

from __future__ import annotations

import time

import pytest

from alerts.intake import record_signal
from alerts.outbox import attempts, deliveries
from services.api.webhook_probe import send_test_event
from tests.alerts.delivery_harness import run_dispatcher_until
from tests.alerts.factories import detection, settings_for, signal, subscription
from tests.alerts.receivers import Receiver, Reply


async def _all(db, status):  # type: ignore[no-untyped-def]
    rows = await deliveries(db)
    return bool(rows) and all(row.status == status for row in rows)


@pytest.mark.parametrize("code", [301, 302, 303])
async def test_a_301_302_303_is_a_failed_attempt_with_its_status(db, tmp_path, kafka_settings_free, code):  # type: ignore[no-untyped-def]
    async with Receiver() as moved:
        async with Receiver(lambda request: Reply(code, {"location": moved.url})) as receiver:
            sub = subscription("desk", receiver.url)
            settings = settings_for(kafka_settings_free, tmp_path, [sub], retry_schedule=[0.02])
            await record_signal(db, [sub], signal(detection()), time.time())
            await run_dispatcher_until(db, settings, [sub], lambda: _all(db, "dead"))
    assert moved.requests == [], "the POST was re-sent elsewhere as a GET"
    (row,) = await deliveries(db)
    history = await attempts(db, row.id)
    assert [(a.status_code, a.outcome) for a in history] == [(code, "retry"), (code, "retry")]
    assert row.status == "dead"
    assert str(code) in (history[0].error or "")


async def test_the_test_button_reports_a_redirect_as_not_delivered(tmp_path, kafka_settings_free):  # type: ignore[no-untyped-def]
    async with Receiver() as moved:
        async with Receiver(lambda request: Reply(302, {"location": moved.url})) as receiver:
            sub = subscription("desk", receiver.url)
            settings = settings_for(kafka_settings_free, tmp_path, [sub])
            result = await send_test_event(settings, sub, time.time)
    assert result["delivered"] is False and result["status_code"] == 302
    assert moved.requests == []


async def test_a_307_on_the_same_host_is_followed_with_the_body(tmp_path, kafka_settings_free):  # type: ignore[no-untyped-def]
    def answer(request):  # type: ignore[no-untyped-def]
        return Reply(307, {"location": "/moved"}) if request.path == "/hook" else Reply(204)

    async with Receiver(answer) as receiver:
        sub = subscription("desk", receiver.url)
        result = await send_test_event(settings_for(kafka_settings_free, tmp_path, [sub]), sub, time.time)
    assert result["delivered"] is True and result["status_code"] == 204
    first, second = receiver.requests
    assert second.method == "POST" and second.path == "/moved" and second.body == first.body


async def test_a_308_to_another_host_is_not_followed(tmp_path, kafka_settings_free):  # type: ignore[no-untyped-def]
    async with Receiver() as elsewhere:
        target = f"http://localhost:{elsewhere.port}/hook"
        async with Receiver(lambda request: Reply(308, {"location": target})) as receiver:
            sub = subscription("desk", receiver.url)
            result = await send_test_event(settings_for(kafka_settings_free, tmp_path, [sub]), sub, time.time)
    assert result["delivered"] is False and result["status_code"] == 308
    assert elsewhere.requests == []
