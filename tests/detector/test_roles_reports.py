"""A wire denial's target: the report denied, named with the outlet that ran it.

Made-up sentences; each pins one rule of ``RoleFinder.with_outlet`` (it fails without it).
"""

from __future__ import annotations

import pytest

from tests.detector.conftest import by_pattern, finder_for, judged_by


def _denial(engine, text: str, context: str | None = None):  # noqa: ANN001, ANN202 - test helper
    [found] = by_pattern(engine.detect(text, context), "wire_denial")
    return found


def test_the_outlet_a_report_was_published_by_is_part_of_the_target(engine) -> None:  # noqa: ANN001
    found = _denial(
        engine, "The defence ministry on Tuesday rejected a report published by the Daily Courier that troops had left."
    )
    assert found.target == "report published by the Daily Courier"


def test_a_report_in_an_outlet_keeps_the_outlet(engine) -> None:  # noqa: ANN001
    found = _denial(engine, "The interior ministry denied a report in Monday's edition of the Coastal Ledger.")
    assert found.target.endswith("Coastal Ledger")


def test_the_outlet_of_the_sentence_before_names_the_report(engine) -> None:  # noqa: ANN001
    found = _denial(
        engine,
        "The defence ministry dismissed the report as false.",
        "The Harbour Gazette said on Sunday that the navy had lost two frigates.",
    )
    assert found.target == "report (The Harbour Gazette)"


def test_an_outlet_an_official_spoke_to_did_not_run_the_report(engine) -> None:  # noqa: ANN001
    found = _denial(
        engine, "The defence ministry denied such reports.", "The minister told Al Jazeera that no troops had moved."
    )
    assert found.target == "such reports"


def test_a_press_conference_is_no_outlet(engine) -> None:  # noqa: ANN001
    found = _denial(engine, "At a press conference on Monday, the defence ministry denied the report.")
    assert found.target == "report"


def _denials_alone(engine, text: str, context: str | None = None):  # noqa: ANN001, ANN202 - test helper
    """The wire denials an engine finds in ``text`` with a judge certain of every sentence."""
    return by_pattern(judged_by(engine, wire_denial=0.99).detect(text, context), "wire_denial")


def _fires(engine, text: str, probability: float) -> bool:  # noqa: ANN001 - test helper
    """Whether a wire denial is found in ``text`` with a judge giving every sentence ``probability``."""
    return bool(by_pattern(judged_by(engine, wire_denial=probability).detect(text), "wire_denial"))


def _alone(engine, text: str, context: str | None = None):  # noqa: ANN001, ANN202 - test helper
    [found] = _denials_alone(engine, text, context)
    return found


def test_a_denial_the_model_found_alone_names_the_outlet_when_no_report_is_named(engine) -> None:  # noqa: ANN001
    found = _alone(engine, "The interior ministry said the Daily Courier was behind fabricated claims about the talks.")
    assert found.rule == "classifier"
    assert found.actor == "interior ministry" and found.target == "the Daily Courier"


def test_a_spokesman_named_with_his_office_is_an_official(engine) -> None:  # noqa: ANN001
    found = _alone(engine, "Tomas Berg, the foreign ministry's spokesman, called the article fabricated and baseless.")
    assert found.actor == "Tomas Berg"


def test_the_model_alone_does_not_make_a_company_s_denial_an_official_one(engine) -> None:  # noqa: ANN001
    assert _denials_alone(engine, "The telecoms company Nordtel denied a newspaper report on Monday.") == []


def test_an_outlet_accused_inside_a_quote_is_not_the_one_denying(engine) -> None:  # noqa: ANN001
    found = _alone(engine, "“The Daily Courier spread fabricated claims again,” the interior minister said.")
    assert found.actor == "interior minister"


def test_a_bracketed_dateline_is_never_the_party(engine) -> None:  # noqa: ANN001
    found = _denial(
        engine,
        "Kathmandu [Nepal], Mar. 3 (ANI): The foreign ministry has dismissed reports published by the Daily Courier as nonsense.",
    )
    assert found.actor == "foreign ministry"


def test_an_office_a_tagger_takes_for_an_organisation_is_still_official(engine) -> None:  # noqa: ANN001
    from spacy.tokens import Span

    from services.detector.roles import Role

    [doc] = engine.parse(["The High Commission denied a report in the Daily Courier."])
    doc.ents = [Span(doc, 1, 3, label="ORG")]  # as a small tagger reads "High Commission"
    finder = finder_for(engine, doc)
    assert finder.actor_ok("official", Role("High Commission", finder.view, 1, 3))


def test_a_bracketed_outlet_closing_a_headline_is_its_credit_not_a_report(engine) -> None:  # noqa: ANN001
    from services.detector.view import SentenceView

    lexicons = engine._catalog.lexicons
    credited = SentenceView(engine.parse(["Ohio Denies Contact With Smith (AP)"])[0], lexicons)
    assert {t.text for t in credited.doc if t.i in credited.attribution} == {"(", "AP", ")"}
    named = SentenceView(engine.parse(["The ministry denied the AP report on Monday."])[0], lexicons)
    assert not named.attribution


