"""The stage interface and its combinators, after Alertmanager's ``notify`` package.

A stage takes a context and some items and returns a (possibly updated) context and
(possibly fewer) items. Sequences stop as soon as nothing is left, so a stage that drops
everything (a duplicate, a silenced alert) ends the run without special cases.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Generic, Protocol, TypeVar

Ctx = TypeVar("Ctx")
Item = TypeVar("Item")


class Stage(Protocol[Ctx, Item]):
    async def exec(self, ctx: Ctx, items: list[Item]) -> tuple[Ctx, list[Item]]: ...


class MultiStage(Generic[Ctx, Item]):
    """Runs stages in order and stops when no item is left."""

    def __init__(self, stages: Sequence[Stage[Ctx, Item]]) -> None:
        self.stages = tuple(stages)

    async def exec(self, ctx: Ctx, items: list[Item]) -> tuple[Ctx, list[Item]]:
        for stage in self.stages:
            if not items:
                break
            ctx, items = await stage.exec(ctx, items)
        return ctx, items


class FanoutStage(Generic[Ctx, Item]):
    """Runs each item through the same stage concurrently, one task per item.

    Stages report delivery failures as data (``Outgoing.error``), so an exception here is a
    bug, and the task group cancels the siblings and raises it.
    """

    def __init__(self, stage: Stage[Ctx, Item]) -> None:
        self.stage = stage

    async def exec(self, ctx: Ctx, items: list[Item]) -> tuple[Ctx, list[Item]]:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(self.stage.exec(ctx, [item])) for item in items]
        left: list[Item] = []
        for task in tasks:
            left.extend(task.result()[1])
        return ctx, left
