"""Human durations in config files: ``10s``, ``5m``, ``2h``, ``7d`` or plain seconds."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BeforeValidator

_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$")


def parse_duration(value: object) -> float:
    """Seconds for a duration written as a number or ``<number><unit>``."""
    if isinstance(value, bool):
        raise ValueError("a duration is a number of seconds or a string like '10s', '5m', '2h'")
    if isinstance(value, (int, float)):
        if value < 0:
            raise ValueError("a duration cannot be negative")
        return float(value)
    if isinstance(value, str):
        match = _DURATION.match(value)
        if match:
            return float(match.group(1)) * _UNITS[match.group(2) or "s"]
    raise ValueError(f"{value!r} is not a duration like '10s', '5m', '2h' or '1d'")


Seconds = Annotated[float, BeforeValidator(parse_duration)]


def parse_retention(value: object) -> float:
    """A duration, or ``-1`` / ``forever`` for data that is never deleted."""
    if value in (-1, "-1", "forever"):
        return -1.0
    return parse_duration(value)


RetentionSeconds = Annotated[float, BeforeValidator(parse_retention)]
