"""One parsed sentence with the lookups every rule needs, computed once."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from functools import cached_property
from typing import TypeVar, cast

from spacy.tokens import Doc, Span, Token

from services.detector import syntax
from services.detector.gazetteer import default_gazetteer
from services.detector.lexicon import Lexicon

# Where a doc parsed from a re-cased text keeps the text as written (same length, see truecase).
ORIGINAL_TEXT = "tocsin_original_text"
T = TypeVar("T")
DATELINE_DASHES = frozenset({"—", "–", "-", "--", ":"})
DATELINE_MARKS = frozenset({",", "(", ")", "[", "]", "."})  # "London [UK], Mar. 20 (ANI):"


class SentenceView:
    """A ``Doc`` holding one sentence, plus cached lexicon hits and attribution phrases."""

    def __init__(self, doc: Doc, lexicons: dict[str, Lexicon], sibling: SentenceView | None = None) -> None:
        """``sibling``: a view of the same doc through other lexicons (a pattern's own), whose
        words and per-lexicon spans this one shares (spans depend on the lexicon and the doc
        only, and a pattern's own lexicons keep most shared ones)."""
        self.doc = doc
        self.lexicons = lexicons
        self.words: list[str]
        if sibling is not None and sibling.doc is doc:
            self.words = sibling.words
            self._spans: dict[int, list[tuple[int, int]]] = sibling._spans
            self._covered: dict[int, frozenset[int]] = sibling._covered
        else:
            self.words = [token.lower_ for token in doc]
            self._spans = {}
            self._covered = {}
        self._dating: dict[int, frozenset[int]] = {}
        self._remembered: dict[Hashable, object] = {}

    def remembered(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()``, once per view and key: for what depends on the parse alone and is asked
        of every candidate (an anchor's modifiers, the offices a sentence names)."""
        if key not in self._remembered:
            self._remembered[key] = compute()
        return cast(T, self._remembered[key])

    @cached_property
    def text(self) -> str:
        """The sentence's text (``Doc.text`` joins every token's text on each call)."""
        return self.doc.text

    def spans(self, lexicon: Lexicon) -> list[tuple[int, int]]:
        cached = self._spans.get(id(lexicon))
        if cached is None:
            cached = lexicon.spans(self.words)
            if lexicon.cased:  # "the independent inquiry" is no outlet; "The Independent" is
                # A name ends on a capital: "the Times", "The Information", not "The information spread".
                cased = lexicon.cased
                cached = [
                    (s, e) for s, e in cached if tuple(self.words[s:e]) not in cased or not self.doc[e - 1].is_lower
                ]
            self._spans[id(lexicon)] = cached
        return cached

    def hits(self, lexicon: Lexicon, indices: set[int] | range) -> list[tuple[int, int]]:
        """The lexicon's spans that overlap ``indices`` (most spans are one word: tested directly)."""
        spans = self.spans(lexicon)
        if not spans:
            return spans
        if isinstance(indices, range) and indices.step == 1:
            low, high = indices.start, indices.stop
            return [(s, e) for s, e in spans if s < high and e > low]
        return [(s, e) for s, e in spans if s in indices or (e - s > 1 and any(i in indices for i in range(s + 1, e)))]

    def shared(self, name: str) -> Lexicon:
        return self.lexicons[name]

    def words_of(self, name: str) -> frozenset[str]:
        """The one-word entries of a shared lexicon, for testing a single token's word."""
        return self.lexicons[name].plain_words

    def covered(self, lexicon: Lexicon) -> frozenset[int]:
        """Every token index inside one of the lexicon's spans."""
        cached = self._covered.get(id(lexicon))
        if cached is None:
            cached = frozenset(i for s, e in self.spans(lexicon) for i in range(s, e))
            self._covered[id(lexicon)] = cached
        return cached

    def has_shared(self, name: str, indices: set[int] | range) -> bool:
        """Whether a span of the shared lexicon covers one of ``indices`` (asked of single
        tokens all over the role rules: a set look-up, not a walk over the spans)."""
        covered = self.covered(self.lexicons[name])
        if not covered:
            return False
        if len(indices) > len(covered):
            return any(i in indices for i in covered)
        return any(i in covered for i in indices)

    @cached_property
    def everything(self) -> set[int]:
        return set(range(len(self.doc)))

    def dating_clauses(self) -> frozenset[int]:
        """Clauses that only date the sentence by another event (``syntax.dating_clauses``);
        remembered for the entities known when asked, as entities recognised after the first
        look may date more of them."""
        if not syntax.parsed(self.doc):
            return frozenset()
        key = len(self.doc.ents)
        found = self._dating.get(key)
        if found is None:
            found = frozenset(syntax.dating_clauses(self.doc, self.words_of("time_spans")))
            self._dating[key] = found
        return found

    @cached_property
    def media(self) -> list[tuple[int, int]]:
        """Media outlets and media nouns ("Reuters", "British newspapers")."""
        spans = self.spans(self.lexicons["media_outlets"]) + self.spans(self.lexicons["media_nouns"])
        return sorted(set(spans))

    @cached_property
    def attribution(self) -> set[int]:
        """Tokens that only say who published this sentence: "according to Reuters", "(AP) -"."""
        doc = self.doc
        marked: set[int] = set()
        media_tokens = {i for s, e in self.media for i in range(s, e)}
        attribution_verbs = self.words_of("attribution_verbs")
        if len(doc) > 2 and doc[0].text == "(":
            for token in doc[1:8]:
                if token.text == ")":
                    marked.update(range(0, token.i + 2))
                    break
        marked.update(self._closing_credit(media_tokens))
        marked.update(self._filing_credit(media_tokens))
        for token in doc:
            if token.lower_ == "according" and token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "to":
                for child in doc[token.i + 1].children:
                    marked.update(t.i for t in child.subtree)
                marked.update(t.i for t in doc[token.i + 1].subtree)
                continue
            if token.lower_ not in attribution_verbs or token.pos_ not in ("VERB", "AUX"):
                continue
            for child in token.children:
                # The outlet itself says or is told ("Reuters reported", "told the BBC"), not a
                # report it ran ("Global Times report 'inaccurate', says the ministry"): that
                # report is what the sentence is about.
                if child.dep_ not in ("nsubj", "dobj", "dative", "agent", "iobj"):
                    continue
                named = syntax.named_by(child)
                if named is not None and named.i in media_tokens:
                    marked.update(t.i for t in child.subtree)
        return marked

    def _filing_credit(self, media_tokens: set[int]) -> set[int]:
        """A bracketed outlet in a dateline, before its dash or colon: "VIENNA (AFP) - ..."
        (read from the words alone: the dateline itself waits for the names)."""
        doc = self.doc
        for token in doc[1:8]:
            if token.text != "(":
                continue
            closing = next((t.i for t in doc[token.i + 1 : token.i + 6] if t.text in (")", "):")), None)
            if closing is None:
                return set()
            inside = set(range(token.i + 1, closing))
            after = doc[closing + 1].text if closing + 1 < len(doc) else ""
            dash = doc[closing].text == "):" or after in DATELINE_DASHES
            return set(range(token.i, closing + 1)) if inside and inside <= media_tokens and dash else set()
        return set()

    def _closing_credit(self, media_tokens: set[int]) -> set[int]:
        """A bracketed outlet closing the sentence, a headline's credit: "Ruritania Denies
        Troop Talks (AP)"."""
        doc = self.doc
        end = len(doc)
        while end > 0 and doc[end - 1].is_punct and doc[end - 1].text != ")":
            end -= 1
        if end < 3 or doc[end - 1].text != ")":
            return set()
        opening = next((t.i for t in reversed(doc[max(0, end - 6) : end - 1]) if t.text == "("), None)
        inside = set(range(opening + 1, end - 1)) if opening is not None else set()
        if not inside or not inside <= media_tokens:
            return set()
        return set(range(opening, len(doc))) if opening is not None else set()

    @cached_property
    def headline_credit(self) -> tuple[int, int] | None:
        """Who a headline is credited to, after its last dash or colon: "Treat Myjoyonline
        publication with contempt – Communications Ministry", "... false statistics: China
        Daily editorial", or before a colon that opens it: "Finance Minister: Harbour News
        Agency circulates rumors". A short phrase of names and nouns (no verb, at most five
        words) beside words that say something; ``None`` otherwise."""
        return self._closing_credit_phrase() or self._opening_credit_phrase()

    def _opening_credit_phrase(self) -> tuple[int, int] | None:
        doc = self.doc
        colon = next((t.i for t in doc[1:5] if t.text == ":"), None)
        if colon is None or self.dateline or len(doc) - colon < 4:
            return None
        phrase = doc[:colon]
        if any(t.pos_ in ("VERB", "AUX") or t.like_num for t in phrase):
            return None
        if not all(t.pos_ in ("PROPN", "NOUN", "ADJ", "DET", "PART") for t in phrase):
            return None
        if all(t.ent_type_ in ("GPE", "LOC", "NORP") or t.pos_ in ("DET", "PART") for t in phrase):
            return None  # "Bangladesh: Myanmar digs in ...": a headline's topic, not who speaks
        return 0, colon

    def _closing_credit_phrase(self) -> tuple[int, int] | None:
        doc = self.doc
        end = len(doc)
        while end > 0 and doc[end - 1].is_punct and doc[end - 1].text not in DATELINE_DASHES:
            end -= 1
        for token in reversed(doc[:end]):
            # a dash set off by spaces, or a colon: not the hyphen of "Iran-US talks"
            spaced = bool(token.whitespace_) and (token.text == ":" or bool(doc[token.i - 1].whitespace_))
            if token.text in DATELINE_DASHES and token.i > 0 and spaced and token.i not in self.dateline:
                start = token.i + 1
                phrase = doc[start:end]
                if not 1 <= len(phrase) <= 5 or start < 4:
                    return None
                if any(t.pos_ in ("VERB", "AUX") or t.like_num for t in phrase):
                    return None
                if not any(t.pos_ in ("PROPN", "NOUN") for t in phrase) or not phrase[0].text[:1].isupper():
                    return None
                return start, end
            if token.pos_ in ("VERB", "AUX"):
                return None
        return None

    @cached_property
    def dateline(self) -> set[int]:
        """A leading dateline, "NAIROBI, Kenya —", "Pristina, 6 May 2017 -" or "Delhi [India],
        Mar. 3 (ANI):": where the story was filed, never a party. Names, places, dates and
        marks up to a dash (or a colon) in the first words, one of them a place or a date."""
        doc = self.doc
        for token in doc[:14]:
            if token.i > 0 and (token.text in DATELINE_DASHES or _closes_dateline(token.text) or _closes_credit(token)):
                before = doc[: token.i]
                # A place the tagger knows, a word in capitals, or a name before a date ("Pristina,
                # 6 May 2017 -": the tagger need not know the town for the date to tell a dateline).
                if all(_in_dateline(t) for t in before) and any(
                    t.ent_type_ in ("GPE", "LOC")
                    or (t.is_upper and len(t) > 2)
                    or (t.ent_type_ == "DATE" and before[0].pos_ == "PROPN")
                    for t in before
                ):
                    # "Bangladesh: Myanmar digs in ..." is a headline's topic, not where it was filed:
                    # before a colon, a dateline is in capitals or carries a date or a bracket.
                    colon = token.text[-1] == ":"
                    filed = any(t.is_upper or t.like_num or t.ent_type_ == "DATE" or t.text in "([" for t in before)
                    return set(range(token.i + 1)) if filed or not colon or _a_city(before) else set()
                return set()
            if not _in_dateline(token):
                return set()
        return set()

    @cached_property
    def referenced_media(self) -> list[tuple[int, int]]:
        """Media mentioned as the subject matter, not as the source of this sentence."""
        return [(s, e) for s, e in self.media if not any(i in self.attribution for i in range(s, e))]

    def text_of(self, start: int, end: int) -> str:
        """The words as written (a title-case headline was parsed with common words lower-cased)."""
        span = self.doc[start:end]
        original = self.doc.user_data.get(ORIGINAL_TEXT)
        return span.text if original is None else original[span.start_char : span.end_char]


def _a_city(words: Span) -> bool:
    """A city the gazetteer knows, written as a place ("New Delhi: The Congress rejected ..."):
    before a colon it tells where a story was filed, where a country's own name ("Bangladesh:
    Myanmar digs in") is a headline's topic and a leader's ("Trump: ...") its speaker."""
    if not all(t.ent_type_ in ("GPE", "LOC") for t in words):
        return False
    gazetteer = default_gazetteer()
    code = gazetteer.code_of(words.text)
    return code is not None and words.text != gazetteer.name_of(code) and not gazetteer.derived(words.text)


def _in_dateline(token: Token) -> bool:
    """A word a dateline is made of: a name, a place, a date, a number, a bracket or comma, or
    a word of a bracketed credit however it is written ("BERLIN (dpa) -")."""
    return (
        token.pos_ in ("PROPN", "NUM")
        or token.ent_type_ in ("GPE", "LOC", "DATE")
        or token.text in DATELINE_MARKS
        or token.is_upper
        or (token.is_alpha and _bracketed(token))
    )


def _bracketed(token: Token) -> bool:
    """Inside a short bracket: "(dpa)", "(The Irish Times)"."""
    doc = token.doc
    before = doc[max(0, token.i - 4) : token.i]
    after = doc[token.i + 1 : token.i + 5]
    opening = next((t for t in reversed(before) if t.text in ("(", "[", ")", "]")), None)
    closing = next((t for t in after if t.text[:1] in ("(", "[", ")", "]")), None)
    return opening is not None and opening.text in ("(", "[") and closing is not None and closing.text[:1] in (")", "]")


def _closes_credit(token: Token) -> bool:
    """The bracket closing an agency's initials with no dash after it, as Indian wires file:
    "New Delhi, Sep 19 (PTI) India on Tuesday asked ..."."""
    doc = token.doc
    if token.text != ")" or token.i + 1 >= len(doc) or not doc[token.i + 1].text[:1].isupper():
        return False
    opening = next((t.i for t in reversed(doc[max(0, token.i - 4) : token.i]) if t.text == "("), None)
    if opening is None or opening + 1 == token.i:
        return False
    return all(t.is_upper and t.is_alpha for t in doc[opening + 1 : token.i])


def _closes_dateline(text: str) -> bool:
    """ "):" or "]:" — the tokenizer's one token for a closing bracket and the colon after it."""
    return len(text) == 2 and text[0] in DATELINE_MARKS and text[1] in DATELINE_DASHES