def test_a_sports_body_denying_a_report_is_no_official_denial(engine) -> None:  # noqa: ANN001
    text = "The Spanish Football Federation denied a report published by the Daily Courier on Monday."
    assert _denials_alone(engine, text) == []
    assert _denials_alone(engine, text.replace("Football Federation", "Foreign Ministry"))


def test_a_town_the_tagger_does_not_know_before_a_date_is_a_dateline(engine) -> None:  # noqa: ANN001
    text = "Prizren, 9 March 2019 - The Ministry of Foreign Affairs refuted last week's stories in Albanian media about smuggling."
    [found] = _denials_alone(engine, text)
    assert found.actor == "The Ministry of Foreign Affairs"


def test_a_predicate_adjective_before_the_article_is_not_part_of_the_report(engine) -> None:  # noqa: ANN001
    [found] = _denials_alone(engine, "Ruritanian authorities dismissed as false a report claiming the port was closed.")
    assert found.target == "a report"


@pytest.mark.parametrize(
    ("text", "fires"),
    [
        (
            "Chile dismissed a Peruvian claim that its troops had shelled a border post, denouncing it as fake news.",
            False,
        ),
        ("The ministry rejected as fake news claims by Bolivian officials that the port had been closed.", False),
        ("The ministry rejected as fake news claims in the Daily Courier that the port had been closed.", True),
    ],
)
def test_fake_news_labelling_a_state_s_claim_is_no_wire_denial(engine, text: str, fires: bool) -> None:  # noqa: ANN001
    assert _fires(engine, text, 0.5) is fires


@pytest.mark.parametrize(
    "text",
    [
        "The Congress on Tuesday rejected as baseless a report in the Daily Courier about its leadership.",
        "Ruritania's BJP denied a report in the Daily Courier that it would join the coalition.",
        # a town before a colon takes a subject of its own in the parse: the party's is still read
        "Marvale: ZANU-PF chief spokesperson Tomas Berg on Friday said that the party rejects baseless reports in the media.",
    ],
)
def test_a_political_party_named_bare_denying_a_report_is_no_official_denial(engine, text: str) -> None:  # noqa: ANN001
    assert _denials_alone(engine, text) == []
    official = (
        text.replace("The Congress", "The ministry").replace("'s BJP", "'s ministry").replace("ZANU-PF", "ministry")
    )
    assert _denials_alone(engine, official)


@pytest.mark.parametrize(
    ("text", "agency"),
    [
        ("The ministry denied a report in the Daily Mail on Monday.", "Daily Mail"),
        ("The ministry denied a report in the Daily Courier on Monday.", "Daily Courier"),
        ("The foreign ministry denied the AP report, calling it a lie.", "AP"),
    ],
)
def test_the_agency_is_the_outlet_s_whole_name(engine, text: str, agency: str) -> None:  # noqa: ANN001
    assert _denial(engine, text).agency == agency


def test_a_statement_that_speaks_is_its_issuer_s_word(engine) -> None:  # noqa: ANN001
    text = "“The report that the minister met the rebels is absolutely false,” a statement issued by the foreign ministry said."
    found = _denial(judged_by(engine, wire_denial=0.5), text)
    assert found.actor == "the foreign ministry"


@pytest.mark.parametrize(
    ("text", "fires"),
    [
        ("Terming the article baseless, the Spokesperson said the report was false.", True),
        ("Spokesperson Lin Wei called the Daily Courier report a fabrication.", True),
        ("Tomas Berg's spokesperson called the Daily Courier report about the singer a fabrication.", False),
        ("A Nordtel spokesman called the Daily Courier report a fabrication.", False),
    ],
)
def test_a_spokesperson_speaks_for_an_office_unless_a_person_or_company_is_named(
    engine, text: str, fires: bool
) -> None:  # noqa: ANN001
    assert bool(_denials_alone(engine, text)) is fires


def test_the_outlet_that_filed_a_story_is_no_report_denied(engine) -> None:  # noqa: ANN001
    judged = judged_by(engine, wire_denial=0.5)
    filed = "VIENNA (AFP) - The ministry denied that it had carried out any nuclear work at the site."
    assert by_pattern(judged.detect(filed), "wire_denial") == []
    [found] = by_pattern(
        judged.detect("The ministry denied an AFP report that it had done nuclear work."), "wire_denial"
    )
    assert found.agency == "AFP"


def test_a_person_named_bare_stays_the_actor_of_a_denial_the_model_found(engine) -> None:  # noqa: ANN001
    found = _alone(engine, "Lena Varga responded on Friday that the accusations were false and baseless.")
    assert found.actor == "Lena Varga"


def test_a_denial_naming_no_report_answers_the_outlet_of_the_sentence_before(engine) -> None:  # noqa: ANN001
    [found] = by_pattern(
        judged_by(engine, wire_denial=0.99).detect(
            "The Harbour Gazette reported that the navy had lost two frigates. "
            "The defence minister said on Monday that the accusations were false and baseless."
        ),
        "wire_denial",
    )
    assert found.target == "The Harbour Gazette"


