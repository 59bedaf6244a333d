"""Hygiene, sentence splitting and lexicon matching: the first tier's building blocks."""

from __future__ import annotations

from services.detector.hygiene import clean
from services.detector.lexicon import Lexicon
from services.detector.sentences import split_sentences


class TestHygiene:
    def test_strips_invisible_characters_and_keeps_original_offsets(self) -> None:
        text = "Alert\u2757\ufe0f the Rus\u200dsian \u201cembassy\u201d."
        cleaned = clean(text)
        assert "\ufe0f" not in cleaned.text and "\u200d" not in cleaned.text
        assert '"embassy"' in cleaned.text
        start = cleaned.text.index("Russian")
        begin, end = cleaned.original_span(start, start + len("Russian"))
        assert text[begin:end] == "Rus\u200dsian"

    def test_tabs_and_non_breaking_spaces_become_spaces(self) -> None:
        assert clean("a\tb\u00a0c").text == "a b c"

    def test_pictographs_become_spaces_so_a_glued_word_is_its_own(self) -> None:
        text = "\u2757\ufe0fReports by AP are a LIE \U0001f1fa\U0001f1f8 30\u00b0"
        cleaned = clean(text)
        assert cleaned.text == " Reports by AP are a LIE    30\u00b0"  # one space per pictograph
        start = cleaned.text.index("Reports")
        begin, end = cleaned.original_span(start, start + len("Reports"))
        assert text[begin:end] == "Reports"


class TestSentences:
    def test_splits_on_newlines_and_end_punctuation_not_abbreviations(self) -> None:
        text = 'The U.S. Navy sailed. Gen. Smith agreed!\n\n"Yes." He left'
        pieces = [text[s.start : s.end] for s in split_sentences(text)]
        assert pieces == ["The U.S. Navy sailed.", "Gen. Smith agreed!", '"Yes."', "He left"]


class TestLexicon:
    def test_prefix_number_and_phrase_entries_agree_between_tiers(self) -> None:
        lexicon = Lexicon.build("t", ["deploy*", "within # hours", "step down", "play down"])
        for text, words in [
            ("troops were deployed", ["troops", "were", "deployed"]),
            ("leave within 48 hours", ["leave", "within", "48", "hours"]),
            ("they must step down", ["they", "must", "step", "down"]),
        ]:
            assert lexicon.in_text(text)
            assert lexicon.spans(words)
        assert not lexicon.in_text("a redeployment step")
        assert lexicon.spans(["no", "deploy", "here"]) == [(1, 2)]

    def test_contractions_split_like_the_tokenizer(self) -> None:
        lexicon = Lexicon.build("neg", ["n't", "not"])
        assert lexicon.in_text("didn't")
        assert lexicon.spans(["did", "n't"]) == [(1, 2)]
