"""What the detector found in a document: one watched pattern, with its evidence."""

from __future__ import annotations

from pydantic import Field, field_validator

from models._base import WireModel


class Detection(WireModel):
    """One match of a watched pattern, explainable on its own.

    ``start``/``end`` are character offsets into ``Document.text`` so a console can
    highlight the evidence in place; ``sentence`` repeats the evidence so a webhook
    receiver needs nothing else to show it. ``confidence`` is the rule's own (how sure its
    wording is); ``probability`` is the trained model's, kept apart so a reader can tell a
    detection the model and the rules agree on from one only the rules found.
    """

    pattern: str = Field(min_length=1)
    sentence: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    triggers: list[str] = Field(default_factory=list)
    actor: str | None = None
    target: str | None = None
    agency: str | None = None
    countries: list[str] = Field(default_factory=list)
    confidence: float = Field(ge=0.0, le=1.0)
    cameo: str | None = None
    rule: str = Field(min_length=1)
    probability: float | None = Field(
        default=None,
        ge=0.0,
        le=1.0,
        description="the trained judge's probability for the pattern's label; None when the "
        "pattern is rule-only (no classifier label, or no model loaded)",
    )

    @field_validator("countries")
    @classmethod
    def _iso_alpha2(cls, codes: list[str]) -> list[str]:
        cleaned: list[str] = []
        for code in codes:
            if len(code) != 2 or not code.isalpha():
                raise ValueError(f"country {code!r} is not an ISO 3166-1 alpha-2 code")
            upper = code.upper()
            if upper not in cleaned:
                cleaned.append(upper)
        return cleaned
