"""The sentences this project wrote for the judge: marked as ours, well formed, and none of
them a sentence of the shared data (which may be read, never copied into the repository)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from services.detector.training.data import read_file
from tests.conftest import SHARED, shared_path

WRITTEN = Path(__file__).resolve().parents[2] / "services" / "detector" / "training" / "written_here.jsonl"
LABELS = {"ULTIMATUM", "MILITARY_BUILDUP", "WIRE_DENIAL", "OTHER_POSITIVE", "NEGATIVE"}


def _rows() -> list[dict]:
    return [json.loads(line) for line in WRITTEN.read_text(encoding="utf-8").splitlines() if line.strip()]


def _words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def test_every_row_is_marked_as_written_here_and_reads_as_such() -> None:
    rows = _rows()
    assert rows and all(r["written_here"] is True and r["label"] in LABELS for r in rows)
    assert len({r["id"] for r in rows}) == len(rows)
    assert all(r["source"].startswith("written-here:") for r in rows)
    assert {e.kind for e in read_file(WRITTEN)} == {"written"}


def test_no_sentence_comes_from_the_shared_data() -> None:
    eval_dir = shared_path(SHARED / "eval")
    shared: set[str] = set()
    for path in eval_dir.glob("*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                shared.add(_words(json.loads(line)["text"]))
    copied = [r["text"] for r in _rows() if _words(r["text"]) in shared]
    assert not copied
