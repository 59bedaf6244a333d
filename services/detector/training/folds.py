"""Cross-validation folds grouped by article: one article's sentences never sit on both sides.

Sentences of one article share names, wording and often the event itself; splitting them
across train and test would measure recall of memorised articles. Groups are dealt to folds
largest first, each to the fold with the fewest sentences so far, after a seeded shuffle,
so folds are balanced and reproducible.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence

from services.detector.training.data import Example


def assign_folds(examples: Sequence[Example], n_folds: int, seed: int) -> dict[str, int]:
    """Fold number of every example id; all examples of a group get the same fold."""
    sizes = Counter(e.group for e in examples)
    groups = sorted(sizes)
    random.Random(seed).shuffle(groups)
    groups.sort(key=lambda g: -sizes[g])  # stable: ties keep the shuffled order
    load = [0] * n_folds
    fold_of_group: dict[str, int] = {}
    for group in groups:
        fold = min(range(n_folds), key=lambda f: (load[f], f))
        fold_of_group[group] = fold
        load[fold] += sizes[group]
    return {e.id: fold_of_group[e.group] for e in examples}
