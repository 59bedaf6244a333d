"""Roles named as parties: buildups by states toward states, demands on the party told to act.

Made-up sentences; each pins one role rule (it fails without that rule).
"""

from __future__ import annotations

import pytest

from services.detector.gazetteer import Gazetteer
from tests.detector.conftest import by_pattern, finder_for, judged_by


def _buildup(engine, text: str, context: str | None = None):  # noqa: ANN001, ANN202 - test helper
    [found] = by_pattern(engine.detect(text, context), "military_buildup")
    return found


def _ultimatum(engine, text: str, context: str | None = None):  # noqa: ANN001, ANN202 - test helper
    [found] = by_pattern(engine.detect(text, context), "ultimatum")
    return found


def test_demonyms_of_a_buildup_are_named_as_their_countries(engine) -> None:  # noqa: ANN001
    found = _buildup(engine, "Scores of Turkish tanks are massing along the Syrian border.")
    assert (found.actor, found.target) == ("Turkey", "Syria")


def test_forces_of_a_state_are_named_as_the_state(engine) -> None:  # noqa: ANN001
    found = _buildup(engine, "The Kenyan army has moved two brigades to its border with Somalia.")
    assert (found.actor, found.target) == ("Kenya", "Somalia")


def test_a_country_s_initials_become_its_name(engine) -> None:  # noqa: ANN001
    found = _buildup(engine, "The U.S. Navy sent two destroyers toward the Venezuelan coast on Monday.")
    assert (found.actor, found.target) == ("United States", "Venezuela")


def test_a_place_the_sentence_names_keeps_its_words(engine) -> None:  # noqa: ANN001
    found = _buildup(engine, "Ruritania is massing troops near the border with Gaza.")
    assert found.target == "Gaza"


def test_a_target_that_names_no_state_becomes_the_one_other_state_named(engine) -> None:  # noqa: ANN001
    found = _buildup(engine, "Pakistan moved two brigades to the area on Sunday, officials in India said.")
    assert (found.actor, found.target) == ("Pakistan", "India")


def test_a_common_noun_is_no_target(engine) -> None:  # noqa: ANN001
    found = _buildup(engine, "Chad has moved two battalions of troops to the area overnight.")
    assert found.actor == "Chad" and found.target is None


def test_where_forces_go_is_not_whose_they_are(engine) -> None:  # noqa: ANN001
    found = _buildup(engine, "Chad sends more troops to Sudanese border")
    assert found.target == "Sudan"


def test_the_target_is_never_the_actors_own_country(engine) -> None:  # noqa: ANN001
    found = _buildup(engine, "Thailand has sent more soldiers to the Thai side of the border with Cambodia.")
    assert (found.actor, found.target) == ("Thailand", "Cambodia")


def test_a_state_within_reach_of_the_staging_place_is_the_target(engine) -> None:  # noqa: ANN001
    found = _buildup(engine, "Ugandan troops were sent to a base 40 miles from the Congolese border.")
    assert found.target == "Democratic Republic of the Congo"


def test_a_state_whose_border_forces_come_near_outranks_the_country_they_went_to(engine) -> None:  # noqa: ANN001
    found = _buildup(engine, "Russia has moved tanks and artillery to Belarus, barely 10 miles from the Polish border.")
    assert (found.actor, found.target) == ("Russia", "Poland")


def test_a_region_of_a_country_counts_as_that_country(engine) -> None:  # noqa: ANN001
    found = _buildup(engine, "Russia is massing troops and armour in Crimea, satellite images show.")
    assert "UA" in found.countries and "RU" in found.countries


@pytest.mark.parametrize(
    ("text", "actor"),
    [
        ("Serb troops are massing along the Bosnian border.", "Serbia"),
        ("The USS Nimitz was sent to the Gulf of Oman this week as tensions with Iran rise.", "United States"),
        ("The Revolutionary Guards have massed 20,000 troops near the Iraqi border.", "Iran"),
    ],
)
def test_forces_known_by_a_state_s_own_words_are_that_state_s(engine, text: str, actor: str) -> None:  # noqa: ANN001
    assert _buildup(judged_by(engine, military_buildup=0.99), text).actor == actor


def test_a_dateline_country_is_neither_whose_forces_nor_where_they_go(engine) -> None:  # noqa: ANN001
    found = _buildup(
        engine,
        "KHARTOUM, Sudan: Egypt sent new armoured vehicles into Sudan to back army units fighting rebel militias.",
    )
    assert (found.actor, found.target) == ("Egypt", "Sudan")


def test_the_party_given_until_a_deadline_is_the_target_not_the_giver(engine) -> None:  # noqa: ANN001
    [found] = by_pattern(
        engine.detect("Peru gave the Bolivian ambassador, Juan Perez, until Friday to leave the country."), "ultimatum"
    )
    assert found.actor == "Peru"
    assert "Juan Perez" in found.target and "Friday" not in found.target


def test_a_dateline_subject_does_not_hide_the_government_that_orders(engine) -> None:  # noqa: ANN001
    [found] = by_pattern(
        engine.detect(
            "QUITO, Ecuador (AP) — Ecuador's government has ordered the Colombian consul to leave the country "
            "within 24 hours."
        ),
        "ultimatum",
    )
    assert found.actor == "Ecuador's government" and found.target == "Colombian consul"


def test_the_gazetteer_names_a_country_by_the_first_name_of_its_line() -> None:
    gazetteer = Gazetteer({"TR": ["Turkey", "Turkish", "Ankara"]})
    assert gazetteer.name_of("TR") == "Turkey"
    assert gazetteer.named("Turkish tanks near Ankara") == [("Turkish", "TR"), ("Ankara", "TR")]


@pytest.mark.parametrize("naming", ["as_written", "states"])
def test_the_party_namings_are_registered(naming: str) -> None:
    from services.detector.registry import party_namings, vocabulary

    vocabulary()
    assert naming in party_namings


def test_a_state_described_as_the_country_is_the_state_named_before(engine) -> None:  # noqa: ANN001
    [found] = by_pattern(
        engine.detect("Egypt cut ties with Sudan and has given the country ten days to comply with its demands."),
        "ultimatum",
    )
    assert found.target == "Sudan"


def test_a_described_state_with_no_named_country_before_keeps_its_words(engine) -> None:  # noqa: ANN001
    [found] = by_pattern(
        engine.detect("The alliance has given the island nation ten days to comply with its demands."), "ultimatum"
    )
    assert "nation" in found.target


def test_the_agent_of_a_passive_demand_is_the_actor(engine) -> None:  # noqa: ANN001
    found = _ultimatum(engine, "General Ortega was given a week by the council to hand over power or face arrest.")
    assert (found.actor, found.target) == ("council", "General Ortega")


def test_an_agentless_demand_takes_its_actor_from_the_sentence_before(engine) -> None:  # noqa: ANN001
    found = _ultimatum(
        engine,
        "The Argentine ambassador now has three days to leave the country.",
        "Bolivia expelled the Argentine ambassador on Friday over the smuggling case.",
    )
    assert (found.actor, found.target) == ("Bolivia", "Argentine ambassador")


def test_a_pronoun_subject_before_is_no_actor(engine) -> None:  # noqa: ANN001
    found = _ultimatum(
        engine, "The Argentine ambassador now has three days to leave the country.", "It said the decision was final."
    )
    assert found.actor is None


def test_an_acronym_in_brackets_belongs_to_the_name(engine) -> None:  # noqa: ANN001
    found = _ultimatum(
        engine, "The Southern African Development Community (SADC) gave the junta two weeks to restore civilian rule."
    )
    assert found.actor == "The Southern African Development Community (SADC)"


@pytest.mark.parametrize(
    ("text", "actor", "target"),
    [
        ("Iraq rejected the ultimatum issued by Washington on Monday.", "Washington", "Iraq"),
        ("Saudi Arabia and Egypt want Qatar to meet the ten-point ultimatum by Sunday.", "Saudi Arabia", "Qatar"),
    ],
)
def test_who_meets_or_rejects_an_ultimatum_is_the_one_it_was_put_to(engine, text: str, actor: str, target: str) -> None:  # noqa: ANN001
    found = _sure_ultimatum(engine, text)
    assert (found.actor, found.target) == (actor, target)