def test_an_outlet_s_report_a_ministry_calls_false_is_not_the_sentence_s_credit(engine) -> None:  # noqa: ANN001
    from services.detector.view import SentenceView

    lexicons = engine._catalog.lexicons
    [doc] = engine.parse(["Global Times report 'inaccurate' and 'misleading', says the foreign ministry"])
    view = SentenceView(doc, lexicons)
    assert not {t.text for t in doc if t.i in view.attribution} & {"Global", "Times", "report"}
    [credit] = engine.parse(["The ministry denied the claims, Reuters reported."])
    assert "Reuters" in {t.text for t in credit if t.i in SentenceView(credit, lexicons).attribution}


def test_a_quoted_denial_by_an_unnamed_he_is_not_dropped_as_the_quote_s_outlet(engine) -> None:  # noqa: ANN001
    found = _alone(engine, '"The Daily Courier went ahead with the story although I told them it was untrue," he said.')
    assert found.actor is None


@pytest.mark.parametrize(
    "text",
    [
        "On Tuesday the Kremlin would neither confirm nor deny a story carried by the Harbour Gazette.",
        "The foreign ministry declined to confirm or deny the newspaper report.",
        "The ministry did not deny the Harbour Gazette report.",
    ],
)
def test_a_denial_word_said_not_to_be_one_is_no_denial_however_sure_the_model(engine, text: str) -> None:  # noqa: ANN001
    assert _denials_alone(engine, text) == []


def test_a_strict_rule_still_reads_a_denial_beside_a_non_denial(engine) -> None:  # noqa: ANN001
    found = _alone(
        engine, "The ministry did not deny that talks took place but rejected the Reuters report as fabricated."
    )
    assert found.rule == "denies_report"


def test_a_government_s_claim_denied_is_no_wire_denial_however_sure_the_model(engine) -> None:  # noqa: ANN001
    text = "Chile dismissed a Peruvian claim that its troops had crossed the border, calling it fake news."
    assert _denials_alone(engine, text) == []
    found = _alone(
        engine, "Chile dismissed a Harbour Gazette report that its troops had crossed the border as fake news."
    )
    assert found.actor == "Chile"


def test_a_relative_clause_naming_a_report_does_not_make_the_official_a_medium(engine) -> None:  # noqa: ANN001
    found = _alone(
        engine,
        "Treasury Principal Secretary Anna Kell, who was named in a Daily Courier report, dismissed the claims as false.",
    )
    assert found.actor == "Treasury Principal Secretary Anna Kell"


@pytest.mark.parametrize(
    ("text", "fires"),
    [
        # a city before a colon is where the story was filed: the party is the one after it
        (
            'Chennai: The Congress party on Friday dismissed as "wholly false" a report that its chief would resign.',
            False,
        ),
        ("Islamabad: The Foreign Office on Monday rejected as baseless a report in the Daily Courier.", True),
    ],
)
def test_a_city_before_a_colon_is_a_dateline_not_the_party(engine, text: str, fires: bool) -> None:  # noqa: ANN001
    assert bool(_denials_alone(engine, text)) is fires


def test_a_relative_clause_says_nothing_of_a_party_s_standing(engine) -> None:  # noqa: ANN001
    from services.detector import syntax

    [doc] = engine.parse(["The sister of a man who died in the custody of the interior ministry spoke on Monday."])
    finder = finder_for(engine, doc)
    sister = next(t for t in doc if t.text == "sister")
    assert not finder.standing.official(finder.view, syntax.subtree(sister))
    [doc] = engine.parse(["The minister, who took office in May, spoke on Monday."])
    finder = finder_for(engine, doc)
    minister = next(t for t in doc if t.text == "minister")
    assert finder.standing.official(finder.view, syntax.subtree(minister))


def test_who_calls_a_report_fake_is_never_a_party_of_what_it_says(engine) -> None:  # noqa: ANN001
    # The parse hangs "as the worst of fake news" on the report's own "use", whose subject is Vietnam.
    doc = engine.nlp(
        "Government spokesman Sok Dara dismissed the recent reports of a secret pact allowing Vietnam "
        "to use a Cambodian port as the worst of fake news."
    )
    finder = finder_for(engine, doc)
    news = next(t for t in doc if t.text == "news")
    assert finder._source("enclosing_subject", news).text == "Vietnam"  # the parse this test is about
    assert finder._source("subject_outside_report", news).text == "Dara"


def test_a_name_after_an_official_title_is_the_office_holder_s_however_tagged(engine) -> None:  # noqa: ANN001
    from spacy.tokens import Span

    from services.detector.gazetteer import default_gazetteer
    from services.detector.standing import Standing
    from services.detector.view import SentenceView

    standing = Standing(default_gazetteer())
    for text, official in (
        ("Government spokesman Phay Sopheap slammed the reports.", True),
        ("Norcom spokesman Phay Sopheap slammed the reports.", False),
    ):
        doc = engine.nlp(text)
        doc.ents = [Span(doc, 2, 4, label="ORG")]  # the tagger's slip, made certain
        if not official:
            doc.ents = [Span(doc, 0, 1, label="ORG"), Span(doc, 2, 4, label="ORG")]
        view = SentenceView(doc, engine._catalog.lexicons)
        assert standing.official(view, {0, 1, 2, 3}) is official, text


