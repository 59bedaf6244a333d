"""Articles written for these tests: the seed patterns in other words, and hard negatives."""

from __future__ import annotations

import pytest

from tests.detector.conftest import DETECTOR_FIXTURES, by_pattern

SEED_PATTERNS = ("ultimatum", "military_buildup", "wire_denial")


@pytest.fixture(scope="module")
def crisis(engine):  # noqa: ANN001, ANN201
    return engine.detect((DETECTOR_FIXTURES / "border_crisis.txt").read_text(encoding="utf-8"))


def test_deadline_ultimatum_resolves_the_pronoun_to_belarus(crisis) -> None:  # noqa: ANN001
    deadline = [d for d in by_pattern(crisis, "ultimatum") if "72 hours" in d.sentence]
    assert len(deadline) == 1
    assert deadline[0].actor == "Poland's foreign minister"
    assert deadline[0].target == "Belarus"
    assert deadline[0].countries[:2] == ["PL", "BY"]


def test_step_down_demand_names_lukashenko(crisis) -> None:  # noqa: ANN001
    demand = [d for d in by_pattern(crisis, "ultimatum") if "step down" in d.sentence]
    assert demand[0].target == "Alexander Lukashenko"
    assert demand[0].cameo == "1041"


def test_buildup_and_denial(crisis) -> None:  # noqa: ANN001
    [buildup] = by_pattern(crisis, "military_buildup")
    assert buildup.actor == "Belarus" and buildup.target == "Poland"
    [denial] = by_pattern(crisis, "wire_denial")
    assert denial.actor == "Belarusian defence ministry"
    assert denial.agency == "Reuters"
    assert "BY" in denial.countries


def hard_negatives() -> list[str]:
    text = (DETECTOR_FIXTURES / "hard_negatives.txt").read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize("sentence", hard_negatives())
def test_hard_negative_yields_no_seed_pattern(engine, sentence: str) -> None:  # noqa: ANN001
    found = [d.pattern for d in engine.detect(sentence) if d.pattern in SEED_PATTERNS]
    assert found == []


def test_analysts_warning_is_not_an_official_threat(engine) -> None:  # noqa: ANN001
    assert engine.detect("Analysts warned that any attack would be a fatal mistake for the markets.") == []


def test_context_supplies_the_agency_of_a_denial(engine) -> None:  # noqa: ANN001
    context = "Reports by Associated Press said the embassy was being emptied."
    [denial] = engine.detect("The ministry of foreign affairs denied the report.", context=context)
    assert denial.agency == "Associated Press"
    assert denial.start == 0


def test_speaker_of_a_quote_in_the_next_clause_is_the_actor(engine) -> None:  # noqa: ANN001
    text = '"You must leave the country within 48 hours," President Ruto told the junta leader.'
    [ultimatum] = by_pattern(engine.detect(text), "ultimatum")
    assert ultimatum.actor == "President Ruto"
    assert "KE" in ultimatum.countries


def paraphrases() -> list[tuple[str, str]]:
    """Each seed pattern said in other words, and near misses, all written for these tests."""
    rows = []
    for line in (DETECTOR_FIXTURES / "paraphrases.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            expected, text = line.split("\t", 1)
            rows.append((expected, text))
    return rows


@pytest.mark.parametrize(("expected", "text"), paraphrases())
def test_paraphrase(engine, expected: str, text: str) -> None:  # noqa: ANN001
    found = {d.pattern for d in engine.detect(text)} & set(SEED_PATTERNS)
    assert found == (set() if expected == "-" else {expected})


def test_an_unresolvable_pronoun_is_left_empty_not_guessed(engine) -> None:  # noqa: ANN001
    [demand] = by_pattern(engine.detect("He must step down within 48 hours, the minister said."), "ultimatum")
    assert demand.target is None
    context = "Opposition figures met President Alpha Condé in Conakry on Monday."
    [resolved] = by_pattern(
        engine.detect("He must step down within 48 hours, the minister said.", context=context), "ultimatum"
    )
    assert resolved.target == "President Alpha Condé"


def test_a_denial_of_a_report_named_only_in_the_previous_sentence(engine) -> None:  # noqa: ANN001
    context = "Kremlin spokesman Dmitry Peskov was asked on Tuesday about the Bloomberg report."
    [denial] = engine.detect('"This is absolutely untrue," he said.', context=context)
    assert (denial.pattern, denial.actor, denial.agency) == (
        "wire_denial",
        "Kremlin spokesman Dmitry Peskov",
        "Bloomberg",
    )
    assert engine.detect('"This is absolutely untrue," he said.', context="The minister met farmers.") == []
