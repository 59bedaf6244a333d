"""The severity rule as data: which corroboration makes a story ``alert``, ``urgent`` or ``flash``."""

from __future__ import annotations

from datetime import datetime, timedelta
from importlib import resources
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

from models.story import Severity, SourceRecord
from models.durations import Seconds

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
        independent = [source for source in sources if source.syndicated_from is None]
        for level in self.levels:
            counted = independent
            if level.within is not None:
                since = now - timedelta(seconds=level.within)
                counted = [source for source in independent if source.seen_at >= since]
            if len({source.outlet for source in counted}) < level.min_independent_sources:
                continue
            if level.wire_agency and not any(self.is_wire_agency(source.outlet) for source in sources):
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
