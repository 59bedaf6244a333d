"""Title-case headlines are parsed with their common words in lower case (made-up lines)."""

from __future__ import annotations

import pytest

from services.detector.gazetteer import default_gazetteer
from services.detector.lexicon import Entry
from services.detector.truecase import Truecaser, is_title_case
from tests.detector.conftest import by_pattern, judged_by


@pytest.mark.parametrize(
    ("text", "titled"),
    [
        ("Chad Moves Troops Toward Sudanese Border", True),
        ("Minister Sends 10 Battalions to the Border", True),  # minor words may stay lower-case
        ("Chad moves troops toward the Sudanese border", False),
        ("CHAD MOVES TROOPS", False),  # capitals throughout: not title case
        ("Chad Moves", False),  # too short to tell a headline from a name
    ],
)
def test_a_title_case_line_is_told_from_a_sentence(text: str, titled: bool) -> None:
    assert is_title_case(text) is titled


def test_common_words_are_lowered_and_names_keep_their_capitals() -> None:
    truecase = Truecaser({"denies", "report", "troops", "moves"}, {"withdraw"}, default_gazetteer().spans)
    text = "White House Denies Questionable Report As Zorblat Withdraws Troops (AP)"
    cased = truecase(text)
    assert cased == "White House denies Questionable report as Zorblat withdraws troops (AP)"
    assert len(cased) == len(text)
    assert truecase("The White House denies the report.") == "The White House denies the report."


def test_a_name_of_several_words_a_case_sensitive_lexicon_lists_keeps_its_capitals() -> None:
    truecase = Truecaser(
        {"denies", "report", "times"}, set(), default_gazetteer().spans, [Entry.parse("New York Times")]
    )
    assert truecase("Kremlin Denies New York Times Report") == "Kremlin denies New York Times report"
    assert truecase("Kremlin Denies Zorblat Times Report") == "Kremlin denies Zorblat times report"


def test_a_title_case_headline_names_the_outlet_of_a_denied_report(engine) -> None:  # noqa: ANN001
    [found] = by_pattern(engine.detect("Kremlin Denies Financial Times Report On Troop Losses"), "wire_denial")
    assert (found.agency, found.target) == ("Financial Times", "Financial Times Report")


def test_a_title_case_headline_names_the_parties_of_a_buildup(engine) -> None:  # noqa: ANN001
    [found] = by_pattern(engine.detect("Chad Moves Troops Toward Sudanese Border"), "military_buildup")
    assert (found.actor, found.target) == ("Chad", "Sudan")
    assert found.sentence == "Chad Moves Troops Toward Sudanese Border"


def test_a_party_of_a_title_case_headline_is_named_as_written(engine) -> None:  # noqa: ANN001
    [found] = by_pattern(engine.detect("Foreign Ministry Denies Newspaper Report On Secret Talks"), "wire_denial")
    assert found.actor == "Foreign Ministry"


@pytest.mark.parametrize(
    ("headline", "parties"),
    [
        ("Morales Orders Chilean Envoy to Leave Bolivia Within 72 Hours", ("Morales", "Chilean Envoy")),
        ("Bolivia Orders Expulsion of Chilean Ambassador in 48 Hours", ("Bolivia", "Chilean Ambassador")),
    ],
)
def test_a_headline_verb_taken_for_a_noun_still_splits_who_acts_from_whom(engine, headline, parties) -> None:  # noqa: ANN001
    [found] = by_pattern(judged_by(engine, ultimatum=0.99).detect(headline), "ultimatum")
    assert (found.actor, found.target) == parties
