"""The one severity policy: a story's grade rises with its corroboration.

Corroboration is counted in :mod:`services.stories.corroboration` (independent outlets only:
no copies, no state media of the acting government, never the agency a denial names). The
thresholds are data (``severity.yaml``). The alerter takes the grade from the signal; it does
not grade again.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from importlib import resources
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

from models.durations import Seconds
from models.severity import Severity
from models.story import SourceRecord


class SeverityLevel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    severity: Severity
    min_independent_sources: int = Field(default=0, ge=0)
    within: Seconds | None = None
    wire_agency: bool = False


class SeverityPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid")

    levels: list[SeverityLevel]
    wire_agencies: list[str] = Field(default_factory=list)

    def is_wire_agency(self, outlet: str) -> bool:
        outlet = outlet.lower()
        return any(outlet == agency or outlet.endswith("." + agency) for agency in self.wire_agencies)

    def grade(self, sources: list[SourceRecord], now: datetime) -> Severity:
        """The first level whose conditions the story's independent outlets meet.

        ``sources`` must already be assessed (``counted_as`` set); only origins count, and a
        wire level needs a wire agency among the origins, not among copies or state media.
        """
        independent = [source for source in sources if source.counted_as == "origin"]
        for level in self.levels:
            counted = independent
            if level.within is not None:
                since = now - timedelta(seconds=level.within)
                counted = [source for source in independent if source.seen_at >= since]
            if len({source.outlet for source in counted}) < level.min_independent_sources:
                continue
            if level.wire_agency and not any(self.is_wire_agency(source.outlet) for source in independent):
                continue
            return level.severity
        return "alert"


def load_severity_policy(path: Path | None = None) -> SeverityPolicy:
    """The policy in ``path``, or the built-in one shipped next to this module."""
    if path is None:
        text = resources.files("services.stories").joinpath("severity.yaml").read_text("utf-8")
    else:
        text = path.read_text("utf-8")
    return SeverityPolicy.model_validate(yaml.safe_load(text))