def test_who_denied_a_report_in_its_relative_clause_still_denies_it(engine) -> None:  # noqa: ANN001
    detected = judged_by(engine, wire_denial=0.99).detect(
        "The spokeswoman said she had received many questions about the reports, which have been "
        "denied by the Elysee Palace."
    )
    assert "the Elysee Palace" in {d.actor for d in by_pattern(detected, "wire_denial")}


@pytest.mark.parametrize(
    ("text", "target", "agency"),
    [
        # an outlet's initials
        ("Oman rebukes WSJ claims about a secret port deal as baseless", "WSJ", "WSJ"),
        # "The Information" is an outlet; "The information spread in ..." is not
        (
            '"The information spread in the Georgian media about the shelling is false," the Defence '
            "Ministry of Armenia said.",
            None,
            None,
        ),
        # "from the day before" says when, not whose
        ("Officials said the report from the day before was false.", "report", None),
        # a press conference is no report
        (
            "Jansen ended the press conference by criticizing the Herald's irresponsible decision to "
            "falsely report that the premier was informed.",
            "report (Herald)",
            "Herald",
        ),
    ],
)
def test_outlets_are_names_and_reports_keep_their_own_words(engine, text: str, target, agency) -> None:  # noqa: ANN001
    found = _alone(engine, text)
    if target is not None:
        assert found.target == target
    assert found.agency == agency


@pytest.mark.parametrize(
    ("text", "actor"),
    [
        # "biased" and "any such" are denial words the model may act on alone beside a medium
        (
            '"This kind of biased news is spread by some foreign circles to poison relations between our '
            'two countries," Omar Haidari said.',
            "Omar Haidari",
        ),
        (
            "“We have never signed any such deal as reported by foreign media outlets,” the defence minister stressed.",
            None,
        ),
        # a body's initials in brackets are no second, unknown organisation
        (
            "Kenya’s Government Communication Office (GCO) accused the Daily Courier of spreading lies in "
            "an article on its website.",
            "Kenya's Government Communication Office (GCO)",
        ),
    ],
)
def test_a_sure_model_reads_denials_worded_without_a_rule_s_words(engine, text: str, actor) -> None:  # noqa: ANN001
    [found] = by_pattern(judged_by(engine, wire_denial=0.9).detect(text), "wire_denial")
    if actor is not None:
        assert found.actor == actor


@pytest.mark.parametrize(
    ("text", "fires"),
    [
        # a report a ministry released is a government's claim, not a medium's
        (
            "Major Levi, the head of the army's foreign press desk, denied a report released by the "
            "Palestinian Health Ministry in Gaza that two men had been killed in a strike.",
            False,
        ),
        (
            "Major Levi, the head of the army's foreign press desk, denied a report released by the Daily "
            "Post that two men had been killed in a strike.",
            True,
        ),
    ],
)
def test_who_released_a_report_says_whether_it_is_a_medium_s(engine, text: str, fires: bool) -> None:  # noqa: ANN001
    detected = by_pattern(judged_by(engine, wire_denial=0.97).detect(text), "wire_denial")
    assert bool(detected) is fires


def test_who_issued_a_statement_that_denies_is_the_actor(engine) -> None:  # noqa: ANN001
    found = _denial(engine, "A statement from the Foreign Ministry denied the Reuters report on the talks.")
    assert (found.actor, found.agency) == ("the Foreign Ministry", "Reuters")


def test_what_a_denied_claim_is_called_is_not_the_report(engine) -> None:  # noqa: ANN001
    # "fake news" names the claim denied, not a report: no report, no denial the rules back
    detected = judged_by(engine, wire_denial=0.5).detect(
        "The army dismissed rebel claims of heavy losses as fake news."
    )
    assert by_pattern(detected, "wire_denial") == []


def test_an_office_of_the_media_is_an_official_and_names_no_outlet(engine) -> None:  # noqa: ANN001
    text = (
        "Carlos Ruiz, Director General of International Media for the president's office, denied that any "
        "agency had spied on reporters as the article suggests."
    )
    [found] = by_pattern(judged_by(engine, wire_denial=0.8).detect(text), "wire_denial")
    assert found.actor == "Carlos Ruiz, Director General of International Media"
    assert "International Media" not in found.target


@pytest.mark.parametrize(
    ("text", "probability", "target"),
    [
        ("The government is forced to answer the brutal untruths spread by the media about the vote.", 0.8, "media"),
        (
            "The prime minister's spokesman said he did not recognise the newspaper's account of the meeting.",
            0.05,  # below the loose rules' threshold: a strict rule must read it
            "the newspaper's account of the meeting",
        ),
    ],
)
def test_untruths_and_an_account_not_recognised_are_denials(engine, text: str, probability: float, target: str) -> None:  # noqa: ANN001
    [found] = by_pattern(judged_by(engine, wire_denial=probability).detect(text), "wire_denial")
    assert found.target == target