@pytest.mark.parametrize(
    ("text", "actor", "target"),
    [
        (
            "Venezuela received an ultimatum from Washington to free the prisoners within a week.",
            "Washington",
            "Venezuela",
        ),
        ("Serbia faces a NATO ultimatum to withdraw its troops from Kosovo by Friday.", "NATO", "Serbia"),
        ("Bolivia Gets Ultimatum From Neighbouring States", "Neighbouring States", "Bolivia"),
    ],
)
def test_who_receives_an_ultimatum_is_its_target_and_who_sent_it_the_actor(
    engine,  # noqa: ANN001
    text: str,
    actor: str,
    target: str,
) -> None:
    found = _sure_ultimatum(engine, text)
    assert (found.actor, found.target) == (actor, target)


def test_a_warning_s_object_is_the_target_of_an_ultimatum_the_model_reads_alone(engine) -> None:  # noqa: ANN001
    text = "Brazilian President Luiz Lula has warned Venezuela's ruling junta that its time is running out."
    found = _sure_ultimatum(engine, text)
    assert (found.actor, found.target) == ("Brazilian President Luiz Lula", "Venezuela's ruling junta")


def test_a_named_state_behind_a_dateline_is_the_actor_not_its_unnamed_voice(engine) -> None:  # noqa: ANN001
    text = (
        "NAIROBI (AP) — Kenya has asked Somalia to withdraw its soldiers from the border town within a week, "
        "a government spokesman said on Monday."
    )
    found = _ultimatum(engine, text)
    assert (found.actor, found.target) == ("Kenya", "Somalia")


def test_a_subject_parsed_as_the_datelines_apposition_is_the_actor(engine) -> None:  # noqa: ANN001
    found = _ultimatum(
        engine,
        "LUSAKA, Zambia (AP) — Zambia on Monday gave Malawi's envoy two days to get out of the country.",
    )
    assert found.actor == "Zambia"


def test_a_buildup_one_state_accuses_another_of_is_aimed_at_the_accuser(engine) -> None:  # noqa: ANN001
    found = _buildup(engine, "Armenia accused Azerbaijan of massing troops on their border.")
    assert (found.actor, found.target) == ("Azerbaijan", "Armenia")


def test_an_accusation_does_not_hide_a_named_border(engine) -> None:  # noqa: ANN001
    found = _buildup(engine, "Armenia accused Azerbaijan of massing troops near the Iranian border.")
    assert (found.actor, found.target) == ("Azerbaijan", "Iran")


def test_a_demonym_tagged_as_a_place_is_named_as_its_country(engine) -> None:  # noqa: ANN001
    found = _buildup(engine, "Iraq has moved 5,000 troops to within ten miles of the Kuwaiti border.")
    assert (found.actor, found.target) == ("Iraq", "Kuwait")


def test_a_demonym_is_derived_from_the_name_and_a_name_is_not() -> None:
    gazetteer = Gazetteer({"KW": ["Kuwait", "Kuwaiti"], "CD": ["Democratic Republic of the Congo", "Congo"]})
    assert gazetteer.derived("Kuwaiti")
    assert not gazetteer.derived("Kuwait")
    assert not gazetteer.derived("Congo")


def test_whose_named_buildup_is_told_by_the_words_before_it(engine) -> None:  # noqa: ANN001
    found = _buildup(
        engine,
        "The State Department said it was watching a large Venezuelan military deployment along the border with Guyana.",
    )
    assert (found.actor, found.target) == ("Venezuela", "Guyana")


def test_a_dateline_country_is_not_whose_forces_the_apposition_names(engine) -> None:  # noqa: ANN001
    found = _buildup(engine, "MOMBASA, Kenya — Ugandan troops were deployed to the Kenyan border on Tuesday.")
    assert (found.actor, found.target) == ("Uganda", "Kenya")


def test_an_agentless_buildup_takes_its_actor_from_the_sentence_before(engine) -> None:  # noqa: ANN001
    found = _buildup(
        engine,
        "More troops were sent to the border with Lebanon overnight.",
        "Israel announced a call-up of reservists on Sunday.",
    )
    assert (found.actor, found.target) == ("Israel", "Lebanon")


def test_a_named_buildup_is_aimed_at_the_state_whose_border_the_sentence_names(engine) -> None:  # noqa: ANN001
    [doc] = engine.parse(
        ["Kenya sent tanks to its border with Somalia in a buildup that worries officials in Ethiopia."]
    )
    finder = finder_for(engine, doc)
    buildup = next(token for token in doc if token.lower_ == "buildup")
    assert finder.token_from(["approached"], buildup).text == "Somalia"


def test_he_resolves_to_a_leader_the_tagger_took_for_an_organisation(engine) -> None:  # noqa: ANN001
    from spacy.tokens import Span

    before, doc = engine.parse(
        ["Diplomats claim Maduro asked for safe passage.", "Washington insisted he leave at once."]
    )
    before.ents = [Span(before, 2, 3, label="ORG")]  # as a small tagger often reads a surname
    finder = finder_for(engine, doc, [before])
    he = next(token for token in doc if token.lower_ == "he")
    assert finder._role_for(he, None).text == "Maduro"


def test_the_leader_described_by_country_is_the_person_named_before(engine) -> None:  # noqa: ANN001
    text = (
        "The French government issued an ultimatum to Viktor Krall, demanding that the Moldovan "
        "leader leave the capital within 48 hours."
    )
    found = _ultimatum(engine, text)
    assert found.target == "Viktor Krall"


def test_who_must_comply_is_the_subject_of_the_verb_must_governs(engine) -> None:  # noqa: ANN001
    [doc] = engine.parse(["Moldova must abandon its claims to the island, the French foreign minister said."])
    finder = finder_for(engine, doc)
    must = next(token for token in doc if token.lower_ == "must")
    assert finder.token_from(["complier"], must).text == "Moldova"


def test_where_nobody_is_found_acting_the_forces_demonym_names_the_state(engine) -> None:  # noqa: ANN001
    [doc] = engine.parse(["Border Crisis: More Turkish Armour Heads to the Iraq Frontier"])
    finder = finder_for(engine, doc)
    assert finder.forces_by_demonym(besides="IQ").text == "Turkey"
    assert finder.forces_by_demonym(besides="TR") is None  # never the state approached


@pytest.mark.parametrize(
    ("text", "addressee"),
    [
        (
            '"You have 72 hours to leave the country or face arrest," the Moldovan interior minister told the ambassador.',
            "ambassador",
        ),
        (
            'In a message to the junta, the French minister said: "If you do not step down by Friday, we will face no choice but military action."',
            "junta",
        ),
    ],
)
def test_a_quoted_you_is_whom_the_quote_addresses(engine, text: str, addressee: str) -> None:  # noqa: ANN001
    found = _ultimatum(engine, text)
    assert found.target == addressee


def test_a_headline_s_topic_before_a_colon_is_no_dateline(engine) -> None:  # noqa: ANN001
    from services.detector.view import SentenceView

    lexicons = engine._catalog.lexicons
    [topic, filed] = engine.parse(["Moldova: Ukraine Moves Tanks to the Border", "CHISINAU: Ukraine moved tanks."])
    assert SentenceView(topic, lexicons).dateline == set()
    assert SentenceView(filed, lexicons).dateline == {0, 1}


def test_the_actor_s_own_country_is_never_the_target(engine) -> None:  # noqa: ANN001
    found = _buildup(engine, "The Moldovan army moved two brigades toward Moldovan bases near the border.")
    assert (found.actor, found.target) == ("Moldova", None)


def test_staff_of_an_official_body_may_be_ordered_out_a_company_s_may_not(engine) -> None:  # noqa: ANN001
    text = (
        "The Moldovan government has ordered British staff of the United Nations to leave the country within a month."
    )
    found = _ultimatum(engine, text)
    assert found.target == "British staff of the United Nations"
    assert (
        by_pattern(engine.detect("A retailer gave staff of its warehouse 48 hours to leave the site."), "ultimatum")
        == []
    )


def test_whose_border_forces_were_sent_to_is_the_actor_where_nobody_else_is(engine) -> None:  # noqa: ANN001
    found = _buildup(
        engine,
        "The official news agency announced Friday that six more army divisions, armed with tanks and "
        "rockets, had been sent to Vietnam's border with Laos, as tensions continue to build between the two.",
    )
    assert (found.actor, found.target) == ("Vietnam", "Laos")


