"""The pattern file format: one YAML file per watched pattern, validated before use.

A pattern names its tier-one lexicons implicitly: every rule's anchor and every ``present``
constraint must occur in a sentence's text before the sentence is parsed, so the cheap pass
is derived from the rules and can never disagree with them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

Position = Literal[
    "sentence", "reference", "subtree", "object", "clause", "subject", "head", "governor", "modifiers",
    "enclosing",
    "actor", "target", "context",
]
RoleSource = Literal[
    "agent", "subject", "speaker", "object", "complier", "destination", "report", "possessor",
    "dative", "enclosing_subject", "owner", "origin", "condition_subject",
]
PartOfSpeech = Literal["VERB", "NOUN", "PROPN", "ADJ", "ADV", "AUX", "PRON", "NUM", "ADP"]
ActorKind = Literal["any", "not_blocked", "official"]
TargetKind = Literal["any", "political", "not_government_claim"]

ID_PATTERN = r"^[a-z][a-z0-9_]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Constraint(_Strict):
    """Words from ``words`` (lexicon names) must (or, with ``absent``, must not) occur ``in``."""

    words: list[str] = Field(min_length=1)
    in_: list[Position] = Field(alias="in", min_length=1)
    absent: bool = False


class Rule(_Strict):
    """One way a sentence can express the pattern: an anchor plus constraints around it."""

    id: str = Field(pattern=ID_PATTERN)
    anchor: list[str] = Field(min_length=1, description="lexicon names whose entries anchor the rule")
    anchor_pos: list[PartOfSpeech] = Field(
        default_factory=list, description="allowed universal POS tags of the anchor's head (any if empty)"
    )
    constraints: list[Constraint] = Field(default_factory=list)
    actor: list[RoleSource] = Field(default_factory=lambda: ["agent", "subject", "speaker"])
    target: list[RoleSource] = Field(default_factory=lambda: ["object"])
    actor_must_be: ActorKind = "any"
    target_must_be: TargetKind = "any"
    require_target: bool = Field(default=False, description="drop the match when no target is found")
    confidence: float = Field(default=0.8, gt=0.0, le=1.0)
    cameo: str | None = Field(default=None, description="overrides the pattern's CAMEO code")


class PatternSpec(_Strict):
    """A watched pattern as its author writes it."""

    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1)
    description: str = ""
    cameo: str | None = None
    plover: str | None = None
    reports_agency: bool = Field(default=False, description="fill Detection.agency (denials)")
    lexicons: dict[str, list[str]] = Field(default_factory=dict)
    rules: list[Rule] = Field(min_length=1)
    enabled: bool = True

    @field_validator("lexicons")
    @classmethod
    def _non_empty(cls, lexicons: dict[str, list[str]]) -> dict[str, list[str]]:
        for name, entries in lexicons.items():
            if not entries:
                raise ValueError(f"lexicon {name!r} is empty; give at least one word or phrase")
        return lexicons

    def lexicon_names(self) -> set[str]:
        names: set[str] = set()
        for rule in self.rules:
            names.update(rule.anchor)
            for constraint in rule.constraints:
                names.update(constraint.words)
        return names


class PatternFileError(ValueError):
    """A pattern file that cannot be used, with the file, the field and what was expected."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        super().__init__("\n".join(f"{path}: {problem}" for problem in problems))


def read_pattern_file(path: Path, shared_lexicons: dict[str, list[str]]) -> PatternSpec:
    """Parses and validates one pattern file; every problem names its field."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise PatternFileError(path, [f"not readable YAML: {exc}"]) from None
    if not isinstance(raw, dict):
        raise PatternFileError(path, ["expected a mapping with id, title and rules at the top level"])
    try:
        spec = PatternSpec.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            field = ".".join(str(part) for part in error["loc"]) or "(top level)"
            problems.append(f"{field}: {error['msg']}")
        raise PatternFileError(path, problems) from None
    known = set(shared_lexicons) | set(spec.lexicons)
    unknown = sorted(spec.lexicon_names() - known)
    if unknown:
        raise PatternFileError(
            path,
            [f"rules: unknown lexicon {name!r}; expected one of {sorted(known)}" for name in unknown],
        )
    return spec
