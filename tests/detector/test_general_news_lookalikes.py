"""General-news sentences worded like the seed patterns that are none of them: relief ships,
a rebel threat to companies, a demand with every condition waived.

Made-up sentences; each test fails without the word list or check it names.
"""

from __future__ import annotations

from tests.detector.conftest import by_pattern, judged_by


def test_warships_sent_to_bring_relief_are_no_buildup(engine) -> None:  # noqa: ANN001
    """``internal`` lists disaster relief abroad: food and water handed out, supplies ferried."""
    assert by_pattern(
        engine.detect("Freedonia has deployed two warships off the coast of Ruritania."), "military_buildup"
    )
    for sentence in (
        "Freedonia has deployed two warships off the coast of Ruritania to ferry supplies to stricken villages.",
        "Freedonia has deployed two warships to Ruritania to distribute food and water.",
        "Freedonia has deployed two warships off the coast of Ruritania after the tsunami.",
    ):
        assert by_pattern(engine.detect(sentence), "military_buildup") == [], sentence


def test_a_threat_aimed_at_companies_is_no_ultimatum(engine) -> None:  # noqa: ANN001
    """``target_must_be: not_blocked`` on a threat of force: firms are no party a state threatens."""
    [found] = by_pattern(
        engine.detect("The army has given the rebels until Monday to leave the province or face attack."), "ultimatum"
    )
    assert found.target == "rebels"
    assert (
        by_pattern(
            engine.detect(
                "Rebel commanders have given mining firms until Monday to leave the province or face attack."
            ),
            "ultimatum",
        )
        == []
    )


def test_a_demand_with_its_conditions_waived_is_no_ultimatum(engine) -> None:  # noqa: ANN001
    """``conditions_waived`` vetoes the rule and, as ``model_unless``, a sure model."""
    [found] = by_pattern(
        engine.detect("The foreign minister said Iran must return to the talks within a week or face sanctions."),
        "ultimatum",
    )
    assert found.target == "Iran"
    waived = "The foreign minister said Iran must return to the talks without preconditions."
    assert by_pattern(engine.detect(waived), "ultimatum") == []
    assert by_pattern(judged_by(engine, ultimatum=0.99).detect(waived), "ultimatum") == []


def test_a_club_manager_told_to_resign_is_sport_not_an_ultimatum(engine) -> None:  # noqa: ANN001
    """The shared ``sports`` lexicon carries the words of British sports pages (a manager, the
    squad), and the ultimatum pattern's veto reads it."""
    for sentence in (
        "The chairman gave the Rovers manager 48 hours to resign or face the sack.",
        "The chairman told the manager he must resign within 48 hours or be sacked.",
        "The president gave the squad 48 hours to leave the hotel or face expulsion.",
    ):
        assert by_pattern(engine.detect(sentence), "ultimatum") == [], sentence


def test_rebel_leaders_denying_a_report_are_no_officials(engine) -> None:  # noqa: ANN001
    """``armed_groups`` takes away the office "leaders" or "commanders" would give."""
    sure = judged_by(engine, wire_denial=0.99)
    [found] = by_pattern(
        sure.detect("Army commanders denied a Reuters report that they had shelled a village."), "wire_denial"
    )
    assert found.agency == "Reuters"
    for sentence in (
        "Rebel leaders denied a Reuters report that they had shelled a village.",
        "Militia commanders denied a Reuters report that they had shelled a village.",
    ):
        assert by_pattern(sure.detect(sentence), "wire_denial") == [], sentence


def test_troops_sent_to_keep_order_at_home_are_no_buildup(engine) -> None:  # noqa: ANN001
    """``internal`` names interior-ministry troops and order kept or restored."""
    assert by_pattern(engine.detect("Chad said it had sent more troops to the border with Sudan."), "military_buildup")
    for sentence in (
        "Chad said it had sent more troops to the region to restore order.",
        "Thousands of interior ministry troops have been moved into the capital, witnesses said.",
    ):
        assert by_pattern(engine.detect(sentence), "military_buildup") == [], sentence


