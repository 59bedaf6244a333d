"""Party politics read as it is written in a general-news article: an opposition's demand, a
party man named bare after his title, a brand's denial. None is a state's act.

Made-up sentences and names; each test pins one rule and fails without it.
"""

from __future__ import annotations

from tests.detector.conftest import by_pattern, judged_by

DEADLINE = "the Ruritanian president had 48 hours to leave the country or face military action."


def test_time_given_with_have_is_had_by_its_subject_not_by_the_speaker(engine) -> None:  # noqa: ANN001
    """ "X said the president had 48 hours to leave": the president must leave; the speaker is
    the actor, so an opposition leader's words are no state's ultimatum."""
    [found] = by_pattern(engine.detect(f"The foreign minister said {DEADLINE}"), "ultimatum")
    assert (found.actor, found.target) == ("foreign minister", "Ruritanian president")
    assert by_pattern(engine.detect(f"Opposition leader Anne Ashworth said {DEADLINE}"), "ultimatum") == []


def test_a_bare_name_keeps_the_party_title_the_article_gave_it_earlier(engine) -> None:  # noqa: ANN001
    later = f"Mrs Ashworth said {DEADLINE}"
    for introduced in (
        "Conservative leader Anne Ashworth spoke in parliament on Tuesday.",
        "Anne Ashworth, the opposition leader, spoke in parliament on Tuesday.",
        "Liberal Democrat leader Anne Ashworth spoke in parliament. Then the house rose for lunch.",
    ):
        assert by_pattern(engine.detect(f"{introduced} {later}"), "ultimatum") == [], introduced


def test_an_office_named_earlier_gives_the_bare_name_its_standing(engine) -> None:  # noqa: ANN001
    later = f"Mrs Ashworth said {DEADLINE}"
    for introduced in (
        "Prime Minister Anne Ashworth spoke in parliament on Tuesday.",
        "Conservative leader Anne Ashworth met the king. Prime Minister Anne Ashworth then spoke in parliament.",
    ):
        [found] = by_pattern(engine.detect(f"{introduced} {later}"), "ultimatum")
        assert (found.actor, found.target) == ("Mrs Ashworth", "Ruritanian president"), introduced


def test_a_one_word_name_nobody_knows_denying_a_report_is_no_official_alone(engine) -> None:  # noqa: ANN001
    """The model alone (no rule completes on "a newspaper report") needs an official behind a
    denial: an untagged one-word name the gazetteer does not know is a brand's; a capital is a state's."""
    sure = judged_by(engine, wire_denial=0.99)
    assert (
        by_pattern(
            sure.detect("Fizzcom denied a newspaper report that it planned to close three factories."), "wire_denial"
        )
        == []
    )
    [found] = by_pattern(
        sure.detect("Kabul denied a newspaper report that it planned to close three embassies."), "wire_denial"
    )
    assert found.actor == "Kabul"


def test_a_one_word_name_the_article_gave_an_office_keeps_its_denial(engine) -> None:  # noqa: ANN001
    sure = judged_by(engine, wire_denial=0.99)
    sentence = "In a statement, a-Vendrel claimed the newspaper report was untrue and baseless."
    assert by_pattern(sure.detect(sentence), "wire_denial") == []
    [found] = by_pattern(sure.detect(sentence, "Army spokesman Tamas a-Vendrel spoke on Monday."), "wire_denial")
    assert found.pattern == "wire_denial"


def test_a_chief_executive_named_bare_later_denies_as_a_company(engine) -> None:  # noqa: ANN001
    """A model-alone denial by "Mr Theede" (a name the recogniser leaves untyped) keeps the
    company title the article gave him."""
    sure = judged_by(engine, wire_denial=0.99)
    later = "Mr Theede dismissed reports in the Russian press that he had been threatened with arrest."
    introduced = "Fizzco chief executive Steven Theede left Moscow on Monday."
    assert by_pattern(sure.detect(f"{introduced} {later}"), "wire_denial") == []


def test_a_member_of_parliament_is_no_official(engine) -> None:  # noqa: ANN001
    """ "MP" is a blocked title, so the member named bare later denies as no official."""
    sure = judged_by(engine, wire_denial=0.99)
    text = 'Backbench MP Tom Brandle has denied taking money. Mr Brandle said the claims were "a lie" and that he would sue the newspaper.'
    assert by_pattern(sure.detect(text), "wire_denial") == []


def test_a_party_s_ultimatum_to_its_coalition_partners_is_coalition_politics(engine) -> None:  # noqa: ANN001
    judged = judged_by(engine, ultimatum=0.7)
    text = (
        "The leader of the Liberty Alliance has issued an ultimatum to her party's coalition partners, "
        "warning that the Greens will quit the government unless the climate bill is backed by Friday."
    )
    assert by_pattern(judged.detect(text), "ultimatum") == []
