"""Severity grades and their order. Which corroboration earns which grade is the stories
stage's policy (``severity.yaml`` beside its code); everyone else only compares grades."""

from __future__ import annotations

from typing import Literal

Severity = Literal["alert", "urgent", "flash"]
SEVERITIES: tuple[Severity, ...] = ("alert", "urgent", "flash")


def rank(severity: str) -> int:
    """Position of ``severity`` in the order alert < urgent < flash."""
    return SEVERITIES.index(severity)
