"""Wire copy as agencies file it: datelines with their credits, objects put after what they are
called, demands told with pronouns and small clauses.

Made-up sentences (real country names where the parse needs them); each pins one reading that
failed on a probe of made-up wire copy before it was written.
"""

from __future__ import annotations

from tests.detector.conftest import by_pattern, judged_by


def _one(engine, text: str, pattern: str, context: str | None = None):  # noqa: ANN001, ANN202 - test helper
    [found] = by_pattern(engine.detect(text, context), pattern)
    return found


def test_a_lower_case_credit_still_closes_a_dateline(engine) -> None:  # noqa: ANN001
    # "BERLIN (dpa) -" was no dateline: the credit spoiled the parse of the denial after it
    found = _one(
        engine,
        "BERLIN (dpa) - A German government spokesman on Monday denied a report in Der Spiegel that the "
        "chancellor had blocked the delivery of tanks.",
        "wire_denial",
    )
    assert found.actor == "German government spokesman"
    assert "Der Spiegel" in found.target


def test_the_credit_in_a_dateline_is_no_antecedent(engine) -> None:  # noqa: ANN001
    found = _one(
        engine,
        "BANGKOK, June 7 (Reuters) - Thailand's army said on Saturday it was reinforcing troops along the "
        "Cambodian border.",
        "military_buildup",
    )
    assert found.actor == "Thailand"
    assert found.target == "Cambodia"


def test_a_dateline_hung_on_the_subject_hides_no_opposition_leader(engine) -> None:  # noqa: ANN001
    text = "ISLAMABAD (Reuters) - Opposition leader Maulana Fazl-ur-Rehman gave Prime Minister Imran Khan two days to resign."
    assert not by_pattern(engine.detect(text), "ultimatum")


def test_a_subject_parsed_as_part_of_the_dateline_still_acts(engine) -> None:  # noqa: ANN001
    found = _one(
        engine,
        "DUBAI, July 2 (Reuters) - Saudi Arabia and its allies agreed on Sunday to extend by 48 hours a deadline "
        "for Qatar to accept a list of demands or face further sanctions.",
        "ultimatum",
    )
    assert found.actor == "Saudi Arabia"
    assert found.target == "Qatar"


def test_a_report_put_after_what_it_is_called_is_denied(engine) -> None:  # noqa: ANN001
    found = _one(
        engine,
        'The Freedonian information ministry dismissed as "mischievous and malicious" a story in the Harbour '
        "Gazette claiming that soldiers guard the mines.",
        "wire_denial",
    )
    assert found.target.startswith("story in the Harbour Gazette")


def test_both_words_calling_a_shifted_report_false_name_it(engine) -> None:  # noqa: ANN001
    found = _one(
        engine,
        'The Freedonian foreign ministry described as "unwarranted and unsubstantiated" a Daily Courier report '
        "that named an intelligence officer.",
        "wire_denial",
    )
    assert found.target == "Daily Courier report"


def test_a_directorate_speaks_for_the_state(engine) -> None:  # noqa: ANN001
    found = _one(
        engine,
        "Turkey's Communications Directorate said the claims published by Bloomberg about Ankara were false.",
        "wire_denial",
    )
    assert found.actor == "Turkey's Communications Directorate"


def test_where_a_verb_sends_someone_is_not_who_must_go(engine) -> None:  # noqa: ANN001
    found = _one(
        engine,
        "The Ruritanian foreign minister said on Tuesday that Freedonia had 60 days to return to compliance "
        "with the treaty.",
        "ultimatum",
    )
    assert found.target == "Freedonia"


def test_diplomatic_staff_are_a_state_s_people(engine) -> None:  # noqa: ANN001
    found = _one(
        engine,
        "Venezuela on Monday ordered diplomatic staff from seven Latin American countries to leave within 72 hours.",
        "ultimatum",
    )
    assert found.target == "diplomatic staff"


def test_them_are_those_declared_persona_non_grata(engine) -> None:  # noqa: ANN001
    found = _one(
        engine,
        "India declared the military advisers at Pakistan's High Commission persona non grata and gave them a "
        "week to leave.",
        "ultimatum",
    )
    assert found.actor == "India"
    assert found.target.startswith("military advisers")


def test_told_to_depart_by_a_time_is_an_expulsion(engine) -> None:  # noqa: ANN001
    found = _one(
        engine,
        "India said it had expelled six Canadian diplomats and told them to depart on or before 11:59 p.m. on Saturday.",
        "ultimatum",
    )
    assert found.target == "six Canadian diplomats"


