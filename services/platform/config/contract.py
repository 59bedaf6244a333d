"""The config contract: every mistake in a config file becomes one line naming the field.

Why a second pass beside pydantic: some parts of the file are read by models that must stay
lenient on the wire (a :class:`~models.Subscription` ignores unknown keys so an older worker
can read a newer message), sources carry kind-specific options that only the kind can
check, and pattern names are only known once the pattern files are read. A typo in any of
them used to pass start-up and fail later, in a child process, with a traceback. This module
finds such mistakes before anything starts, and words each as ``path: what was expected``.
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from pydantic import BaseModel, ValidationError

from services.platform.config.settings import Settings, SourceSettings

MAX_LISTED = 20  # known names listed in one message before "…"


@dataclass(frozen=True)
class ConfigProblem:
    """One mistake: where it is (``sources.0.intervall``) and what was expected there."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class SourceKind(Protocol):
    """What the contract needs of a source kind: the model of its options."""

    @property
    def options(self) -> type[BaseModel]: ...


@dataclass(frozen=True)
class Vocabulary:
    """The names the stages define, handed in by a composition root (the ``tocsin`` command,
    the API), so the platform checks them without importing any stage: the source kinds
    (ingest) and the pattern ids a ``detector.patterns_dir`` adds to the built-in ones."""

    source_kinds: Mapping[str, SourceKind]
    pattern_ids: Callable[[Path | None], set[str]]


def one_of(names: Iterable[str], given: object = None) -> str:
    """``expected one of: a, b, c`` with a bounded list, so the message stays one line; led by
    ``did you mean …?`` when ``given`` looks like a typo of one of them."""
    ordered = sorted(set(names))
    shown = ", ".join(ordered[:MAX_LISTED])
    more = f", … ({len(ordered) - MAX_LISTED} more)" if len(ordered) > MAX_LISTED else ""
    close = difflib.get_close_matches(str(given), ordered, n=1) if given is not None else []
    hint = f"did you mean {close[0]!r}? " if close else ""
    return f"{hint}expected one of: {shown}{more}"


def _join(*parts: object) -> str:
    return ".".join(str(part) for part in parts if part != "")


def _accepted_keys(model: type[BaseModel]) -> set[str]:
    keys: set[str] = set()
    for name, field in model.model_fields.items():
        keys.add(name)
        if field.alias:
            keys.add(field.alias)
    return keys


def _nested_model(annotation: Any) -> tuple[type[BaseModel] | None, bool]:
    """The model inside ``annotation`` (``M``, ``M | None``, ``list[M]``), and whether it is a list."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, False
    origin = typing.get_origin(annotation)
    arguments = typing.get_args(annotation)
    if origin in (list, tuple, set, frozenset) and arguments:
        inner, _ = _nested_model(arguments[0])
        return inner, True
    if origin in (typing.Union, types.UnionType):
        for argument in arguments:
            inner, is_list = _nested_model(argument)
            if inner is not None:
                return inner, is_list
    if origin is typing.Annotated and arguments:
        return _nested_model(arguments[0])
    return None, False


def unknown_keys(model: type[BaseModel], data: object, path: str = "") -> Iterator[ConfigProblem]:
    """Keys in ``data`` that ``model`` (or a model nested in it) does not define.

    Sources are skipped: their extra keys are the kind's options, checked by the kind.
    """
    if not isinstance(data, Mapping):
        return
    accepted = _accepted_keys(model)
    for key, value in data.items():
        here = _join(path, key)
        if key not in accepted:
            yield ConfigProblem(here, f"unknown key; {one_of(model.model_fields, key)}")
            continue
        field = model.model_fields.get(str(key))
        if field is None:
            continue
        inner, is_list = _nested_model(field.annotation)
        if inner is None or inner is SourceSettings:
            continue
        if is_list and isinstance(value, list):
            for index, item in enumerate(value):
                yield from unknown_keys(inner, item, _join(here, index))
        elif not is_list:
            yield from unknown_keys(inner, value, here)


def validation_problems(error: ValidationError, prefix: str = "") -> list[ConfigProblem]:
    """Pydantic's errors as problems; never echoes the offending value (it may be a secret)."""
    problems = []
    for item in error.errors(include_url=False, include_context=False, include_input=False):
        path = _join(prefix, *item["loc"]) or "(top level)"
        message = "unknown key" if item["type"] == "extra_forbidden" else item["msg"]
        problems.append(ConfigProblem(path, message))
    return problems


