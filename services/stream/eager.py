"""Running a coroutine inline until it first suspends, as Python 3.12's eager tasks do.

Faust hands every fetched record to its stream through ``wait_first(callback(record),
suspend_flow.wait())``, which wraps both in tasks (plus two more for the consumer's stop and
crash events) and waits on the four: several microseconds of task set-up and tear-down per
record, in the hottest loop of a worker, although the callback almost always finishes without
ever waiting (it puts the record in a stream's queue that has room). Stepping the callback
once inline settles that common case with no task at all; only a callback that really has to
wait is finished by :func:`resume`, as a task, under Faust's own ``wait_first``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar, cast

T = TypeVar("T")


class Suspended:
    """What :func:`step_inline` returns when the coroutine stopped to wait for something."""

    __slots__ = ("coroutine", "waiting_on")

    def __init__(self, coroutine: Coroutine[Any, Any, Any], waiting_on: Any) -> None:
        self.coroutine = coroutine
        self.waiting_on = waiting_on


def step_inline(coroutine: Coroutine[Any, Any, T]) -> T | Suspended:
    """Runs ``coroutine`` in the caller's frame up to its first suspension.

    Returns its result if it finished (an exception it raised propagates), or a
    :class:`Suspended` to be passed to :func:`resume`.
    """
    try:
        waiting_on = coroutine.send(None)
    except StopIteration as finished:
        return cast(T, finished.value)  # StopIteration.value is Any: the coroutine's result
    return Suspended(coroutine, waiting_on)


async def resume(suspended: Suspended) -> Any:
    """Drives a coroutine that :func:`step_inline` left waiting, to its end.

    Each future the coroutine yields is awaited here, so the task running this one waits for
    it; the coroutine is then sent ``None``, as a task does, and reads the outcome itself.
    Anything thrown in here (a cancellation, above all) is thrown into the coroutine at the
    point where it waits, so it can clean up exactly as it would under a task of its own.
    """
    coroutine, waiting_on = suspended.coroutine, suspended.waiting_on
    while True:
        try:
            if waiting_on is None:
                await asyncio.sleep(0)  # a bare yield: it asked for one turn of the loop
            elif asyncio.isfuture(waiting_on):
                waiting_on._asyncio_future_blocking = False  # set when it was yielded to no task
                await waiting_on
            else:
                raise RuntimeError(f"coroutine yielded {waiting_on!r}, which asyncio cannot wait for")
        except BaseException as exc:  # noqa: BLE001 - handed on to the coroutine, which decides
            try:
                waiting_on = coroutine.throw(exc)
            except StopIteration as finished:
                return finished.value
            continue
        try:
            waiting_on = coroutine.send(None)
        except StopIteration as finished:
            return finished.value
