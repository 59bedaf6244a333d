"""Stepping a coroutine inline (services.stream.eager) behaves as running it in a task."""

from __future__ import annotations

import asyncio

import pytest

from services.stream.eager import Suspended, resume, step_inline


async def _returns(value: int) -> int:
    return value


async def _raises() -> None:
    raise ValueError("bad record")


async def _waits_for(future: asyncio.Future[int], log: list[str]) -> int:
    log.append("started")
    try:
        value = await future
    except asyncio.CancelledError:
        log.append("cancelled")
        raise
    finally:
        log.append("cleaned up")
    return value * 2


class TestStepInline:
    def test_a_coroutine_that_never_waits_finishes_in_the_step(self) -> None:
        assert step_inline(_returns(7)) == 7

    def test_an_exception_raised_before_any_wait_propagates(self) -> None:
        with pytest.raises(ValueError, match="bad record"):
            step_inline(_raises())

    async def test_a_coroutine_that_waits_is_left_suspended_on_its_future(self) -> None:
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        log: list[str] = []
        outcome = step_inline(_waits_for(future, log))
        assert isinstance(outcome, Suspended)
        assert outcome.waiting_on is future
        assert log == ["started"]
        outcome.coroutine.close()


def _resumed_waiter() -> tuple[asyncio.Future[int], list[str], asyncio.Task[int]]:
    """A coroutine stepped inline up to its wait on a future, then resumed in a task."""
    future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    log: list[str] = []
    outcome = step_inline(_waits_for(future, log))
    assert isinstance(outcome, Suspended)
    return future, log, asyncio.ensure_future(resume(outcome))


class TestResume:
    async def test_finishes_with_the_value_the_future_brings(self) -> None:
        future, log, task = _resumed_waiter()
        await asyncio.sleep(0)
        assert not task.done()
        future.set_result(21)
        assert await task == 42
        assert log == ["started", "cleaned up"]

    async def test_the_futures_exception_is_raised_inside_the_coroutine(self) -> None:
        future, log, task = _resumed_waiter()
        future.set_exception(LookupError("gone"))
        with pytest.raises(LookupError, match="gone"):
            await task
        assert log == ["started", "cleaned up"]

    async def test_cancelling_the_task_cancels_the_coroutine_where_it_waits(self) -> None:
        future, log, task = _resumed_waiter()
        await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert log == ["started", "cancelled", "cleaned up"]

    async def test_cancelled_after_the_future_resolved_still_cancels(self) -> None:
        """The race a task also has: the result came, but the cancellation came before the
        coroutine could run on; it must see the cancellation, not carry on."""
        future, log, task = _resumed_waiter()
        await asyncio.sleep(0)
        future.set_result(1)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert "cancelled" in log

    async def test_bare_yields_and_several_waits_are_driven_to_the_end(self) -> None:
        loop = asyncio.get_running_loop()
        first: asyncio.Future[int] = loop.create_future()
        second: asyncio.Future[int] = loop.create_future()

        async def several() -> int:
            await asyncio.sleep(0)
            a = await first
            await asyncio.sleep(0)
            b = await second
            return a + b

        outcome = step_inline(several())
        assert isinstance(outcome, Suspended)
        assert outcome.waiting_on is None  # asyncio.sleep(0) is a bare yield
        task = asyncio.ensure_future(resume(outcome))
        loop.call_later(0.01, first.set_result, 1)
        loop.call_later(0.02, second.set_result, 2)
        assert await asyncio.wait_for(task, 2) == 3
