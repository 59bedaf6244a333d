"""Ops events survive a broker freeze and a restart (issue 19, item 12: ten were dropped).

The producer here is a stand-in whose sends fail while "frozen" (as aiokafka's do once the
request times out); the real broker path is covered by test_crash_and_scale's ops-topic test.
"""

from __future__ import annotations

import asyncio
import json
import time

from alerts.ops import OpsRelay, OutboxOpsEvents


class FreezableProducer:
    def __init__(self) -> None:
        self.frozen = True
        self.sent: list[tuple[str, bytes, bytes]] = []
        self.refused = 0

    async def send_and_wait(self, topic: str, value: bytes, key: bytes) -> None:
        if self.frozen:
            self.refused += 1
            await asyncio.sleep(0.01)
            raise TimeoutError("broker frozen")
        self.sent.append((topic, value, key))


async def test_events_raised_during_a_freeze_reach_the_topic_in_order_once_it_thaws(db):
    producer = FreezableProducer()
    relay = OpsRelay(db, producer, "tocsin.ops", idle_poll=0.05)  # type: ignore[arg-type]
    ops = OutboxOpsEvents(db, time.time, on_recorded=relay.wake)
    stop = asyncio.Event()
    running = asyncio.create_task(relay.run(stop))
    try:
        for n in range(10):
            await ops.publish(
                "delivery.dead_lettered", level="endpoint", subscription_id="desk", delivery_id=f"msg_{n}"
            )
        async with asyncio.timeout(10):
            while producer.refused < 2:  # the relay has tried, and failed, at least twice
                await asyncio.sleep(0.02)
        assert producer.sent == []
        producer.frozen = False
        async with asyncio.timeout(30):
            while len(producer.sent) < 10:
                await asyncio.sleep(0.05)
    finally:
        stop.set()
        await asyncio.wait_for(running, 10)
    events = [json.loads(value) for _, value, _ in producer.sent]
    assert [e["delivery_id"] for e in events] == [f"msg_{n}" for n in range(10)]
    assert {e["kind"] for e in events} == {"delivery.dead_lettered"} and events[0]["service"] == "alerter"
    assert {key for _, _, key in producer.sent} == {b"desk"}
    assert await OpsRelay(db, producer, "tocsin.ops").relay_pending() == 0  # nothing left stored  # type: ignore[arg-type]


async def test_events_left_at_a_stop_go_out_after_the_restart(db):
    frozen = FreezableProducer()
    ops = OutboxOpsEvents(db, time.time)
    await ops.publish("endpoint.disabled", level="endpoint", subscription_id="desk", reason="410")
    stop = asyncio.Event()
    stop.set()
    await OpsRelay(db, frozen, "tocsin.ops").run(stop)  # type: ignore[arg-type]  # stops with the broker still frozen
    assert frozen.sent == []

    thawed = FreezableProducer()
    thawed.frozen = False
    assert await OpsRelay(db, thawed, "tocsin.ops").relay_pending() == 1  # type: ignore[arg-type]
    assert json.loads(thawed.sent[0][1])["kind"] == "endpoint.disabled"