def test_a_with_phrase_the_parser_hung_on_the_verb_still_names_the_other_side(engine) -> None:  # noqa: ANN001
    from spacy.tokens import Doc

    from services.detector.roles import _trailing

    words = ["Troops", "were", "sent", "to", "Iran", "'s", "border", "with", "Iraq", "."]
    heads = [2, 2, 2, 2, 6, 4, 3, 2, 7, 2]  # "with" hangs on "sent", as the small parser does
    deps = ["nsubjpass", "auxpass", "ROOT", "prep", "poss", "case", "pobj", "prep", "pobj", "punct"]
    doc = Doc(engine.nlp.vocab, words=words, heads=heads, deps=deps)
    assert [t.text for t in _trailing(doc[6], ("with", "between"))] == ["with", "Iraq"]
    assert _trailing(doc[4], ("with", "between")) == []  # "Iran" is followed by "'s", not by a "with" phrase


def test_a_state_described_not_named_can_give_the_ultimatum(engine) -> None:  # noqa: ANN001
    [found] = by_pattern(
        engine.detect("On Monday, the kingdom gave the Chilean ambassador 24 hours to leave the country."), "ultimatum"
    )
    assert (found.actor, found.target) == ("kingdom", "Chilean ambassador")


def test_it_refers_to_the_state_described_not_to_a_demonym_describing_someone(engine) -> None:  # noqa: ANN001
    doc = engine.parse(["The kingdom expelled the Chilean ambassador over what it called interference."])[0]
    finder = finder_for(engine, doc)
    pronoun = next(t for t in doc if t.lower_ == "it")
    assert finder._resolve(pronoun, None).text == "kingdom"


def test_a_buildup_actor_naming_no_state_gives_way_to_whose_forces_they_are(engine) -> None:  # noqa: ANN001
    found = _buildup(
        engine,
        "Chadian troops stationed along the border with Sudan have been put on full combat readiness, "
        "Defence Minister Jan Novak said.",
    )
    assert (found.actor, found.target) == ("Chad", "Sudan")


def test_a_state_within_miles_of_an_outpost_named_in_apposition_is_the_target(engine) -> None:  # noqa: ANN001
    found = _buildup(
        engine,
        "Peru showed its strength by moving four heavy bombers from Lima to Isla Alba, "
        "a remote Pacific airstrip some 1,500 miles from Chile.",
    )
    assert (found.actor, found.target) == ("Peru", "Chile")


def test_a_state_announcing_its_own_troops_withdrawal_issues_no_ultimatum(engine) -> None:  # noqa: ANN001
    from tests.detector.conftest import judged_by

    judged = judged_by(engine, ultimatum=0.5)
    own = "Belgian soldiers to leave Mali by December, says Belgium's Prime Minister Alexander De Croo"
    assert by_pattern(judged.detect(own), "ultimatum") == []
    other = "France's President Emmanuel Macron told Malian troops to withdraw from the border by Friday."
    assert by_pattern(judged.detect(other), "ultimatum")


def test_a_former_office_holder_s_call_is_no_state_s_ultimatum(engine) -> None:  # noqa: ANN001
    judged = judged_by(engine, ultimatum=0.5)
    text = "Former Ruritanian President Tomas Berg said Zorin should resign within a week or face prosecution."
    assert by_pattern(judged.detect(text), "ultimatum") == []
    [found] = by_pattern(judged.detect(text.replace("Former ", "")), "ultimatum")
    assert found.actor == "Ruritanian President Tomas Berg"


@pytest.mark.parametrize(
    ("text", "fires"),
    [
        ("The Ruritanian king plans to abdicate next month.", False),
        ("Ruritania's king wants to abdicate", False),
        ("The council told the Ruritanian king to abdicate within a week or face arrest.", True),
        ("Washington wants President Zorin to step down within 48 hours.", True),
    ],
)
def test_a_leader_s_own_wish_to_go_is_no_ultimatum(engine, text: str, fires: bool) -> None:  # noqa: ANN001
    assert bool(by_pattern(judged_by(engine, ultimatum=0.79).detect(text), "ultimatum")) is fires


def _sure_ultimatum(engine, text: str, probability: float = 0.99):  # noqa: ANN001, ANN202 - test helper
    """The one ultimatum in ``text`` with a judge giving every sentence ``probability`` (sure by default)."""
    [found] = by_pattern(judged_by(engine, ultimatum=probability).detect(text), "ultimatum")
    return found


def test_a_demand_credited_to_an_unnamed_official_is_the_named_state_s(engine) -> None:  # noqa: ANN001
    found = _sure_ultimatum(
        engine, "Chile has asked Peru to withdraw its troops from the islands by March 15, a senior official said."
    )
    assert (found.actor, found.target) == ("Chile", "Peru")


def test_a_named_speaker_still_speaks_for_the_demand(engine) -> None:  # noqa: ANN001
    found = _sure_ultimatum(
        engine,
        "Chile has asked Peru to withdraw its troops from the islands by March 15, Foreign Minister Anna Kell said.",
    )
    assert found.actor == "Foreign Minister Anna Kell"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("The Maldives", "MV"),
        ("Malta", "MT"),
        ("Burundian troops", "BI"),
        ("Bhutan", "BT"),
        ("the Democratic Republic of Congo", "CD"),
        ("Congo-Brazzaville", "CG"),
        ("Guinea-Bissau", "GW"),
    ],
)
def test_every_sovereign_state_is_in_the_gazetteer(text: str, code: str) -> None:
    from services.detector.gazetteer import default_gazetteer

    assert default_gazetteer().countries(text) == [code]


def test_who_set_a_deadline_described_by_a_participle_is_the_actor(engine) -> None:  # noqa: ANN001
    found = _sure_ultimatum(
        engine,
        "The deadline fixed by the ruling junta in Ruritania for Belgian troops to quit its territory runs out tonight.",
    )
    assert found.actor == "ruling junta in Ruritania"


@pytest.mark.parametrize(
    ("text", "context"),
    [
        ("Lopes boarded a plane bound for Lisbon, telling fans he would return in a month's time.", None),
        (
            "Lopes boarded a plane bound for Lisbon, telling fans he would return in a month's time.",
            "Portuguese football legend Rui Lopes left for Lisbon on Monday.",
        ),
        ("The president said he would step down within a week.", None),
    ],
)
def test_a_deadline_one_sets_oneself_is_no_ultimatum(engine, text: str, context: str | None) -> None:  # noqa: ANN001
    assert by_pattern(judged_by(engine, ultimatum=0.9).detect(text, context), "ultimatum") == []


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("The council sent an ultimatum to the junta to stand down within a week or face sanctions.", "junta"),
        ("The decree gives Chile's consul to the Andean nation only 48 hours to exit.", "Chile's consul"),
    ],
)
def test_a_dative_preposition_is_never_the_party_told(engine, text: str, target: str) -> None:  # noqa: ANN001
    assert _sure_ultimatum(engine, text).target == target


@pytest.mark.parametrize(
    ("text", "target"),
    [
        # the second verb of "were declared ... and given" shares the first one's subject
        (
            "The minister said the Ruritanian consul and his deputy were declared persona non grata "
            "and given 72 hours to leave the country.",
            "Ruritanian consul",
        ),
        # staff a state posts abroad may be ordered out (a company's may not)
        (
            "The Borduria authorities have ordered British and American staff to leave the country within a month.",
            "British and American staff",
        ),
    ],
)
def test_those_ordered_out_are_the_ultimatum_s_target(engine, text: str, target: str) -> None:  # noqa: ANN001
    assert target in (_sure_ultimatum(engine, text).target or "")


def test_an_acronym_the_recogniser_left_untyped_speaks_for_the_demand(engine) -> None:  # noqa: ANN001
    found = _sure_ultimatum(
        engine,
        "The junta in Ruritania has one week to free the president or face military action, the sub regional "
        "grouping, ECOMOG said on Sunday.",
    )
    assert found.actor == "ECOMOG"


def test_staff_of_a_company_are_still_no_party_to_an_ultimatum(engine) -> None:  # noqa: ANN001
    """The model alone would detect, but the one told to comply is no party (a company's
    staff): no ultimatum, rather than one naming nobody."""
    sure = judged_by(engine, ultimatum=0.99)
    assert (
        by_pattern(
            sure.detect("The Borduria authorities ordered the airline's staff to leave within a month."), "ultimatum"
        )
        == []
    )


def test_a_demand_reported_by_the_other_side_is_the_demanding_state_s(engine) -> None:  # noqa: ANN001
    found = _sure_ultimatum(
        engine, "Borduria said it would pull back some troops within a day after Ruritania demanded they leave now."
    )
    assert found.actor == "Ruritania"


