"""Backtests: the comparison itself (with stand-in detectors) and ``tocsin patterns backtest`` as a user runs it."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml

from models import Detection, Document
from services.cli import patterns_command
from services.cli.main import main
from services.detector.backtest import Comparison, compare
from services.ingest.seen import SeenSet
from services.platform.storage import open_database

NOW = datetime.now(timezone.utc)

BORDER_CLOSURE = """
id: border_closure
title: Border closure
lexicons:
  close: [close, closes, closed, shut]
  border: [border, frontier]
rules:
  - id: closes_border
    anchor: [close]
    constraints:
      - words: [border]
        in: [sentence]
"""
CLOSED = "Hungary closed its border with Serbia on Tuesday, the interior ministry said."
ULTIMATUM = "President Maduro gave Guyana a 48-hour ultimatum to withdraw its troops."
QUIET = "The central bank left interest rates unchanged on Thursday."


def detection(pattern: str, confidence: float) -> Detection:
    return Detection(pattern=pattern, sentence=f"{pattern} sentence", start=0, end=5, confidence=confidence, rule="r")


class Canned:
    """A detector that answers from a table keyed by text."""

    def __init__(self, answers: dict[str, list[Detection]]) -> None:
        self.answers = answers
        self.calls = 0

    def detect_many(self, items: Sequence[tuple[str, str | None]]) -> list[list[Detection]]:
        self.calls += 1
        return [list(self.answers.get(text, [])) for text, _ in items]


def doc(n: int, text: str) -> Document:
    return Document(id=f"doc_{n}", source_id="wire", title=f"Item {n}", text=text, url=f"https://w.example/{n}")


class TestCompare:
    def test_new_and_gone_are_counted_per_document_and_pattern(self) -> None:
        documents = [doc(1, "a"), doc(2, "b"), doc(3, "c")]
        today = Canned({"a": [detection("ultimatum", 0.9)], "b": [detection("ultimatum", 0.8)]})
        draft = Canned(
            {"b": [detection("ultimatum", 0.8), detection("ultimatum", 0.7)], "c": [detection("ultimatum", 0.6)]}
        )
        report = compare(
            documents, today, draft, Comparison(frozenset({"ultimatum"}), None, "ultimatum"), NOW, False, 10
        )
        [tally] = report.patterns
        assert (tally.fires_today, tally.would_fire, tally.new, tally.gone) == (2, 2, 1, 1)
        assert [(c.change, c.document_id) for c in report.changes] == [("gone", "doc_1"), ("new", "doc_3")]
        assert report.changes_total == 2 and report.draft == "ultimatum"

    def test_threshold_filters_only_the_draft_side(self) -> None:
        documents = [doc(1, "a"), doc(2, "b")]
        today = Canned({"a": [detection("ultimatum", 0.9)], "b": [detection("ultimatum", 0.4)]})
        report = compare(documents, today, today, Comparison(None, 0.5, None), NOW, False, 10)
        [tally] = report.patterns
        assert (tally.fires_today, tally.would_fire, tally.gone) == (2, 1, 1)
        assert today.calls == 1, "with no draft file the same run serves both sides"

    def test_focus_leaves_other_patterns_out_and_show_bounds_the_list(self) -> None:
        documents = [doc(n, "x") for n in range(5)]
        today = Canned({"x": [detection("wire_denial", 0.9)]})
        draft = Canned({"x": [detection("wire_denial", 0.9), detection("border_closure", 0.7)]})
        report = compare(
            documents, today, draft, Comparison(frozenset({"border_closure"}), None, "border_closure"), NOW, True, 2
        )
        assert [t.pattern for t in report.patterns] == ["border_closure"]
        assert report.changes_total == 5 and len(report.changes) == 2 and report.limited

    def test_a_document_the_engine_fails_on_is_skipped_not_fatal(self) -> None:
        class Fussy(Canned):
            def detect_many(self, items: Sequence[tuple[str, str | None]]) -> list[list[Detection]]:
                if any(text == "poison" for text, _ in items):
                    raise ValueError("cannot parse")
                return super().detect_many(items)

        documents = [doc(1, "a"), doc(2, "poison"), doc(3, "a")]
        today = Fussy({"a": [detection("ultimatum", 0.9)]})
        report = compare(documents, today, today, Comparison(None, 0.95, None), NOW, False, 10)
        assert report.skipped == 1 and report.patterns[0].fires_today == 2


@pytest.fixture
def archived(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, engine) -> Path:
    """A config on a database holding three archived documents; the session's engine stands in."""
    database = tmp_path / "tocsin.db"
    url = f"sqlite+aiosqlite:///{database}"

    async def fill() -> None:
        db = open_database(url)
        try:
            await db.create_schema()
            seen = SeenSet(db, keep_documents=True)
            documents = [doc(1, CLOSED), doc(2, ULTIMATUM), doc(3, QUIET)]
            await seen.mark("wire", [d.id for d in documents], NOW - timedelta(hours=1), documents)
            old = doc(4, CLOSED.replace("Hungary", "Austria"))
            await seen.mark("wire", [old.id], NOW - timedelta(days=3), [old])
        finally:
            await db.close()

    asyncio.run(fill())
    config = tmp_path / "tocsin.yaml"
    config.write_text(yaml.safe_dump({"database": {"url": url}}))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(patterns_command, "_engine", lambda settings: engine)
    return config


def test_cli_prints_what_the_draft_would_fire_on(
    archived: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    draft = tmp_path / "border_closure.yaml"
    draft.write_text(BORDER_CLOSURE, encoding="utf-8")
    assert main(["patterns", "backtest", str(draft), "--since", "2d", "--config", str(archived)]) == 0
    out = capsys.readouterr().out
    assert "on 3 documents archived since" in out, out  # the 3-day-old one is outside the window
    row = next(line for line in out.splitlines() if line.startswith("border_closure"))
    assert row.split()[1:] == ["0", "1", "1", "0"], out
    assert "+ border_closure" in out and "doc_1" in out and "Hungary closed its border" in out


def test_cli_threshold_alone_and_json(archived: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["patterns", "backtest", "--threshold", "1", "--since", "7d", "--json", "--config", str(archived)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["documents"] == 4 and report["threshold"] == 1.0 and report["draft"] is None
    ultimatum = next(t for t in report["patterns"] if t["pattern"] == "ultimatum")
    assert ultimatum["fires_today"] == 1 and ultimatum["gone"] == ultimatum["fires_today"] - ultimatum["would_fire"]


def test_cli_refuses_an_invalid_draft_naming_the_field(
    archived: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    draft = tmp_path / "bad.yaml"
    draft.write_text(BORDER_CLOSURE.replace("[border]", "[borders]"), encoding="utf-8")
    assert main(["patterns", "backtest", str(draft), "--config", str(archived)]) == 1
    assert "borders" in capsys.readouterr().err
    assert main(["patterns", "backtest", "--config", str(archived)]) == 1  # neither a draft nor a threshold
