"""Faust's aiokafka transport with a configurable fetch wait.

Faust hard-codes ``fetch_max_wait_ms=1500``. A broker that does not end a long poll early
when data arrives on one of several fetched topics (tansu, the embedded broker, behaves so)
then adds up to 1.5 s per hop; two hops made the median feed-to-signal latency about
1.5 s. Capping the wait bounds that cost at ``kafka.fetch_max_wait`` per hop, at the price
of a few more idle fetch requests against a real cluster.

The consumer also keeps Faust's at-least-once promise across rebalances: its "seek to
committed" rewinds partitions nobody has committed yet (:func:`seek_to_committed_or_reset`),
and records of a batch fetched before such a seek are dropped rather than delivered
(:class:`_Consumer`); without both, a worker taking over a killed worker's partitions was
seen to skip records for good.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Collection, Mapping
from typing import Any

import faust
from aiokafka import AIOKafkaConsumer
from faust.transport.drivers import aiokafka as faust_aiokafka
from faust.types import TP
from mode.services import WaitResults

from services.stream.eager import Suspended, resume, step_inline

PATCHED_FAUST_VERSION = "0.15.3"
"""The faust-streaming release whose internals these patches were written against and tested
with (pinned in pyproject.toml). A test fails when another release is installed: read the
patched methods against the new release before moving the pin."""


async def seek_to_committed_or_reset(
    consumer: AIOKafkaConsumer,
    reset: str,
    resettable: Callable[[TP], bool] = lambda _tp: True,
    on_seek: Callable[[Collection[TP]], None] = lambda _tps: None,
) -> Mapping[TP, int | None]:
    """Seek every assigned partition to its committed offset, applying ``reset`` to stream
    partitions where nothing is committed; return the committed offsets.

    Faust discards records it has fetched but not yet processed when a rebalance or table
    recovery stops and resumes flow (agent queues are cleared on resume, streams skip events
    while flow control is suspended), trusting the seek to committed offsets that precedes
    the resume to rewind the fetcher so those records are read again.
    aiokafka's ``seek_to_committed`` seeks only partitions whose committed offset is above
    0. On a partition nobody has committed yet (its previous owner was killed within its
    first commit interval), the worker taking it over then continued after the dropped
    records: they were never processed, and its commits there stalled below them. Such
    partitions are rewound per ``reset`` (and to 0 where 0 is committed); records read
    again are harmless because every output is idempotent.

    All seeks happen in one step with no await between them, and ``on_seek`` is told
    which partitions moved within that step, so a caller on the consumer's loop can tell
    a batch fetched before the seek from one fetched after it.
    """
    committed: dict[TP, int | None] = {}
    for tp in consumer.assignment():
        committed[tp] = await consumer.committed(tp)
    # from here to the reset request, nothing awaits: no fetch can interleave
    sought: list[TP] = []
    for tp, offset in committed.items():
        if offset is not None and (offset > 0 or (offset == 0 and resettable(tp))):
            consumer.seek(tp, offset)
            sought.append(tp)
    unset = [tp for tp, offset in committed.items() if (offset is None or offset < 0) and resettable(tp)]
    if reset not in ("earliest", "latest"):
        unset = []
    on_seek([*sought, *unset])
    if unset and reset == "earliest":
        await consumer.seek_to_beginning(*unset)  # invalidates buffered records before it awaits
    elif unset:
        await consumer.seek_to_end(*unset)
    return committed


class _Records(dict[TP, list[Any]]):
    """A fetched batch, tagged with the consumer thread's seek epoch when it left aiokafka."""

    seek_epoch: int = 0