@pytest.mark.parametrize(
    ("text", "actor"),
    [
        ("Chile's ambassador and four other diplomats are ordered to leave Peru within 45 days.", "Peru"),
        # a leader told to leave is not expelled by his own country
        ("President Zorin has 48 hours to leave Peru or face military action.", None),
    ],
)
def test_the_country_an_envoy_must_leave_expels_him(engine, text: str, actor: str | None) -> None:  # noqa: ANN001
    assert _sure_ultimatum(engine, text).actor == actor


def test_a_demonym_on_a_border_is_the_side_approached_not_whose_forces(engine) -> None:  # noqa: ANN001
    [found] = by_pattern(
        judged_by(engine, military_buildup=0.99).detect(
            "Tanks and troops were moved to Moldova, 20 miles from the Romanian border."
        ),
        "military_buildup",
    )
    assert found.actor != "Romania"


def test_a_state_ordering_its_own_staff_out_is_no_ultimatum(engine) -> None:  # noqa: ANN001
    detected = judged_by(engine, ultimatum=0.99).detect(
        "The State Department ordered the departure of U.S. embassy staff because of the unrest."
    )
    assert by_pattern(detected, "ultimatum") == []


def test_a_navy_s_ship_named_after_a_person_stands_for_its_state(engine) -> None:  # noqa: ANN001
    [found] = by_pattern(
        judged_by(engine, military_buildup=0.99).detect(
            "The USS Theodore Roosevelt carrier strike group has entered the Gulf of Oman amid "
            "rising tensions with Iran."
        ),
        "military_buildup",
    )
    assert (found.actor, found.target) == ("United States", "Iran")


def test_forces_a_demand_is_put_to_are_named_with_whose_they_are(engine) -> None:  # noqa: ANN001
    [found] = by_pattern(
        judged_by(engine, ultimatum=0.99).detect(
            "Prime Minister Hun Sen said troops from neighbouring Laos that crossed the border in April "
            "must withdraw by Thursday or face force."
        ),
        "ultimatum",
    )
    assert found.target == "troops from neighbouring Laos"


def test_who_must_meet_an_ultimatum_others_want_met_is_its_target_not_its_issuer(engine) -> None:  # noqa: ANN001
    [found] = by_pattern(
        judged_by(engine, ultimatum=0.99).detect(
            "Kenya, Uganda and Tanzania want Burundi to meet the 10-point ultimatum in return for an end "
            "to a month-long trade blockade of the country."
        ),
        "ultimatum",
    )
    assert found.actor.startswith("Kenya") and found.target == "Burundi"


def test_a_headline_verb_read_as_a_noun_is_not_part_of_who_acts(engine) -> None:  # noqa: ANN001
    [found] = by_pattern(
        judged_by(engine, ultimatum=0.99).detect(
            "Guyana President issues April 30 deadline for Venezuelan troop withdrawal"
        ),
        "ultimatum",
    )
    assert found.actor == "Guyana President"


@pytest.mark.parametrize(
    ("probability", "fires"),
    [(0.97, True), (0.5, False)],  # a loose rule counts only where the model is sure
)
def test_a_sure_model_takes_a_bare_name_s_demand(engine, probability: float, fires: bool) -> None:  # noqa: ANN001
    detected = judged_by(engine, ultimatum=probability).detect(
        '"Syria must stop sheltering the rebel leader and end all support to the movement," Demirel said.'
    )
    assert [d.actor for d in by_pattern(detected, "ultimatum")] == (["Demirel"] if fires else [])


def test_the_speaker_of_a_second_verb_is_the_subject_both_share(engine) -> None:  # noqa: ANN001
    detected = judged_by(engine, ultimatum=0.9).detect(
        "After the summit, Tokayev spoke to Reuters and said that Kyrgyzstan must agree to a "
        "complete pullout of its soldiers from the disputed valley."
    )
    assert [(d.actor, d.target) for d in by_pattern(detected, "ultimatum")] == [("Tokayev", "Kyrgyzstan")]


def test_a_court_s_head_named_with_his_title_is_no_party_to_an_ultimatum(engine) -> None:  # noqa: ANN001
    detected = judged_by(engine, ultimatum=0.99).detect(
        "By evening, however, Tomas Herrera, head of Peru's Constitutional Court, said it had granted an "
        "interim order halting the expulsion of the ambassador."
    )
    assert by_pattern(detected, "ultimatum") == []


def test_a_time_of_day_before_a_name_is_not_part_of_the_party(engine) -> None:  # noqa: ANN001
    from services.detector.roles import _without_lead

    doc = engine.nlp("By midday Tomas Herrera said the envoy must leave.")
    finder = finder_for(engine, doc)
    assert _without_lead(finder.view, 1, 4) == 2  # "midday Tomas Herrera" starts at "Tomas"


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("Thailand accused the two diplomats of spying and gave them 72 hours to leave.", "two diplomats"),
        # the idiom is no person: the pronoun stays unresolved rather than naming it
        (
            "Pakistan has declared Indian consulate official persona non grata and asked him to quit "
            "Pakistan within 48 hours.",
            None,
        ),
    ],
)
def test_a_pronoun_object_of_a_second_verb_is_whom_the_first_verb_names(engine, text: str, target) -> None:  # noqa: ANN001
    found = _sure_ultimatum(engine, text)
    assert found.target == target


@pytest.mark.parametrize(
    ("text", "fires"),
    [
        ("Peru urges Bolivia to boost troops at the border", False),
        ("Bolivia sends more troops to the Peruvian border", True),
    ],
)
def test_a_call_on_another_state_to_deploy_is_no_buildup_by_the_caller(engine, text: str, fires: bool) -> None:  # noqa: ANN001
    detected = by_pattern(judged_by(engine, military_buildup=0.95).detect(text), "military_buildup")
    assert bool(detected) is fires


def test_forces_used_in_a_strike_are_no_buildup(engine) -> None:  # noqa: ANN001
    detected = judged_by(engine, military_buildup=0.95).detect(
        "Late on Sunday, Syria launched about twenty rockets at camps in northern Jordan."
    )
    assert by_pattern(detected, "military_buildup") == []


def test_a_name_the_recogniser_ends_on_of_keeps_what_follows(engine) -> None:  # noqa: ANN001
    from spacy.tokens import Span

    from services.detector.syntax import noun_phrase

    doc = engine.nlp("The Royal Embassy of Jordan rejects these allegations.")
    doc.ents = [Span(doc, 0, 4, label="ORG")]  # "The Royal Embassy of", as the tagger once read it
    embassy = next(t for t in doc if t.text == "Embassy")
    assert embassy.head.text != "of" and any(c.text == "of" for c in embassy.children)  # the parse it is about
    start, end = noun_phrase(embassy)
    assert doc[start:end].text == "The Royal Embassy of Jordan"


def test_a_state_s_guard_corps_massed_is_a_buildup_by_that_state(engine) -> None:  # noqa: ANN001
    found = _buildup(engine, "Tehran has massed 30,000 Revolutionary Guards near the frontier, a general said.")
    assert (found.actor, found.rule) == ("Tehran", "deploys_forces")


@pytest.mark.parametrize(
    ("text", "rule", "actor", "target"),
    [
        ("Moscow had set Kyiv a strict timeline for surrendering the port city.", "sets_deadline", "Moscow", "Kyiv"),
        (
            "The president issued a June 1 deadline for the withdrawal of the foreign troops.",
            "sets_deadline",
            "president",
            "foreign troops",
        ),
        (
            "The foreign ministry said the Iranian ambassador must return to Tehran with immediate effect.",
            "demands_compliance_by_deadline",
            "foreign ministry",
            "Iranian ambassador",
        ),
        (
            "The prime minister warned of serious consequences if Hamas does not release the hostages.",
            "threatens_force_on_condition",
            "prime minister",
            "Hamas",
        ),
    ],
)
def test_a_demand_worded_with_a_timeline_an_act_or_consequences_is_an_ultimatum(
    engine,  # noqa: ANN001
    text: str,
    rule: str,
    actor: str,
    target: str,
) -> None:
    found = _ultimatum(engine, text)
    assert (found.rule, found.actor, found.target) == (rule, actor, target)


def test_a_withdrawal_one_is_not_opposed_to_is_no_demand_however_sure_the_model(engine) -> None:  # noqa: ANN001
    text = (
        '"We are not opposed to a withdrawal, but we propose that the details be worked out by a joint '
        'committee," the minister said.'
    )
    assert not by_pattern(judged_by(engine, ultimatum=0.99).detect(text), "ultimatum")