def test_a_minister_set_off_by_his_name_is_the_one_calling_the_story_a_lie(engine) -> None:  # noqa: ANN001
    text = (
        "Ruritania\u2019s Interior Minister, Ivan Petrov, called \u201ca shameless lie\u201d a story published by "
        "the Daily Courier that the army had left the capital."
    )
    found = _denial(engine, text)
    assert found.actor == "Ruritania's Interior Minister, Ivan Petrov"
    assert by_pattern(judged_by(engine, military_buildup=0.99).detect(text), "military_buildup") == []


def test_a_he_said_by_a_spokesman_is_the_spokesman(engine) -> None:  # noqa: ANN001
    found = _alone(
        engine,
        'The president\'s chief spokesman said he "did not recognise" this account of the talks.',
        "Opposition leader Ivan Petrov told the Sunday Herald that the meeting had ended in a shouting match.",
    )
    assert found.actor == "The president's chief spokesman"


@pytest.mark.parametrize(
    ("text", "actor"),
    [
        (
            "The defence ministry released a statement on Sunday denying a report published by the Harbour "
            "Gazette that two frigates had sunk.",
            "defence ministry",
        ),
        (
            "The national rugby union has released an official statement denying a report published by the "
            "Harbour Gazette about a brawl after the final.",
            None,
        ),
    ],
)
def test_a_statement_denying_a_report_is_its_issuer_s_denial(engine, text: str, actor: str | None) -> None:  # noqa: ANN001
    found = by_pattern(engine.detect(text), "wire_denial")
    assert [d.actor for d in found] == ([actor] if actor else [])


@pytest.mark.parametrize(
    "text",
    [
        # a medium named beside the denial, with no report of it denied
        "Speaking to the Daily Courier, the foreign minister rejected any talks with the rebels.",
        "The foreign minister, who owns two newspapers, rejected any talks with the rebels.",
        # broadcasters named in a clause about the ones whose allegations are rejected
        "The foreign ministry rejected allegations by opposition leaders who say state broadcasters are "
        "spreading propaganda.",
    ],
)
def test_a_rejection_near_a_medium_is_no_denial_of_its_report(engine, text: str) -> None:  # noqa: ANN001
    assert by_pattern(engine.detect(text), "wire_denial") == []


@pytest.mark.parametrize(("subject", "agent"), [(False, "minister"), (True, None)])
def test_only_a_verb_without_a_subject_has_a_by_agent(engine, subject: bool, agent: str | None) -> None:  # noqa: ANN001
    """A parse that hangs "by the minister" on the verb, as a parser may after a long subject:
    with a subject of its own the verb is active, and the "by" phrase is the claims' author."""
    from spacy.tokens import Doc

    words = ["The", "journalist", "has", "contradicted", "claims", "by", "the", "minister", "."]
    heads = [1, 3, 3, 3, 3, 3, 7, 5, 3]
    deps = ["det", "nsubj" if subject else "dep", "aux", "ROOT", "dobj", "agent", "det", "pobj", "punct"]
    pos = ["DET", "NOUN", "AUX", "VERB", "NOUN", "ADP", "DET", "NOUN", "PUNCT"]
    doc = Doc(engine.nlp.vocab, words=words, heads=heads, deps=deps, pos=pos)
    found = finder_for(engine, doc).token_from(["agent"], doc[3])
    assert (found.text if found is not None else None) == agent


def test_a_headline_credited_to_an_office_is_its_denial(engine) -> None:  # noqa: ANN001
    found = _alone(engine, "Treat the Harbour Gazette story with contempt \u2013 Interior Ministry")
    assert (found.actor, found.target) == ("Interior Ministry", "Harbour Gazette story")


def test_a_headline_credited_to_an_editorial_is_the_paper_s_word(engine) -> None:  # noqa: ANN001
    text = "Western claims of forced labour in the province are lies and false statistics: Global Post editorial"
    assert _denials_alone(engine, text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Lebanon denies Reuters report on Hezbollah-Israel talks",  # a hyphen is no credit's dash
        "Pakistan denies report of CIA bases: Dawn",  # an outlet credited alone only carries the news
    ],
)
def test_a_headline_credit_that_is_no_speaker_leaves_the_denier(engine, text: str) -> None:  # noqa: ANN001
    assert _alone(engine, text).actor in ("Lebanon", "Pakistan")


def test_a_headline_opened_by_an_office_and_a_colon_is_its_word(engine) -> None:  # noqa: ANN001
    text = "Finance Minister: Harbour News Agency circulates rumors"
    [found] = by_pattern(judged_by(engine, wire_denial=0.2).detect(text), "wire_denial")
    assert (found.actor, found.target) == ("Finance Minister", "Harbour News Agency")


def test_a_place_before_a_headline_s_colon_is_its_topic_not_its_speaker(engine) -> None:  # noqa: ANN001
    found = _denial(engine, "Ukraine: Russia denies report of troop losses in Kherson")
    assert found.actor == "Russia"


