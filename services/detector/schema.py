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

# Role sources and constraint positions are names of registered functions
# (``registry.py``): checked against the registries when a file is read, not fixed here.
Position = str
RoleSource = str
PartOfSpeech = Literal["VERB", "NOUN", "PROPN", "ADJ", "ADV", "AUX", "PRON", "NUM", "ADP"]
ActorKind = Literal["any", "not_blocked", "official", "official_or_named"]
TargetKind = Literal["any", "political", "not_blocked", "not_government_claim", "beyond_origin"]

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
    needs_model: bool = Field(
        default=False,
        description="a loose rule: its match counts (and gives the roles) only when the model's "
        "probability reaches the classifier's threshold; ignored without a model",
    )
    beyond_veto: bool = Field(
        default=False,
        description="a rule whose match counts whatever the model's probability: its wording "
        "leaves no room for another reading (the judge's rule_threshold vetoes the others)",
    )


RoleName = Literal["actor", "target"]


class Classifier(_Strict):
    """How the trained judge's probability and the rules' evidence combine for one pattern.

    Without this block (or without a loaded model, or with a label the model does not know)
    the pattern is rule-only, as a user's new pattern is until ``tocsin train`` labels it.
    The thresholds are chosen by cross-validation folded by article (``bench/calibrate_detector.py``).
    """

    label: str = Field(min_length=1, description="the judge's label for this pattern")
    threshold: float = Field(
        gt=0.0,
        le=1.0,
        description="probability at which the model leads: a loose rule (or none, if no role is required) suffices",
    )
    rule_threshold: float = Field(
        default=0.0,
        ge=0.0,
        le=1.0,
        description="probability a strict rule's match still needs (a veto for rules firing "
        "on text the model finds unlike the pattern)",
    )
    require: list[RoleName] = Field(default_factory=list, description="roles a model-led detection must have found")
    alone: float | None = Field(
        default=None,
        gt=0.0,
        le=1.0,
        description="probability at which the model detects where no rule completes (its "
        "parties read by the loose rules' sources); unset: at ``threshold`` when no role is required, else never",
    )
    alone_standing: bool = Field(
        default=False,
        description="a detection the model makes alone is dropped when the actor its loose rules "
        "read fails their standing (a company, party or outlet denying; a bare personal name passes), "
        "or the target they read fails its check (a government's claim denied, not a report)",
    )

    def alone_at(self) -> float:
        """The probability a detection with no rule behind it needs (above 1: never)."""
        if self.alone is not None:
            return self.alone
        return self.threshold if not self.require else 2.0

    gate: list[str] = Field(
        default_factory=list,
        description="lexicon names: a sentence reaches the model when a word of one occurs (or a rule's words all do)",
    )
    alone_gate: list[str | list[str]] | None = Field(
        default=None,
        description="lexicon names: where no rule's match completed, the model is asked (and may detect "
        "alone) only when a word of one occurs, or a word of each name in one list entry; unset: the gate's words",
    )
    model_unless: list[str] = Field(
        default_factory=list,
        description="lexicon names: where a word of one occurs, the model leads nowhere (no loose rule, "
        'no detection alone): "could neither confirm nor deny a report" is no denial, however sure it is',
    )


class PatternSpec(_Strict):
    """A watched pattern as its author writes it."""

    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1)
    description: str = ""
    cameo: str | None = None
    plover: str | None = None
    reports_agency: bool = Field(default=False, description="fill Detection.agency (denials)")
    parties: str = Field(
        default="as_written",
        description="a registered party naming: 'as_written' keeps the words of the sentence; 'states' "
        "names a party standing for a country by the country ('Chinese warships' -> China); "
        "'reports_with_outlet' names a denied report with the outlet that ran it",
    )
    lexicons: dict[str, list[str]] = Field(default_factory=dict)
    constraints: list[Constraint] = Field(
        default_factory=list,
        description="constraints every rule has after its own: a veto the whole pattern shares "
        "(sports and business news) is written once, not once per rule",
    )
    rules: list[Rule] = Field(min_length=1)
    classifier: Classifier | None = None
    enabled: bool = True

    @field_validator("lexicons")
    @classmethod
    def _non_empty(cls, lexicons: dict[str, list[str]]) -> dict[str, list[str]]:
        for name, entries in lexicons.items():
            if not entries:
                raise ValueError(f"lexicon {name!r} is empty; give at least one word or phrase")
        return lexicons

    def lexicon_fields(self) -> dict[str, str]:
        """Every lexicon name the file uses, with the first field that uses it (for errors)."""
        fields: dict[str, str] = {}
        for c, constraint in enumerate(self.constraints):
            for name in constraint.words:
                fields.setdefault(name, f"constraints.{c}.words")
        for r, rule in enumerate(self.rules):
            for name in rule.anchor:
                fields.setdefault(name, f"rules.{r}.anchor")
            for c, constraint in enumerate(rule.constraints):
                for name in constraint.words:
                    fields.setdefault(name, f"rules.{r}.constraints.{c}.words")
        if self.classifier is not None:
            for name in self.classifier.gate:
                fields.setdefault(name, "classifier.gate")
            for entry in self.classifier.alone_gate or []:
                for name in [entry] if isinstance(entry, str) else entry:
                    fields.setdefault(name, "classifier.alone_gate")
            for name in self.classifier.model_unless:
                fields.setdefault(name, "classifier.model_unless")
        return fields


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
    problems = _unregistered(spec)
    if problems:
        raise PatternFileError(path, problems)
    known = set(shared_lexicons) | set(spec.lexicons)
    used = spec.lexicon_fields()
    unknown = sorted(set(used) - known)
    if unknown:
        raise PatternFileError(
            path,
            [f"{used[name]}: unknown lexicon {name!r}; expected one of {sorted(known)}" for name in unknown],
        )
    return spec


def _unregistered(spec: PatternSpec) -> list[str]:
    """Every role source or constraint position the file names that no function is registered
    for, with its field and the names that exist."""
    from services.detector.registry import vocabulary

    sources, places = vocabulary()
    from services.detector.registry import party_namings

    problems: list[str] = []
    if spec.parties not in party_namings:
        problems.append(f"parties: unknown party naming {spec.parties!r}; known: {', '.join(party_namings.names)}")
    for c, constraint in enumerate(spec.constraints):
        for i, name in enumerate(constraint.in_):
            if name not in places:
                problems.append(f"constraints.{c}.in.{i}: unknown position {name!r}; known: {', '.join(places.names)}")
    for r, rule in enumerate(spec.rules):
        for role, names in (("actor", rule.actor), ("target", rule.target)):
            for i, name in enumerate(names):
                if name not in sources:
                    problems.append(
                        f"rules.{r}.{role}.{i}: unknown role source {name!r} (rule {rule.id!r}); "
                        f"known: {', '.join(sources.names)}"
                    )
        for c, constraint in enumerate(rule.constraints):
            for i, name in enumerate(constraint.in_):
                if name not in places:
                    problems.append(
                        f"rules.{r}.constraints.{c}.in.{i}: unknown position {name!r} (rule {rule.id!r}); "
                        f"known: {', '.join(places.names)}"
                    )
    return problems
