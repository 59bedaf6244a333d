"""Text hygiene before any matching: invisible characters out, quotes and spaces normalised.

Social posts carry variation selectors, zero-width joiners and soft hyphens that split words
for a tokenizer, and curly quotes that defeat lexicon matching. Cleaning removes characters,
so a ``CleanText`` keeps, for every cleaned character, its offset in the original text: the
detector reports evidence offsets into the text it was given, never into its own copy.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

_QUOTES = {
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2033": '"', "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u2007": " ", "\t": " ",
}


@dataclass(frozen=True)
class CleanText:
    """Cleaned text plus the original offset of each of its characters."""

    text: str
    origins: tuple[int, ...]
    original_length: int

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Maps the cleaned range ``[start, end)`` back to the original text."""
        if end <= start:
            origin = self.origins[start] if start < len(self.origins) else self.original_length
            return origin, origin
        return self.origins[start], self.origins[end - 1] + 1


def _invisible(char: str) -> bool:
    if char == "\n":
        return False
    if "\ufe00" <= char <= "\ufe0f" or "\U000e0100" <= char <= "\U000e01ef":
        return True  # variation selectors (emoji/text presentation)
    return unicodedata.category(char) in ("Cf", "Cc")


def clean(text: str) -> CleanText:
    """Strips invisible characters and normalises quotes, keeping an offset map."""
    chars: list[str] = []
    origins: list[int] = []
    for index, char in enumerate(text):
        if char == "\r":
            char = "\n"
        elif char not in _QUOTES and _invisible(char):
            continue
        chars.append(_QUOTES.get(char, char))
        origins.append(index)
    return CleanText("".join(chars), tuple(origins), len(text))