@pytest.mark.parametrize(
    ("text", "fires"),
    [
        # a claim credited to rebels is a party's, whatever the ministry calls it
        ("The Chadian army dismisses rebel claims of heavy casualties as 'fake news'", False),
        ("The Chadian army dismisses Daily Courier claims of heavy casualties as 'fake news'", True),
    ],
)
def test_a_claim_credited_to_rebels_is_no_media_report(engine, text: str, fires: bool) -> None:  # noqa: ANN001
    assert _fires(engine, text, 0.5) is fires


def test_a_party_title_set_off_before_a_name_is_the_name_s_standing(engine) -> None:  # noqa: ANN001
    text = (
        "ZANU-PF Secretary for Information and Publicity, Tomas Berg has admonished false news peddlers to stop "
        "feeding people with unconfirmed information."
    )
    assert _denials_alone(engine, text) == []
    assert _denials_alone(engine, text.replace("ZANU-PF Secretary", "Information Ministry Secretary"))


@pytest.mark.parametrize(
    ("context", "fires"),
    [
        # "it" and "the story" answer the army's accusation, a state's claim
        ("The armed forces of Borduria have accused Ruritania of sending special forces across the border.", False),
        ("Ruritania rejected the Bordurian intelligence report released on Friday.", False),
        # a government given as the source of what the sentence before says
        ("Ruritanian troops fired on the crowd, killing several people, according to the Bordurian government.", False),
        ("The Bordurian government said Ruritanian troops had fired on the crowd.", False),
        # an outlet ran the story: the same words deny a media report
        ("The Daily Courier said Ruritania had sent special forces across the border.", True),
        ("Ruritanian troops fired on the crowd, according to the Daily Courier.", True),
    ],
)
def test_a_story_named_bare_answers_the_claim_of_the_sentence_before(engine, context: str, fires: bool) -> None:  # noqa: ANN001
    text = "Ruritania's army spokesman said the story was fake and the report false."
    assert bool(_denials_alone(engine, text, context)) is fires


@pytest.mark.parametrize(
    ("speaker", "fires"),
    [("The actor's spokesman", False), ("The singer's spokeswoman", False), ("The ministry's spokesman", True)],
)
def test_a_spokesperson_speaks_for_an_office_only_when_the_principal_is_one(engine, speaker: str, fires: bool) -> None:  # noqa: ANN001
    text = f"{speaker} said the story in the Daily Courier was completely untrue."
    assert _fires(engine, text, 0.3) is fires


def test_a_party_s_claims_denied_are_no_media_report_however_sure_the_model(engine) -> None:  # noqa: ANN001
    assert (
        _denials_alone(engine, "The minister rejected the opposition's claims that the figures were fabricated.") == []
    )
    assert _denials_alone(engine, "The minister rejected the Daily Courier's claims that the figures were fabricated.")
    # the party named after "by"
    assert (
        _denials_alone(engine, "The minister denied claims by the opposition that the figures were fabricated.") == []
    )
    assert _denials_alone(engine, "The minister denied claims by the Daily Courier that the figures were fabricated.")


def test_a_regulator_named_for_the_media_is_no_outlet_and_a_statesman_paper_is(engine) -> None:  # noqa: ANN001
    text = (
        "The minister has denied the allegation and threatened to file a complaint against the New Statesman "
        "at the National Media Commission."
    )
    found = _alone(engine, text)
    assert found.target == "the New Statesman"
    regulator_only = (
        "The ministry dismissed the claims as fake news and said it would complain to the National Media Commission."
    )
    assert _alone(engine, regulator_only).target is None


def test_a_portfolio_named_before_an_office_does_not_make_the_office_holder_an_organisation_s(engine) -> None:  # noqa: ANN001
    text = (
        "On Monday, Chad's Anti-Sanctions Policies Deputy Minister Tomas Berg denounced a smear campaign "
        "carried out through the dissemination of fake news."
    )
    found = by_pattern(judged_by(engine, wire_denial=0.3).detect(text), "wire_denial")
    assert found and "Deputy Minister" in (found[0].actor or "")


@pytest.mark.parametrize("body", ["defence ministry", "embassy", "military"])
def test_it_stands_for_the_official_body_a_demonym_described_before(engine, body: str) -> None:  # noqa: ANN001
    context = f"The Chinese {body} held its monthly briefing on Thursday."
    found = _denial(engine, "It rejected a Reuters report that the navy was preparing a blockade.", context)
    assert found.actor == f"Chinese {body}"


@pytest.mark.parametrize(
    "text",
    [
        "The minister declined to comment on a report in the Financial Times.",
        "The ministry did not respond to a request for comment on the Financial Times report.",
    ],
)
def test_no_answer_to_a_report_is_no_denial_however_sure_the_model(engine, text: str) -> None:  # noqa: ANN001
    assert by_pattern(judged_by(engine, wire_denial=0.95).detect(text), "wire_denial") == []


def test_a_quoted_word_said_of_the_report_is_not_part_of_its_name(engine) -> None:  # noqa: ANN001
    found = _denial(
        engine, 'Beijing on Monday dismissed as "groundless" a Financial Times report that it planned a base.'
    )
    assert found.target == "Financial Times report"


