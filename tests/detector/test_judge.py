"""The runtime judge (onnxruntime, no torch): the shipped model, its card, its checks."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from services.detector.judge import MODEL_DIR, JudgeError, load_judge

SEED_LABELS = ("ultimatum", "military_buildup", "wire_denial")


@pytest.fixture(scope="module")
def judge():
    return load_judge()


def test_labels_are_the_seed_pattern_ids(judge) -> None:
    assert judge.labels == SEED_LABELS
    assert set(judge.thresholds) == set(SEED_LABELS)


def test_batches_keep_order_and_shape(judge) -> None:
    # Written here: sentences of very different lengths so batches pad differently.
    sentences = [
        "Rain.",
        "The foreign ministry denied a newspaper report that troops had crossed the border.",
        (
            "Markets closed higher on Tuesday after a quiet session in which few shares moved and "
            "traders waited for the central bank's statement on interest rates later in the week."
        ),
    ] * 15
    scores = judge.probabilities(sentences)
    assert len(scores) == len(sentences)
    for row in scores:
        assert tuple(row) == SEED_LABELS
        assert all(0.0 <= p <= 1.0 for p in row.values())
    alone = [judge.probabilities([s])[0] for s in sentences[:3]]
    for batched, single in zip(scores[:3], alone, strict=False):
        for label in SEED_LABELS:
            assert batched[label] == pytest.approx(single[label], abs=1e-4)
    assert judge.probabilities([]) == []


def test_a_changed_model_file_is_refused(tmp_path: Path) -> None:
    copy = tmp_path / "model"
    shutil.copytree(MODEL_DIR, copy)
    card = json.loads((copy / "model_card.json").read_text())
    model_file = copy / card["runtime"]["model_file"]
    model_file.write_bytes(model_file.read_bytes() + b"\0")
    with pytest.raises(JudgeError, match="SHA-256"):
        load_judge(copy)


def test_a_card_naming_another_hash_is_refused(tmp_path: Path) -> None:
    copy = tmp_path / "model"
    shutil.copytree(MODEL_DIR, copy)
    card = json.loads((copy / "model_card.json").read_text())
    card["runtime"]["tokenizer_sha256"] = "f" * 64
    (copy / "model_card.json").write_text(json.dumps(card))
    with pytest.raises(JudgeError, match="tokenizer.json"):
        load_judge(copy)


def test_a_missing_card_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(JudgeError, match="no model card"):
        load_judge(tmp_path)
