"""When a rule fires, as pure functions of counts, so each is tested without a stream.

Counts only grow within a window, so a rule fires exactly when the count *reaches* its
threshold: once per window, without remembering that it already fired.
"""

from __future__ import annotations

import math


def frequency_fires(count: int, threshold: int) -> bool:
    return count == threshold


def spike_threshold(previous: int, factor: float, floor: int) -> int:
    """The count at which the current window becomes a spike over ``previous``."""
    return max(floor, math.ceil(factor * previous))


def spike_fires(current: int, previous: int, factor: float, floor: int) -> bool:
    return current == spike_threshold(previous, factor, floor)


def window_start(timestamp: float, window: float) -> float:
    """Start of the tumbling window holding ``timestamp`` (epoch seconds)."""
    return math.floor(timestamp / window) * window
