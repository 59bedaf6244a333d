"""Story keys: which detections can belong to the same story, and on which partition.

The key is the pattern plus the normalised actor, so every candidate story for a detection
lives on one partition of the stories table; country overlap and the time window are then
checked against the stories kept under that key.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import yaml

from models.names import fold

_LEADING_ARTICLE = re.compile(r"^(the)\s+")


def _fold(name: str) -> str:
    """A name as a story key sees it: folded, without surrounding quotes and full stops."""
    return fold(name).strip(" .,'\"")


@lru_cache(maxsize=1)
def _aliases() -> dict[str, str]:
    data = yaml.safe_load(resources.files("services.stories").joinpath("actor_aliases.yaml").read_text("utf-8"))
    table: dict[str, str] = {}
    for canonical, others in (data or {}).items():
        folded = _fold(canonical)
        table[folded] = folded
        for other in others or []:
            table[_fold(str(other))] = folded
    return table


def normalise_actor(actor: str | None) -> str | None:
    """The canonical, accent- and case-folded name of an actor (None stays None)."""
    if not actor:
        return None
    folded = _fold(actor)
    aliases = _aliases()
    if folded in aliases:
        return aliases[folded]
    without_article = _LEADING_ARTICLE.sub("", folded)
    if without_article in aliases:
        return aliases[without_article]
    # "venezuelan president nicolas maduro" and "earlier ... kristi noem": the longest
    # known name the actor ends with (titles and leftovers come first in English).
    words = without_article.split(" ")
    for start in range(1, len(words)):
        suffix = " ".join(words[start:])
        if suffix.startswith("the ") or (len(words) - start == 1 and len(suffix) <= 3):
            continue  # "... of the us": too weak to name the actor
        if suffix in aliases:
            return aliases[suffix]
    return without_article


def story_key(pattern: str, actor: str | None, countries: list[str]) -> str:
    """``pattern|actor``; without an actor, the sorted countries stand in for it."""
    who = normalise_actor(actor) or "?" + ",".join(sorted(countries))
    return f"{pattern}|{who}"
