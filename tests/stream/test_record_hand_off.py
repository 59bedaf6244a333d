"""The detect workers' Faust consumer hands a record to its stream inline when nothing waits."""

from __future__ import annotations

import asyncio

import pytest

from services.stream.transport import TocsinFaustApp


@pytest.fixture
async def consumer(tmp_path):
    """A consumer that never connects: only its hand-off is used. Made on the running loop,
    which Faust's own ``wait_first`` schedules its tasks on."""
    app = TocsinFaustApp(
        "hand-off-test",
        broker="kafka://127.0.0.1:9",
        store="memory://",
        autodiscover=False,
        web_enabled=False,
        datadir=str(tmp_path),
        loop=asyncio.get_running_loop(),
    )
    return app.consumer


async def _ran_in(tasks: list[asyncio.Task | None], wait: float = 0.0) -> str:
    tasks.append(asyncio.current_task())
    if wait:
        await asyncio.sleep(wait)
    return "delivered"


class TestRecordHandOff:
    async def test_a_callback_that_never_waits_runs_in_the_fetching_task(self, consumer) -> None:
        tasks: list[asyncio.Task | None] = []
        result = await consumer.wait_first(_ran_in(tasks), consumer.suspend_flow.wait())
        assert tasks == [asyncio.current_task()]
        assert result.results == ["delivered"] and not result.stopped

    async def test_a_callback_that_waits_is_finished_in_a_task_of_its_own(self, consumer) -> None:
        tasks: list[asyncio.Task | None] = []
        result = await consumer.wait_first(_ran_in(tasks, wait=0.01), consumer.suspend_flow.wait())
        assert tasks == [asyncio.current_task()]  # its first step ran inline
        assert result.results == ["delivered"]

    async def test_suspended_flow_goes_the_way_faust_goes(self, consumer) -> None:
        tasks: list[asyncio.Task | None] = []
        consumer.suspend_flow.set()
        try:
            await consumer.wait_first(_ran_in(tasks), consumer.suspend_flow.wait())
        finally:
            consumer.suspend_flow.clear()
        await asyncio.sleep(0)
        assert tasks and tasks[0] is not asyncio.current_task()

    async def test_other_waits_are_left_to_faust(self, consumer) -> None:
        tasks: list[asyncio.Task | None] = []
        other = asyncio.Event()
        other.set()
        await consumer.wait_first(_ran_in(tasks), other.wait())
        await asyncio.sleep(0)
        assert tasks and tasks[0] is not asyncio.current_task()
