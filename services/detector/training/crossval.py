"""Grouped k-fold cross-validation of the judge, producing out-of-fold probabilities.

Labelled sentences are folded by source article; event-coded and general-news negatives,
which have no article, by id. Each kind is dealt separately so every fold holds its share of
each. Every example is scored by the one model that did not see it: these out-of-fold
probabilities are what thresholds are chosen on and what the card reports.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import structlog

from services.detector.training.data import LABELS, Example, sample_general
from services.detector.training.fit import (
    FrozenStates,
    HyperParameters,
    predict_states,
    train,
)
from services.detector.training.folds import assign_folds

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class OutOfFold:
    """One example's probabilities from the model trained without its fold."""

    example: Example
    fold: int
    probabilities: dict[str, float]

    def record(self) -> dict[str, object]:
        return {
            "id": self.example.id,
            "label": self.example.label,
            "kind": self.example.kind,
            "source": self.example.group,
            "fold": self.fold,
            "probabilities": {k: round(v, 5) for k, v in self.probabilities.items()},
        }


def fold_assignment(examples: Sequence[Example], n_folds: int, seed: int) -> dict[str, int]:
    """Fold of every example id, dealt per kind (articles for labelled, ids otherwise)."""
    folds: dict[str, int] = {}
    for kind in ("labelled", "event_coded", "general"):
        folds.update(assign_folds([e for e in examples if e.kind == kind], n_folds, seed))
    return folds


def cross_validate(
    examples: Sequence[Example], weights: Path, states: FrozenStates, params: HyperParameters, n_folds: int = 5
) -> list[OutOfFold]:
    """Out-of-fold probabilities for every example (general news: all of it, not the sample).

    Sentences written here are in every fold's training set and scored in none: the figures
    are on real news only."""
    folds = fold_assignment(examples, n_folds, params.seed)
    written = [e for e in examples if e.kind == "written"]
    real = [e for e in examples if e.kind != "written"]
    results: list[OutOfFold] = []
    for fold in range(n_folds):
        inside = written + [e for e in real if folds[e.id] != fold]
        held_out = [e for e in real if folds[e.id] == fold]
        chosen = [e for e in inside if e.kind != "general"]
        chosen += sample_general(inside, params.general_news_sample, params.seed + fold)
        log.info("fold", fold=fold, train=len(chosen), held_out=len(held_out))
        model = train(chosen, weights, states, params)
        scores = predict_states(model, states, [e.text for e in held_out], params)
        for example, row in zip(held_out, scores, strict=False):
            results.append(OutOfFold(example, fold, {lab: float(p) for lab, p in zip(LABELS, row, strict=False)}))
    return results


def write_oof(results: Sequence[OutOfFold], path: Path) -> None:
    """One JSON object a line, in the input order of the examples."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for result in results:
            handle.write(json.dumps(result.record()) + "\n")