def test_settlers_warned_to_leave_are_a_states_own_people(engine) -> None:  # noqa: ANN001
    """ "they" in what settlers were warned of is the settlers (``_told``), a blocked target: a
    state moving its own people out is no ultimatum, however sure the model is."""
    [found] = by_pattern(
        engine.detect(
            "The prime minister warned Syria that its troops would be removed by force if they did not leave by August."
        ),
        "ultimatum",
    )
    assert found.target == "Syria"
    settlers = "The prime minister warned settlers that they would be removed by force if they did not leave by August."
    assert by_pattern(engine.detect(settlers), "ultimatum") == []
    assert by_pattern(judged_by(engine, ultimatum=0.9).detect(settlers), "ultimatum") == []


def test_a_sure_model_alone_does_not_make_a_state_instructing_its_own_an_ultimatum(engine) -> None:  # noqa: ANN001
    """The model detects alone (0.99 >= the ultimatum's alone 0.98), but the target its loose
    rules read is one's own people or plainly no party: no detection."""
    sure = judged_by(engine, ultimatum=0.99)
    [found] = by_pattern(sure.detect("Turkey ordered Libya's diplomats to leave within 24 hours."), "ultimatum")
    assert found.target == "Libya's diplomats"
    for sentence in (
        "Turkey ordered its diplomats to leave Libya within 24 hours.",
        "The ministry told citizens to leave the conflict zone within 48 hours.",
    ):
        assert by_pattern(sure.detect(sentence), "ultimatum") == [], sentence


def test_days_between_two_events_are_no_time_allowed(engine) -> None:  # noqa: ANN001
    """ "two days after the agency demanded ...": a span measuring how far apart two events are
    dates the sentence (position ``undated`` leaves it out), so a demand without a deadline
    stays one; a deadline beside such a span still counts."""
    dated = (
        "Ruritania may resume enrichment, its minister said on Monday, two days after the agency "
        "demanded that the government halt all such work."
    )
    assert by_pattern(engine.detect(dated), "ultimatum") == []
    [found] = by_pattern(
        engine.detect(
            "A week after the vote, Zembla's president demanded that Ruritania withdraw its troops within 30 days or face sanctions."
        ),
        "ultimatum",
    )
    assert found.target == "Ruritania"


def test_a_war_named_in_passing_is_no_war_threatened(engine) -> None:  # noqa: ANN001
    """``military_consequence`` lists war threatened or averted ("or face war", "would mean
    war"), not a war by its name ("World War II")."""
    for sentence in (
        "Japan said Russia must return the islands or face war.",
        "Japan said Russia must return the islands, or it would mean war.",
    ):
        [found] = by_pattern(engine.detect(sentence), "ultimatum")
        assert found.target == "Russia", sentence
    named = "Japan said it wanted Russia to return all four islands, to end the dispute that has kept the two from formally ending World War II."
    assert by_pattern(engine.detect(named), "ultimatum") == []


def test_a_celebrity_s_spokesperson_denying_a_magazine_story_is_no_wire_denial(engine) -> None:  # noqa: ANN001
    """``RoleFinder.speaks_for_private``: "her spokesman" speaks for whom "her" stands for, who
    must hold an office (a title beside the name, not a tagger's label: "Ballerina" read as a place)."""
    official = (
        "President Carl Brandt met the Ruritanian premier on Tuesday. "
        "His spokesman denied a report in the Daily Courier that the president had been unwell."
    )
    [found] = by_pattern(engine.detect(official), "wire_denial")
    assert found.actor == "His spokesman"
    for private in (
        "Actress Anna Brandt has denied reports that her marriage is over. "
        "Her spokesman denied a report in the Daily Courier that the couple had split.",
        "Singer Tom Vale met fans in Berlin. "
        "His spokeswoman said the Daily Courier's story that he would retire was completely false.",
        "Ballerina Darcey Vane has announced she will retire next year. "
        "Her spokeswoman denied a newspaper report that she had been forced out.",
    ):
        assert by_pattern(engine.detect(private), "wire_denial") == [], private


