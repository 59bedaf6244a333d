"""Story keys: which detections can belong to the same story, and on which partition.

The key is the pattern plus the normalised actor, so every candidate story for a detection
lives on one partition of the stories table; country overlap and the time window are then
checked against the stories kept under that key.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache
from importlib import resources

import yaml

_SPACE = re.compile(r"\s+")
_LEADING_ARTICLE = re.compile(r"^(the)\s+")


def _fold(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    text = _SPACE.sub(" ", stripped.replace("’", "'")).strip().lower()
    return text.strip(" .,'\"")


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


def stable_id(prefix: str, *parts: str) -> str:
    return prefix + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:24]
