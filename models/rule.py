"""The schema of a windowed rule, as written in the ``rules:`` section of the config file."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from models.detection import Detection
from models.durations import Seconds

RuleKind = Literal["frequency", "spike", "new_actor"]


class RuleFilter(BaseModel):
    """Which detections a rule counts; an empty list means any."""

    model_config = ConfigDict(extra="forbid")

    patterns: list[str] = Field(default_factory=list)
    countries: list[str] = Field(default_factory=list)

    @field_validator("countries")
    @classmethod
    def _upper(cls, codes: list[str]) -> list[str]:
        return [code.upper() for code in codes]

    def matches(self, detection: Detection) -> bool:
        if self.patterns and detection.pattern not in self.patterns:
            return False
        if self.countries and not set(self.countries) & set(detection.countries):
            return False
        return True


class RuleSpec(BaseModel):
    """One rule. ``window`` is the tumbling window for ``frequency`` and ``spike``;
    ``retention`` is how long ``new_actor`` remembers an actor."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.-]+$")
    kind: RuleKind
    description: str = ""
    filter: RuleFilter = Field(default_factory=RuleFilter)
    window: Seconds = 3600.0
    threshold: int = Field(default=3, ge=1, description="frequency: detections needed in one window")
    factor: float = Field(default=3.0, gt=1.0, description="spike: current / previous window")
    floor: int = Field(default=3, ge=1, description="spike: minimum count in the current window")
    retention: Seconds = 30 * 86400.0

    @model_validator(mode="after")
    def _sane_window(self) -> "RuleSpec":
        if self.window <= 0:
            raise ValueError("window must be positive")
        return self
