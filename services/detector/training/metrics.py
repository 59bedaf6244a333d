"""Precision, recall, thresholds and false alarms from out-of-fold probabilities (no torch).

Precision and recall are computed on the labelled sentences and the event-coded negatives,
the held-out rows that resemble what the detector's candidates look like. General news is
reported apart, as false alarms per 1,000 snippets: it is a different question (how often
does ordinary news trip the judge) and mixing 7,600 easy negatives into precision would
flatter it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from services.detector.training.data import LABELS, target_for

TARGET_PRECISION = 0.90


@dataclass(frozen=True)
class Scored:
    """One held-out row: its class, its kind, its probabilities, and the group it belongs to
    (a general-news sentence's snippet)."""

    label: str
    kind: str
    probabilities: dict[str, float]
    group: str


@dataclass(frozen=True)
class LabelFigures:
    label: str
    threshold: float
    precision: float
    recall: float
    tp: int
    fp: int
    fn: int
    general_alarms_per_1000: float

    def card(self) -> dict[str, float | int]:
        return {
            "threshold": round(self.threshold, 4),
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "general_news_alarms_per_1000": round(self.general_alarms_per_1000, 2),
        }


def _is_positive(row: Scored, label: str) -> bool:
    return row.kind == "labelled" and target_for(row.label)[LABELS.index(label)] == 1.0


def counts(rows: Sequence[Scored], label: str, threshold: float) -> tuple[int, int, int]:
    """True positives, false positives, false negatives among the non-general rows."""
    tp = fp = fn = 0
    for row in rows:
        if row.kind == "general":
            continue
        fired = row.probabilities[label] >= threshold
        positive = _is_positive(row, label)
        tp += fired and positive
        fp += fired and not positive
        fn += positive and not fired
    return tp, fp, fn


def alarms_per_1000(rows: Sequence[Scored], label: str | None, threshold: float | dict[str, float]) -> float:
    """Share of general-news snippets on which the label (or, with ``None``, any label) fires
    in one of their sentences (rows of one snippet share a group)."""
    general = [r for r in rows if r.kind == "general"]
    if not general:
        return 0.0
    limits = threshold if isinstance(threshold, dict) else {lab: threshold for lab in LABELS}
    labels = LABELS if label is None else (label,)
    snippets: dict[str, bool] = {}
    for r in general:
        fired = any(r.probabilities[lab] >= limits[lab] for lab in labels)
        snippets[r.group] = snippets.get(r.group, False) or fired
    return 1000.0 * sum(snippets.values()) / len(snippets)


def figures_at(rows: Sequence[Scored], label: str, threshold: float) -> LabelFigures:
    tp, fp, fn = counts(rows, label, threshold)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return LabelFigures(label, threshold, precision, recall, tp, fp, fn, alarms_per_1000(rows, label, threshold))


def choose_threshold(rows: Sequence[Scored], label: str, target: float = TARGET_PRECISION) -> LabelFigures:
    """The lowest threshold whose precision reaches ``target`` (most recall at that precision);
    if none does, the threshold of best F1. Candidate thresholds are a 0.01 grid, not the
    observed scores, so one sentence cannot pull the choice to its own probability."""
    grid = [round(0.05 + 0.01 * i, 2) for i in range(91)]
    figures = [figures_at(rows, label, t) for t in grid]
    reaching = [f for f in figures if f.precision >= target and f.tp > 0]
    if reaching:
        return max(reaching, key=lambda f: (f.recall, -f.threshold))
    return max(figures, key=lambda f: 2 * f.precision * f.recall / (f.precision + f.recall or 1.0))


def tradeoff(rows: Sequence[Scored], label: str, thresholds: Sequence[float]) -> list[LabelFigures]:
    """Figures at several thresholds, for the precision/recall table of the card and notes."""
    return [figures_at(rows, label, t) for t in thresholds]
