"""Backtesting a draft pattern or threshold on archived documents (ElastAlert's test-rule).

Why here and this way: a pattern author wants to know, before dropping a file into
``detector.patterns_dir``, what it would have fired on in the news Tocsin actually saw, beside
what fires today. Both sides run the real engine through its public API (``detect_many``):
"today" is the configured catalog, the draft is the same directories plus one more holding
the draft file, which replaces the pattern with its id exactly as a user directory does. The
threshold, when given, filters the draft side's detections by score.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal, Protocol

import structlog

from models import Detection, Document
from models.backtest import BacktestChange, BacktestReport, PatternTally
from services.detector.catalog import BUILTIN_PATTERNS_DIR, load_shared_lexicons
from services.detector.schema import PatternFileError, PatternSpec, read_pattern_file

log = structlog.get_logger(__name__)

BATCH = 32
DRAFT_FILE = "draft.yaml"


class BatchDetector(Protocol):
    def detect_many(self, items: Sequence[tuple[str, str | None]]) -> list[list[Detection]]: ...


EngineFactory = Callable[[list[Path]], BatchDetector]
"""Builds an engine over these pattern directories (sharing the loaded spaCy pipeline)."""


def pattern_directories(patterns_dir: Path | None) -> list[Path]:
    """The directories the detector loads today, in override order."""
    return [BUILTIN_PATTERNS_DIR, *([Path(patterns_dir)] if patterns_dir is not None else [])]


def read_draft(text: str, scratch: Path) -> PatternSpec:
    """Writes the draft into ``scratch`` and validates it as the detector would.

    Raises :class:`~services.detector.schema.PatternFileError` naming each bad field.
    """
    path = scratch / DRAFT_FILE
    try:
        path.write_text(text, encoding="utf-8")
    except UnicodeEncodeError as exc:  # a lone surrogate from a JSON body
        raise PatternFileError(path, [f"not valid text: {exc.reason} at position {exc.start}"]) from None
    return read_pattern_file(path, load_shared_lexicons())


def score(detection: Detection) -> float:
    """The draft threshold's measure: the model's probability when the detection has one."""
    probability = getattr(detection, "probability", None)
    return float(probability) if probability is not None else detection.confidence


@dataclass(frozen=True)
class Comparison:
    """What to compare: which patterns, and the draft's threshold."""

    focus: frozenset[str] | None
    threshold: float | None
    draft_id: str | None


def _fired(detections: list[Detection], focus: frozenset[str] | None, threshold: float | None) -> dict[str, Detection]:
    """The patterns that fire, each with its best-scoring detection as evidence."""
    best: dict[str, Detection] = {}
    for detection in detections:
        if focus is not None and detection.pattern not in focus:
            continue
        if threshold is not None and score(detection) < threshold:
            continue
        current = best.get(detection.pattern)
        if current is None or score(detection) > score(current):
            best[detection.pattern] = detection
    return best


def _detect(engine: BatchDetector, items: list[tuple[str, str | None]]) -> list[list[Detection] | None]:
    """The batch in one call; if it fails, one document at a time, ``None`` for each that fails.

    As in the detect stage: one document the engine cannot handle costs that document, not
    the backtest.
    """
    try:
        return list(engine.detect_many(items))
    except Exception:
        log.warning("patterns.backtest_batch_failed", documents=len(items), retry="one by one")
    outcomes: list[list[Detection] | None] = []
    for item in items:
        try:
            outcomes.append(engine.detect_many([item])[0])
        except Exception as exc:
            log.warning("patterns.backtest_document_failed", error=f"{type(exc).__name__}: {exc}")
            outcomes.append(None)
    return outcomes


