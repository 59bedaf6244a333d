"""Batched detection (``detect_many``) returns exactly what one-by-one ``detect`` returns.

The stream and ``tocsin analyze --jsonl`` detect in batches for speed; these tests hold the
batched path to the single-document results, including the first tier's document-wide
screen, pronoun resolution through context sentences parsed for the whole batch, and the
Faust detect stage's fallback when a batch fails.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from models import Detection, Document
from services.detector.engine import DetectionEngine
from services.detector.sentences import split_sentences
from services.stream.detect import detect_all
from tests.conftest import SEED_ARTICLE, SHARED
from tests.detector.conftest import DETECTOR_FIXTURES

DEV = SHARED / "eval" / "dev.jsonl"
CONTEXT_NEEDED = (
    "He must step down within 48 hours, the minister said.",
    "Opposition figures met President Alpha Condé in Conakry on Monday.",
)


def varied_items() -> list[tuple[str, str | None]]:
    """Whole articles, dev sentences with their context, pronouns, noise and repeats."""
    items: list[tuple[str, str | None]] = []
    if SEED_ARTICLE.exists():
        items.append((SEED_ARTICLE.read_text(encoding="utf-8"), None))
    items += [(path.read_text(encoding="utf-8"), None) for path in sorted(DETECTOR_FIXTURES.glob("*.txt"))]
    if DEV.exists():
        rows = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
        items += [(row["text"], row.get("context")) for row in rows]
    items += [
        CONTEXT_NEEDED,
        ('"This is absolutely untrue," he said.', "The Associated Press reported that the embassy was emptied."),
        ("", None),
        ("\u200d\ufe0f Russia has \u201cdeployed\u201d thousands of troops along the border with Ukraine.", None),
        ("Markets were calm on Monday. " * 5, "Nothing happened."),
        CONTEXT_NEEDED,  # the same document twice in one batch
    ]
    return items


def test_detect_many_equals_detect_one_by_one(engine: DetectionEngine, monkeypatch: pytest.MonkeyPatch) -> None:
    items = varied_items()
    expected = [engine.detect(text, context) for text, context in items]
    context_parses: list[int] = []
    parse = engine.parse

    def counting(texts: list[str], entities: bool = True, syntax: bool = True):  # noqa: ANN202
        if entities and syntax:  # only context sentences are parsed with both at once
            context_parses.append(len(texts))
        return parse(texts, entities=entities, syntax=syntax)

    monkeypatch.setattr(engine, "parse", counting)
    batched = engine.detect_many(items)
    assert batched == expected
    assert sum(len(found) for found in expected) > len(items) // 2
    # The context sentences of the whole batch went to the pipeline together.
    assert len(context_parses) == 1 and context_parses[0] >= 2


def test_detect_many_in_any_batch_size(engine: DetectionEngine) -> None:
    items = varied_items()
    expected = engine.detect_many(items)
    for size in (1, 3, 32):
        chunks = [engine.detect_many(items[i : i + size]) for i in range(0, len(items), size)]
        assert [found for chunk in chunks for found in chunk] == expected
    assert engine.detect_many([]) == []


def test_pronoun_resolved_through_batched_context(engine: DetectionEngine) -> None:
    [alone, batched] = engine.detect_many(
        [("He must step down within 48 hours, the minister said.", None), CONTEXT_NEEDED]
    )
    assert [d.target for d in alone if d.pattern == "ultimatum"] == [None]
    assert [d.target for d in batched if d.pattern == "ultimatum"] == ["President Alpha Condé"]


def test_full_pipeline_engine_batches_too(engine: DetectionEngine) -> None:
    full = DetectionEngine(engine.nlp, True, two_tier=False)
    items = varied_items()[:6]
    assert full.detect_many(items) == [full.detect(text, context) for text, context in items]


def naive_screen(engine: DetectionEngine, text: str) -> list[tuple[int, list[str]]]:
    """Every sentence probed for every pattern: what the document-wide screen must equal."""
    catalog = engine._catalog
    found = []
    for index, span in enumerate(split_sentences(text)):
        probe = catalog.probe(text[span.start : span.end])
        wanted = [
            p.id
            for p in catalog.patterns
            if any(all(probe.has(lexicon) for lexicon in rule.required_in_text) for rule in p.rules)
        ]
        if wanted:
            found.append((index, wanted))
    return found


@pytest.mark.parametrize(
    "text",
    [
        "Markets were calm. Russia has deployed 40,000 troops to the border. The ministry denied the Reuters report.",
        "Nothing here at all.\nReally nothing.",
        "The K\u212aremlin issued an ultimatum; he must leave within 48 hours. Deployment-ready units moved.",
        "",
    ],
)
def test_document_screen_equals_probing_every_sentence(engine: DetectionEngine, text: str) -> None:
    spans = [(s.start, s.end) for s in split_sentences(text)]
    screened = [(index, [p.id for p in patterns]) for index, patterns, _ in engine._catalog.screen(text, spans)]
    assert screened == naive_screen(engine, text)


def test_document_screen_on_articles(engine: DetectionEngine) -> None:
    texts = [text for text, _ in varied_items() if len(text) > 400]
    assert texts
    for text in texts:
        spans = [(s.start, s.end) for s in split_sentences(text)]
        screened = [(i, [p.id for p in patterns]) for i, patterns, _ in engine._catalog.screen(text, spans)]
        assert screened == naive_screen(engine, text)


def _document(ident: str, text: str) -> Document:
    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    return Document(
        id=ident,
        source_id="test",
        url=f"https://example.org/{ident}",
        title=ident,
        text=text,
        published_at=now,
        fetched_at=now,
        language="en",
    )


class _OneByOne:
    """A detector without ``detect_many`` (like the stream bench's fixed-cost one)."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def detect(self, text: str, context: str | None = None) -> list[Detection]:
        self.calls.append(text)
        if "poison" in text:
            raise ValueError("poison")
        return []

    def reload_if_changed(self) -> bool:
        return False


class _Batching(_OneByOne):
    def __init__(self) -> None:
        super().__init__()
        self.batches: list[int] = []

    def detect_many(self, items: list[tuple[str, str | None]]) -> list[list[Detection]]:
        self.batches.append(len(items))
        return [self.detect(text, context) for text, context in items]


def test_detect_stage_sends_the_whole_batch_at_once() -> None:
    detector = _Batching()
    documents = [_document(f"d{i}", f"text {i}") for i in range(5)]
    assert detect_all(detector, documents) == [[]] * 5
    assert detector.batches == [5]


def test_detect_stage_isolates_a_poison_document_when_the_batch_fails() -> None:
    for detector in (_Batching(), _OneByOne()):
        documents = [_document("a", "fine"), _document("b", "poison"), _document("c", "also fine")]
        outcomes = detect_all(detector, documents)
        assert outcomes[0] == [] and outcomes[2] == []
        assert isinstance(outcomes[1], ValueError)


def test_detect_stage_with_the_engine(engine: DetectionEngine) -> None:
    texts = [text for text, context in varied_items() if context is None][:8]
    documents = [_document(f"d{i}", text) for i, text in enumerate(texts)]
    assert detect_all(engine, documents) == [engine.detect(text) for text in texts]
