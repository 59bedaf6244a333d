"""Any text in, valid detections out: the Faust worker must never see the engine raise."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

WORDS = [
    "Russia",
    "deployed",
    "troops",
    "to",
    "the",
    "border",
    "he",
    "must",
    "step",
    "down",
    "within",
    "48",
    "hours",
    "or",
    "face",
    "military",
    "action",
    "ministry",
    "denied",
    "the",
    "Reuters",
    "report",
    "calling",
    "it",
    "fake",
    "news",
    "\u201c",
    "\u201d",
    ".",
    ",",
    "\n",
    "\u200d",
    "\ufe0f",
    "embassy",
    "evacuated",
    "diplomats",
    "if",
    "not",
    "Maduro",
    "said",
    "ultimatum",
    "gave",
    "him",
    "until",
    "Friday",
    "who",
    "which",
    "'s",
    "n't",
    "--",
    "(",
    ")",
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(WORDS), max_size=60), st.text(max_size=40))
def test_detect_never_raises_and_offsets_point_into_the_text(engine, words, noise) -> None:  # noqa: ANN001
    text = " ".join(words) + noise
    for detection in engine.detect(text, context=noise or None):
        assert 0 <= detection.start <= detection.end <= len(text)
        assert text[detection.start : detection.end] == detection.sentence
        assert 0.0 <= detection.confidence <= 1.0


def test_degenerate_inputs(engine) -> None:  # noqa: ANN001
    for text in ["", " ", "\n\n\n", "\u200d\ufe0f", "🇷🇺🇺🇸", "<html><body></body></html>", "." * 500]:
        assert engine.detect(text) == []


def test_long_article_is_handled(engine) -> None:  # noqa: ANN001
    paragraph = "Markets were calm on Monday. Russia has deployed thousands of troops along the border with Ukraine. "
    detections = engine.detect(paragraph * 200)
    assert len(detections) == 200
    assert len({d.start for d in detections}) == 200
