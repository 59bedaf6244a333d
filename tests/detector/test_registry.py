"""Patterns name registered functions; the code's lexicons are declared: both checked at load."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from services.detector.catalog import (
    REQUIRED_SHARED_LEXICONS,
    SHARED_LEXICONS_FILE,
    load_catalog,
    load_shared_lexicons,
)
from services.detector.registry import Registry, vocabulary
from services.detector.schema import PatternFileError

PATTERN = """
id: typo_test
title: Typos (test)
lexicons:
  words_a: [alpha]
rules:
  - id: one
    anchor: [words_a]
    constraints:
      - {{words: [words_a], in: [{position}]}}
    actor: [{source}]
"""


def _write(directory: Path, source: str = "speaker", position: str = "governor") -> Path:
    path = directory / "typo_test.yaml"
    path.write_text(PATTERN.format(source=source, position=position), encoding="utf-8")
    return path


def test_every_name_the_builtin_patterns_use_is_registered() -> None:
    sources, positions = vocabulary()
    assert {"speaker", "complier", "report", "destination"} <= set(sources.names)
    assert {"sentence", "governor", "object", "context"} <= set(positions.names)


def test_an_unknown_role_source_fails_at_load_with_file_field_and_known_names(tmp_path) -> None:  # noqa: ANN001
    path = _write(tmp_path, source="speakr")
    with pytest.raises(PatternFileError) as caught:
        load_catalog([tmp_path])
    message = str(caught.value)
    assert str(path) in message
    assert "rules.0.actor.0: unknown role source 'speakr'" in message
    assert "speaker" in message and "complier" in message


def test_an_unknown_position_fails_at_load_with_its_field(tmp_path) -> None:  # noqa: ANN001
    _write(tmp_path, position="governer")
    with pytest.raises(
        PatternFileError, match=r"rules\.0\.constraints\.0\.in\.0: unknown position 'governer'.*governor"
    ):
        load_catalog([tmp_path])


def test_a_registered_name_cannot_be_registered_twice() -> None:
    registry: Registry = Registry("thing")
    registry.register("a")(lambda: None)
    with pytest.raises(ValueError, match="registered twice"):
        registry.register("a")(lambda: None)
    with pytest.raises(KeyError, match="known: a"):
        registry.get("b")


def test_a_lexicons_file_without_a_lexicon_the_code_reads_fails_at_load(tmp_path) -> None:  # noqa: ANN001
    raw = yaml.safe_load(SHARED_LEXICONS_FILE.read_text(encoding="utf-8"))
    del raw["person_titles"]
    path = tmp_path / "lexicons.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(PatternFileError, match="person_titles: missing"):
        load_shared_lexicons(path)


def test_the_shipped_lexicons_declare_what_the_code_reads() -> None:
    shared = load_shared_lexicons()
    assert REQUIRED_SHARED_LEXICONS <= set(shared)
    assert "media_outlets" in shared.case_sensitive


def test_an_unknown_lexicon_property_fails_at_load(tmp_path) -> None:  # noqa: ANN001
    path = tmp_path / "lexicons.yaml"
    path.write_text(
        SHARED_LEXICONS_FILE.read_text(encoding="utf-8") + "\nextra: {casesensitive: true, words: [x]}\n",
        encoding="utf-8",
    )
    with pytest.raises(PatternFileError, match="extra: unknown properties"):
        load_shared_lexicons(path)