def test_forces_pulled_to_a_border_are_a_buildup(engine) -> None:  # noqa: ANN001
    found = _buildup(
        engine, "The border service accused Uzbekistan of pulling troops and armour to the disputed border."
    )
    assert (found.actor, found.rule) == ("Uzbekistan", "moves_forces_toward")


@pytest.mark.parametrize(
    "text",
    [
        "Russia pulled its troops back from the border on Friday.",
        "Russia moved its tanks away from the border with Ukraine.",
    ],
)
def test_forces_moved_back_or_away_are_no_buildup_however_sure_the_model(engine, text: str) -> None:  # noqa: ANN001
    assert by_pattern(judged_by(engine, military_buildup=0.99).detect(text), "military_buildup") == []


def test_who_signals_what_follows_an_unmet_condition_is_the_actor(engine) -> None:  # noqa: ANN001
    text = (
        "If Lebanon refuses to comply by Friday, the Gulf states signaled, they will keep their ports closed "
        "to its ships indefinitely."
    )
    found = _sure_ultimatum(engine, text)
    assert (found.actor, found.target) == ("Gulf states", "Lebanon")


def test_a_quote_s_first_person_speaker_is_the_one_named_outside_it(engine) -> None:  # noqa: ANN001
    text = (
        "\u201cI say to Hezbollah: If you don't hand over the prisoners, there will be consequences you can't "
        "imagine,\u201d Netanyahu warned."
    )
    found = _sure_ultimatum(engine, text, 0.5)
    assert (found.actor, found.target) == ("Netanyahu", "Hezbollah")


def test_the_demand_said_is_never_its_own_doer(engine) -> None:  # noqa: ANN001
    text = (
        "President Varga said he spoke to Ivan Petrov again on Monday and told him that Ruritania's transition "
        'to a new government "must begin now."'
    )
    found = _sure_ultimatum(engine, text)
    assert found.actor == "President Varga"


def test_a_courtesy_title_before_a_name_gives_no_office(engine) -> None:  # noqa: ANN001
    found = _sure_ultimatum(engine, "Earlier Mr Petrov demanded that Serbia hand over the rebel commander.")
    assert (found.actor, found.target) == ("Mr Petrov", "Serbia")


@pytest.mark.parametrize(
    "text",
    [
        # the verb a conjunct is coordinated with does not govern it
        "Eritrea, speaking before the African Union, denied again on Friday that it had sent soldiers into "
        "neighbouring Ethiopia in pursuit of rebels but acknowledged it had massed troops along the border.",
        # nor does the clause an adverbial clause hangs on
        "Fighting could resume within days, as officials in Yerevan accused Azerbaijan of massing troops on the border.",
    ],
)
def test_a_buildup_is_not_hedged_by_a_neighbouring_clause(engine, text: str) -> None:  # noqa: ANN001
    assert by_pattern(judged_by(engine, military_buildup=0.5).detect(text), "military_buildup")


def test_a_move_that_is_a_noun_moves_no_forces(engine) -> None:  # noqa: ANN001
    text = (
        "In a historic move that could extend its borders to the Black Sea, the European Union recommended on "
        "Monday setting Moldova on a course for full membership."
    )
    assert by_pattern(judged_by(engine, military_buildup=0.7).detect(text), "military_buildup") == []


def test_a_column_of_a_state_s_tanks_is_the_state_s(engine) -> None:  # noqa: ANN001
    text = "A column of Azerbaijani tanks crossed into Armenia on Sunday, witnesses said."
    [found] = by_pattern(judged_by(engine, military_buildup=0.7).detect(text), "military_buildup")
    assert (found.actor, found.target) == ("Azerbaijan", "Armenia")


def test_who_is_warned_must_comply_not_who_warns(engine) -> None:  # noqa: ANN001
    found = _sure_ultimatum(engine, "Prime Minister Ivan Petrov has warned Hamas that time is running out.", 0.9)
    assert (found.actor, found.target) == ("Prime Minister Ivan Petrov", "Hamas")


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("Pakistan has moved two more brigades close to the Line of Control near Muzaffarabad.", "India"),
        # the line named from the actor's side decides, not another the sentence names
        ("While tensions simmer on the LAC with China, Pakistan has rushed troops to the LoC near Kotli.", "India"),
        ("North Korea has moved long-range artillery closer to the DMZ.", "South Korea"),
    ],
)
def test_forces_sent_to_a_named_line_face_the_state_across_it(engine, text: str, target: str) -> None:  # noqa: ANN001
    assert _buildup(engine, text).target == target


def test_a_named_line_is_matched_as_written() -> None:
    lines = [{"states": ["IN", "CN"], "names": ["LAC"]}]
    gazetteer = Gazetteer({"IN": ["India"], "PK": ["Pakistan"], "CN": ["China"]}, lines)
    assert gazetteer.across("troops along the LAC", "IN") == ("CN", (17, 20))
    assert gazetteer.across("a lac in the hills", "IN") is None
    with pytest.raises(ValueError, match="two states"):
        Gazetteer({}, [{"states": ["IN"], "names": ["LAC"]}])


def test_a_name_set_off_after_a_title_is_the_title_s_though_parsed_as_a_second_object(engine) -> None:  # noqa: ANN001
    """A parse that hangs "Mr. Ivan Petrov" on the verb beside "the President of Gabon", as a
    parser may in a long sentence: the name is the president's, the party one."""
    from spacy.tokens import Doc

    words = [
        "ECOWAS",
        "has",
        "given",
        "the",
        "President",
        "of",
        "Gabon",
        ",",
        "Mr.",
        "Ivan",
        "Petrov",
        ",",
        "a",
        "week",
    ]
    heads = [2, 2, 2, 4, 2, 4, 5, 2, 10, 10, 2, 2, 13, 2]
    deps = ["nsubj", "aux", "ROOT", "det", "dobj", "prep", "pobj", "punct", "compound", "compound", "dobj"]
    deps += ["punct", "det", "npadvmod"]
    pos = ["PROPN", "AUX", "VERB", "DET", "PROPN", "ADP", "PROPN", "PUNCT", "PROPN", "PROPN", "PROPN", "PUNCT", "DET"]
    pos += ["NOUN"]
    ents = ["B-ORG", "O", "O", "O", "O", "O", "B-GPE", "O", "O", "B-PERSON", "I-PERSON", "O", "O", "O"]
    spaces = [words[k + 1] != "," if k + 1 < len(words) else False for k in range(len(words))]
    doc = Doc(engine.nlp.vocab, words=words, spaces=spaces, heads=heads, deps=deps, pos=pos, ents=ents)
    role = finder_for(engine, doc)._role_for(doc[4], None)
    assert role.text == "President of Gabon, Mr. Ivan Petrov"


@pytest.mark.parametrize(
    ("text", "actor", "target"),
    [
        # idioms of reprisal on an unmet demand
        (
            "If Hezbollah does not free the captured soldiers by Friday, all hell will break loose, the defence "
            "minister said.",
            "defence minister",
            "Hezbollah",
        ),
        (
            "If the junta does not release the president by Sunday, its leaders will pay a heavy price, the "
            "foreign minister warned.",
            "foreign minister",
            "junta",
        ),
        # a last chance to comply is a time limit
        (
            "Demanding that Serbia withdraw its police from the province, NATO warned on Monday that the talks were "
            "Belgrade's last chance for a peaceful settlement.",
            "NATO",
            "Serbia",
        ),
        # who must step down after a coordinated verb is its subject, not that verb's object
        (
            "Serbian leader Ivan Petrov and his ruling clique have lost legitimacy and must step down to end the "
            "violence, the French and British leaders said on Thursday.",
            "French and British leaders",
            "Serbian leader Ivan Petrov",
        ),
        # troops told to retreat by a day
        (
            "Prime Minister Hun Sen said on Friday that Thai troops who crossed the border in May must retreat by "
            "Thursday.",
            "Prime Minister Hun Sen",
            "Thai troops",
        ),
        # an ultimatum received is one
        ("Serbia Gets Ultimatum From European Nations", "European Nations", "Serbia"),
    ],
)
def test_an_ultimatum_read_by_rule_names_its_parties(engine, text: str, actor: str, target: str) -> None:  # noqa: ANN001
    found = _ultimatum(engine, text)
    assert (found.actor, found.target) == (actor, target)