def test_the_spokesman_is_the_party_spokesman_introduced_before(engine) -> None:  # noqa: ANN001
    article = (
        "A spokesman for the Liberal Democrats rejected a newspaper report that the party would drop its leader. "
        '"The story is a work of fiction," the spokesman said on Sunday.'
    )
    assert not by_pattern(engine.detect(article), "wire_denial")


def test_a_test_captain_is_no_official(engine) -> None:  # noqa: ANN001
    text = (
        "England's Test captain has denied a newspaper report that there is a rift between the players and the coach."
    )
    assert not by_pattern(engine.detect(text), "wire_denial")


def test_the_second_object_of_as_is_the_report(engine) -> None:  # noqa: ANN001
    found = _one(
        engine,
        "A Northern Fleet spokesman dismissed as 'total nonsense' an Interfax report that the fleet had given "
        "the garrison until dawn to surrender.",
        "wire_denial",
    )
    assert found.actor == "Northern Fleet spokesman"
    assert found.target == "Interfax report"


def test_an_article_that_does_not_reflect_the_truth_is_denied(engine) -> None:  # noqa: ANN001
    found = _one(
        engine,
        "The Freedonian foreign ministry said a Daily Courier article claiming the border was closed did not "
        "reflect the truth.",
        "wire_denial",
    )
    assert found.target.startswith("Daily Courier article")


def test_a_protest_lodged_with_a_state_over_its_buildup(engine) -> None:  # noqa: ANN001
    found = _one(
        engine,
        "Bangladesh has lodged a protest with Myanmar over what it called a build-up of troops along the border.",
        "military_buildup",
    )
    assert (found.actor, found.target) == ("Myanmar", "Bangladesh")


def test_accused_of_massing_troops_with_of_hung_on_a_noun(engine) -> None:  # noqa: ANN001
    found = _one(engine, "Sudan accuses Chad of concentrating troops on border near Darfur", "military_buildup")
    assert (found.actor, found.target) == ("Chad", "Sudan")
    found = _one(
        engine,
        "Armenia accused Azerbaijan on Friday of massing troops along their shared border and near Nagorno-Karabakh.",
        "military_buildup",
    )
    assert (found.actor, found.target) == ("Azerbaijan", "Armenia")


def test_a_name_hung_on_the_dateline_credit_is_the_subject(engine) -> None:  # noqa: ANN001
    found = _one(
        engine,
        "TOKYO (Jiji) - Chief Cabinet Secretary Yoshihide Suga on Monday denied a Kyodo News report that Japan "
        "was considering a snap election.",
        "wire_denial",
    )
    assert found.actor == "Chief Cabinet Secretary Yoshihide Suga"


def test_what_follows_a_headline_colon_is_the_demand_not_its_target(engine) -> None:  # noqa: ANN001
    found = _one(
        engine, "Obama delivers ultimatum to Gaddafi: halt attacks on civilians or face military action", "ultimatum"
    )
    assert found.target == "Gaddafi"
    found = _one(engine, "Trump's 50-day ultimatum: Russia must agree Ukraine ceasefire or face tariffs", "ultimatum")
    assert found.target == "Russia"


def test_headline_verbs_side_by_side_share_their_subject(engine) -> None:  # noqa: ANN001
    found = _one(
        engine, "Maduro breaks ties with Washington, gives U.S. diplomats 72 hours to leave Venezuela", "ultimatum"
    )
    assert found.actor == "Maduro"


def test_a_ship_sent_to_evacuate_nationals_is_no_buildup(engine) -> None:  # noqa: ANN001
    text = "Indian Navy deploys INS Sumedha to Port Sudan to evacuate stranded nationals"
    assert not by_pattern(engine.detect(text), "military_buildup")


def test_soldiers_of_a_named_army_belong_to_its_state(engine) -> None:  # noqa: ANN001
    found = _one(
        engine,
        "Witnesses say some 2,000 soldiers of the People's Liberation Army have arrived in the valley near the "
        "Indian border.",
        "military_buildup",
    )
    assert (found.actor, found.target) == ("China", "India")


def _sure(engine, text: str, pattern: str):  # noqa: ANN001, ANN202 - test helper
    """The detections of ``pattern`` with a judge certain of every sentence."""
    return by_pattern(judged_by(engine, **{pattern: 0.99}).detect(text), pattern)


