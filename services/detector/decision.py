"""How a pattern decides: the trained judge's probability beside the rules' evidence.

The model gives recall (it reads sentences worded without the obvious keyword); the rules give
precision and the parties (who may issue an ultimatum, whose denial counts). A pattern file's
``classifier`` block says how the two combine, and this module turns it into a per-sentence
``Verdict``: which rules may count, and whether the model alone may lead.

The judge itself (``services/detector/judge.py``, onnxruntime) is imported only when an engine
is built with the default judge, so rule-only use and the tests of the rules need neither the
weights nor onnxruntime.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import structlog

if TYPE_CHECKING:
    from services.detector.catalog import CompiledPattern, CompiledRule

CLASSIFIER_RULE = "classifier"  # Detection.rule of a detection the model made without a rule

log = structlog.get_logger(__name__)


class Judge(Protocol):
    """The trained sentence classifier, as the engine uses it."""

    labels: tuple[str, ...]

    def probabilities(self, sentences: Sequence[str]) -> list[dict[str, float]]:
        """One ``{label: probability}`` per sentence, computed in batches."""
        ...


def load_default_judge(path: Path | None = None) -> Judge | None:
    """The committed model, or ``None`` (every pattern rule-only) when it cannot be loaded.

    A missing model is logged loudly rather than raised: the service still detects with the
    rules, at their lower recall, instead of not starting.
    """
    try:
        from services.detector.judge import load_judge
    except ImportError as exc:
        log.warning("detector_judge_missing", error=str(exc)[:200], consequence="patterns are rule-only: lower recall")
        return None
    try:
        judge = load_judge(path)
    except (OSError, ValueError, RuntimeError) as exc:
        log.warning(
            "detector_judge_unloadable", error=str(exc)[:200], consequence="patterns are rule-only: lower recall"
        )
        return None
    log.info("detector_judge_ready", labels=list(judge.labels))
    return judge


@dataclass(frozen=True)
class Verdict:
    """What one pattern may do in one sentence, given the model's probability there.

    ``rules`` are the rules whose matches count; ``model_led`` means the probability reached
    the pattern's threshold, so loose rules count and, when no role is required, the model
    alone makes a detection. ``probability`` is ``None`` for a rule-only pattern.
    """

    pattern: "CompiledPattern"
    rules: tuple["CompiledRule", ...]
    probability: float | None
    model_led: bool = False

    @property
    def possible(self) -> bool:
        return bool(self.rules) or self.model_led


def label_of(pattern: "CompiledPattern", judge: Judge | None) -> str | None:
    """The judge's label for ``pattern``; ``None`` when the pattern is rule-only here."""
    classifier = pattern.spec.classifier
    if judge is None or classifier is None or classifier.label not in judge.labels:
        return None
    return classifier.label


def verdict(pattern: "CompiledPattern", label: str | None, probability: float | None) -> Verdict:
    """The rules that count for ``pattern`` in a sentence the model gave ``probability``.

    Rule-only (no label): the strict rules, as before the model existed. With a label: strict
    rules count once the probability reaches ``rule_threshold`` (a veto on rules firing on text
    unlike the pattern); at ``threshold`` the loose rules count too and the model may lead.
    A sentence the gate kept from the model has probability 0 for it.
    """
    strict = tuple(rule for rule in pattern.rules if not rule.spec.needs_model)
    classifier = pattern.spec.classifier
    if label is None or classifier is None:
        return Verdict(pattern, strict, None)
    p = probability or 0.0
    vetoed = p < classifier.rule_threshold
    rules: tuple[CompiledRule, ...] = tuple(r for r in strict if r.spec.beyond_veto) if vetoed else strict
    led = p >= classifier.threshold
    if led:
        rules += tuple(rule for rule in pattern.rules if rule.spec.needs_model)
    return Verdict(pattern, rules, p, led)