def test_a_negation_does_not_reach_a_clause_set_beside_it(engine) -> None:  # noqa: ANN001
    text = (
        "French officials said Paris's position hasn't changed, as they called on the Serbian leadership to step aside."
    )
    found = _ultimatum(engine, text)
    assert found.target == "Serbian leadership"


@pytest.mark.parametrize(
    ("text", "actor", "target"),
    [
        ("Thousands of Armenian troops are lined up along the border with Azerbaijan.", "Armenia", "Azerbaijan"),
        ("Georgia warned of an influx of Russian troops near the border.", "Russia", "Georgia"),
        ("Armenia pulls heavy equipment to the border with Azerbaijan", "Armenia", "Azerbaijan"),
        (
            "In a few weeks, thousands more Russian troops are scheduled to head to the border with Ukraine.",
            "Russia",
            "Ukraine",
        ),
        # armoured cars are forces; a neighbouring state is where they went
        ("A convoy of Kenyan lorries and armoured cars has crossed into neighbouring Uganda.", "Kenya", "Uganda"),
        # a common misspelling of battalions, as a headline has it
        ("Chad Sends 12 Batallions to the Sudanese Border", "Chad", "Sudan"),
    ],
)
def test_forces_lined_up_flowing_in_or_heading_to_a_border_are_a_buildup_by_rule(
    engine, text: str, actor: str, target: str
) -> None:  # noqa: ANN001
    found = _buildup(engine, text)
    assert (found.actor, found.target) == (actor, target)


@pytest.mark.parametrize(
    ("text", "target"),
    [
        # the demonym before the act is who is to do it, named as its country
        ("Chad's president demands a full Libyan withdrawal before any ceasefire.", "Libya"),
        ("Ruritania demanded the withdrawal of Bordurian troops from the valley within 48 hours.", "Bordurian troops"),
    ],
)
def test_a_demanded_act_with_a_condition_is_an_ultimatum_on_who_is_to_do_it(engine, text: str, target: str) -> None:  # noqa: ANN001
    found = _ultimatum(engine, text)
    assert (found.rule, found.target) == ("demands_act_on_condition", target)


def test_a_call_for_a_withdrawal_with_no_condition_or_limit_is_diplomacy(engine) -> None:  # noqa: ANN001
    assert not by_pattern(
        engine.detect("Ruritania called for the withdrawal of Bordurian troops from the valley."), "ultimatum"
    )


def test_a_clause_that_only_dates_a_buildup_neither_vetoes_it_nor_names_its_target(engine) -> None:  # noqa: ANN001
    text = (
        "Chad says Libyan troops began moving into disputed areas on the coast on Monday, the same day that "
        "Nigerian peacekeepers completed their withdrawal."
    )
    found = _buildup(engine, text)
    assert (found.actor, found.target) == ("Libya", "Chad")
    # the same peacekeepers in the sentence's own clause still make it no buildup
    assert not by_pattern(
        engine.detect("Libyan troops and Nigerian peacekeepers began moving into the area."), "military_buildup"
    )


def test_a_distance_forces_come_within_is_no_target(engine) -> None:  # noqa: ANN001
    found = _buildup(engine, "Iraqi forces moved to within 300 metres of the old city's main mosque.")
    assert (found.actor, found.target) == ("Iraq", None)


@pytest.mark.parametrize(
    "text",
    [
        "UEFA threatened to expel the federation from the competition unless it paid the fine by Monday.",
        "FIFA gave the federation until Friday to reinstate its board or face suspension from the World Cup.",
    ],
)
def test_a_sports_body_s_deadline_is_no_ultimatum(engine, text: str) -> None:  # noqa: ANN001
    assert not by_pattern(judged_by(engine, ultimatum=0.5).detect(text), "ultimatum")


def test_an_opposition_leader_s_demand_is_no_ultimatum_however_sure_the_model(engine) -> None:  # noqa: ANN001
    text = "Ruritania's opposition leader Tomas Berg demanded that the government resign within 24 hours."
    assert not by_pattern(judged_by(engine, ultimatum=0.99).detect(text), "ultimatum")
    official = text.replace("opposition leader", "foreign minister").replace(
        "the government", "the Bordurian government"
    )
    assert by_pattern(judged_by(engine, ultimatum=0.99).detect(official), "ultimatum")


@pytest.mark.parametrize("party", ["insurgents", "guerrillas", "separatists"])
def test_armed_groups_told_to_comply_are_an_ultimatum_s_target(engine, party: str) -> None:  # noqa: ANN001
    text = (
        f"Ruritania's government gave {party} in the valley until Friday to hand over their leader or face an assault."
    )
    found = _ultimatum(engine, text)
    assert (found.target or "").startswith(party)


def test_they_is_the_body_the_subject_before_belongs_to_not_a_name_inside_the_target(engine) -> None:  # noqa: ANN001
    context = "Leaders from the Southern Union (SU) have ordered the deployment of a regional force to Ruritania."
    text = "The move comes after the expiry of a one-week ultimatum they gave to Ruritania's junta to stand down."
    [found] = by_pattern(engine.detect(text, context), "ultimatum")
    assert found.target == "Ruritania's junta"
    assert "Southern Union" in (found.actor or "")
    # with nobody named before, "they" is left unresolved: never the state inside the target
    [alone] = by_pattern(engine.detect(text), "ultimatum")
    assert alone.actor is None


@pytest.mark.parametrize(
    "text",
    [
        # a date to comply by is a time limit
        "Chad must halt its missile tests by 25 November, Libyan officials said.",
        "Chad must halt its missile tests by November 25, Libyan officials said.",
        "Chad must halt its missile tests by January, Libyan officials said.",
        # suspending is complying
        "Chad must suspend its missile tests or face referral to the Security Council, Libyan officials said.",
    ],
)
def test_a_date_to_comply_by_and_a_suspension_make_an_ultimatum(engine, text: str) -> None:  # noqa: ANN001
    found = _ultimatum(engine, text)
    assert found.target == "Chad"


def test_an_act_of_leaving_read_as_the_target_is_named_by_who_is_to_leave(engine) -> None:  # noqa: ANN001
    found = _sure_ultimatum(engine, "Chad's president issues March 15 deadline for Libyan troop withdrawal")
    assert found.target == "Libya"


def test_what_a_release_is_of_is_no_party_told_to_comply(engine) -> None:  # noqa: ANN001
    text = "Chad demanded the release of the jailed rebels within 48 hours."
    assert all("rebels" not in (d.target or "") for d in by_pattern(engine.detect(text), "ultimatum"))


def test_the_state_named_by_demonym_acts_and_the_other_state_is_approached(engine) -> None:  # noqa: ANN001
    text = "According to Chadian officials, the column left the capital on Monday and headed towards the eastern border to enter Sudan."
    [found] = by_pattern(judged_by(engine, military_buildup=0.99).detect(text), "military_buildup")
    assert (found.actor, found.target) == ("Chad", "Sudan")


@pytest.mark.parametrize(
    "text",
    [
        "Manila reported another surge of Chinese warships near the shoal on Monday.",
        "Manila said it had detected a build-up of Chinese warships near the shoal.",
    ],
)
def test_who_reports_or_detects_a_buildup_is_its_target_not_its_actor(engine, text: str) -> None:  # noqa: ANN001
    found = _buildup(engine, text)
    assert (found.actor, found.target) == ("China", "Manila")


def test_what_the_only_way_is_says_what_the_one_told_must_do_not_who(engine) -> None:  # noqa: ANN001
    text = "The president will tell the Ruritanian leader the only way to avoid war is to accept exile."
    found = _ultimatum(engine, text)
    assert found.target == "Ruritanian leader"


@pytest.mark.parametrize(
    ("text", "fires"),
    [
        ("Ruritania on Friday warned of a complete break with Chad unless it meets the list of demands.", True),
        # a condition on no party told to act is a forecast, not an ultimatum
        ("The central bank warned that interest rates must rise unless consumer spending slows.", False),
    ],
)
def test_a_warning_conditioned_on_another_party_s_act_is_an_ultimatum(engine, text: str, fires: bool) -> None:  # noqa: ANN001
    found = by_pattern(engine.detect(text), "ultimatum")
    assert bool(found) is fires
    assert not found or found[0].target == "Chad"