def test_a_headline_name_parsed_as_a_compound_on_its_verb_is_its_subject(engine) -> None:  # noqa: ANN001
    found = _denial(engine, "Pentagon Rejects Report of Secret Troop Deployment")
    assert found.actor == "Pentagon"


def test_an_adverb_recognised_into_the_name_before_it_is_no_part_of_the_party(engine) -> None:  # noqa: ANN001
    found = _denial(
        engine, "Iran's foreign ministry later rejected the report.", "The Daily Courier reported the talks."
    )
    assert found.actor == "Iran's foreign ministry"


@pytest.mark.parametrize(
    "text,agency",
    [
        (
            "The defence ministry denied a report by the Sydney Morning Herald that troops had left.",
            "Sydney Morning Herald",
        ),
        (
            'The Nigerian presidency described as "fake news" a Sahara Reporters story claiming the president was ill.',
            "Sahara Reporters",
        ),
        # the recogniser runs "AFP the Guardian's" together: the outlet told is not the one denied
        ("A government spokesman told AFP the Guardian's story about secret talks was untrue.", "Guardian"),
    ],
)
def test_the_agency_is_the_outlet_s_whole_name_not_the_word_that_marked_it(engine, text: str, agency: str) -> None:  # noqa: ANN001
    assert _denial(engine, text).agency == agency


def test_an_outlet_recognised_with_the_clause_after_it_is_named_without_it(engine) -> None:  # noqa: ANN001
    # the recogniser tags "the Daily Telegraph that" as one organisation
    found = _denial(
        engine, "Zimbabwe's information ministry rubbished a report by the Daily Telegraph that Mnangagwa was ill."
    )
    assert (found.agency, found.target) == ("Daily Telegraph", "report by the Daily Telegraph")


def test_they_resolves_to_officials_a_demonym_describes_in_the_sentence_before(engine) -> None:  # noqa: ANN001
    found = _denial(
        engine,
        'They described a Daily Courier article on the talks as "malicious fabrication".',
        "Iranian officials reacted angrily on Monday.",
    )
    assert (found.actor, found.agency) == ("Iranian officials", "Daily Courier")


def test_an_outlet_named_on_its_work_is_denied_with_the_work(engine) -> None:  # noqa: ANN001
    found = _denial(engine, "The interior ministry rejected the Al Jazeera investigation as fabricated.")
    assert (found.target, found.agency) == ("Al Jazeera investigation", "Al Jazeera")


def test_the_report_an_outlet_ran_is_denied_not_the_outlet_s_first_word(engine) -> None:  # noqa: ANN001
    text = 'The ministry dismissed as "nonsense" a report in the Sunday Telegraph that the chancellor would be moved.'
    found = _denial(judged_by(engine, wire_denial=0.99), text)
    assert (found.target, found.agency) == ("report in the Sunday Telegraph", "Sunday Telegraph")


def test_an_outlet_recognised_with_its_possessive_mark_is_named_without_it(engine) -> None:  # noqa: ANN001
    found = _denial(engine, "Ministers rejected the Daily Mail's claims that the asylum figures were wrong.")
    assert found.agency == "Daily Mail"


def test_a_spokesperson_for_a_private_person_has_no_official_standing(engine) -> None:  # noqa: ANN001
    judged = judged_by(engine, wire_denial=0.5)
    text = "A spokeswoman for the singer denied tabloid reports that she had split from her husband."
    assert by_pattern(judged.detect(text), "wire_denial") == []
    assert by_pattern(judged.detect(text.replace("the singer", "the ministry")), "wire_denial")


def test_reports_in_a_book_are_no_media_report(engine) -> None:  # noqa: ANN001
    text = "The finance minister denied the reports in a new book that he had clashed with the president."
    assert by_pattern(engine.detect(text), "wire_denial") == []
    assert by_pattern(engine.detect(text.replace("a new book", "the Coastal Ledger")), "wire_denial")


def test_it_stands_for_an_official_body_named_by_its_common_noun_before(engine) -> None:  # noqa: ANN001
    found = _denial(
        engine,
        "It rejected a Reuters report that troops had crossed the border.",
        "The defence ministry issued a statement on Tuesday.",
    )
    assert (found.actor, found.target) == ("defence ministry", "Reuters report")


def test_a_move_inside_a_rejected_report_is_no_buildup(engine) -> None:  # noqa: ANN001
    text = "The ministry rejected a Reuters report that Ruritanian troops had crossed into Somalia."
    assert by_pattern(engine.detect(text), "military_buildup") == []
    assert by_pattern(engine.detect(text), "wire_denial")


def test_a_lawyer_s_denial_is_no_official_s(engine) -> None:  # noqa: ANN001
    judged = judged_by(engine, wire_denial=0.5)
    text = "The minister's lawyer dismissed the Reuters report as fake news."
    assert by_pattern(judged.detect(text), "wire_denial") == []
    assert by_pattern(judged.detect(text.replace("lawyer", "spokesman")), "wire_denial")


