"""How a pattern combines the judge's probability with its rules, as its file declares.

A stand-in judge gives fixed probabilities, so each test pins one branch of the decision:
a strict rule vetoed below ``rule_threshold``, the model leading at ``threshold``, a loose rule
that needs the model and the roles it requires, the gate keeping sentences from the model,
and a pattern without a label staying rule-only. Sentences here are written for these tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from models.detection import Detection
from services.detector.decision import CLASSIFIER_RULE
from services.detector.engine import DetectionEngine

PATTERN = """
id: embargo_test
title: Trade embargo (test)
cameo: "163"
lexicons:
  embargo_words: [embargo, embargoes]
  impose_verbs: [imposed, imposes, declared]
  trade_words: [trade, exports, imports]
  halt_verbs: [halted, stopped, suspended]
  gate_words: [embargo*, trade, exports, imports, blockade]
{classifier}
rules:
  - id: imposes_embargo
    anchor: [embargo_words]
    constraints:
      - {{words: [impose_verbs], in: [governor]}}
    actor: [subject, enclosing_subject]
    target: [object]
    confidence: 0.9
  - id: model_trade_halted
    needs_model: true
    anchor: [halt_verbs]
    actor: [subject, agent]
    target: [object]
    actor_must_be: official
    confidence: 0.5
"""
CLASSIFIER = """classifier:
  label: embargo
  threshold: 0.7
  rule_threshold: 0.3
  require: [{require}]
  gate: [gate_words]
"""
RULED = "The government of Norway imposed an embargo on Ruritania on Monday."
LOOSE = "The Norwegian government halted all exports to Ruritania on Monday."
LOOSE_NO_OFFICIAL = "A fishing cooperative halted all exports to Ruritania on Monday."
BARE = "Nothing will reach Ruritania from its neighbour's ports this winter, trade officials hear."
HALTED_BARE = "The Norwegian government halted on Monday, citing trade talks."
UNGATED = "The weather in Oslo was mild on Monday."


class StubJudge:
    """Probabilities by sentence, 0 for any other; remembers what it was asked."""

    labels = ("embargo",)

    def __init__(self, by_sentence: dict[str, float]) -> None:
        self.by_sentence = by_sentence
        self.asked: list[str] = []

    def probabilities(self, sentences: Sequence[str]) -> list[dict[str, float]]:
        self.asked.extend(sentences)
        return [{"embargo": self.by_sentence.get(s, 0.0)} for s in sentences]


def _engine(
    engine: DetectionEngine,
    directory: Path,
    judge: StubJudge | None,
    classifier: str | None = CLASSIFIER,
    require: str = "",
) -> DetectionEngine:
    block = "" if classifier is None else classifier.format(require=require)
    (directory / "embargo_test.yaml").write_text(PATTERN.format(classifier=block), encoding="utf-8")
    return DetectionEngine(engine.nlp, engine.trained, [directory], judge=judge)


def _only(found: list[Detection]) -> Detection | None:
    mine = [d for d in found if d.pattern == "embargo_test"]
    assert len(mine) <= 1
    return mine[0] if mine else None


def test_a_strict_rule_fires_with_the_probability_beside_its_confidence(engine, tmp_path) -> None:  # noqa: ANN001
    judged = _engine(engine, tmp_path, StubJudge({RULED: 0.4}))
    found = _only(judged.detect(RULED))
    assert found is not None
    assert found.rule == "imposes_embargo"
    assert found.probability == pytest.approx(0.4)
    assert found.confidence > 0.5
    assert found.actor and "Norway" in found.actor


def test_the_model_vetoes_a_strict_rule_below_rule_threshold(engine, tmp_path) -> None:  # noqa: ANN001
    judged = _engine(engine, tmp_path, StubJudge({RULED: 0.1}))
    assert _only(judged.detect(RULED)) is None


def test_a_loose_rule_counts_only_where_the_model_leads(engine, tmp_path) -> None:  # noqa: ANN001
    low = _engine(engine, tmp_path, StubJudge({LOOSE: 0.6}))
    assert _only(low.detect(LOOSE)) is None
    high = _engine(engine, tmp_path, StubJudge({LOOSE: 0.9}))
    found = _only(high.detect(LOOSE))
    assert found is not None and found.rule == "model_trade_halted"
    assert found.actor and "government" in found.actor
    assert found.probability == pytest.approx(0.9)


def test_standing_holds_where_the_model_leads_and_roles_are_required(engine, tmp_path) -> None:  # noqa: ANN001
    judged = _engine(engine, tmp_path, StubJudge({LOOSE_NO_OFFICIAL: 0.95}), require="actor")
    assert _only(judged.detect(LOOSE_NO_OFFICIAL)) is None


def test_the_model_alone_detects_when_no_role_is_required(engine, tmp_path) -> None:  # noqa: ANN001
    judged = _engine(engine, tmp_path, StubJudge({BARE: 0.8}))
    found = _only(judged.detect(BARE))
    assert found is not None
    assert found.rule == CLASSIFIER_RULE
    assert found.probability == pytest.approx(0.8)
    assert found.cameo == "163"
    required = _engine(engine, tmp_path, StubJudge({BARE: 0.8}), require="actor")
    assert _only(required.detect(BARE)) is None


def test_the_model_alone_names_the_parties_its_loose_rules_read(engine, tmp_path) -> None:  # noqa: ANN001
    # No rule's anchor here: the loose rules' role sources are read around the main verb.
    judged = _engine(engine, tmp_path, StubJudge({BARE: 0.8}))
    found = _only(judged.detect(BARE))
    assert found is not None and (found.actor, found.target) == ("trade officials", None)
    # A party that fails the loose rules' standing is left out, not named.
    unofficial = BARE.replace("trade officials", "trade consultants")
    found = _only(_engine(engine, tmp_path, StubJudge({unofficial: 0.8})).detect(unofficial))
    assert found is not None and found.actor is None
    # A blocked actor as the main clause's subject is plainly no state's voice: no detection.
    blocked = BARE.replace("trade officials", "trade unionists")
    assert _only(_engine(engine, tmp_path, StubJudge({blocked: 0.8})).detect(blocked)) is None


def test_the_model_alone_keeps_the_parties_of_a_loose_match_short_of_a_required_role(engine, tmp_path) -> None:  # noqa: ANN001
    # The loose rule's match has its official actor but not the required target: no rule
    # detection, but the model's own detection names the actor it found.
    alone = CLASSIFIER + "  alone: 0.85\n"
    judged = _engine(engine, tmp_path, StubJudge({HALTED_BARE: 0.9}), classifier=alone, require="target")
    found = _only(judged.detect(HALTED_BARE))
    assert found is not None and found.rule == CLASSIFIER_RULE
    assert found.actor == "Norwegian government" and found.target is None
    assert found.triggers == ["halted"]


def test_the_gate_keeps_sentences_without_its_words_from_the_model(engine, tmp_path) -> None:  # noqa: ANN001
    judge = StubJudge({})
    judged = _engine(engine, tmp_path, judge)
    judged.detect(f"{UNGATED} {BARE}")
    assert judge.asked == [BARE]


def test_a_pattern_without_a_label_is_rule_only(engine, tmp_path) -> None:  # noqa: ANN001
    judge = StubJudge({RULED: 0.0, BARE: 1.0})
    judged = _engine(engine, tmp_path, judge, classifier=None)
    found = _only(judged.detect(RULED))
    assert found is not None and found.probability is None
    assert _only(judged.detect(BARE)) is None
    assert judge.asked == []


def test_a_label_the_model_does_not_know_is_rule_only(engine, tmp_path) -> None:  # noqa: ANN001
    judge = StubJudge({RULED: 0.0})
    judge.labels = ("something_else",)
    judged = _engine(engine, tmp_path, judge)
    found = _only(judged.detect(RULED))
    assert found is not None and found.probability is None


def test_without_a_judge_every_pattern_is_rule_only(engine, tmp_path) -> None:  # noqa: ANN001
    judged = _engine(engine, tmp_path, None)
    found = _only(judged.detect(RULED))
    assert found is not None and found.probability is None
    assert _only(judged.detect(LOOSE)) is None


def test_probability_is_bounded() -> None:
    with pytest.raises(ValueError):
        Detection(pattern="p", sentence="s", start=0, end=1, confidence=0.5, rule="r", probability=1.5)


OVERRIDE_PATTERN = """
id: praise_test
title: Own lexicon override (test)
lexicons:
  praise_verbs: [praised, thanked]
  blocked_actors: [minister]
