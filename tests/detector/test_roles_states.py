"""Roles named as parties: buildups by states toward states, demands on the party told to act.

Made-up sentences; each pins one role rule (it fails without that rule).
"""

from __future__ import annotations

import pytest

from services.detector.gazetteer import Gazetteer
from tests.detector.conftest import by_pattern


def _buildup(engine, text: str):  # noqa: ANN001, ANN202 - test helper
    [found] = by_pattern(engine.detect(text), "military_buildup")
    return found


def test_demonyms_of_a_buildup_are_named_as_their_countries(engine) -> None:  # noqa: ANN001
    found = _buildup(engine, "Hundreds of Israeli tanks are massing along the Lebanese border.")
    assert (found.actor, found.target) == ("Israel", "Lebanon")


def test_forces_of_a_state_are_named_as_the_state(engine) -> None:  # noqa: ANN001
    found = _buildup(engine, "The Kenyan army has moved two brigades to its border with Somalia.")
    assert (found.actor, found.target) == ("Kenya", "Somalia")


def test_a_name_the_sentence_gives_the_country_keeps_its_words(engine) -> None:  # noqa: ANN001
    found = _buildup(engine, "The U.S. Navy sent two destroyers toward the Venezuelan coast on Monday.")
    assert (found.actor, found.target) == ("U.S.", "Venezuela")


def test_where_forces_go_is_not_whose_they_are(engine) -> None:  # noqa: ANN001
    found = _buildup(engine, "Congo sends reinforcements to Rwandan border")
    assert found.target == "Rwanda"


def test_the_target_is_never_the_actors_own_country(engine) -> None:  # noqa: ANN001
    found = _buildup(engine, "Thailand has sent more soldiers to the Thai side of the border with Cambodia.")
    assert (found.actor, found.target) == ("Thailand", "Cambodia")


def test_a_state_within_reach_of_the_staging_place_is_the_target(engine) -> None:  # noqa: ANN001
    found = _buildup(engine, "Ugandan troops were sent to a base 40 miles from the Congolese border.")
    assert found.target == "Democratic Republic of the Congo"


def test_a_dateline_country_is_neither_whose_forces_nor_where_they_go(engine) -> None:  # noqa: ANN001
    found = _buildup(
        engine, "ADEN, Yemen: Saudi Arabia sent new tanks into Yemen to support loyalists fighting Iran-backed rebels."
    )
    assert (found.actor, found.target) == ("Saudi Arabia", "Yemen")


def test_the_party_given_until_a_deadline_is_the_target_not_the_giver(engine) -> None:  # noqa: ANN001
    [found] = by_pattern(
        engine.detect("Peru gave the Bolivian ambassador, Juan Perez, until Friday to leave the country."), "ultimatum"
    )
    assert found.actor == "Peru"
    assert "Juan Perez" in found.target and "Friday" not in found.target


def test_a_dateline_subject_does_not_hide_the_government_that_orders(engine) -> None:  # noqa: ANN001
    [found] = by_pattern(
        engine.detect(
            "LIMA, Peru (AP) — Peru's government has ordered the Chilean ambassador to leave the country within 72 hours."
        ),
        "ultimatum",
    )
    assert found.actor == "Peru's government" and found.target == "Chilean ambassador"


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
