"""A backtest: archived documents replayed through a draft pattern or threshold, against today's.

The request and the report of ``POST /v1/patterns/backtest``; ``tocsin patterns backtest
--json`` prints the same report. A pattern "fires" on a document when it yields at least one
detection there; the report compares, per document and pattern, the draft with the catalog
the detector runs today.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

MAX_PATTERN_CHARS = 200_000
MAX_DOCUMENTS = 2_000
"""At most this many documents per backtest: each costs a detection run, twice."""
MAX_SHOWN = 200
DEFAULT_SINCE = 2 * 86400.0
MAX_SINCE = 366 * 86400.0
_UNITS = {"s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")


def _seconds(value: object) -> object:
    """``"2d"``, ``"6h"``, ``"90m"`` or a number of seconds (the config file's spelling)."""
    if isinstance(value, str):
        match = _DURATION.match(value)
        if not match:
            raise ValueError(f"{value!r} is not a duration like '6h' or '2d'")
        return float(match.group(1)) * _UNITS[match.group(2) or "s"]
    return value


Duration = Annotated[float, BeforeValidator(_seconds)]


class BacktestRequest(BaseModel):
    """Give a draft pattern file (``pattern``), a ``threshold``, or both."""

    model_config = ConfigDict(extra="forbid")

    pattern: str | None = Field(
        None, min_length=1, max_length=MAX_PATTERN_CHARS, description="a pattern file's YAML text (the draft)"
    )
    threshold: float | None = Field(
        None,
        ge=0.0,
        le=1.0,
        description="the draft keeps only detections scoring at least this (probability if given, else confidence)",
    )
    patterns: list[str] = Field(
        default_factory=list,
        max_length=50,
        description="compare only these pattern ids (default: the draft's id, or every pattern)",
    )
    since: Duration = Field(
        DEFAULT_SINCE, gt=0, le=MAX_SINCE, description="replay documents archived this long ago or later: '2d', '6h'"
    )
    limit: int = Field(500, ge=1, le=MAX_DOCUMENTS, description="replay at most this many documents, newest first")
    show: int = Field(50, ge=0, le=MAX_SHOWN, description="list at most this many changed detections")


class PatternTally(BaseModel):
    """Documents a pattern fires on today and with the draft; ``new`` and ``gone`` are the difference."""

    pattern: str
    fires_today: int
    would_fire: int
    new: int
    gone: int


class BacktestChange(BaseModel):
    """One document where the draft and today disagree about one pattern."""

    change: Literal["new", "gone"]
    pattern: str
    document_id: str
    source_id: str
    title: str
    url: str | None
    sentence: str
    score: float


class BacktestReport(BaseModel):
    since: datetime
    documents: int
    limited: bool = Field(description="more documents were archived in the window than were replayed")
    draft: str | None = Field(description="the draft pattern's id, when a pattern was given")
    threshold: float | None
    patterns: list[PatternTally]
    changes_total: int
    changes: list[BacktestChange]
    skipped: int = Field(0, description="documents the detector failed on, left out of the tallies")