def test_a_headline_whose_verb_was_read_as_a_noun_compound_names_its_parties(engine) -> None:  # noqa: ANN001
    """ "Kremlin rejects report on Putin's health": "rejects" parsed as a compound of the root
    "report" (tagged a verb); a strict rule's anchor marks it, who is named before it denies."""
    [found] = by_pattern(
        judged_by(engine, wire_denial=0.9).detect("Kremlin rejects report on Putin's health"), "wire_denial"
    )
    assert (found.actor, found.target) == ("Kremlin", "report on Putin's health")


def test_a_medium_said_to_spread_a_falsehood_is_the_party_denied(engine) -> None:  # noqa: ANN001
    """The medium's word is what is denied, wherever the falsehood is said to have gone."""
    judged = judged_by(engine, wire_denial=0.9)
    [found] = by_pattern(
        judged.detect("The Daily Courier spread false information about the minister's health, the ministry said."),
        "wire_denial",
    )
    assert (found.actor, found.target) == ("ministry", "Daily Courier")
    # said by nobody in office, it is the model's reading alone, and no official's denial
    alone = judged.detect("The Daily Courier spread false information on social media platforms about the navy.")
    assert by_pattern(alone, "wire_denial") == []


def test_a_medium_accused_of_spreading_lies_is_denied_by_who_accuses(engine) -> None:  # noqa: ANN001
    judged = judged_by(engine, wire_denial=0.9)
    text = (
        "Freedonia's foreign ministry spokeswoman Anna Varga denied police closed a school in the capital, "
        "and accused Reuters of spreading lies."
    )
    [found] = by_pattern(judged.detect(text), "wire_denial")
    assert (found.actor, found.target) == ("Freedonia's foreign ministry spokeswoman Anna Varga", "Reuters")
    opposition = "The foreign ministry accused the opposition of spreading lies about the talks."
    assert all(d.target != "opposition" for d in by_pattern(judged.detect(opposition), "wire_denial"))


def test_an_official_said_to_spread_a_falsehood_denies_nothing(engine) -> None:  # noqa: ANN001
    judged = judged_by(engine, wire_denial=0.97)
    assert (
        by_pattern(
            judged.detect("The newspaper said the minister spread false information about the deal."), "wire_denial"
        )
        == []
    )
    assert by_pattern(
        judged.detect("The minister said the Daily Courier spread false information about the deal."), "wire_denial"
    )


def test_she_never_stands_for_a_name_inside_the_report_she_rejects(engine) -> None:  # noqa: ANN001
    judged = judged_by(engine, wire_denial=0.95)
    text = (
        'She also rejected as "a complete fabrication" a report by the Russian news agency Tass '
        "that Mr Sedov had been beaten in custody."
    )
    [found] = by_pattern(judged.detect(text), "wire_denial")
    assert found.actor != "Mr Sedov"
    found, *_ = by_pattern(
        judged.detect(text, "Freedonia's justice minister, Ana Varga, said the case was for the courts."), "wire_denial"
    )
    assert found.actor == "Ana Varga"


def test_a_claim_by_a_person_s_campaign_is_no_media_report(engine) -> None:  # noqa: ANN001
    judged = judged_by(engine, wire_denial=0.5)
    person = (
        "An electoral commission spokesman denied a claim by Mr Banda's campaign that ballot boxes had gone missing."
    )
    assert by_pattern(judged.detect(person), "wire_denial") == []
    outlet = "An electoral commission spokesman denied a claim by the Daily Courier that ballot boxes had gone missing."
    assert by_pattern(judged.detect(outlet), "wire_denial")


def test_quoted_words_of_judgement_hung_on_the_report_are_no_part_of_it(engine) -> None:  # noqa: ANN001
    judged = judged_by(engine, wire_denial=0.9)
    text = 'A spokesman for the Freedonian army termed the Reuters account of the village raid "false and malicious."'
    [found] = by_pattern(judged.detect(text), "wire_denial")
    assert found.target == "Reuters account of the village raid"


def test_a_report_without_foundation_is_called_false(engine) -> None:  # noqa: ANN001
    judged = judged_by(engine, wire_denial=0.8)
    text = (
        "Foreign office spokeswoman Anna Varga told a weekly briefing that the Reuters report was "
        '"entirely without foundation" and that no contacts had taken place.'
    )
    [found] = by_pattern(judged.detect(text), "wire_denial")
    assert found.actor == "Foreign office spokeswoman Anna Varga"


@pytest.mark.parametrize(
    ("text", "target"),
    [
        (
            "Freedonia's presidency issued a statement denying a Folha de S.Paulo article claiming the trip was off.",
            "Folha de S.Paulo article",
        ),
        ("Freedonia's defence ministry took issue with a BBC report on civilian casualties.", "BBC report"),
        (
            'The defence ministry said a Sunday Times story about special forces was "simply not the case."',
            "Sunday Times story",
        ),
    ],
)
def test_less_common_denials_of_a_medium_s_work(engine, text: str, target: str) -> None:  # noqa: ANN001
    """An article, story or editorial is an outlet's work whoever the recogniser takes its
    unknown maker for; "took issue with" and "not the case" deny it."""
    [found] = by_pattern(judged_by(engine, wire_denial=0.9).detect(text), "wire_denial")
    assert found.target == target
