"""The severity rule: corroboration raises an alert from ``alert`` to ``urgent`` to ``flash``.

The stories service grades each signal (``Signal.severity``, see services/stories/
severity.yaml); the alerter takes that grade as a floor and re-grades what one
subscription's story has accumulated with the same thresholds:

- ``alert``: one source.
- ``urgent``: three or more independent sources, or a wire agency among the sources.
- ``flash``: five or more independent sources.

Sources are independent when their source ids differ. A wire agency is recognised from a
source id (``reuters``, ``apnews.com``) or from the agency a detection cites (``Reuters
reported ...``). The alerter never lowers a grade.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal

Severity = Literal["alert", "urgent", "flash"]
SEVERITIES: tuple[Severity, ...] = ("alert", "urgent", "flash")
WIRE_AGENCIES = frozenset(
    {"reuters", "ap", "apnews", "associated press", "afp", "agence france-presse", "dpa", "efe",
     "ansa", "xinhua", "tass", "kyodo", "upi", "bloomberg", "anadolu", "pti", "yonhap"}
)
URGENT_SOURCES = 3
FLASH_SOURCES = 5


def rank(severity: str) -> int:
    """Position of ``severity`` in the order alert < urgent < flash."""
    return SEVERITIES.index(severity)  # type: ignore[arg-type]


def is_wire_agency(name: str | None) -> bool:
    """True when ``name`` (a source id or a cited agency) is a wire agency."""
    if not name:
        return False
    text = name.lower()
    if text in WIRE_AGENCIES:
        return True
    tokens = set(re.split(r"[^a-z0-9]+", text))
    return any(agency in tokens for agency in WIRE_AGENCIES if " " not in agency and "-" not in agency) or any(
        agency in text for agency in WIRE_AGENCIES if " " in agency or "-" in agency
    )


def severity_for(sources: Iterable[str], agencies: Iterable[str | None], floor: str = "alert") -> Severity:
    """The severity of a story seen in ``sources`` citing ``agencies``."""
    independent = {source.lower() for source in sources if source}
    wire = any(is_wire_agency(source) for source in independent) or any(is_wire_agency(a) for a in agencies)
    if len(independent) >= FLASH_SOURCES:
        computed: Severity = "flash"
    elif len(independent) >= URGENT_SOURCES or wire:
        computed = "urgent"
    else:
        computed = "alert"
    return SEVERITIES[max(rank(computed), rank(floor))]
