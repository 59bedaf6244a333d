"""``tocsin sources check``: poll every configured source once, now, and say how each answered.

Why a command of its own: ``tocsin sources`` shows what the ingest service recorded, which
needs a run; a newcomer who has just copied the starter set, or an operator who suspects a
feed moved, wants the live answer of each address without starting anything. Nothing is
published or stored; the polls go through the same fetcher, limits and address guard as
the ingest service.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime

from services.ingest.reachability import looks_unreachable, summary_line
from services.platform.config import Settings

CHECK_TIMEOUT = 20.0  # seconds for one source's whole poll


@dataclass(frozen=True)
class SourceCheck:
    """How one source answered: ``ok`` with its item count, ``unreachable`` or ``failing``."""

    id: str
    kind: str
    state: str
    items: int
    detail: str


async def check_sources(settings: Settings, timeout: float = CHECK_TIMEOUT) -> list[SourceCheck]:
    """Every enabled source polled once, concurrently within the ingest service's limits."""
    from services.ingest.cycle import poll_source
    from services.ingest.fetcher import (
        Fetcher,
        FetchError,
        FetchLimits,
        make_http_client,
    )
    from services.ingest.kinds import PayloadInvalid, build_spec

    limits = FetchLimits(global_limit=settings.ingest.max_concurrency, per_host=settings.ingest.per_host_concurrency)
    specs = [build_spec(source) for source in settings.sources if source.enabled]

    async with make_http_client(settings.security.allow_private_targets, limits) as client:
        fetcher = Fetcher(client, limits)

        async def one(spec) -> SourceCheck:  # type: ignore[no-untyped-def]
            try:
                async with asyncio.timeout(timeout):
                    harvest = await poll_source(spec, fetcher, {}, datetime.now(UTC))
            except TimeoutError:
                return SourceCheck(spec.id, spec.kind, "unreachable", 0, f"no answer within {timeout:g}s")
            except FetchError as exc:
                state = "unreachable" if exc.status is None and looks_unreachable(str(exc)) else "failing"
                return SourceCheck(spec.id, spec.kind, state, 0, str(exc))
            except PayloadInvalid as exc:
                return SourceCheck(spec.id, spec.kind, "failing", 0, f"unreadable answer: {exc}")
            return SourceCheck(spec.id, spec.kind, "ok", len(harvest.documents), "")

        return list(await asyncio.gather(*(one(spec) for spec in specs)))


def render_checks(checks: list[SourceCheck]) -> str:
    """A table, one source a line, and the summary line last."""
    if not checks:
        return "no enabled sources configured"
    id_width = max(len("ID"), *(len(check.id) for check in checks))
    kind_width = max(len("KIND"), *(len(check.kind) for check in checks))
    lines = [f"{'ID':<{id_width}}  {'KIND':<{kind_width}}  {'STATE':<11}  ITEMS  DETAIL"]
    for check in checks:
        lines.append(
            f"{check.id:<{id_width}}  {check.kind:<{kind_width}}  {check.state:<11}  {check.items:>5}  {check.detail[:80]}".rstrip()
        )
    lines.append(summary(checks))
    return "\n".join(lines)


def summary(checks: list[SourceCheck]) -> str:
    total = len(checks)
    unreachable = sum(check.state == "unreachable" for check in checks)
    failing = sum(check.state == "failing" for check in checks)
    ok = total - unreachable - failing
    parts = [f"{ok}/{total} sources answered"]
    if failing:
        parts.append(f"{failing} failing")
    line = summary_line(unreachable, total)
    if line:
        parts.append(line)
    return "; ".join(parts)
