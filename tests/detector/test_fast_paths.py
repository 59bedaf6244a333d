"""The detector's fast paths give what the plain definitions give.

Quote normalisation by per-character replacement, remembered word look-ups (lexicon index,
lexicon entries) with their bounded memories, the one-array sentence marking before the parse,
and numpy's matrix products in the pipeline: each is checked against the straightforward
version it replaces.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from thinc.api import NumpyOps

from services.detector import lexicon as lexicon_module
from services.detector.engine import DetectionEngine
from services.detector.hygiene import _SAME_LENGTH, clean
from services.detector.lexicon import Lexicon, LexiconIndex, text_words

SPECIAL = "".join(chr(code) for code in _SAME_LENGTH) + "\u200b\u00ad\ufe0f"
WORDS = [
    "deploy",
    "deployed",
    "troops",
    "48",
    "forty",
    "hours",
    "within",
    "step",
    "down",
    "it",
    "n't",
    "'s",
    "-",
    "reuters",
    "report",
    "fake",
    "news",
    "said",
    "the",
    "u.s.",
    "must",
    "go",
]


@given(st.text(alphabet=st.sampled_from(SPECIAL + "ab \n'\"."), max_size=60))
def test_clean_equals_translate_then_strip(text: str) -> None:
    cleaned = clean(text)
    translated = text.translate(_SAME_LENGTH)
    assert cleaned.text == "".join(c for c in translated if c not in "\u200b\u00ad\ufe0f")
    for position in range(len(cleaned.text)):
        assert translated[cleaned.original_offset(position)] == cleaned.text[position]


def reference_spans(lexicon: Lexicon, words: list[str]) -> list[tuple[int, int]]:
    """Longest entry at each position over all entries, no index and no memory."""
    found, index = [], 0
    while index < len(words):
        length = max((len(e.words) for e in lexicon.entries if e.matches_at(words, index)), default=0)
        if length:
            found.append((index, index + length))
        index += length or 1
    return found


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=25))
def test_lexicon_spans_equal_the_plain_definition(engine: DetectionEngine, words: list[str]) -> None:
    for lexicon in list(engine._catalog.lexicons.values())[:40]:
        assert lexicon.spans(words) == reference_spans(lexicon, words)
    built = Lexicon.build("t", ["deploy*", "within # hours", "#", "n't", "step down", "step"])
    assert built.spans(words) == reference_spans(built, words)


def reference_possible(index: LexiconIndex, words: frozenset[str]) -> set[int]:
    """Each word looked up afresh, as sets, no memory and no masks."""
    return set(index.always).union(*(index._lookup(word) for word in words))


def test_index_memory_is_bounded_and_does_not_change_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    lexicons = [
        Lexicon.build("a", ["deploy*", "troops"]),
        Lexicon.build("b", ["# hours", "u.s. navy"]),
        Lexicon.build("c", ["n't"]),
    ]
    index = LexiconIndex(lexicons)
    monkeypatch.setattr(lexicon_module, "MEMO_WORDS", 3)
    texts = ["troops were deployed", "the u.s. navy", "within 48 hours", "nothing here", "troops"] * 3
    for text in texts:
        words = text_words(text)
        assert index.possible(words) == reference_possible(index, words)
        assert len(index._memo) <= 3
    assert index.ids_of(index.mask(text_words("troops"))) == {id(lexicons[0]), id(lexicons[2])}


def test_parse_keeps_each_text_one_sentence(engine: DetectionEngine) -> None:
    [doc, single, empty] = engine.parse(["Troops massed. He said it was false! Then they left.", "Go", ""])
    assert len(list(doc.sents)) == 1
    assert [t.is_sent_start for t in doc] == [True] + [False] * (len(doc) - 1)
    assert len(single) == 1 and len(empty) == 0


def test_pipeline_multiplies_with_numpy(engine: DetectionEngine) -> None:
    for _name, component in engine.nlp.pipeline:
        for node in component.model.walk():
            assert isinstance(node.ops, NumpyOps) and not node.ops.use_blis
