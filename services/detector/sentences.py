"""Cheap sentence segmentation for the first tier: newlines first, then end punctuation.

The trained parser also segments, but running it on every sentence is what the two-tier
design avoids. This splitter only has to be good enough that an evidence sentence is whole;
it errs towards not splitting after abbreviations ("U.S.", "Gen.", "Jan.").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_BOUNDARY = re.compile(r"""[.!?]+["')\]]*\s+(?=["'(\[]?[A-Z0-9])""")
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof gen lt col maj capt cpt sgt adm rep sen gov st mt jr sr no vs etc inc corp "
    "ltd co jan feb mar apr jun jul aug sep sept oct nov dec fig approx est dept ft univ rev".split()
)
_INITIALS = re.compile(r"(?:\b[A-Za-z]\.)+$")


@dataclass(frozen=True)
class SentenceSpan:
    """A sentence as a ``[start, end)`` range of the cleaned text."""

    start: int
    end: int


def _is_abbreviation(before: str) -> bool:
    word = before.rsplit(None, 1)[-1] if before.strip() else ""
    if _INITIALS.search(word):
        return True
    return word.rstrip(".").lower() in _ABBREVIATIONS


def split_sentences(text: str) -> list[SentenceSpan]:
    """Sentence ranges of ``text``; blank lines and whitespace never form a sentence."""
    spans: list[SentenceSpan] = []
    offset = 0
    for line in text.split("\n"):
        start = 0
        for match in _BOUNDARY.finditer(line):
            cut = match.end()
            if _is_abbreviation(line[start : match.start() + 1]):
                continue
            _append(spans, line, offset, start, cut)
            start = cut
        _append(spans, line, offset, start, len(line))
        offset += len(line) + 1
    return spans


def _append(spans: list[SentenceSpan], line: str, offset: int, start: int, end: int) -> None:
    piece = line[start:end]
    stripped = piece.strip()
    if not stripped:
        return
    lead = len(piece) - len(piece.lstrip())
    spans.append(SentenceSpan(offset + start + lead, offset + start + lead + len(stripped)))