rules:
  - id: praises
    anchor: [praise_verbs]
    actor: [subject]
    target: [object]
    actor_must_be: not_blocked
"""


def test_a_patterns_own_lexicon_replaces_the_shared_one_in_standing_too(engine, tmp_path) -> None:  # noqa: ANN001
    (tmp_path / "praise_test.yaml").write_text(OVERRIDE_PATTERN, encoding="utf-8")
    own = DetectionEngine(engine.nlp, engine.trained, [tmp_path], judge=None)
    assert own.detect("The minister praised the rescue workers on Monday.") == []
    assert [d.rule for d in own.detect("The protesters praised the rescue workers on Monday.")] == ["praises"]


def test_a_case_sensitive_lexicon_stays_so_when_combined(engine) -> None:  # noqa: ANN001
    """ "the independent inquiry" is no outlet, even in wire_denial's combined lexicons."""
    rules_only = DetectionEngine(engine.nlp, engine.trained, judge=None)
    found = rules_only.detect("The ministry denied the independent inquiry's findings on Monday.")
    assert [d for d in found if d.pattern == "wire_denial"] == []
    found = rules_only.detect("The ministry denied the report by The Independent, calling it false.")
    assert [d.pattern for d in found if d.pattern == "wire_denial"] == ["wire_denial"]


ALONE = """classifier:
  label: embargo
  threshold: 0.7
  require: [actor]
  alone: 0.9
  gate: [gate_words]
"""


def test_alone_sets_the_probability_for_a_detection_without_a_rule(engine, tmp_path) -> None:  # noqa: ANN001
    high = _engine(engine, tmp_path, StubJudge({BARE: 0.95}), classifier=ALONE)
    found = _only(high.detect(BARE))
    assert found is not None and found.rule == CLASSIFIER_RULE
    low = _engine(engine, tmp_path, StubJudge({BARE: 0.85}), classifier=ALONE)
    assert _only(low.detect(BARE)) is None


def test_countries_are_the_detections_own_not_a_neighbours(engine) -> None:  # noqa: ANN001
    text = (
        "France and Italy held talks on fishing quotas on Monday. "
        "Serbia summoned the ambassador and gave him 72 hours to leave the country."
    )
    [found] = [d for d in engine.detect(text) if d.pattern == "ultimatum"]
    assert found.countries == ["RS"]
    assert "ambassador" in (found.target or "")


def test_a_sentence_naming_no_country_takes_the_one_before(engine) -> None:  # noqa: ANN001
    text = (
        "Tensions rose between Serbia and Montenegro on Monday. "
        "The foreign ministry gave the ambassador 72 hours to leave the country."
    )
    found = [d for d in engine.detect(text) if d.pattern == "ultimatum"]
    assert found and set(found[0].countries) == {"RS", "ME"}
