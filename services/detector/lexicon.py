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
from functools import cached_property

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


_NUMBER_TOKEN = re.compile(r"\d[\d,.]*\w*")


def _word_matches(word: str, token_lower: str) -> bool:
    if word == "#":
        return token_lower in NUMBER_WORDS or _NUMBER_TOKEN.fullmatch(token_lower) is not None
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

    @property
    def needs_word_start(self) -> bool:
        return not (self.words[0][:1] in "'-" or self.words[0].startswith("n'"))

    def regex(self) -> str:
        """The entry as a regular expression over lower-case text (without the word-start check)."""
        body = r"\s*".join(_word_regex(word) for word in self.words)
        tail = "" if self.words[-1].endswith("*") else r"(?![\w])"
        return body + tail

    @cached_property
    def plain(self) -> list[str] | None:
        """The words as a list when none is a pattern ("#", "...*"): matched by one comparison."""
        if any(w == "#" or w.endswith("*") for w in self.words):
            return None
        return list(self.words)

    def matches_at(self, words: Sequence[str], index: int) -> bool:
        if index + len(self.words) > len(words):
            return False
        plain = self.plain
        if plain is not None:
            return list(words[index : index + len(plain)]) == plain
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


MEMO_WORDS = 50_000  # distinct words remembered by a LexiconIndex before it starts afresh
_KEY = re.compile(r"[a-z0-9]+")
_WORDS = re.compile(r"[a-z0-9]+")


def text_words(lowered: str) -> frozenset[str]:
    """The alphanumeric runs of a lower-cased text: what the cheap pass looks words up in."""
    return frozenset(_WORDS.findall(lowered))


def _key(entry: Entry) -> tuple[str, str]:
    """How the first word of ``entry`` shows in ``text_words``: exact, prefix, number or always."""
    first = entry.words[0]
    if first == "#":
        return "number", ""
    if "'" in first:
        return "always", ""  # "n't", "'s": not aligned with alphanumeric runs
    match = _KEY.match(first)
    if match is None:
        return "always", ""
    if match.end() == len(first) - 1 and first.endswith("*"):
        return "prefix", match.group()
    return "exact", match.group()


