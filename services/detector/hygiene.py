"""Text hygiene before any matching: invisible characters out, quotes and spaces normalised.

Social posts carry variation selectors, zero-width joiners and soft hyphens that split words
for a tokenizer, and curly quotes that defeat lexicon matching. Cleaning removes characters,
so a ``CleanText`` remembers where each kept stretch of text came from: the detector reports
evidence offsets into the text it was given, never into its own copy.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

# One-for-one replacements: they keep every offset.
_SAME_LENGTH = str.maketrans(
    {
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2033": '"',
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u00a0": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\u2007": " ",
        "\t": " ",
        "\r": "\n",
    }
)
_SAME_LENGTH_PAIRS = tuple((chr(code), replacement) for code, replacement in _SAME_LENGTH.items())
# Format and control characters, variation selectors and tag characters: removed.
_INVISIBLE = re.compile(
    "[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufe00-\ufe0f\ufff9-\ufffb"
    "\U000e0001\U000e0020-\U000e007f\U000e0100-\U000e01ef]+"
)

# Pictographs and symbols (emoji, dingbats, arrows, geometric shapes): one space each, which
# keeps every offset. A post's "❗️Reports by AP are a lie" otherwise reaches the tokenizer as
# one word "❗Reports", and the report is never found.
_PICTOGRAPHS = re.compile(
    "[\u2190-\u21ff\u2300-\u23ff\u2460-\u24ff\u25a0-\u27bf\u2900-\u297f\u2b00-\u2bff\U0001f000-\U0001faff]"
)


@dataclass(frozen=True)
class CleanText:
    """Cleaned text plus, per kept stretch, its start in the cleaned and the original text."""

    text: str
    clean_starts: tuple[int, ...]
    original_starts: tuple[int, ...]
    original_length: int

    def original_offset(self, position: int) -> int:
        segment = max(0, bisect_right(self.clean_starts, position) - 1)
        return self.original_starts[segment] + position - self.clean_starts[segment]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Maps the cleaned range ``[start, end)`` back to the original text."""
        if end <= start:
            origin = self.original_offset(start) if start < len(self.text) else self.original_length
            return origin, origin
        return self.original_offset(start), self.original_offset(end - 1) + 1


def clean(text: str) -> CleanText:
    """Strips invisible characters, normalises quotes and spaces out pictographs, keeping an
    offset map."""
    translated = _same_length(text)
    if not translated.isascii():
        translated = _PICTOGRAPHS.sub(" ", translated)
    pieces: list[str] = []
    clean_starts: list[int] = []
    original_starts: list[int] = []
    kept = 0
    cursor = 0
    for match in _INVISIBLE.finditer(translated):
        if match.start() > cursor:
            pieces.append(translated[cursor : match.start()])
            clean_starts.append(kept)
            original_starts.append(cursor)
            kept += match.start() - cursor
        cursor = match.end()
    if cursor < len(translated) or not pieces:
        pieces.append(translated[cursor:])
        clean_starts.append(kept)
        original_starts.append(cursor)
    return CleanText("".join(pieces), tuple(clean_starts), tuple(original_starts), len(text))


def _same_length(text: str) -> str:
    """``text.translate(_SAME_LENGTH)``, faster: ``translate`` with a table looks up every
    character in Python objects, while a search for each of the few characters is a C scan,
    and most texts hold only a few of them. No replacement is itself replaced, so doing
    them one after another gives the same text."""
    for old, new in _SAME_LENGTH_PAIRS:
        if old in text:
            text = text.replace(old, new)
    return text