def source_problems(sources: list[SourceSettings], kinds: Mapping[str, SourceKind]) -> Iterator[ConfigProblem]:
    """Unknown kinds and each kind's options, checked as the ingest service will check them."""
    common = set(SourceSettings.model_fields)
    for index, source in enumerate(sources):
        path = f"sources.{index}"
        kind = kinds.get(source.kind)
        if kind is None:
            yield ConfigProblem(f"{path}.kind", f"unknown source kind {source.kind!r}; {one_of(kinds, source.kind)}")
            continue
        options = {**(source.model_extra or {}), "url": source.url}
        try:
            kind.options.model_validate(options)
        except ValidationError as exc:
            # An unknown option first: ``querry`` explains why ``query`` is missing.
            errors = sorted(
                exc.errors(include_url=False, include_context=False, include_input=False),
                key=lambda item: item["type"] != "extra_forbidden",
            )
            for item in errors:
                where = _join(path, *item["loc"]) if item["loc"] else path
                if item["type"] == "extra_forbidden":
                    known = common | set(kind.options.model_fields)
                    yield ConfigProblem(
                        where, f"unknown option of kind {source.kind!r}; {one_of(known, item['loc'][-1])}"
                    )
                else:
                    yield ConfigProblem(where, item["msg"])


def pattern_problems(settings: Settings, known: set[str]) -> Iterator[ConfigProblem]:
    """Pattern names in subscriptions and rules that no pattern file defines."""
    for index, subscription in enumerate(settings.subscriptions):
        for position, name in enumerate(subscription.patterns):
            if name not in known:
                yield ConfigProblem(f"subscriptions.{index}.patterns.{position}", _unknown_pattern(name, known))
    for index, rule in enumerate(settings.rules):
        for position, name in enumerate(rule.filter.patterns):
            if name not in known:
                yield ConfigProblem(f"rules.{index}.filter.patterns.{position}", _unknown_pattern(name, known))


def _unknown_pattern(name: str, known: set[str]) -> str:
    return f"unknown pattern {name!r}; {one_of(known, name)}"


def check_raw(data: Mapping[str, Any]) -> list[ConfigProblem]:
    """Mistakes visible in the file's text alone (unknown keys in the lenient sections)."""
    return list(unknown_keys(Settings, data))


def check_settings(settings: Settings, vocabulary: Vocabulary | None) -> list[ConfigProblem]:
    """Mistakes only visible once the settings exist: source kinds and options, pattern names.

    Without a ``vocabulary`` only what the platform itself knows is checked."""
    if vocabulary is None:
        return []
    problems = list(source_problems(settings.sources, vocabulary.source_kinds))
    if settings.subscriptions or settings.rules:
        problems.extend(pattern_problems(settings, vocabulary.pattern_ids(settings.detector.patterns_dir)))
    return problems


def in_file_order(problems: list[ConfigProblem], data: Mapping[str, Any]) -> list[ConfigProblem]:
    """Problems sorted as their sections appear in the file, then by list position, so the
    first one reported is the first one a reader meets."""
    sections = {str(key): position for position, key in enumerate(data)}

    def key(problem: ConfigProblem) -> tuple[int, int]:
        head, _, rest = problem.path.partition(".")
        index = rest.split(".", 1)[0]
        return sections.get(head, len(sections)), int(index) if index.isdigit() else -1

    return sorted(problems, key=key)


def one_line(where: str, problems: list[ConfigProblem]) -> str:
    """The message an operator sees: the first problem, and how many follow it."""
    first = problems[0]
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return f"{where}: {first}{more}"