class _ConsumerThread(faust_aiokafka.AIOKafkaConsumerThread):
    seek_epoch: int = 0
    sought_at: dict[TP, int]

    def _create_worker_consumer(self, transport: Any) -> Any:
        consumer = super()._create_worker_consumer(transport)
        wait = getattr(self.app, "fetch_max_wait_ms", None)
        if wait is not None:
            consumer._fetch_max_wait_ms = int(wait)  # read when the consumer starts its fetcher
        return consumer

    async def seek_to_committed(self) -> Mapping[TP, int]:
        """Seek to committed offsets, rewinding stream partitions that have none (see
        :func:`seek_to_committed_or_reset`); changelog partitions are left to Faust's recovery."""
        consumer = self.consumer

        def resettable(tp: TP) -> bool:
            return self.app.topics.acks_enabled_for(tp.topic) and not consumer._is_changelog_tp(tp)

        reset = self.app.conf.consumer_auto_offset_reset
        committed: Mapping[TP, int] = await self.call_thread(  # mode's call_thread returns Any
            seek_to_committed_or_reset, self._ensure_consumer(), reset, resettable, self._on_seek
        )
        return committed

    def _on_seek(self, tps: Collection[TP]) -> None:
        self.seek_epoch += 1
        if not hasattr(self, "sought_at"):
            self.sought_at = {}
        self.sought_at.update({tp: self.seek_epoch for tp in tps})

    def is_stale(self, tp: TP, batch_epoch: int) -> bool:
        """Whether a record of ``tp`` from a batch tagged ``batch_epoch`` predates a seek of
        ``tp``: its partition was rewound at or below it, so it will be fetched again."""
        sought_at: dict[TP, int] = getattr(self, "sought_at", {})
        return sought_at.get(tp, -1) > batch_epoch

    async def _fetch_records(self, *args: Any, **kwargs: Any) -> _Records:
        records = _Records(await super()._fetch_records(*args, **kwargs))
        records.seek_epoch = self.seek_epoch  # same loop as the seeks: no seek can fall between
        return records


class _Consumer(faust_aiokafka.Consumer):
    """Drops records of a batch fetched before a seek to committed offsets, and hands each
    record to its stream without a task when that needs no waiting.

    Faust keeps yielding a batch it holds while a rebalance seeks its partitions back; the
    stale records advance its read offset, so the same records fetched again after the seek
    are discarded as already read, and records Faust discarded around the rebalance are
    lost even where the seek did rewind the partition.
    """

    _batch_epoch: int = 0

    def _new_consumer_thread(self) -> _ConsumerThread:
        return _ConsumerThread(self, loop=self.loop, beacon=self.beacon)

    async def _getmany(self, active_partitions: Any, timeout: float) -> Any:
        records = await super()._getmany(active_partitions, timeout)
        self._batch_epoch = getattr(records, "seek_epoch", self._batch_epoch)
        return records

    async def wait_first(self, *coros: Any, timeout: Any = None) -> WaitResults:
        """Faust's per-record ``wait_first(callback(record), suspend_flow.wait())``, with the
        callback first stepped inline (:mod:`services.stream.eager`).

        While flow is not suspended and the consumer neither stopping nor crashed, nothing
        can change that during a step that never yields to the loop, so a callback that
        finishes in it has won the race it would have won with tasks. A callback that has to
        wait is finished under Faust's ``wait_first`` as before; every other call goes
        straight there.
        """
        if timeout is None and len(coros) == 2 and self._is_record_hand_off(*coros):
            callback, flow = coros
            try:
                outcome = step_inline(callback)
            except BaseException:
                flow.close()
                raise
            if not isinstance(outcome, Suspended):
                flow.close()
                return WaitResults([callback], [outcome], False)
            coros = (resume(outcome), flow)
        return await super().wait_first(*coros, timeout=timeout)

    def _is_record_hand_off(self, callback: Any, flow: Any) -> bool:
        if self.suspend_flow.is_set() or self._stopped.is_set() or self._crashed.is_set():
            return False
        frame = getattr(flow, "cr_frame", None)
        return asyncio.iscoroutine(callback) and frame is not None and frame.f_locals.get("self") is self.suspend_flow

    async def getmany(self, timeout: float) -> AsyncIterator[tuple[TP, Any]]:
        thread = self._thread
        async for tp, message in super().getmany(timeout):
            if isinstance(thread, _ConsumerThread) and thread.is_stale(tp, self._batch_epoch):
                continue
            yield tp, message


class _Transport(faust_aiokafka.Transport):
    Consumer = _Consumer


class TocsinFaustApp(faust.App):
    """``faust.App`` whose consumer honours ``fetch_max_wait_ms`` and rewinds uncommitted
    stream partitions when it seeks to committed offsets."""

    fetch_max_wait_ms: int | None = None

    def _new_transport(self) -> Any:
        return _Transport(self.conf.broker_consumer, self)