@dataclass(frozen=True)
class Lexicon:
    """A named set of entries, indexed by first word, with its compiled first-tier expression."""

    name: str
    entries: tuple[Entry, ...]
    pattern: re.Pattern[str] = field(compare=False, repr=False)
    by_word: dict[str, tuple[Entry, ...]] = field(compare=False, repr=False, default_factory=dict)
    by_prefix: dict[str, tuple[Entry, ...]] = field(compare=False, repr=False, default_factory=dict)
    scanned: tuple[Entry, ...] = field(compare=False, repr=False, default=())
    keys: frozenset[str] = field(compare=False, repr=False, default=frozenset())
    prefixes: frozenset[str] = field(compare=False, repr=False, default=frozenset())
    unkeyed: bool = field(compare=False, repr=False, default=False)
    numbered: bool = field(compare=False, repr=False, default=False)
    prefix_lengths: tuple[int, ...] = field(compare=False, repr=False, default=())
    memo: dict[str, tuple[Entry, ...]] = field(compare=False, repr=False, default_factory=dict)
    # Entries (as word tuples) that match only capitalised text: "AP", "Independent", "Times",
    # from a lexicon marked ``case_sensitive`` (kept per entry, so a combined lexicon keeps it).
    cased: frozenset[tuple[str, ...]] = field(compare=False, repr=False, default=frozenset())

    @classmethod
    def build(cls, name: str, texts: Iterable[str], cased: Iterable[str] = ()) -> "Lexicon":
        """``cased``: the entries of ``texts`` that must be capitalised in the text to match."""
        cased_words = frozenset(Entry.parse(t).words for t in cased if t.strip())
        entries = tuple(sorted({Entry.parse(t) for t in texts if t.strip()}, key=lambda e: -len(e.words)))
        # One word-start check in front of the alternation, not one per entry: the regex engine
        # then rejects a mid-word position once instead of trying every entry there.
        starting = "|".join(e.regex() for e in entries if e.needs_word_start)
        anywhere = "|".join(e.regex() for e in entries if not e.needs_word_start)
        source = (
            "|".join(part for part in (f"(?<![\\w])(?:{starting})" if starting else "", anywhere) if part) or r"(?!x)x"
        )
        by_word: dict[str, list[Entry]] = {}
        by_prefix: dict[str, list[Entry]] = {}
        scanned: list[Entry] = []
        kinds: set[str] = set()
        for entry in entries:
            first = entry.words[0]
            kind, key = _key(entry)
            kinds.add(kind)
            if first.endswith("*") or first == "#" or kind == "always":
                if first.endswith("*") and first != "*":
                    by_prefix.setdefault(first[:-1], []).append(entry)
                else:
                    scanned.append(entry)
            else:
                by_word.setdefault(first, []).append(entry)
        keys = frozenset(k for e in entries for kind, k in [_key(e)] if kind == "exact")
        prefixes = frozenset(k for e in entries for kind, k in [_key(e)] if kind == "prefix")
        return cls(
            name,
            entries,
            re.compile(source),
            {w: tuple(es) for w, es in by_word.items()},
            {p: tuple(es) for p, es in by_prefix.items()},
            tuple(scanned),
            keys,
            prefixes,
            "always" in kinds,
            "number" in kinds,
            tuple(sorted({len(p) for p in by_prefix})),
            {},
            cased_words,
        )

    @cached_property
    def plain_words(self) -> frozenset[str]:
        """The entries that are one plain word: for membership tests on a single token."""
        return frozenset(
            e.words[0] for e in self.entries if len(e.words) == 1 and not e.words[0].endswith("*") and e.words[0] != "#"
        )

    @cached_property
    def scanned_by_first(self) -> tuple[tuple[str, tuple[Entry, ...]], ...]:
        """The scanned entries grouped by their first word."""
        groups: dict[str, list[Entry]] = {}
        for entry in self.scanned:
            groups.setdefault(entry.words[0], []).append(entry)
        return tuple((first, tuple(group)) for first, group in groups.items())

    def in_text(self, text: str) -> bool:
        return self.pattern.search(text.lower()) is not None

    def in_lowered(self, lowered: str) -> bool:
        return self.pattern.search(lowered) is not None

    def _candidates(self, word: str) -> tuple[Entry, ...]:
        """The entries whose first word matches ``word``, longest first (remembered: the second
        tier asks for every word of every sentence it matches, and most words start none)."""
        found = self.memo.get(word)
        if found is None:
            # Entries filed under the word or one of its prefixes match by construction; the
            # scanned ones ("#", "*") are tested once per distinct first word.
            entries = list(self.by_word.get(word, ()))
            for length in self.prefix_lengths:
                if length > len(word):
                    break
                entries.extend(self.by_prefix.get(word[:length], ()))
            for first, group in self.scanned_by_first:
                if _word_matches(first, word):
                    entries.extend(group)
            found = tuple(sorted(entries, key=lambda entry: -len(entry.words)) if len(entries) > 1 else entries)
            if len(self.memo) >= MEMO_WORDS:
                self.memo.clear()  # bounded: hostile text must not grow it without end
            self.memo[word] = found
        return found

    def match_at(self, words: Sequence[str], index: int) -> int:
        """Length in words of the longest entry matching at ``index``, or 0."""
        for entry in self._candidates(words[index]):
            if entry.matches_at(words, index):
                return len(entry.words)
        return 0

    def spans(self, words: Sequence[str]) -> list[tuple[int, int]]:
        """Non-overlapping ``(start, end)`` word ranges matching an entry, longest first.

        Asked of every candidate sentence for every lexicon a rule reads, and most words start
        no entry: a word remembered to start none is skipped without a call."""
        found: list[tuple[int, int]] = []
        memo = self.memo
        index = 0
        count = len(words)
        while index < count:
            length = 0 if memo.get(words[index]) == () else self.match_at(words, index)
            if length:
                found.append((index, index + length))
                index += length
            else:
                index += 1
        return found


