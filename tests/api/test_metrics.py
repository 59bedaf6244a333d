"""``/metrics``: pipeline figures from the database, consumer lag from the real broker."""

from __future__ import annotations

import pytest

from services.platform import kafka as kafka_clients
from tests.api.live import api_settings, make_signal, scrape_metrics


def _value(text: str, prefix: str) -> float:
    [line] = [line for line in text.splitlines() if line.startswith(prefix)]
    return float(line.rsplit(" ", 1)[1])


async def test_pipeline_figures(live):
    token = await live.token("desk")
    sub = await live.subscription(token, webhook={"url": "https://hooks.example/desk"})
    await live.push_alert(sub["id"], make_signal(1))
    await live.push_alert(sub["id"], make_signal(2, countries=("GY",)))
    async with live.client() as client:
        text = (await client.get("/metrics")).text
    assert _value(text, "tocsin_alerts ") == 2.0
    assert _value(text, 'tocsin_deliveries{status="pending"}') == 2.0
    assert "tocsin_consumer_lag{" not in text  # no Kafka configured: no lag figures, no error


@pytest.mark.broker
async def test_consumer_lag_of_the_alerter(kafka_settings, tmp_path):
    await kafka_clients.ensure_topics(kafka_settings, [kafka_settings.signals_topic, kafka_settings.documents_topic])
    producer = kafka_clients.make_producer(kafka_settings, enable_idempotence=False)
    await producer.start()
    try:
        for n in range(3):
            await producer.send_and_wait(kafka_settings.signals_topic, b"{}", key=str(n).encode())
    finally:
        await producer.stop()
    text = await scrape_metrics(tmp_path, api_settings(tmp_path, kafka=kafka_settings))
    group = f"{kafka_settings.consumer_group_prefix}-alerter"
    assert _value(text, f'tocsin_consumer_lag{{group="{group}",topic="{kafka_settings.signals_topic}"}}') == 3.0
