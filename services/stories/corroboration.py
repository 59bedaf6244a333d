"""Corroboration, defined once: how many independent outlets report a story.

An editor's count, not a tally of URLs:

- An **outlet** is a publisher (:func:`services.stories.outlets.outlet_of`): many articles
  from one outlet, and an article's feed id and domain, are one outlet.
- A **syndicated copy** (near-identical evidence, :mod:`services.stories.similarity`) counts
  toward its origin. Within a group of copies the origin is the wire agency when one is
  among them, else the outlet seen first: a wire story on a newspaper's site is the wire's.
- **State media of the acting government** (``state_media.yaml``) do not independently
  confirm that government's act; nor do copies of them.
- The agency whose report is denied is the story's subject, not a source: only outlets that
  published an article are ever counted, so a cited agency counts only if it published too.

``corroboration`` is the number of outlets counted ``origin``. Severity grades from it
(:mod:`services.stories.severity`); the alerter carries this decision, it never re-derives it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

from models.signal import CountedAs, OutletRef
from models.story import SourceRecord
from services.stories.similarity import NEAR_DUPLICATE, shingles


@dataclass(frozen=True)
class StateMedia:
    """Outlets controlled by each government, as registrable domains or social accounts."""

    by_country: dict[str, frozenset[str]]

    def controls(self, country: str, outlet: str) -> bool:
        names = self.by_country.get(country.upper(), frozenset())
        outlet = outlet.lower()
        return outlet in names or any(outlet.endswith("." + name) for name in names)

    def of_any(self, countries: Sequence[str], outlet: str) -> bool:
        return any(self.controls(country, outlet) for country in countries)


def load_state_media(path: Path | None = None) -> StateMedia:
    """The list in ``path``, or the default shipped as ``services/stories/state_media.yaml``."""
    if path is None:
        text = resources.files("services.stories").joinpath("state_media.yaml").read_text("utf-8")
    else:
        text = path.read_text("utf-8")
    data = yaml.safe_load(text) or {}
    return StateMedia(
        {str(code).upper(): frozenset(str(n).lower() for n in names or []) for code, names in data.items()}
    )


@lru_cache(maxsize=1)
def default_state_media() -> StateMedia:
    return load_state_media()


@dataclass(frozen=True)
class Verdict:
    """How one outlet was counted."""

    counted_as: CountedAs
    copy_of: str | None = None

    @property
    def independent(self) -> bool:
        return self.counted_as == "origin"


def assess(
    sources: Sequence[SourceRecord],
    acting: Sequence[str],
    is_wire: Callable[[str], bool],
    state_media: StateMedia | None = None,
) -> list[SourceRecord]:
    """``sources`` (one per outlet, oldest first) with ``counted_as`` and ``syndicated_from`` set.

    Recomputed over the whole story each time, so the order articles arrive in does not
    decide which of two copies is the origin.
    """
    media = state_media or default_state_media()
    ordered = sorted(sources, key=lambda s: s.seen_at)
    origin_of: dict[str, str] = {}
    groups: list[list[SourceRecord]] = []
    words = {source.outlet: shingles(source.evidence) for source in ordered}  # once per source, not per pair

    def near(a: SourceRecord, b: SourceRecord) -> bool:
        left, right = words[a.outlet], words[b.outlet]
        return bool(left and right) and len(left & right) / len(left | right) >= NEAR_DUPLICATE

    for source in ordered:
        home = next((g for g in groups if any(near(m, source) for m in g)), None)
        if home is None:
            groups.append([source])
        else:
            home.append(source)
    for group in groups:
        wires = [member for member in group if is_wire(member.outlet)]
        origin = (wires or group)[0].outlet
        for member in group:
            origin_of[member.outlet] = origin
    result: list[SourceRecord] = []
    for source in sources:
        origin = origin_of[source.outlet]
        if media.of_any(acting, source.outlet):
            verdict = Verdict("state_media")
        elif origin != source.outlet:
            verdict = Verdict("copy", origin)
        else:
            verdict = Verdict("origin")
        result.append(source.model_copy(update={"counted_as": verdict.counted_as, "syndicated_from": verdict.copy_of}))
    return result


def corroboration(sources: Sequence[SourceRecord]) -> int:
    """The number of distinct outlets counted as independent origins."""
    return len({source.outlet for source in sources if source.counted_as == "origin"})


def outlet_refs(sources: Sequence[SourceRecord], is_wire: Callable[[str], bool]) -> list[OutletRef]:
    """The outlets as the webhook and the console show them, origins first."""
    refs = [
        OutletRef(
            name=source.outlet,
            url=source.url,
            independent=source.counted_as == "origin",
            counted_as=source.counted_as,
            copy_of=source.syndicated_from,
            wire=is_wire(source.outlet),
            evidence=source.evidence,
            seen_at=source.seen_at,
        )
        for source in sources
    ]
    return sorted(refs, key=lambda ref: (not ref.independent, ref.counted_as))


def reason(sources: Sequence[SourceRecord], is_wire: Callable[[str], bool]) -> str:
    """Why the grade, in a desk's words: ``2 independent outlets (1 wire); 1 copy, 1 state media``."""
    origins = {s.outlet for s in sources if s.counted_as == "origin"}
    wires = sum(1 for outlet in origins if is_wire(outlet))
    copies = sum(1 for s in sources if s.counted_as == "copy")
    state = sum(1 for s in sources if s.counted_as == "state_media")
    text = f"{len(origins)} independent outlet{'s' if len(origins) != 1 else ''}"
    if wires:
        text += f" ({wires} wire)"
    extra = [f"{copies} cop{'ies' if copies != 1 else 'y'}" if copies else "", f"{state} state media" if state else ""]
    extra = [part for part in extra if part]
    if extra:
        text += "; not counted: " + ", ".join(extra)
    return text
