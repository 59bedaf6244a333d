"""Where the engine asks the model: only where its probability can change a detection.

A loose rule (one that counts only where the model leads) is tried only where its pattern's
gate words occur; the model is asked where a labelled pattern's rule found a candidate on the
parse (before the roles are read, so that none are read where the probability lets no rule
count) or where the pattern may detect alone and its alone-gate words occur.
Sentences here are made up for these tests.
"""

from __future__ import annotations

from pathlib import Path

from services.detector.engine import DetectionEngine
from tests.detector.test_decision import BARE, CLASSIFIER, LOOSE, LOOSE_NO_OFFICIAL, PATTERN, RULED, StubJudge, _only

NO_GATE_WORD = "The Norwegian government halted all shipments to Ruritania on Monday."
ALONE_WORD = "Nothing will reach Ruritania while the embargo lasts, trade officials hear."


def _judged(
    engine: DetectionEngine,
    directory: Path,
    judge: StubJudge,
    require: str = "",
    classifier: str = CLASSIFIER,
    lexicons: str = "",
) -> DetectionEngine:
    text = PATTERN.format(classifier=classifier.format(require=require))
    if lexicons:
        text = text.replace("lexicons:\n", f"lexicons:\n{lexicons}", 1)
    (directory / "embargo_test.yaml").write_text(text, encoding="utf-8")
    return DetectionEngine(engine.nlp, engine.trained, [directory], judge=judge)


def test_a_loose_rule_is_not_tried_where_no_gate_word_occurs(engine, tmp_path) -> None:  # noqa: ANN001
    judge = StubJudge({NO_GATE_WORD: 0.9, LOOSE: 0.9})
    judged = _judged(engine, tmp_path, judge)
    assert _only(judged.detect(NO_GATE_WORD)) is None
    assert judge.asked == []
    found = _only(judged.detect(LOOSE))  # the same rule, with a gate word ("exports")
    assert found is not None and found.rule == "model_trade_halted"
    assert judge.asked == [LOOSE]


def test_the_model_is_asked_only_where_a_rule_found_a_candidate_when_it_may_not_detect_alone(engine, tmp_path) -> None:  # noqa: ANN001
    judge = StubJudge({BARE: 0.95, LOOSE_NO_OFFICIAL: 0.95})
    judged = _judged(engine, tmp_path, judge, require="actor")  # a required role: never alone
    assert _only(judged.detect(BARE)) is None  # gate words, no rule: not asked
    assert _only(judged.detect(LOOSE_NO_OFFICIAL)) is None  # a candidate whose actor has no standing
    assert judge.asked == [LOOSE_NO_OFFICIAL]


def test_a_strict_rules_match_reaches_the_model_without_gate_words(engine, tmp_path) -> None:  # noqa: ANN001
    judge = StubJudge({RULED: 0.4})
    narrow = CLASSIFIER.replace("gate: [gate_words]", "gate: [other_words]")
    judged = _judged(engine, tmp_path, judge, classifier=narrow, lexicons="  other_words: [sanction*]\n")
    found = _only(judged.detect(RULED))
    assert found is not None and found.rule == "imposes_embargo"
    assert found.probability == 0.4
    assert judge.asked == [RULED]


def test_an_alone_gate_narrows_where_the_model_may_detect_alone(engine, tmp_path) -> None:  # noqa: ANN001
    judge = StubJudge({BARE: 0.95, ALONE_WORD: 0.95})
    alone = CLASSIFIER.replace("gate: [gate_words]", "gate: [gate_words]\n  alone_gate: [alone_words]")
    judged = _judged(engine, tmp_path, judge, classifier=alone, lexicons="  alone_words: [embargo*]\n")
    assert _only(judged.detect(BARE)) is None  # a gate word ("trade") but no alone-gate word
    found = _only(judged.detect(ALONE_WORD))
    assert found is not None and found.rule == "classifier"
    assert judge.asked == [ALONE_WORD]


BOTH_WORDS = "Nothing will reach Ruritania until the embargo ends, trade officials hear."


def test_an_alone_gate_list_entry_needs_a_word_of_each_of_its_lexicons(engine, tmp_path) -> None:  # noqa: ANN001
    judge = StubJudge({ALONE_WORD: 0.95, BOTH_WORDS: 0.95})
    both = CLASSIFIER.replace("gate: [gate_words]", "gate: [gate_words]\n  alone_gate: [[alone_words, limit_words]]")
    lexicons = "  alone_words: [embargo*]\n  limit_words: [until, deadline*]\n"
    judged = _judged(engine, tmp_path, judge, classifier=both, lexicons=lexicons)
    assert _only(judged.detect(ALONE_WORD)) is None  # "embargo" but no word of the time limit
    found = _only(judged.detect(BOTH_WORDS))
    assert found is not None and found.rule == "classifier"
    assert judge.asked == [BOTH_WORDS]


def test_roles_are_not_read_where_the_model_already_vetoed_the_rule(engine, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    import services.detector.engine as engine_module

    read: list[str] = []
    real = engine_module.complete

    def recording(view, pattern, candidate, finder):  # noqa: ANN001, ANN202
        read.append(view.doc.text)
        return real(view, pattern, candidate, finder)

    monkeypatch.setattr(engine_module, "complete", recording)
    judge = StubJudge({RULED: 0.1})  # below rule_threshold: the strict rule may not count
    judged = _judged(engine, tmp_path, judge)  # no required role: the model may detect alone
    assert _only(judged.detect(RULED)) is None
    assert judge.asked == [RULED] and read == []
    judge.by_sentence[RULED] = 0.4
    found = _only(judged.detect(RULED))
    assert found is not None and found.rule == "imposes_embargo" and read == [RULED]


def test_a_context_sentence_parsed_as_a_candidate_is_not_parsed_again(engine, tmp_path) -> None:  # noqa: ANN001
    parsed: list[str] = []
    judged = _judged(engine, tmp_path, StubJudge({}))
    real = judged.parse

    def recording(texts, entities=True, syntax=True):  # noqa: ANN001, ANN202
        parsed.extend(texts)
        return real(texts, entities, syntax)

    judged.parse = recording  # type: ignore[method-assign]
    judged.detect_many([(RULED + " It imposed an embargo on Ruritania again on Tuesday.", None)])
    assert parsed.count(RULED) == 1


def test_an_empty_alone_gate_means_never_alone_even_where_another_pattern_had_the_model_asked(
    engine,  # noqa: ANN001
    tmp_path,  # noqa: ANN001
) -> None:
    judge = StubJudge({LOOSE_NO_OFFICIAL: 0.95})
    free = PATTERN.format(classifier=CLASSIFIER.format(require=""))
    never = free.replace("id: embargo_test", "id: embargo_never").replace(
        "gate: [gate_words]", "gate: [gate_words]\n  alone_gate: []"
    )
    (tmp_path / "free.yaml").write_text(free, encoding="utf-8")
    (tmp_path / "never.yaml").write_text(never, encoding="utf-8")
    judged = DetectionEngine(engine.nlp, engine.trained, [tmp_path], judge=judge)
    found = judged.detect(LOOSE_NO_OFFICIAL)
    assert judge.asked == [LOOSE_NO_OFFICIAL]  # embargo_test may detect alone here
    assert [d.pattern for d in found if d.rule == "classifier"] == ["embargo_test"]