def test_soldiers_sent_to_guard_oil_installations_are_no_buildup(engine) -> None:  # noqa: ANN001
    """``internal`` lists a country's own oil guarded: installations, pipelines, terminals."""
    assert by_pattern(engine.detect("Freedonia has sent more soldiers to the Ruritanian border."), "military_buildup")
    for sentence in (
        "Freedonia's government has sent more soldiers to the delta to protect oil facilities.",
        "Freedonia has deployed troops along the oil pipelines after a wave of attacks.",
    ):
        assert by_pattern(engine.detect(sentence), "military_buildup") == [], sentence


def test_a_state_owned_supplier_s_demand_is_no_ultimatum(engine) -> None:  # noqa: ANN001
    """``companies`` names state-owned giants the recogniser takes for states."""
    state = "Freedonia has warned Ruritania it will cut gas supplies unless it pays its debts by the end of the month."
    supplier = state.replace("Freedonia has", "Freedonia's Gazprom has")
    judged = judged_by(engine, ultimatum=0.99)
    [found] = by_pattern(judged.detect(state), "ultimatum")
    assert found.actor == "Freedonia"
    assert by_pattern(judged.detect(supplier), "ultimatum") == []


def test_forces_sent_against_rebels_at_home_are_no_buildup(engine) -> None:  # noqa: ANN001
    """Position ``untargeted`` with ``armed_groups``: rebels named where no state is the target
    veto a buildup; the same rebels beside a foreign target, or militia as the forces, do not."""
    home = (
        "Freedonia's army has deployed thousands of troops in the northern hills ahead of an offensive against rebels."
    )
    assert by_pattern(engine.detect(home), "military_buildup") == []
    assert by_pattern(engine.detect(home.replace(" against rebels", "")), "military_buildup")
    abroad = "Freedonia's army has deployed thousands of troops to the Ruritanian border to fight rebels there."
    [found] = by_pattern(engine.detect(abroad), "military_buildup")
    assert found.target == "Ruritanian"  # a made-up state the gazetteer cannot name by its country
    militia = "Freedonia's president has mobilized 40,000 militia members in the capital."
    assert by_pattern(engine.detect(militia), "military_buildup")


def test_a_rebel_threat_on_a_condition_is_no_ultimatum(engine) -> None:  # noqa: ANN001
    """``actor_must_be: not_blocked`` keeps armed groups out, as it keeps companies out."""
    threat = "Freedonia has warned Ruritania that it will resume air strikes unless talks begin within a month."
    assert by_pattern(judged_by(engine, ultimatum=0.99).detect(threat), "ultimatum")
    rebels = "Tamil Tiger rebels have warned the government that they will resume fighting unless talks begin within a month."
    assert by_pattern(judged_by(engine, ultimatum=0.99).detect(rebels), "ultimatum") == []


def test_forces_moved_within_the_country_they_are_in_are_no_buildup(engine) -> None:  # noqa: ANN001
    """``target_must_be: beyond_origin``: from a place of the target's country to another
    place there is a move inside a theatre; from another country, or a distance, is not."""
    for sentence in (
        "Some 850 British troops have started preparations to redeploy from southern Iraq to an area outside of Baghdad.",
        "British troops have rolled north from Basra to take over a deadly area near Baghdad.",
    ):
        assert by_pattern(engine.detect(sentence), "military_buildup") == [], sentence
    for sentence, target in (
        ("Russia has moved troops from Belarus to the Ukrainian border.", "Ukraine"),
        ("Russia has massed troops less than 50 miles from the Ukrainian city of Kharkiv.", "Ukraine"),
        ("Chinese landing ships have been gathering in ports across the strait from Taiwan.", "Taiwan"),
    ):
        [found] = by_pattern(engine.detect(sentence), "military_buildup")
        assert found.target == target, sentence


def test_the_first_part_of_a_hyphenated_word_is_no_anchor(engine) -> None:  # noqa: ANN001
    """ "the pull-out would be completed" holds no "pull": a side's word on its own withdrawal."""
    judged = judged_by(engine, ultimatum=0.99)
    said = "Freedonia's ambassador to Ruritania said the pull-out would be completed within weeks."
    assert by_pattern(judged.detect(said), "ultimatum") == []
    demand = "The president said Freedonia must pull out its troops within weeks or face sanctions."
    assert by_pattern(judged.detect(demand), "ultimatum")
