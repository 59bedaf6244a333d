"""``/v1/patterns`` (admin only): the watched patterns as loaded, and a validator for new ones.

Patterns are files (one YAML file each, see services/detector/schema.py) in the built-in
directory and ``detector.patterns_dir``; the detector reloads that directory on change, so
an admin validates a file here, then drops it there. ``POST /v1/patterns/backtest`` replays
archived documents through a draft before it goes live (see docs/archive-and-backtest.md).
"""

from __future__ import annotations

import asyncio
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field

from models.backtest import BacktestReport, BacktestRequest
from services.api.deps import Admin, Ctx, not_found
from services.detector.catalog import BUILTIN_PATTERNS_DIR, load_shared_lexicons, pattern_files
from services.detector.schema import PatternFileError, PatternSpec, read_pattern_file

router = APIRouter(prefix="/v1/patterns", tags=["patterns"])

MAX_PATTERN_CHARS = 200_000


class PatternSummary(BaseModel):
    id: str
    title: str
    description: str
    cameo: str | None
    enabled: bool
    rules: int
    file: str


class PatternDetail(PatternSummary):
    spec: dict[str, Any]


class PatternDraft(BaseModel):
    yaml: str = Field(max_length=MAX_PATTERN_CHARS, description="the pattern file's text")


class Verdict(BaseModel):
    valid: bool
    id: str | None = None
    errors: list[str]


def _directories(ctx: Ctx) -> list[Path]:
    dirs = [BUILTIN_PATTERNS_DIR]
    if ctx.settings.detector.patterns_dir is not None:
        dirs.append(Path(ctx.settings.detector.patterns_dir))
    return dirs


def _specs(ctx: Ctx) -> dict[str, tuple[PatternSpec, Path]]:
    """Every readable pattern, a later directory overriding a built-in with the same id."""
    shared = load_shared_lexicons()
    found: dict[str, tuple[PatternSpec, Path]] = {}
    for directory in _directories(ctx):
        for path in pattern_files(directory):
            try:
                spec = read_pattern_file(path, shared)
            except PatternFileError:
                continue  # the detector keeps its previous set on a broken file; so do we
            found[spec.id] = (spec, path)
    return found


def _summary(spec: PatternSpec, path: Path) -> dict[str, Any]:
    return {
        "id": spec.id,
        "title": spec.title,
        "description": spec.description,
        "cameo": spec.cameo,
        "enabled": spec.enabled,
        "rules": len(spec.rules),
        "file": path.name,
    }


@router.get("", response_model=list[PatternSummary])
async def list_patterns(ctx: Ctx, _: Admin) -> list[PatternSummary]:
    return [PatternSummary(**_summary(spec, path)) for spec, path in _specs(ctx).values()]


_BACKTEST_SLOT = asyncio.Semaphore(1)
"""One backtest at a time per API process: each is up to 2 × limit detection runs on its CPU."""


@router.post("/backtest", response_model=BacktestReport)
async def backtest_pattern(ctx: Ctx, _: Admin, request: BacktestRequest) -> BacktestReport:
    """Replays archived documents through a draft pattern and/or threshold; what would fire beside what fires today.

    Admin only: the archive holds every tenant's sources. Bounded by ``limit`` (at most
    2,000 documents, newest first) and one backtest at a time; a second gets 429.
    """
    from services.api.routes.analyze import engine_of
    from services.detector.backtest import archived_documents, engine_factory, pattern_directories, run_backtest
    from services.detector.schema import PatternFileError

    if request.pattern is None and request.threshold is None:
        raise HTTPException(422, [{"loc": ["body"], "type": "value_error", "msg": "give pattern, threshold, or both"}])
    if _BACKTEST_SLOT.locked():
        raise HTTPException(429, "a backtest is already running", headers={"Retry-After": "10"})
    async with _BACKTEST_SLOT:
        since = datetime.now(timezone.utc) - timedelta(seconds=request.since)
        documents, limited = await archived_documents(ctx.db, since, request.limit)
        today = await engine_of(ctx)
        try:
            return await asyncio.to_thread(
                run_backtest,
                documents,
                today,
                engine_factory(today),
                pattern_directories(ctx.settings.detector.patterns_dir),
                draft_text=request.pattern,
                threshold=request.threshold,
                patterns=request.patterns,
                since=since,
                limited=limited,
                show=request.show,
            )
        except PatternFileError as exc:
            raise HTTPException(
                422, [{"loc": ["body", "pattern"], "type": "value_error", "msg": problem} for problem in exc.problems]
            ) from None


@router.get("/{pattern_id}", response_model=PatternDetail)
async def get_pattern(ctx: Ctx, _: Admin, pattern_id: str) -> PatternDetail:
    found = _specs(ctx).get(pattern_id)
    if found is None:
        raise not_found("pattern")
    spec, path = found
    return PatternDetail(**_summary(spec, path), spec=spec.model_dump(mode="json", by_alias=True))


@router.post("/validate", response_model=Verdict)
async def validate_pattern(_: Admin, draft: PatternDraft) -> Verdict:
    """Checks a pattern file's text exactly as the detector would; every error names its field."""
    with tempfile.TemporaryDirectory(prefix="tocsin-pattern-") as scratch:
        path = Path(scratch) / "draft.yaml"
        path.write_text(draft.yaml, encoding="utf-8")
        try:
            spec = read_pattern_file(path, load_shared_lexicons())
        except PatternFileError as exc:
            return Verdict(valid=False, errors=list(exc.problems))
    return Verdict(valid=True, id=spec.id, errors=[])
