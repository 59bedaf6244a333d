"""Constraint positions: where in a sentence a constraint's words must (or must not) occur.

Each name a pattern file may write in a constraint's ``in:`` is a function registered in
``registry.positions``; it returns the token indices of that position around the anchor.
Without a parse (rules-only mode) each falls back to a window of words around the anchor.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from spacy.tokens import Token

from services.detector import syntax
from services.detector.registry import positions
from services.detector.view import SentenceView

if TYPE_CHECKING:
    from services.detector.roles import Role

OBJECT_BEARING_POS = ("ADP", "VERB", "NOUN")
# Positions that depend on the roles read (or on the sentences before): checked once the roles
# are known, never when the rule's candidates are first found in the sentence.
ROLE_POSITIONS = frozenset({"actor", "target", "context", "untargeted"})


@dataclass(frozen=True)
class Place:
    """What a position function looks at: the sentence, the anchor, the matched span, the roles."""

    view: SentenceView
    anchor: Token
    span: set[int]
    actor: Role | None
    target: Role | None

    @property
    def parsed(self) -> bool:
        return syntax.parsed(self.view.doc)

    def window(self, before: int = syntax.WINDOW, after: int = syntax.WINDOW) -> set[int]:
        return syntax.window(self.view.doc, min(self.span), max(self.span) + 1, before=before, after=after)


Position = Callable[[Place], set[int]]


def indices(
    view: SentenceView, anchor: Token, where: frozenset[str], span: set[int], actor: Role | None, target: Role | None
) -> set[int]:
    """The union of the named positions, without the anchor's own words."""
    place = Place(view, anchor, span, actor, target)
    found: set[int] = set()
    for name in where:
        found |= positions.get(name)(place)
    return found - span


@positions.register("sentence")
def _sentence(place: Place) -> set[int]:
    return place.view.everything


@positions.register("undated")
def _undated(place: Place) -> set[int]:
    """The sentence minus clauses that only date it by another event ("on June 13th, the same
    day that peacekeepers completed their withdrawal"): that event is not the sentence's."""
    return place.view.everything - place.view.dating_clauses() - _sources(place)


def _sources(place: Place) -> set[int]:
    """Who the sentence credits for what the anchor's clause says ("..., border police said",
    "..., independent monitors said"): a source, not part of the news. Not where the clause
    speaks of the source itself by a pronoun ("The EU monitoring mission said it has increased
    patrolling")."""
    if not place.parsed:
        return set()
    speech = place.view.shared("speech_verbs")
    found: set[int] = set()
    below = place.anchor
    for verb in place.anchor.ancestors:
        said = below  # the clause under the saying verb that holds the anchor
        below = verb
        if not speech.match_at(place.view.words, verb.i):
            continue
        if any(c.dep_ in ("nsubj", "nsubjpass") and c.pos_ == "PRON" for c in said.children):
            continue
        for subject in (c for c in verb.children if c.dep_ == "nsubj"):
            if place.anchor.i not in syntax.subtree(subject):
                found |= syntax.subtree(subject)
    return found


@positions.register("reference")
def _reference(place: Place) -> set[int]:
    """The sentence minus its attribution ("according to Reuters" is the source, not the topic)."""
    if not place.parsed:
        return place.view.everything
    return place.view.everything - place.view.attribution


@positions.register("subtree")
def _subtree(place: Place) -> set[int]:
    return syntax.subtree(place.anchor) if place.parsed else place.window()


@positions.register("object")
def _object(place: Place) -> set[int]:
    """What the anchor (or a word of its phrase) governs, minus attribution ("claims, reported
    by the BBC" are not the BBC's)."""
    if not place.parsed:
        return place.window()
    doc = place.view.doc
    objects = syntax.object_tokens(place.anchor)
    for token in (doc[i] for i in place.span):
        if token.i != place.anchor.i and token.pos_ in OBJECT_BEARING_POS:
            objects |= syntax.object_tokens(token)
    return objects - place.view.attribution


@positions.register("clause")
def _clause(place: Place) -> set[int]:
    if not place.parsed:
        return place.window()
    return syntax.clause_objects(place.anchor) - place.view.attribution


@positions.register("subject")
def _subject(place: Place) -> set[int]:
    if not place.parsed:
        return place.window()
    subject = syntax.clause_subject(place.anchor)
    return syntax.subtree(subject) if subject is not None else set()


@positions.register("governor")
def _governor(place: Place) -> set[int]:
    return syntax.governors(place.anchor) if place.parsed else place.window()


@positions.register("head")
def _head(place: Place) -> set[int]:
    return syntax.governors(place.anchor, hops=1) if place.parsed else place.window()


@positions.register("modifiers")
def _modifiers(place: Place) -> set[int]:
    if not place.parsed:
        return place.window(before=3, after=0)
    anchor = place.anchor
    return set(place.view.remembered(("modifiers", anchor.i), lambda: frozenset(syntax.modifiers(anchor))))


@positions.register("enclosing")
def _enclosing(place: Place) -> set[int]:
    return syntax.enclosing_marks(place.anchor) if place.parsed else set()


@positions.register("actor")
def _actor(place: Place) -> set[int]:
    actor = place.actor
    return actor.indices if place.parsed and actor is not None and actor.view is place.view else set()


@positions.register("target")
def _target(place: Place) -> set[int]:
    target = place.target
    return target.indices if place.parsed and target is not None and target.view is place.view else set()


@positions.register("context")
def _context(place: Place) -> set[int]:
    """The sentences before: checked by the role finder, so nothing in this sentence (without
    a parse, the words around the anchor, as every structural position falls back to)."""
    return set() if place.parsed else place.window()


@positions.register("untargeted")
def _untargeted(place: Place) -> set[int]:
    """Where no target was read: the undated sentence less the anchor's object and subject (the
    forces themselves, moved or moving). "Sudan's army has deployed troops in Darfur ahead of an
    offensive against rebels" aims at no state, where "mobilized 4.5 million militia members"
    and "fishing militia vessels have massed" name the forces."""
    if place.target is not None:
        return set()
    return _undated(place) - _object(place) - _subject(place)
