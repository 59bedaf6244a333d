"""The detection engine: watched patterns (YAML) over news text, with roles and evidence.

A library with no Kafka in it: the stream's detect agent (:mod:`services.stream.detect`),
``tocsin analyze`` and the API call it. ``DetectionEngine`` is imported lazily, because
importing spaCy takes a second and most importers only need the pattern schema.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from services.detector.engine import DetectionEngine

__all__ = ["DetectionEngine"]


def __getattr__(name: str) -> Any:
    if name == "DetectionEngine":
        from services.detector.engine import DetectionEngine

        return DetectionEngine
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
