"""The config contract over HTTP: the mistakes ``tocsin`` refuses in a file, answered with 422.

A subscription, silence or source sent to the API meets the same checks as one written in
``tocsin.yaml`` (:mod:`services.platform.config.contract`): unknown pattern names, unknown source
kinds and unknown options of a kind. Each is one FastAPI-shaped error whose ``loc`` names
the field, so a client sees ``["body", "patterns", 0]`` where the CLI says
``subscriptions.0.patterns.0``.
"""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import HTTPException

from services.detector.catalog import known_pattern_ids
from services.ingest.kinds import KINDS
from services.platform.config import Settings, SourceSettings
from services.platform.config.contract import ConfigProblem, Vocabulary, one_of, source_problems


def stage_vocabulary() -> Vocabulary:
    """The names the stages define, for the config contract: source kinds and pattern ids.

    Built here, above the stages, so that the platform's contract never imports one; the
    ``tocsin`` command passes the same vocabulary to ``load_settings``."""
    return Vocabulary(source_kinds=KINDS, pattern_ids=known_pattern_ids)


def _loc(path: str) -> list[str | int]:
    return ["body", *(int(part) if part.isdigit() else part for part in path.split(".") if part)]


def unprocessable(problems: Iterable[ConfigProblem], strip: str = "") -> HTTPException:
    """A 422 listing every problem, each path relative to the request body."""
    detail = [
        {"loc": _loc(problem.path.removeprefix(strip)), "msg": problem.message, "type": "value_error"}
        for problem in problems
    ]
    return HTTPException(422, detail)


def refuse_unknown_patterns(settings: Settings, names: Iterable[str | None], field: str, listed: bool = True) -> None:
    """422 when a pattern name is not a built-in or user pattern; ``field`` is its body path
    (``patterns`` for a list, whose items are then named ``patterns.0``; ``pattern`` for one)."""
    given = [name for name in names]
    if not any(given):
        return
    known = known_pattern_ids(settings.detector.patterns_dir)
    problems = [
        ConfigProblem(f"{field}.{index}" if listed else field, f"unknown pattern {name!r}; {one_of(known, name)}")
        for index, name in enumerate(given)
        if name is not None and name not in known
    ]
    if problems:
        raise unprocessable(problems)


def refuse_invalid_source(source: SourceSettings) -> None:
    """422 for an unknown kind or an option the kind does not have, naming the field."""
    problems = list(source_problems([source], KINDS))
    if problems:
        raise unprocessable(problems, strip="sources.0")