def test_the_paper_credited_in_the_dateline_is_no_report_denied(engine) -> None:  # noqa: ANN001
    text = (
        "DUBLIN (The Irish Times) - Tánaiste Simon Harris has denied an opposition claim that the Government is "
        "abandoning neutrality by stealth."
    )
    assert not _sure(engine, text, "wire_denial")


def test_a_seat_of_government_speaks_for_it(engine) -> None:  # noqa: ANN001
    found = _one(
        engine, "Malacanang denied a Rappler report that the president had been taken to hospital.", "wire_denial"
    )
    assert found.actor == "Malacanang"
    assert found.agency == "Rappler"


def test_migrants_told_to_leave_are_no_government(engine) -> None:  # noqa: ANN001
    text = "The interior ministry gave undocumented migrants until November 1 to leave the country or face deportation."
    assert not _sure(engine, text, "ultimatum")


def test_whose_threats_are_not_whence_forces_come(engine) -> None:  # noqa: ANN001
    found = _one(
        engine,
        "Washington has dispatched a carrier strike group to the Gulf in response to what it called threats from Iran.",
        "military_buildup",
    )
    assert (found.actor, found.target) == ("Washington", "Iran")


def test_a_vice_president_s_allegation_called_fake_news_is_no_media_report(engine) -> None:  # noqa: ANN001
    text = (
        "The presidential palace has dismissed as “fake news” Vice President Maria Santos’s allegation that the "
        "government is failing to help workers abroad."
    )
    assert not _sure(engine, text, "wire_denial")


def test_force_threatened_if_a_leader_does_not_step_down(engine) -> None:  # noqa: ANN001
    found = _one(
        engine,
        "ABUJA, Dec 24 (Reuters) - West Africa's regional bloc ECOWAS warned Laurent Gbagbo on Friday that it "
        "would use 'legitimate force' if he did not step down.",
        "ultimatum",
    )
    assert found.target == "Laurent Gbagbo"


def test_a_headline_shares_the_veto_its_lead_gives(engine) -> None:  # noqa: ANN001
    relief = (
        "US sends marines to Freedonia\nThe US is sending 600 marines and relief supplies to flood-ravaged Freedonia."
    )
    assert not by_pattern(engine.detect(relief), "military_buildup")
    # a lead that says nothing of the kind leaves the headline be; so does a sentence before it
    # that is no headline
    tension = "US sends marines to Freedonia\nThe US is sending 600 marines to Freedonia amid tension with Ruritania."
    assert by_pattern(engine.detect(tension), "military_buildup")[0].sentence == "US sends marines to Freedonia"
    sentence = "The US sent marines to Freedonia. The US is also sending relief supplies to flood-ravaged areas."
    assert by_pattern(engine.detect(sentence), "military_buildup")


def test_what_a_warship_can_do_is_no_buildup(engine) -> None:  # noqa: ANN001
    text = "The new Freedonian destroyer carries 112 launch cells and can be deployed far beyond Freedonia's coastal waters."
    assert not by_pattern(engine.detect(text), "military_buildup")


def test_a_queue_of_lorries_at_the_border_is_no_buildup(engine) -> None:  # noqa: ANN001
    text = "A buildup of lorries at the border crossing stretched for 20 kilometres as new customs checks began."
    assert not by_pattern(engine.detect(text), "military_buildup")


def test_a_football_club_denying_a_paper_is_no_official(engine) -> None:  # noqa: ANN001
    text = 'Real Madrid denied a report in Marca that the coach had been sacked, calling it "completely false."'
    assert not _sure(engine, text, "wire_denial")


def test_a_campaigning_group_s_report_is_no_outlet_s(engine) -> None:  # noqa: ANN001
    text = 'The interior ministry rejected a Human Rights Watch report on torture in detention centres as "politically motivated."'
    assert not by_pattern(engine.detect(text), "wire_denial")


def test_a_witness_telling_of_the_deed_is_no_doer(engine) -> None:  # noqa: ANN001
    found = _one(
        engine,
        "Columns of armoured vehicles were seen rolling toward the frontier overnight, residents of the border "
        "town told reporters.",
        "military_buildup",
    )
    assert found.actor is None


def test_whose_rebuttal_names_the_denier(engine) -> None:  # noqa: ANN001
    found = _one(
        engine,
        "The ministry's rebuttal of the Daily Courier story came within hours of its publication.",
        "wire_denial",
    )
    assert found.actor == "ministry"