def test_outlets_that_tell_of_a_buildup_name_no_state_it_approaches(engine) -> None:  # noqa: ANN001
    found = _buildup(
        engine, "Turkish newspapers reported on Monday that more troops were being sent to the southern border region."
    )
    assert (found.actor, found.target) == ("Turkey", None)


@pytest.mark.parametrize("maker", ["carmaker", "chipmaker", "shipbuilder"])
def test_a_maker_named_in_one_word_is_a_company_not_a_state_building_up_forces(engine, maker: str) -> None:  # noqa: ANN001
    # a model in doubt (below the threshold for loose rules): only a strict rule could count
    text = f"The Korean {maker} is building up its forces in Europe with a new plant in Poland."
    assert by_pattern(judged_by(engine, military_buildup=0.3).detect(text), "military_buildup") == []


def test_a_complementizer_parsed_as_an_object_is_no_one_told_to_comply(engine) -> None:  # noqa: ANN001
    text = "Mr Putin told reporters in Moscow that Kyiv had until the end of the week to withdraw its forces from the region."
    found = _ultimatum(engine, text)
    assert (found.actor, found.target) == ("Mr Putin", "Kyiv")


def test_a_state_named_as_a_possessor_is_named_without_its_possessive_mark(engine) -> None:  # noqa: ANN001
    found = _buildup(
        engine, "Pyongyang has deployed thousands of additional troops along the border, South Korea's military said."
    )
    assert found.target == "South Korea"


@pytest.mark.parametrize("span", ["One Week", "One Month", "Two Months"])
def test_a_time_allowed_in_a_singular_or_in_months_reaches_the_model(engine, span: str) -> None:  # noqa: ANN001
    text = f"US Gives Iran {span} to Respond to Nuclear Offer"
    [found] = by_pattern(judged_by(engine, ultimatum=0.9).detect(text), "ultimatum")
    assert (found.actor, found.target) == ("US", "Iran")


def test_a_date_until_which_time_is_given_is_a_deadline(engine) -> None:  # noqa: ANN001
    text = "The Security Council gave Iraq until March 1 to withdraw from Kuwait."  # ("until 1 March" was one)
    found = _ultimatum(engine, text)
    assert (found.actor, found.target) == ("The Security Council", "Iraq")


def test_a_demand_or_its_consequences_reaches_the_model(engine) -> None:  # noqa: ANN001
    text = "China told the Philippines to remove its vessel from the shoal immediately or bear the consequences."
    [found] = by_pattern(judged_by(engine, ultimatum=0.95).detect(text), "ultimatum")
    assert (found.actor, found.target) == ("China", "Philippines")


def test_who_is_given_a_deadline_in_the_passive_must_comply_and_the_by_phrase_gives_it(engine) -> None:  # noqa: ANN001
    text = "Serbia's prime minister was given a deadline by the EU to change the law or lose funding."
    found = _ultimatum(engine, text)
    assert (found.actor, found.target) == ("EU", "Serbia's prime minister")


@pytest.mark.parametrize(
    "text,parties",
    [
        (
            "Beijing told Manila to remove the ship from the shoal by Friday or face consequences.",
            ("Beijing", "Manila"),
        ),
        ("The EU told Minsk to reverse the decision within a week or face new sanctions.", ("EU", "Minsk")),
    ],
)
def test_removing_or_reversing_something_by_a_deadline_is_complying(
    engine, text: str, parties: tuple[str, str]
) -> None:  # noqa: ANN001
    found = _ultimatum(engine, text)
    assert (found.actor, found.target) == parties


def test_forces_put_on_alert_are_a_buildup_by_their_state_not_by_whoever_provoked_it(engine) -> None:  # noqa: ANN001
    text = "Greece has put its armed forces on alert after Turkey sent a survey ship into disputed waters."
    [found] = by_pattern(judged_by(engine, military_buildup=0.9).detect(text), "military_buildup")
    assert (found.actor, found.target) == ("Greece", "Turkey")


def test_who_is_accused_of_a_buildup_named_as_a_noun_builds_up(engine) -> None:  # noqa: ANN001
    found = _buildup(engine, "Armenia accused Azerbaijan of a military buildup on the border.")
    assert (found.actor, found.target) == ("Azerbaijan", "Armenia")


def test_a_name_parsed_as_a_compound_on_what_is_given_is_whom_it_is_given_to(engine) -> None:  # noqa: ANN001
    found = _ultimatum(engine, "Trump Gives Maduro Deadline to Leave Venezuela")
    assert (found.actor, found.target) == ("Trump", "Maduro")


def test_an_adjective_parsed_as_the_object_names_the_party_it_qualifies(engine) -> None:  # noqa: ANN001
    # parsed with "paramilitary" and "Forces" as two objects of "told"
    found = _ultimatum(
        engine,
        "The general told the paramilitary Rapid Support Forces they had until Sunday to hand over their weapons.",
    )
    assert (found.actor, found.target) == ("general", "Rapid Support Forces")


def test_the_agent_of_a_passive_hung_on_the_time_given_is_the_actor(engine) -> None:  # noqa: ANN001
    # "by Egypt" parsed on "end", the object of "until"
    found = _ultimatum(
        engine, "Hamas was given until the end of the month by Egypt to withdraw its fighters from the crossing."
    )
    assert (found.actor, found.target) == ("Egypt", "Hamas")


def test_a_demanded_closure_within_a_time_limit_is_an_ultimatum(engine) -> None:  # noqa: ANN001
    found = _ultimatum(engine, "Ankara demanded the closure of the rebel camps in northern Iraq within two weeks.")
    assert (found.rule, found.actor) == ("demands_act_on_condition", "Ankara")


def test_he_resolves_to_a_chief_named_by_office_in_the_sentence_before(engine) -> None:  # noqa: ANN001
    found = _buildup(
        engine,
        "He ordered two more battalions to the frontier with Somalia.",
        "The Kenyan army chief visited the border.",
    )
    assert (found.actor, found.target) == ("Kenya", "Somalia")


def test_elections_demanded_by_a_deadline_are_complied_with(engine) -> None:  # noqa: ANN001
    found = _ultimatum(engine, "The regional bloc gave Guinea's junta until the end of the year to organise elections.")
    assert (found.actor, found.target) == ("regional bloc", "Guinea's junta")
    # an opposition's demand of its own government is no ultimatum
    text = "The opposition leader gave the government until Friday to call elections or face mass protests."
    assert by_pattern(engine.detect(text), "ultimatum") == []


def test_a_demand_on_an_organisation_the_rules_cannot_place_waits_for_a_sure_judge(engine) -> None:  # noqa: ANN001
    text = (
        "The European Commission gave Microsoft until the end of the month to comply with its ruling or face penalties."
    )
    assert by_pattern(judged_by(engine, ultimatum=0.5).detect(text), "ultimatum") == []
    [found] = by_pattern(judged_by(engine, ultimatum=0.9).detect(text), "ultimatum")
    assert found.target == "Microsoft"
    # a state the gazetteer knows stands without the judge leading
    state = text.replace("Microsoft", "Ukraine")
    [found] = by_pattern(judged_by(engine, ultimatum=0.5).detect(state), "ultimatum")
    assert found.target == "Ukraine"


def test_a_tax_office_s_deadline_for_a_company_is_no_ultimatum(engine) -> None:  # noqa: ANN001
    text = "Russian tax officials gave Yukos a deadline of Friday to pay its back taxes."
    assert by_pattern(engine.detect(text), "ultimatum") == []
    assert by_pattern(
        engine.detect("Russian officials gave Ukraine a deadline of Friday to withdraw its troops."), "ultimatum"
    )


def test_time_granted_until_a_date_to_act_or_else_is_an_ultimatum(engine) -> None:  # noqa: ANN001
    text = "The United States gave China until the end of the year to revalue its currency or face tariffs."
    found = _ultimatum(engine, text)
    assert (found.actor, found.target) == ("The United States", "China")


def test_a_party_is_no_target_of_an_ultimatum(engine) -> None:  # noqa: ANN001
    judged = judged_by(engine, ultimatum=0.9)
    text = "Ruritanian President Tomas Berg gave the Green Party until Friday to leave the coalition or face new elections."
    assert by_pattern(judged.detect(text), "ultimatum") == []


def test_forces_crossing_into_a_country_are_a_buildup_toward_it(engine) -> None:  # noqa: ANN001
    found = _buildup(engine, "Ruritanian troops crossed into Somalia on Monday.")
    assert found.target == "Somalia"


