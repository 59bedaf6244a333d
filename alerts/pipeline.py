"""The stage interface and its combinators, after Alertmanager's ``notify`` package.

A stage takes a context and some items and returns a (possibly updated) context and
(possibly fewer) items. Sequences stop as soon as nothing is left, so a stage that drops
everything (a duplicate, a silenced alert) ends the run without special cases. The
pipelines themselves are assembled in :mod:`alerts.pipelines`.
"""

from __future__ import annotations

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