def test_patrol_vessels_sent_are_forces(engine) -> None:  # noqa: ANN001
    found = _one(
        engine,
        "Britain will send the patrol vessel HMS Trent to Guyana amid tensions with Venezuela.",
        "military_buildup",
    )
    assert found.actor == "Britain"


def test_a_deployment_by_a_state_is_that_state_s(engine) -> None:  # noqa: ANN001
    found = _one(
        engine,
        'The White House said it was monitoring a "large military deployment" by Serbia along its border with Kosovo.',
        "military_buildup",
    )
    assert (found.actor, found.target) == ("Serbia", "Kosovo")


def test_a_deed_dated_to_a_year_is_history(engine) -> None:  # noqa: ANN001
    for text in (
        "In 1962, the Soviet Union stationed nuclear missiles in Cuba, bringing the world to the brink of war.",
        "Freedonia massed more than 100,000 troops on the Ruritanian border in 2021 before invading.",
    ):
        assert not _sure(engine, text, "military_buildup"), text
    # a deadline's date is no dating of the demand
    assert _one(
        engine, "The UN gave Iraq until January 15, 1991 to withdraw from Kuwait or face military action.", "ultimatum"
    )
    assert _one(
        engine, "Freedonia has massed 100,000 troops on the Ruritanian border, officials said.", "military_buildup"
    )


def test_force_threatened_on_an_unmet_demand_counts_whatever_the_judge_says(engine) -> None:  # noqa: ANN001
    doubting = judged_by(engine, ultimatum=0.0001)
    text = 'West African leaders threatened on Friday to use "legitimate force" if Laurent Gbagbo does not hand power over.'
    [found] = by_pattern(doubting.detect(text), "ultimatum")
    assert found.target == "Laurent Gbagbo"
    # an offer to stop fighting on a condition is no threat
    offer = "Ruritania is prepared to halt military operations in the north if the rebels withdraw from the towns."
    assert not by_pattern(engine.detect(offer), "ultimatum")


def test_wire_copy_deadlines_and_demanded_acts(engine) -> None:  # noqa: ANN001
    found = _one(
        engine, "Moscow gives Washington until Sept. 1 to cut its diplomatic staff in Russia by 755 people", "ultimatum"
    )
    assert (found.actor, found.target) == ("Moscow", "Washington")
    found = _one(
        engine,
        "Contact Group gives Belgrade 10 days to pull special police out of Kosovo or face new sanctions",
        "ultimatum",
    )
    assert (found.actor, found.target) == ("Contact Group", "Belgrade")
    found = _one(
        engine,
        "Belgrade has until Saturday to begin pulling its forces out of Kosovo or the air campaign will intensify, "
        "NATO's secretary-general said.",
        "ultimatum",
    )
    assert found.target == "Belgrade"


def test_a_letter_setting_a_deadline_is_its_writer_s_demand(engine) -> None:  # noqa: ANN001
    found = _one(
        engine,
        "Trump's letter to Khamenei set a two-month deadline for reaching a new nuclear deal, officials said.",
        "ultimatum",
    )
    assert found.actor == "Trump"


def test_years_ago_is_history(engine) -> None:  # noqa: ANN001
    text = "Twenty years ago this week, President Bush gave Saddam Hussein 48 hours to leave Iraq."
    assert not by_pattern(engine.detect(text), "ultimatum")
    assert _one(engine, "Two weeks ago, President Bush gave Saddam Hussein 48 hours to leave Iraq.", "ultimatum")


def test_a_panel_of_the_un_made_the_report(engine) -> None:  # noqa: ANN001
    text = "The government rejected a UN panel's report accusing it of arming rebels, calling it politically motivated."
    assert not by_pattern(engine.detect(text), "wire_denial")


def test_an_agency_credit_with_no_dash_closes_a_dateline(engine) -> None:  # noqa: ANN001
    found = _one(
        engine,
        "New Delhi, Sep 19 (PTI) India on Tuesday ordered a senior Canadian diplomat to leave the country within five days.",
        "ultimatum",
    )
    assert found.actor == "India"


def test_a_foreign_ministry_by_its_seat(engine) -> None:  # noqa: ANN001
    found = _one(
        engine, "Itamaraty denied a Folha de S.Paulo report that Brazil had offered to mediate.", "wire_denial"
    )
    assert found.actor == "Itamaraty"
