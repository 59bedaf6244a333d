"""The seed article: all three seed patterns, with the roles a desk editor expects."""

from __future__ import annotations

import pytest

from tests.conftest import SEED_ARTICLE, shared_path
from tests.detector.conftest import by_pattern


@pytest.fixture(scope="module", params=["rules", "judged"])
def seed(request, engine):  # noqa: ANN001, ANN201
    """The seed article through the rules alone and through the engine as shipped (with the
    judge, when a trained model is present)."""
    text = shared_path(SEED_ARTICLE).read_text(encoding="utf-8")
    chosen = engine if request.param == "rules" else request.getfixturevalue("judged_engine")
    return text, chosen.detect(text)


def test_ultimatum_names_noem_or_trump_demanding_maduro_go(seed) -> None:  # noqa: ANN001
    _text, detections = seed
    ultimatums = by_pattern(detections, "ultimatum")
    assert ultimatums
    first = ultimatums[0]
    assert "Noem" in first.actor or "Trump" in first.actor
    assert "Maduro" in first.target
    assert "VE" in first.countries
    # Trump's own "it would be smart for him to leave power" names no deadline or consequence in
    # its sentence; the judge retrained on sentences as the engine sees them scores it 0.01, so it
    # is no longer required (Noem's "needs to be gone", in the sentence that reports both, is).


def test_russia_s_warning_to_the_us_is_a_threat_not_an_ultimatum(seed) -> None:  # noqa: ANN001
    _text, detections = seed
    assert not any("fatal mistake" in d.sentence for d in by_pattern(detections, "ultimatum"))


def test_buildup_is_us_toward_venezuela(seed) -> None:  # noqa: ANN001
    _text, detections = seed
    [buildup] = by_pattern(detections, "military_buildup")
    assert buildup.actor == "United States"
    assert buildup.target == "Venezuela"
    assert {"US", "VE"} <= set(buildup.countries)
    assert buildup.cameo == "154"


def test_denial_is_russian_foreign_ministry_against_associated_press(seed) -> None:  # noqa: ANN001
    text, detections = seed
    denials = by_pattern(detections, "wire_denial")
    first = denials[0]
    assert first.actor.lower() == "russian foreign ministry"
    assert first.agency == "Associated Press"
    assert {"RU", "VE"} <= set(first.countries)
    assert text[first.start : first.end] == first.sentence
    assert first.sentence.startswith("The Russian foreign ministry denied the report")


def test_evacuation_and_warning_are_found_but_the_denied_evacuation_is_not(seed) -> None:  # noqa: ANN001
    _text, detections = seed
    evacuations = by_pattern(detections, "diplomatic_evacuation")
    assert len(evacuations) == 2
    assert all("not being evacuated" not in d.sentence for d in evacuations)
    assert all("alleged" not in d.sentence for d in evacuations)
    assert [d.actor for d in evacuations] == ["Russian embassy", "Moscow"]
    assert all(d.target == "Venezuela" for d in evacuations)
    [warning] = by_pattern(detections, "threat_warning")
    assert warning.actor == "Russia"
    assert "fatal mistake" in warning.triggers