class LexiconIndex:
    """Which lexicons may occur in a text, from its words, by dictionary look-ups only.

    The first tier asks this for every sentence of every document, so it must not loop over
    lexicons: each distinct word is looked up once (then remembered), and the answer for a
    text is a bit mask, one bit per lexicon, so that combining words and testing a rule's
    needs are integer operations.
    """

    def __init__(self, lexicons: Iterable[Lexicon]) -> None:
        self.by_key: dict[str, set[int]] = {}
        self.by_prefix: dict[str, set[int]] = {}
        self.always: set[int] = set()
        self.numbered: set[int] = set()
        self.bits: dict[int, int] = {}
        for lexicon in lexicons:
            ident = id(lexicon)
            self.bits.setdefault(ident, 1 << len(self.bits))
            for key in lexicon.keys:
                self.by_key.setdefault(key, set()).add(ident)
            for prefix in lexicon.prefixes:
                self.by_prefix.setdefault(prefix, set()).add(ident)
            if lexicon.unkeyed:
                self.always.add(ident)
            if lexicon.numbered:
                self.numbered.add(ident)
        self.prefix_lengths = sorted({len(p) for p in self.by_prefix})
        self.always_mask = self.mask_of(self.always)
        self._memo: dict[str, int] = {}

    def mask_of(self, idents: Iterable[int]) -> int:
        """The bit mask of these lexicons (by ``id``); lexicons not indexed have no bit."""
        mask = 0
        for ident in idents:
            mask |= self.bits.get(ident, 0)
        return mask

    def ids_of(self, mask: int) -> set[int]:
        return {ident for ident, bit in self.bits.items() if mask & bit}

    def mask(self, words: Iterable[str]) -> int:
        """The lexicons whose first word is among ``words`` (plus those always possible)."""
        found = self.always_mask
        memo = self._memo
        for word in words:
            bits = memo.get(word)
            if bits is None:
                bits = self.mask_of(self._lookup(word))
                if len(memo) >= MEMO_WORDS:
                    memo.clear()  # bounded: hostile text must not grow it without end
                memo[word] = bits
            found |= bits
        return found

    def possible(self, words: Iterable[str]) -> set[int]:
        """``mask`` as a set of lexicon ids."""
        return self.ids_of(self.mask(words))

    def _lookup(self, word: str) -> set[int]:
        """The lexicons one word can begin."""
        found: set[int] = set()
        hit = self.by_key.get(word)
        if hit:
            found |= hit
        for length in self.prefix_lengths:
            if length > len(word):
                break
            hit = self.by_prefix.get(word[:length])
            if hit:
                found |= hit
        if self.numbered and (word[0].isdigit() or word in NUMBER_WORDS):
            found |= self.numbered
        return found


class TextProbe:
    """The first tier's view of one sentence: which lexicons occur in it (cached)."""

    def __init__(self, text: str, index: LexiconIndex | None = None) -> None:
        self.text = text.lower()
        words = text_words(self.text)
        self._possible = index.possible(words) if index is not None else None
        self._words = words
        self._seen: dict[int, bool] = {}

    @classmethod
    def prepared(cls, lowered: str, words: frozenset[str], possible: set[int]) -> "TextProbe":
        """A probe from parts the caller already computed (``Catalog.screen``)."""
        probe = cls.__new__(cls)
        probe.text = lowered
        probe._words = words
        probe._possible = possible
        probe._seen = {}
        return probe

    @property
    def possible(self) -> set[int] | None:
        """The lexicons this text's words allow (``None`` without an index: all of them)."""
        return self._possible

    def has(self, lexicon: Lexicon) -> bool:
        ident = id(lexicon)
        known = self._seen.get(ident)
        if known is None:
            if self._possible is not None:
                known = ident in self._possible and lexicon.in_lowered(self.text)
            else:
                known = lexicon.in_lowered(self.text)
            self._seen[ident] = known
        return known
