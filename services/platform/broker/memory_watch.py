"""Keeps an eye on the embedded broker's memory, which only ever grows.

tansu's memory storage keeps every message of every topic for as long as it runs: the binary
Tocsin ships applies no retention and refuses DeleteRecords. That is right for development
and a small desk, and a slow leak for anything left running for weeks (a ten-minute soak at
200 documents/s adds ~90 MB). Nothing in Tocsin can give that memory back, so ``tocsin run``
makes it visible instead: it reads the broker's resident memory every ``interval``, publishes
it as ``tocsin_embedded_broker_resident_bytes`` on ``/metrics``, and logs a warning naming
the remedy when it passes the warning level, and again at every doubling after that.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import structlog
from prometheus_client.core import GaugeMetricFamily

log = structlog.get_logger(__name__)

MIB = 1024 * 1024
DEFAULT_INTERVAL = 30.0
REMEDY = (
    "the embedded broker keeps every message in memory and never frees it; for a long-running "
    "service set kafka.bootstrap (TOCSIN_KAFKA_BOOTSTRAP) to a Kafka cluster, whose retention bounds it"
)


def resident_bytes(pid: int) -> int | None:
    """VmRSS of ``pid`` in bytes, from /proc; ``None`` when it is gone or /proc cannot tell."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024  # the kernel reports kB
    return None  # a zombie has no VmRSS line


class BrokerMemoryWatch:
    """Reads one process's resident memory and warns as it crosses each doubling of a level.

    ``warn_at_mb`` of 0 only publishes the figure, never warns.
    """

    def __init__(self, pid: int, warn_at_mb: int, interval: float = DEFAULT_INTERVAL) -> None:
        self.pid = pid
        self.interval = interval
        self.last_bytes: int | None = None
        self._next_warning = warn_at_mb * MIB if warn_at_mb > 0 else None

    def check(self) -> int | None:
        """One reading: remembered for ``/metrics``, and a warning if a level was passed."""
        self.last_bytes = resident_bytes(self.pid)
        if self.last_bytes is None or self._next_warning is None or self.last_bytes < self._next_warning:
            return self.last_bytes
        while self._next_warning <= self.last_bytes:  # one line however far it jumped
            self._next_warning *= 2
        log.warning(
            "broker.memory_high",
            resident_mb=round(self.last_bytes / MIB),
            next_warning_mb=self._next_warning // MIB,
            advice=REMEDY,
        )
        return self.last_bytes

    async def run(self) -> None:
        """Checks every ``interval`` until cancelled; a failed reading never stops the watch."""
        while True:
            try:
                self.check()
            except Exception as exc:  # noqa: BLE001 - visibility must never take the service down
                log.warning("broker.memory_unreadable", error=f"{type(exc).__name__}: {exc}")
            await asyncio.sleep(self.interval)

    def families(self) -> list[GaugeMetricFamily]:
        """The last reading as a Prometheus gauge; nothing before the first or after the process went."""
        if self.last_bytes is None:
            return []
        gauge = GaugeMetricFamily(
            "tocsin_embedded_broker_resident_bytes",
            "resident memory of the embedded tansu broker, which keeps every message in memory",
        )
        gauge.add_metric([], float(self.last_bytes))
        return [gauge]
