"""The detection engine: watched patterns (YAML) over news text, with roles and evidence.

``DetectionEngine`` is imported lazily: importing spaCy takes a second, and the Faust wiring
modules in this package must stay cheap to import.
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
