"""Word lists as data, matched the same way by both tiers.

An entry is a lower-case word or phrase. Within an entry, a word ending in ``*`` matches any
word it begins (``deploy*`` matches "deployed", "deployment") and ``#`` matches a number
("48", "one"). Matching is on surface forms, never on lemmas, so the first tier's regular
expression and the second tier's token matcher agree exactly: a sentence the cheap pass skips
could never have matched in the expensive one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

NUMBER_WORDS = frozenset(
    "one two three four five six seven eight nine ten eleven twelve fifteen twenty thirty "
    "forty fifty sixty seventy eighty ninety hundred thousand dozen dozens hundreds thousands "
    "million millions".split()
)
_NUMBER_RE = r"(?:\d[\d,.]*|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")"


def _word_regex(word: str) -> str:
    if word == "#":
        return _NUMBER_RE
    if word.endswith("*"):
        return re.escape(word[:-1]) + r"[\w'-]*"
    return re.escape(word)


def _word_matches(word: str, token_lower: str) -> bool:
    if word == "#":
        return token_lower in NUMBER_WORDS or bool(re.fullmatch(r"\d[\d,.]*\w*", token_lower))
    if word.endswith("*"):
        return token_lower.startswith(word[:-1])
    return token_lower == word


@dataclass(frozen=True)
class Entry:
    """One lexicon entry, split into words the way the tokenizer splits them."""

    text: str
    words: tuple[str, ...]

    @classmethod
    def parse(cls, text: str) -> "Entry":
        return cls(text, tuple(_split(text.lower())))

    def regex(self) -> str:
        body = r"\s*".join(_word_regex(word) for word in self.words)
        lead = "" if self.words[0][:1] in "'-" or self.words[0].startswith("n'") else r"(?<![\w])"
        tail = "" if self.words[-1].endswith("*") else r"(?![\w])"
        return lead + body + tail

    def matches_at(self, words: Sequence[str], index: int) -> bool:
        if index + len(self.words) > len(words):
            return False
        return all(_word_matches(w, words[index + k]) for k, w in enumerate(self.words))


def _split(text: str) -> list[str]:
    """Splits an entry like the English tokenizer would split the same phrase."""
    words: list[str] = []
    for raw in text.split():
        piece = raw
        if piece.endswith("n't") and len(piece) > 3:
            words.extend([piece[:-3], "n't"])
            continue
        if piece.endswith("'s") and len(piece) > 2:
            words.extend([piece[:-2], "'s"])
            continue
        if "-" in piece.strip("-") and not piece.endswith("*"):
            parts = piece.split("-")
            for position, part in enumerate(parts):
                if position:
                    words.append("-")
                if part:
                    words.append(part)
            continue
        words.append(piece)
    return words


@dataclass(frozen=True)
class Lexicon:
    """A named set of entries with its compiled first-tier expression."""

    name: str
    entries: tuple[Entry, ...]
    pattern: re.Pattern[str] = field(compare=False, repr=False)

    @classmethod
    def build(cls, name: str, texts: Iterable[str]) -> "Lexicon":
        entries = tuple(sorted({Entry.parse(t) for t in texts if t.strip()}, key=lambda e: -len(e.words)))
        source = "|".join(entry.regex() for entry in entries) or r"(?!x)x"
        return cls(name, entries, re.compile(source, re.IGNORECASE))

    def in_text(self, text: str) -> bool:
        return self.pattern.search(text) is not None

    def match_at(self, words: Sequence[str], index: int) -> int:
        """Length in words of the longest entry matching at ``index``, or 0."""
        for entry in self.entries:
            if entry.matches_at(words, index):
                return len(entry.words)
        return 0

    def spans(self, words: Sequence[str]) -> list[tuple[int, int]]:
        """Non-overlapping ``(start, end)`` word ranges matching an entry, longest first."""
        found: list[tuple[int, int]] = []
        index = 0
        while index < len(words):
            length = self.match_at(words, index)
            if length:
                found.append((index, index + length))
                index += length
            else:
                index += 1
        return found


def union(name: str, lexicons: Iterable[Lexicon]) -> Lexicon:
    """One lexicon holding every entry of ``lexicons``."""
    texts = [entry.text for lexicon in lexicons for entry in lexicon.entries]
    return Lexicon.build(name, texts)
