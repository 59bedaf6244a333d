"""The countries a detection is about, read from its own sentence and roles only.

The detector may add countries from neighbouring sentences when the evidence names too
few (a "world briefing" item: a sentence on rallies in Caracas, then "Pakistan's foreign
office called the Reuters story baseless" came out tagged PK and VE). Stories and alerts are
about the evidence, so the story side keeps only the countries the evidence sentence, its
actor or its target name. The cited agency is not a party: Reuters is not a country's act.
"""

from __future__ import annotations

from functools import lru_cache

from models import Detection
from services.detector.gazetteer import Gazetteer, default_gazetteer


@lru_cache(maxsize=1)
def _gazetteer() -> Gazetteer:
    return default_gazetteer()


def own_countries(detection: Detection) -> list[str]:
    """The detection's countries that its sentence, actor or target name, in detection order.

    A country the gazetteer finds in the sentence but the detector left out is not added:
    the detector decides which mentions are parties; this only drops borrowed ones.
    """
    named = set(_gazetteer().countries(detection.sentence, detection.actor, detection.target))
    return [code for code in detection.countries if code in named]


def with_own_countries(detection: Detection) -> Detection:
    """``detection`` with borrowed countries dropped (the same object when none were borrowed)."""
    own = own_countries(detection)
    if own == detection.countries:
        return detection
    return detection.model_copy(update={"countries": own})


def acting_countries(detection: Detection) -> list[str]:
    """Whose act the story reports: the countries the actor names, else the first party.

    Used to decide which state media are the acting government's own (see corroboration).
    """
    from_actor = _gazetteer().countries(detection.actor) if detection.actor else []
    if from_actor:
        return from_actor
    own = own_countries(detection)
    return own[:1]
