"""Near-duplicate evidence: syndicated wire copies must not count as independent sources."""

from __future__ import annotations

import re

_WORD = re.compile(r"\w+", re.UNICODE)
SHINGLE_SIZE = 3
NEAR_DUPLICATE = 0.6


def shingles(text: str, size: int = SHINGLE_SIZE) -> set[tuple[str, ...]]:
    words = _WORD.findall(text.lower())
    if len(words) < size:
        return {tuple(words)} if words else set()
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


def resemblance(a: str, b: str) -> float:
    """Jaccard similarity of word 3-shingles: 1.0 for identical wording, near 0 for a rewrite."""
    left, right = shingles(a), shingles(b)
    if not left or not right:
        return 0.0
    return len(left & right) / len(left | right)


def is_near_duplicate(a: str, b: str, threshold: float = NEAR_DUPLICATE) -> bool:
    return resemblance(a, b) >= threshold