def compare(
    documents: Sequence[Document],
    today: BatchDetector,
    draft: BatchDetector,
    comparison: Comparison,
    since: datetime,
    limited: bool,
    show: int,
) -> BacktestReport:
    """Runs both engines over ``documents`` (in batches) and tallies where they disagree."""
    tallies: dict[str, PatternTally] = {}
    changes: list[BacktestChange] = []
    total_changes = 0
    skipped = 0
    for start in range(0, len(documents), BATCH):
        batch = documents[start : start + BATCH]
        items: list[tuple[str, str | None]] = [(document.text, None) for document in batch]
        # Today's engine sees no threshold: it is what the detector emits now.
        now_found = _detect(today, items)
        draft_found = _detect(draft, items) if draft is not today else now_found
        for document, current, proposed in zip(batch, now_found, draft_found, strict=False):
            if current is None or proposed is None:
                skipped += 1
                continue
            fires = _fired(current, comparison.focus, None)
            would = _fired(proposed, comparison.focus, comparison.threshold)
            for pattern in sorted(fires.keys() | would.keys()):
                tally = tallies.setdefault(
                    pattern, PatternTally(pattern=pattern, fires_today=0, would_fire=0, new=0, gone=0)
                )
                tally.fires_today += pattern in fires
                tally.would_fire += pattern in would
                if (pattern in fires) == (pattern in would):
                    continue
                change: Literal["new", "gone"] = "new" if pattern in would else "gone"
                evidence = would.get(pattern) or fires[pattern]
                tally.new += change == "new"
                tally.gone += change == "gone"
                total_changes += 1
                if len(changes) < show:
                    changes.append(
                        BacktestChange(
                            change=change,
                            pattern=pattern,
                            document_id=document.id,
                            source_id=document.source_id,
                            title=document.title,
                            url=document.url,
                            sentence=evidence.sentence,
                            score=score(evidence),
                        )
                    )
    if comparison.focus:
        for pattern in comparison.focus:
            tallies.setdefault(pattern, PatternTally(pattern=pattern, fires_today=0, would_fire=0, new=0, gone=0))
    report = BacktestReport(
        since=since,
        documents=len(documents),
        limited=limited,
        draft=comparison.draft_id,
        threshold=comparison.threshold,
        patterns=sorted(tallies.values(), key=lambda tally: tally.pattern),
        changes_total=total_changes,
        changes=changes,
        skipped=skipped,
    )
    log.info(
        "patterns.backtest",
        documents=len(documents),
        draft=comparison.draft_id,
        threshold=comparison.threshold,
        changes=total_changes,
    )
    return report


def run_backtest(
    documents: Sequence[Document],
    today: BatchDetector,
    make_engine: EngineFactory,
    directories: list[Path],
    *,
    draft_text: str | None,
    threshold: float | None,
    patterns: Sequence[str],
    since: datetime,
    limited: bool,
    show: int,
) -> BacktestReport:
    """The whole backtest, blocking (spaCy): callers on an event loop run it in a thread.

    With no draft text the draft side is today's engine with the threshold applied.
    Raises :class:`~services.detector.schema.PatternFileError` for an invalid draft.
    """
    with tempfile.TemporaryDirectory(prefix="tocsin-backtest-") as scratch:
        draft_id: str | None = None
        draft: BatchDetector = today
        if draft_text is not None:
            spec = read_draft(draft_text, Path(scratch))
            draft_id = spec.id
            draft = make_engine([*directories, Path(scratch)])
        focus = frozenset(patterns) if patterns else (frozenset({draft_id}) if draft_id else None)
        return compare(documents, today, draft, Comparison(focus, threshold, draft_id), since, limited, show)


def engine_factory(base: object) -> EngineFactory:
    """Engines sharing ``base``'s loaded pipeline (a ``DetectionEngine``): one spaCy model in memory."""

    def make(directories: list[Path]) -> BatchDetector:
        from services.detector.engine import DetectionEngine

        return DetectionEngine(base.nlp, base.trained, directories)  # type: ignore[attr-defined]

    return make


async def archived_documents(database: object, since: datetime, limit: int) -> tuple[list[Document], bool]:
    """Up to ``limit`` documents archived since ``since``, newest first, and whether there were more."""
    from services.ingest.archive import DocumentArchive

    found = await DocumentArchive(database).since(since, limit + 1)  # type: ignore[arg-type]
    return found[:limit], len(found) > limit
