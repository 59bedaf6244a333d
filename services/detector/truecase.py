"""Title-case headlines read as sentences: "Ruritania Moves Tanks Toward Zemblan Border".

The small English pipeline takes every capitalised word of such a line for a proper noun: the
parse then has no verb and one entity runs across the whole line, so no rule finds who moves
what where, and the parties come out swapped. Feeds are full of these lines (RSS titles).

Before such a line is parsed, its common words are lower-cased: the English stop words and
the plain words the pattern lexicons are made of ("moves", "troops", "toward", "border").
Everything else keeps its capitals: names the gazetteer knows ("White House", "Indian"),
entries of a case-sensitive lexicon ("AP"), and any word no lexicon lists, which in a
headline is most often a name. Only the case of letters changes, never a length, so offsets
into the parsed text are offsets into the original; the judge reads the original line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from spacy.lang.en.stop_words import STOP_WORDS

from services.detector.lexicon import Entry, Lexicon

# Words a title-case style may leave in lower case ("Ruritania Sends 12 Tanks to
# the Zemblan Border"): they neither make nor break the case of a line.
MINOR_WORDS = frozenset(
    "a an the to of in on at for and or but by with from as vs via into onto over after amid per".split()
)
MIN_TITLED_WORDS = 3  # fewer capitalised words than this is a name or a label, not a headline
MIN_PREFIX = 4  # "withdraw*" makes "Withdraws" common; a shorter stem would catch names
_WORD = re.compile(r"[^\W\d_][\w'’.-]*")


def is_title_case(text: str) -> bool:
    """Every word but the minor ones capitalised (not all in capitals), and enough of them."""
    count, all_capitals = 0, True
    for match in _WORD.finditer(text):  # most lines end at their first lower-case word
        word = match.group()
        if word.lower() in MINOR_WORDS:
            continue
        if not word[0].isupper():
            return False
        count += 1
        all_capitals = all_capitals and word.isupper()
    return count >= MIN_TITLED_WORDS and not all_capitals


class Truecaser:
    """Lower-cases the common words of a title-case line; other text passes unchanged."""

    def __init__(
        self,
        words: Iterable[str],
        prefixes: Iterable[str],
        names: Callable[[str], list[tuple[int, int]]],
        cased_phrases: Iterable[Entry] = (),
    ):
        self._words = frozenset(words) | frozenset(STOP_WORDS)
        self._prefixes = tuple(sorted(set(prefixes), key=len, reverse=True))
        self._names = names
        # Names of several words a case-sensitive lexicon lists ("New York Times"), by first
        # word: kept whole, though a word of them is common elsewhere ("times" of "# times").
        self._phrases: dict[str, list[Entry]] = {}
        for phrase in sorted(set(cased_phrases), key=lambda e: len(e.words), reverse=True):
            self._phrases.setdefault(phrase.words[0], []).append(phrase)

    @classmethod
    def from_lexicons(cls, lexicons: Iterable[Lexicon], names: Callable[[str], list[tuple[int, int]]]) -> Truecaser:
        """The common words of ``lexicons``: every plain word and stem of their entries, except
        the entries that must be capitalised to match."""
        words: set[str] = set()
        prefixes: set[str] = set()
        phrases: set[Entry] = set()
        for lexicon in lexicons:
            for entry in lexicon.entries:
                if entry.words in lexicon.cased:
                    if len(entry.words) > 1 and all(word.isalpha() for word in entry.words):
                        phrases.add(entry)
                    continue
                for word in entry.words:
                    if word.endswith("*") and len(word) > MIN_PREFIX:
                        prefixes.add(word[:-1])
                    elif word.isalpha():
                        words.add(word)
        return cls(words, prefixes, names, phrases)

    def common(self, lowered: str) -> bool:
        """A word that is not a name when it starts a title-case headline word."""
        return lowered in self._words or any(lowered.startswith(p) for p in self._prefixes)

    def __call__(self, text: str) -> str:
        if not is_title_case(text):
            return text
        words = list(_WORD.finditer(text))
        kept = [range(start, end) for start, end in [*self._names(text), *self._cased_names(words)]]
        chars = list(text)
        for match in words:
            word, start = match.group(), match.start()
            lowered = word.lower()
            if start == 0 or word.isupper() or len(lowered) != len(word) or not self.common(lowered):
                continue
            if any(start in span for span in kept):
                continue
            chars[start : match.end()] = lowered
        return "".join(chars)

    def _cased_names(self, words: list[re.Match[str]]) -> list[tuple[int, int]]:
        """Where, among a line's ``words``, a case-sensitive lexicon's name of several words occurs."""
        if not self._phrases:
            return []
        lowered = [match.group().lower() for match in words]
        spans: list[tuple[int, int]] = []
        for index, first in enumerate(lowered):
            phrase = next((e for e in self._phrases.get(first, ()) if e.matches_at(lowered, index)), None)
            if phrase is not None:
                spans.append((words[index].start(), words[index + len(phrase.words) - 1].end()))
        return spans
