"""The loaded set of patterns: built-in files plus a user directory, reloaded on change.

A ``Catalog`` is immutable once built; hot reload builds a new one and the engine swaps a
single reference, so a detection running in another thread keeps the catalog it started with.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import structlog
import yaml

from services.detector.lexicon import Lexicon, LexiconIndex, TextProbe, text_words
from services.detector.positions import ROLE_POSITIONS
from services.detector.schema import PatternFileError, PatternSpec, Rule, read_pattern_file

BUILTIN_PATTERNS_DIR = Path(__file__).with_name("patterns")
SHARED_LEXICONS_FILE = Path(__file__).with_name("lexicons.yaml")
PATTERN_SUFFIXES = (".yaml", ".yml")
MEMO_MASKS = 10_000  # lexicon masks whose allowed patterns a Catalog remembers before starting afresh

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class CompiledRule:
    spec: Rule
    anchor: Lexicon
    constraints: tuple[tuple[Lexicon, frozenset[str], bool], ...]
    required_in_text: tuple[Lexicon, ...]

    @cached_property
    def required_ids(self) -> frozenset[int]:
        """The lexicons this rule needs, as the ``LexiconIndex`` names them."""
        return frozenset(id(lexicon) for lexicon in self.required_in_text)

    def could_match(self, probe: TextProbe) -> bool:
        """The first tier: every word this rule needs occurs somewhere in the text.

        The probe's word index rules most rules out with one set comparison; the regular
        expressions run only for lexicons whose first words all occur.
        """
        possible = probe.possible
        if possible is not None and not self.required_ids <= possible:
            return False
        return all(probe.has(lexicon) for lexicon in self.required_in_text)


@dataclass(frozen=True)
class CompiledPattern:
    spec: PatternSpec
    rules: tuple[CompiledRule, ...]
    source: Path
    gate: Lexicon | None = None  # the classifier's gate words: a hit sends the sentence to the model
    lexicons: dict[str, Lexicon] | None = None  # shared lexicons with this pattern's own overrides
    # Where no match completed, the model is asked only where a word of each lexicon of one group occurs.
    alone_gate: tuple[tuple[Lexicon, ...], ...] | None = None
    model_veto: Lexicon | None = None  # words in whose presence the model leads nowhere
    # The pattern's own vetoes of a whole sentence (its shared constraints forbidding words in the
    # sentence or outside a dating clause: a parade, disaster relief, the sports pages), which also
    # hold for the model alone and for a headline whose lead says them.
    sentence_vetoes: tuple[Lexicon, ...] = ()

    def alone_gate_passes(self, lowered: str) -> bool:
        """Whether the model may detect alone in the sentence: its alone-gate words occur (the
        gate's words when the pattern names none), it may lead there at all, and its classifier
        lets the model stand alone."""
        classifier = self.spec.classifier
        if classifier is None or classifier.alone_at() > 1.0:
            return False
        if self.alone_gate is None:
            opened = self.gate is not None and self.gate.in_lowered(lowered)
        else:
            opened = any(all(lexicon.in_lowered(lowered) for lexicon in group) for group in self.alone_gate)
        return opened and not self.model_vetoed(lowered)  # the veto scanned only where the gate opened

    def gate_words_pass(self, lowered: str) -> bool:
        """A gate word occurs in the (lower-cased) sentence and no ``model_unless`` word does:
        the model may lead there."""
        return self.gate is not None and self.gate.in_lowered(lowered) and not self.model_vetoed(lowered)

    def model_vetoed(self, lowered: str) -> bool:
        """A ``model_unless`` word occurs: only the strict rules may detect in this sentence."""
        return self.model_veto is not None and self.model_veto.in_lowered(lowered)

    def gate_passes(self, lowered: str, probe: TextProbe | None) -> bool:
        """Whether the sentence may reach the model: a gate word occurs, or a strict rule's
        words all do (the model is then asked only if that rule also matches the parse)."""
        if self.gate_words_pass(lowered):
            return True
        return probe is not None and any(not rule.spec.needs_model and rule.could_match(probe) for rule in self.rules)

    @property
    def id(self) -> str:
        return self.spec.id

    def could_match(self, probe: TextProbe) -> bool:
        return any(rule.could_match(probe) for rule in self.rules)


@dataclass(frozen=True)
class Catalog:
    patterns: tuple[CompiledPattern, ...]
    lexicons: dict[str, Lexicon]
    stamps: dict[str, float] = field(default_factory=dict)
    index: LexiconIndex = field(default_factory=lambda: LexiconIndex(()))

    @classmethod
    def build(
        cls, patterns: tuple[CompiledPattern, ...], lexicons: dict[str, Lexicon], stamps: dict[str, float]
    ) -> "Catalog":
        needed = {id(lex): lex for p in patterns for r in p.rules for lex in r.required_in_text}
        return cls(patterns, lexicons, stamps, LexiconIndex(needed.values()))

    def probe(self, text: str) -> TextProbe:
        return TextProbe(text, self.index)

    def screen(self, text: str, spans: list[tuple[int, int]]) -> list[tuple[int, list[CompiledPattern], TextProbe]]:
        """The first tier over a document: ``(index, patterns, probe)`` for each sentence
        (``text[start:end]`` for each span) that some pattern could match, in order.

        Exactly what probing every sentence for every pattern returns, for less: a sentence's
        words give the mask of lexicons that may occur in it (remembered look-ups), the mask
        gives the patterns with a rule whose lexicons all may (remembered per mask), and only
        those are probed with regular expressions. Most sentences of an article stop after
        the look-ups.
        """
        index = self.index
        found: list[tuple[int, list[CompiledPattern], TextProbe]] = []
        for position, (start, end) in enumerate(spans):
            lowered = text[start:end].lower()
            words = text_words(lowered)
            mask = index.mask(words)
            possible = self._patterns_allowed(mask)
            if not possible:
                continue
            probe = TextProbe.prepared(lowered, words, index.ids_of(mask))
            wanted = [pattern for pattern in possible if pattern.could_match(probe)]
            if wanted:
                found.append((position, wanted, probe))
        return found

    def _patterns_allowed(self, mask: int) -> tuple[CompiledPattern, ...]:
        """The patterns (in order) with a rule whose lexicons are all in ``mask``."""
        memo = self._allowed
        allowed = memo.get(mask)
        if allowed is None:
            allowed = tuple(
                pattern
                for pattern, needs in zip(self.patterns, self._rule_masks, strict=False)
                if any(need & mask == need for need in needs)
            )
            if len(memo) >= MEMO_MASKS:
                memo.clear()
            memo[mask] = allowed
        return allowed

    @cached_property
    def _rule_masks(self) -> tuple[tuple[int, ...], ...]:
        """Per pattern, each rule's needed lexicons as a mask of the index."""
        return tuple(
            tuple(self.index.mask_of(rule.required_ids) for rule in pattern.rules) for pattern in self.patterns
        )

    @cached_property
    def _allowed(self) -> dict[int, tuple[CompiledPattern, ...]]:
        return {}

    @property
    def ids(self) -> list[str]:
        return [pattern.id for pattern in self.patterns]


# The shared lexicons the code itself reads (roles, standing, views); a lexicons file without
# one of them fails at load instead of at the first sentence that needs it.
REQUIRED_SHARED_LEXICONS = frozenset(
    {
        "speech_verbs",
        "report_nouns",
        "media_outlets",
        "media_nouns",
        "outlet_words",
        "media_overseers",
        "officials",
        "spokespeople",
        "intention_verbs",
        "agent_nouns",
        "blocked_actors",
        "blocked_targets",
        "companies",
        "political_targets",
        "own_people",
        "mission_staff",
        "demand_verbs",
        "answer_verbs",
        "departure_verbs",
        "person_titles",
        "role_lead_words",
        "falsity",
        "attribution_verbs",
        "own_possessives",
        "raising_verbs",
        "empty_references",
        "person_pronouns",
        "group_pronouns",
        "state_edges",
        "territories",
        "armed_groups",
        "headline_passives",
        "reach_words",
        "polity_nouns",
        "official_bodies",
        "plural_pronouns",
        "leader_nouns",
        "leaving_acts",
        "sighting_verbs",
        "address_words",
        "outlet_prepositions",
        "publishing_verbs",
        "time_spans",
        "vessel_prefixes",
        "media_occasions",
        "accusation_verbs",
        "spreading_verbs",
        "media_products",
        "sports",
        "claim_nouns",
        "receiving_verbs",
        "honorifics",
        "opinion_pieces",
        "books",
    }
)
LEXICON_PROPERTIES = frozenset({"words", "case_sensitive"})


class SharedLexicons(dict[str, list[str]]):
    """Lexicon name -> entries, plus the names marked ``case_sensitive: true``."""

    case_sensitive: frozenset[str] = frozenset()


def load_shared_lexicons(path: Path = SHARED_LEXICONS_FILE) -> SharedLexicons:
    """The shared lexicons file: ``name: [entries]`` or ``name: {case_sensitive: true, words: [...]}``."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    lexicons = SharedLexicons()
    cased: set[str] = set()
    problems: list[str] = []
    for name, value in raw.items():
        entries = value
        if isinstance(value, dict):
            unknown = sorted(set(value) - LEXICON_PROPERTIES)
            if unknown:
                problems.append(f"{name}: unknown properties {unknown}; known: {sorted(LEXICON_PROPERTIES)}")
                continue
            entries = value.get("words") or []
            if value.get("case_sensitive"):
                cased.add(str(name))
        bad = [e for e in entries if not isinstance(e, str)]
        if bad:
            problems.append(f"{name}: entries must be strings (quote {bad!r})")
        lexicons[str(name)] = list(entries)
    missing = sorted(REQUIRED_SHARED_LEXICONS - set(lexicons))
    problems += [f"{name}: missing; the detector's code relies on it" for name in missing]
    if problems:
        raise PatternFileError(path, problems)
    lexicons.case_sensitive = frozenset(cased)
    return lexicons


def pattern_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    return sorted(
        path for path in directory.iterdir() if path.suffix in PATTERN_SUFFIXES and not path.name.startswith((".", "_"))
    )


def stamps_of(directories: list[Path]) -> dict[str, float]:
    """Modification times of every pattern file and the shared lexicons: the reload key."""
    stamps: dict[str, float] = {}
    for path in [SHARED_LEXICONS_FILE, *(f for d in directories for f in pattern_files(d))]:
        try:
            stamps[str(path)] = os.stat(path).st_mtime
        except OSError:
            continue
    for directory in directories:
        try:
            stamps[str(directory)] = os.stat(directory).st_mtime
        except OSError:
            stamps[str(directory)] = -1.0
    return stamps


def compile_pattern(
    spec: PatternSpec, shared: dict[str, list[str]], source: Path, built: dict[str, Lexicon] | None = None
) -> CompiledPattern:
    """``built``: the shared lexicons already compiled; a pattern's own lexicon of the same name
    replaces the shared one everywhere (rules, roles and standing checks)."""
    entries = {**shared, **spec.lexicons}
    cased: frozenset[str] = getattr(shared, "case_sensitive", frozenset()) - set(spec.lexicons)
    cache: dict[tuple[str, ...], Lexicon] = {}

    def lexicon(names: list[str]) -> Lexicon:
        key = tuple(sorted(names))
        if key not in cache:
            cache[key] = Lexicon.build(
                "+".join(key),
                [e for name in key for e in entries[name]],
                cased=[e for name in key if name in cased for e in entries[name]],
            )
        return cache[key]

    rules = []
    for rule in spec.rules:
        anchor = lexicon(rule.anchor)
        constraints = tuple(
            (lexicon(c.words), frozenset(c.in_), c.absent) for c in (*rule.constraints, *spec.constraints)
        )
        required = (
            anchor,
            *(lex for lex, where, absent in constraints if not absent and not where & ROLE_POSITIONS),
        )
        rules.append(CompiledRule(rule, anchor, constraints, required))
    classifier = spec.classifier
    gate = lexicon(classifier.gate) if classifier is not None and classifier.gate else None
    alone_gate = _alone_gate(classifier.alone_gate, lexicon) if classifier is not None else None
    veto = lexicon(classifier.model_unless) if classifier is not None and classifier.model_unless else None
    overrides = {name: lexicon([name]) for name in spec.lexicons if name in shared}
    lexicons = {**built, **overrides} if built is not None and overrides else None
    vetoes = tuple(lexicon(c.words) for c in spec.constraints if c.absent and set(c.in_) & {"sentence", "undated"})
    return CompiledPattern(spec, tuple(rules), source, gate, lexicons, alone_gate, veto, vetoes)


def _alone_gate(
    names: list[str | list[str]] | None, lexicon: Callable[[list[str]], Lexicon]
) -> tuple[tuple[Lexicon, ...], ...] | None:
    """A classifier's alone gate as groups of lexicons, a word of each of a group's to occur: the
    plain names together as one group of one lexicon (any of their words), each list of names as
    a conjunction ("a denial word and a media word")."""
    if names is None:
        return None
    plain = [name for name in names if isinstance(name, str)]
    groups: list[tuple[Lexicon, ...]] = [(lexicon(plain),)] if plain else []
    groups += [tuple(lexicon([name]) for name in entry) for entry in names if not isinstance(entry, str)]
    return tuple(groups)


def load_catalog(directories: list[Path]) -> Catalog:
    """Reads every pattern file; a later directory's pattern replaces a built-in with its id.

    Raises ``PatternFileError`` listing the first file that fails validation.
    """
    shared = load_shared_lexicons()
    stamps = stamps_of(directories)
    lexicons = shared_lexicons(shared)
    by_id: dict[str, CompiledPattern] = {}
    for directory in directories:
        for path in pattern_files(directory):
            spec = read_pattern_file(path, shared)
            if spec.enabled:
                by_id[spec.id] = compile_pattern(spec, shared, path, lexicons)
            else:
                by_id.pop(spec.id, None)
    return Catalog.build(tuple(by_id.values()), lexicons, stamps)


def shared_lexicons(shared: SharedLexicons) -> dict[str, Lexicon]:
    """The shared lexicons compiled, each keeping its ``case_sensitive`` property."""
    return {
        name: Lexicon.build(name, words, cased=words if name in shared.case_sensitive else ())
        for name, words in shared.items()
    }


def validate_directory(directory: Path) -> list[PatternFileError]:
    """Every problem in a directory of pattern files (for ``tocsin patterns validate``)."""
    shared = load_shared_lexicons()
    problems: list[PatternFileError] = []
    seen: dict[str, Path] = {}
    for path in pattern_files(directory):
        try:
            spec = read_pattern_file(path, shared)
        except PatternFileError as exc:
            problems.append(exc)
            continue
        if spec.id in seen:
            problems.append(PatternFileError(path, [f"id: {spec.id!r} is already used by {seen[spec.id].name}"]))
        seen[spec.id] = path
    return problems


def known_pattern_ids(extra_dir: Path | None) -> set[str]:
    """Ids of the built-in patterns and the user's ``detector.patterns_dir`` (file ids only).

    Reads just each file's ``id``: a broken pattern file is ``tocsin patterns validate``'s
    business, and compiling every pattern here would slow every command down. The config
    contract gets this function through its vocabulary (:func:`services.api.contract.stage_vocabulary`).
    """
    ids: set[str] = set()
    for directory in (BUILTIN_PATTERNS_DIR, extra_dir):
        if directory is None:
            continue
        for path in pattern_files(Path(directory)):
            try:
                data = yaml.safe_load(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, yaml.YAMLError):
                continue
            if isinstance(data, dict) and isinstance(data.get("id"), str):
                ids.add(data["id"])
    return ids