def test_a_bare_number_names_the_party_counted_before(engine) -> None:  # noqa: ANN001
    context = "The Ruritanian Foreign Ministry summoned the ambassador over three employees of the French Embassy."
    found = _ultimatum(
        engine, "The three have been ordered to leave Ruritania within 72 hours, the ministry said.", context
    )
    assert found.target == "three employees of the French Embassy"


@pytest.mark.parametrize(
    "text",
    [
        "The Ruritanian government rushed reinforcements to the border city to quell an uprising.",
        "The Ruritanian army sent troops to the border province to contain the unrest.",
    ],
)
def test_forces_sent_against_an_uprising_or_unrest_are_no_buildup(engine, text: str) -> None:  # noqa: ANN001
    assert by_pattern(engine.detect(text), "military_buildup") == []


def test_a_place_in_another_country_is_named_as_that_country(engine) -> None:  # noqa: ANN001
    """``place_as_state``: whom forces massed near a city or region threaten is its country;
    a territory listed in ``territories`` keeps its name."""
    found = _buildup(engine, "China has deployed two carrier groups near Taipei.")
    assert (found.actor, found.target) == ("China", "Taiwan")
    found = _buildup(engine, "Israel has deployed two armoured brigades near Gaza.")
    assert (found.actor, found.target) == ("Israel", "Gaza")


def test_a_headlines_elided_passive_is_read_as_one(engine) -> None:  # noqa: ANN001
    """ "Iran warned over nuclear deadline": Iran was warned (``headline_passives``), so it is
    never the one who warns; an active headline with an object keeps its subject."""
    sure = judged_by(engine, ultimatum=0.9)
    assert [d.actor for d in sure.detect("Iran warned over nuclear deadline") if d.pattern == "ultimatum"] == []
    [found] = by_pattern(sure.detect("Iran warned the US over its fleet"), "ultimatum")
    assert found.actor == "Iran"


def test_an_event_named_to_date_the_news_is_read_after_the_news(engine) -> None:  # noqa: ANN001
    """ "five weeks after Kenya entered Somalia" dates the news; whose forces moved is the main
    clause's (a rule's match in the dated clause counts for less)."""
    judged = judged_by(engine, military_buildup=0.99)
    text = (
        "Scores of Ruritanian armoured vehicles pushed 60 kilometres into Freedonia on Tuesday, residents said, "
        "three weeks after Kenya entered Freedonia to fight rebels."
    )
    [found] = by_pattern(judged.detect(text), "military_buildup")
    assert found.actor != "Kenya"


def test_a_headline_s_noun_given_time_to_leave_receives_the_demand(engine) -> None:  # noqa: ANN001
    """ "Ruritanian diplomat given 48 hours to leave Freedonia": the diplomat was given the time
    (a reduced passive), so is its target, never who issued it."""
    sure = judged_by(engine, ultimatum=0.99)
    [found] = by_pattern(
        sure.detect("Ruritanian diplomat given 48 hours to leave Freedonia as spy row deepens"), "ultimatum"
    )
    assert (found.actor, found.target) == (None, "Ruritanian diplomat")


def test_a_saying_verb_set_inside_the_demand_by_commas_names_who_demands(engine) -> None:  # noqa: ANN001
    text = 'By Friday, the foreign ministry in Ruritania said, the Freedonian authorities must free Mr Sedov or "face an appropriate response".'
    found = _sure_ultimatum(engine, text)
    assert found.actor is not None and found.actor.endswith("foreign ministry in Ruritania")
    assert found.target == "Freedonian authorities"


def test_a_move_told_as_past_after_a_modal_clause_is_no_hypothetical(engine) -> None:  # noqa: ANN001
    """ "could worsen after X moved brigades": the worsening may be, the moving was; a move
    still to come after a modal ("could resume after X moves troops") stays hypothetical."""
    judged = judged_by(engine, military_buildup=0.4)
    text = "Aid agencies fear the situation could worsen after Ruritania's army moved several brigades to the border with Freedonia last week."
    assert by_pattern(judged.detect(text), "military_buildup")
    future = (
        "Aid agencies fear fighting could resume after Ruritania moves several brigades to the border with Freedonia."
    )
    assert by_pattern(judged.detect(future), "military_buildup") == []


@pytest.mark.parametrize(
    "text",
    [
        "Should Ruritania move troops to the Freedonian border, the alliance would respond, the minister said.",
        "Ruritania should send more troops to the border with Freedonia, a former general said.",
    ],
)
def test_a_move_that_should_happen_is_no_buildup(engine, text: str) -> None:  # noqa: ANN001
    assert by_pattern(judged_by(engine, military_buildup=0.9).detect(text), "military_buildup") == []


@pytest.mark.parametrize(
    "text",
    [
        "KHARTOUM, Feb 9 (AFP) - Ethiopia is building up forces near the disputed region on Sudan's eastern border, officials said.",
        "KHARTOUM (AFP) - Ethiopia is building up forces near the disputed region on Sudan's eastern border.",
    ],
)
def test_a_dateline_parsed_as_a_second_subject_gives_way_to_the_real_one(engine, text: str) -> None:  # noqa: ANN001
    """The dateline's agency made it look like a report, and the subject search gave up on it."""
    [found] = by_pattern(judged_by(engine, military_buildup=0.99).detect(text), "military_buildup")
    assert (found.actor, found.target) == ("Ethiopia", "Sudan")


def test_gunfire_is_no_blaze_and_a_presence_is_no_move(engine) -> None:  # noqa: ANN001
    judged = judged_by(engine, military_buildup=0.99)
    fighting = (
        "BEIRUT (AP) — Israel has deployed two additional armored brigades to its northern border with Lebanon, "
        "the Israeli military said Tuesday, as cross-border fire with Hezbollah intensified."
    )
    [found] = by_pattern(judged.detect(fighting), "military_buildup")
    assert (found.actor, found.target) == ("Israel", "Lebanon")
    kept = "Russia keeps about 1,500 troops in Transnistria, a breakaway region of Moldova that borders Ukraine."
    assert by_pattern(judged.detect(kept), "military_buildup") == []


def test_a_participle_with_its_doer_after_by_is_a_passive(engine) -> None:  # noqa: ANN001
    """ "Five Dutch diplomats, declared persona non grata by Tehran, must leave Iran": the
    parser reads the diplomats declaring; the participle set off by commas with "by" after it
    is the passive it is, so the diplomats never issue the demand."""
    found = _sure_ultimatum(
        engine,
        "Five Dutch diplomats, declared persona non grata by Tehran, must leave Iran within 48 hours, "
        "the Iranian foreign ministry said.",
    )
    assert found.actor == "Tehran"


def test_a_state_reporting_another_state_s_order_is_not_its_issuer(engine) -> None:  # noqa: ANN001
    found = _sure_ultimatum(
        engine,
        "Sweden's foreign ministry said Iraq had ordered the Swedish ambassador to leave Baghdad within 72 hours.",
    )
    assert (found.actor, found.target) == ("Iraq", "Swedish ambassador")
    own = _sure_ultimatum(
        engine, "Chile's foreign minister said Chile had asked Peru to withdraw its troops within a week."
    )
    assert own.actor == "Chile's foreign minister"


def test_an_ultimatum_named_as_a_noun_is_its_owner_s(engine) -> None:  # noqa: ANN001
    found = _sure_ultimatum(engine, "Niger's ultimatum to the French ambassador expires at midnight, a spokesman said.")
    assert (found.actor, found.target) == ("Niger", "French ambassador")
    found = _sure_ultimatum(engine, "Serbia rejects Pristina ultimatum over border checkpoints amid fresh clashes")
    assert (found.actor, found.target) == ("Pristina", "Serbia")


@pytest.mark.parametrize(
    ("text", "fires"),
    [
        ("Ruritanian troops massed near the border with Freedonia, border police said.", True),
        (
            "Belarusian tanks were loaded onto trains bound for the Lithuanian frontier, independent monitors said.",
            True,
        ),
        ("The monitoring mission deployed on the Freedonian side of the border said it has increased patrols.", False),
    ],
)
def test_who_a_sentence_credits_is_no_part_of_the_news(engine, text: str, fires: bool) -> None:  # noqa: ANN001
    """The veto words (police, monitors) in the source of "..., X said" say nothing of the news;
    where the news is the source's own ("said it has increased patrols") they still do."""
    found = by_pattern(judged_by(engine, military_buildup=0.99).detect(text), "military_buildup")
    assert bool(found) == fires
