"""The second tier: decide whether a parsed sentence expresses a pattern, and read its roles."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from spacy.tokens import Token

from services.detector import syntax
from services.detector.catalog import CompiledPattern, CompiledRule
from services.detector.lexicon import Lexicon
from services.detector.positions import ROLE_POSITIONS
from services.detector.positions import indices as position_indices
from services.detector.registry import party_namings
from services.detector.roles import Role, RoleFinder
from services.detector.schema import Rule
from services.detector.standing import bare_name
from services.detector.view import SentenceView

FUNCTION_DEPS = frozenset({"neg", "aux", "auxpass", "det", "prep", "advmod", "punct", "mark", "case", "cc", "prt"})
UNRESOLVED_ACTOR = 0.85
MISSING_TARGET = 0.9
DATING_ONLY = 0.8
RULES_ONLY = 0.6


@dataclass(frozen=True)
class Match:
    """One rule's match in one sentence, before it becomes a wire ``Detection``."""

    pattern: CompiledPattern
    rule: CompiledRule
    start: int
    end: int
    triggers: tuple[str, ...]
    actor: Role | None
    target: Role | None
    confidence: float
    # a political target only the recogniser vouches for ("Microsoft", "Yukos"): the rule may not
    # stand on it alone, the judge must lead (see ``Standing.political_by_name``)
    target_unproven: bool = False


def anchor_head(view: SentenceView, start: int, end: int) -> Token:
    """The syntactic head of a matched phrase: the token whose own head lies outside it."""
    doc = view.doc
    heads = [t for t in doc[start:end] if not start <= t.head.i < end or t.head.i == t.i]
    content = [t for t in heads if t.dep_ not in FUNCTION_DEPS]
    if content:
        return content[0]
    words = [t for t in doc[start:end] if t.pos_ in ("VERB", "NOUN", "PROPN", "ADJ")]
    if words:
        return words[0]
    return heads[-1] if heads else doc[end - 1]


def _part_of_speech(token: Token) -> str:
    """Universal POS, with participles used as adjectives ("the disputed region") as ADJ."""
    if token.pos_ == "VERB" and token.dep_ == "amod":
        return "ADJ"
    return token.pos_


def positions(
    view: SentenceView, anchor: Token, where: frozenset[str], span: set[int], actor: Role | None, target: Role | None
) -> set[int]:
    """The tokens of the named constraint positions (see ``positions.py``)."""
    return position_indices(view, anchor, where, span, actor, target)


@dataclass(frozen=True)
class Candidate:
    """An anchor whose structural constraints hold; roles are not read yet (they need entities)."""

    rule: CompiledRule
    start: int
    end: int
    anchor: Token
    triggers: tuple[str, ...]
    evidence: frozenset[int] = frozenset()


EVIDENCE_ORDER = ("object", "clause", "subtree", "head", "governor", "subject")


def _evidence(
    view: SentenceView,
    lexicon: Lexicon,
    anchor: Token,
    where: frozenset[str],
    span: set[int],
) -> set[int]:
    """The words a constraint matched, from its most specific position: what was deployed,
    denied or ordered, which can then never be read as the actor."""
    for name in EVIDENCE_ORDER:
        if name in where:
            hits = view.hits(lexicon, positions(view, anchor, frozenset({name}), span, None, None))
            if hits:
                return set(range(hits[0][0], hits[0][1]))
    return set()


def candidates(view: SentenceView, rule: CompiledRule) -> list[Candidate]:
    """Every anchor of ``rule`` in the sentence that satisfies the constraints not about roles."""
    spec = rule.spec
    parsed = syntax.parsed(view.doc)
    found: list[Candidate] = []
    doc = view.doc
    for start, end in view.spans(rule.anchor):
        if end < len(doc) - 1 and doc[end].text == "-" and not doc[end - 1].whitespace_ and not doc[end].whitespace_:
            continue  # the first part of a hyphenated word ("the pull-out would be completed") is not the word
        span = set(range(start, end))
        anchor = anchor_head(view, start, end)
        if parsed and spec.anchor_pos and _part_of_speech(anchor) not in spec.anchor_pos:
            continue
        triggers = [view.text_of(start, end)]
        evidence = set(span)
        holds = True
        for lexicon, where, absent in rule.constraints:
            if where & ROLE_POSITIONS:
                continue
            hits = view.hits(lexicon, positions(view, anchor, where, span, None, None))
            if bool(hits) == absent:
                holds = False
                break
            if hits and not absent:
                evidence |= _evidence(view, lexicon, anchor, where, span)
            if hits:
                triggers.extend(view.text_of(s, e) for s, e in hits[:1])
        if holds:
            found.append(Candidate(rule, start, end, anchor, tuple(dict.fromkeys(triggers)), frozenset(evidence)))
    return found


def complete(view: SentenceView, pattern: CompiledPattern, candidate: Candidate, finder: RoleFinder) -> Match | None:
    """Reads the roles of a candidate and checks them; ``None`` when a role check fails."""
    rule, anchor = candidate.rule, candidate.anchor
    spec = rule.spec
    parsed = syntax.parsed(view.doc)
    if parsed and syntax.told_as_history(anchor):
        return None  # "In 1962, the Soviet Union stationed missiles in Cuba": background, not news
    span = set(range(candidate.start, candidate.end))
    actor = target = None
    if parsed:
        avoid = set(candidate.evidence)
        subject_of_demand = finder.token_from(list(spec.target), anchor)
        if subject_of_demand is not None and subject_of_demand.pos_ != "PRON":
            avoid.add(subject_of_demand.i)
            avoid |= finder.reported_content(subject_of_demand)  # a denier is never inside the report
        actor = finder.find(
            list(spec.actor),
            anchor,
            accept=lambda r: finder.actor_ok(spec.actor_must_be, r),
            avoid=frozenset(avoid),
            agentive=True,
        )
        target = finder.find(
            list(spec.target),
            anchor,
            exclude=actor,
            accept=lambda r: finder.target_ok(spec.target_must_be, r),
        )
        headline = _headline(finder, pattern) if actor is None else None
        if headline is not None:  # "Peruvian Foreign Ministry orders Venezuelan diplomats to leave ..."
            actor = headline[0]
            if target is None or target.indices & actor.indices:
                target = headline[1]
        if not finder.actor_ok(spec.actor_must_be, actor):
            return None
        if _accused_spreader(finder, spec, actor):
            return None  # "the newspaper said the minister spread false information": the accused
        if not finder.target_ok(spec.target_must_be, target):
            return None
        if spec.target_must_be == "political" and (
            finder.standing.own_side(actor, target)
            or _self_intended(view, anchor, target)
            or _said_of_oneself(finder, subject_of_demand, actor, target)
        ):
            return None
        if spec.require_target and target is None:
            return None
        actor, target = party_namings.get(pattern.spec.parties)(finder, actor, target)
    for lexicon, where, absent in rule.constraints:
        if not where & ROLE_POSITIONS:
            continue
        found = bool(view.hits(lexicon, positions(view, anchor, where, span, actor, target)))
        if not found and "context" in where:
            found = finder.in_context(lexicon)
        if found == absent:
            return None
    confidence = spec.confidence
    if not parsed:
        confidence *= RULES_ONLY
    else:
        if actor is None or not actor.resolved:
            confidence *= UNRESOLVED_ACTOR
        if target is None:
            confidence *= MISSING_TARGET
        if syntax.in_dated_event(anchor, view.words_of("time_spans")):
            # "pushed into Somalia, residents said, five weeks after Kenya entered Somalia": a
            # deed that only dates the news is read after the news itself
            confidence *= DATING_ONLY
    unproven = (
        spec.target_must_be == "political"
        and target is not None
        and target.resolved
        and not finder.standing.political_by_name(target)
    )
    return Match(
        pattern,
        rule,
        candidate.start,
        candidate.end,
        candidate.triggers,
        actor,
        target,
        round(min(1.0, confidence), 3),
        unproven,
    )


def _self_intended(view: SentenceView, anchor: Token, target: Role | None) -> bool:
    """ "The king wants to abdicate", "he plans to resign": the one to go is the subject of a
    verb of intention the departure completes, so the going is his own wish, not a demand made
    of him ("the council told the king to abdicate" makes him the object; "Maduro needs to be
    gone" is an obligation, not his wish)."""
    if target is None or not target.resolved or target.view.doc is not anchor.doc or anchor.dep_ != "xcomp":
        return False
    if not view.hits(view.shared("intention_verbs"), {anchor.head.i}):
        return False
    return any(c.dep_ == "nsubj" and target.start <= c.i < target.end for c in anchor.head.children)


def _said_of_oneself(finder: RoleFinder, told: Token | None, actor: Role | None, target: Role | None) -> bool:
    """'Maradona boarded a plane, telling fans he would return in a month': the one who is to
    act is a pronoun for the actor himself, so the deadline is his own plan, not a demand made
    of another party. The pronoun's party is the target found, else (no other party found to
    be told) the one it resolves to."""
    if told is None or told.lower_ not in ("he", "she") or actor is None or not actor.resolved:
        return False  # a person's own plan; "gave them a week to leave" is about others
    party = target if target is not None and target.resolved else finder.party(told)
    if party is None or not party.resolved:
        return False
    if party.view is actor.view and party.indices == actor.indices:
        return True
    # "Diego Maradona" in the sentence before, "Maradona" here: the same name's last word
    return party.text.split()[-1] == actor.text.split()[-1]


OPENING_QUOTES = frozenset({"“", "«", "‘"})
CLOSING_QUOTES = frozenset({"”", "»", "’"})
STRAIGHT_QUOTES = frozenset({'"', "``", "''"})


@dataclass(frozen=True)
class AloneParties:
    """The parties of a detection the model made alone, and whether its actor lacks standing."""

    actor: Role | None
    target: Role | None
    unfit_actor: bool = False  # the actor read fails the loose rules' standing (not a bare name)
    unfit_target: bool = False  # the target read fails their check (a government's claim denied)
    blocked: bool = False  # the main clause's subject is plainly no state's voice (opposition, protesters)
    # the target read is one's own people or plainly no party ("ordered its diplomats to leave",
    # "told citizens to leave"): no state is told to comply, however sure the model is
    own_target: bool = False


def alone_parties(pattern: CompiledPattern, finder: RoleFinder) -> AloneParties:
    """``_read_alone_parties``, and whether the main clause's subject is a blocked actor ("the
    opposition leader demanded that the government resign within 24 hours"): whatever the model
    reads there, it is no state's demand, denial or deployment."""
    read = _read_alone_parties(pattern, finder)
    root = _main_root(finder.view) if syntax.parsed(finder.view.doc) else None
    if root is None:
        return read
    subjects = [c for c in root.children if c.dep_ in syntax.SUBJECT_DEPS]
    for subject in subjects:
        role = finder.party(subject)
        if role is not None and role.resolved and not finder.actor_ok("not_blocked", role):
            return replace(read, blocked=True)
    return read


def _accused_spreader(finder: RoleFinder, spec: Rule, actor: Role | None) -> bool:
    """Whether a rule that reads a spreader as its target took for its actor the one said to
    spread a falsehood: the accused, never who denies."""
    return actor is not None and "spreader" in spec.target and finder.said_to_spread_falsehood(actor)


def _main_root(view: SentenceView, hung_on_dateline: bool = False) -> Token | None:
    """The sentence's main verb outside its dateline; with ``hung_on_dateline``, else a verb
    the parser hung on the dateline ("New Delhi: The Congress rejected ...")."""
    roots = [t for t in view.doc if t.dep_ == "ROOT" and t.i not in view.dateline]
    if not roots and hung_on_dateline:
        roots = [
            t for t in view.doc if t.pos_ in ("VERB", "AUX") and t.i not in view.dateline and t.head.i in view.dateline
        ]
    return roots[0] if roots else None


def _read_alone_parties(pattern: CompiledPattern, finder: RoleFinder) -> AloneParties:
    """The parties of a detection the model made with no rule's candidate in the sentence: the
    roles the pattern's loose rules (those that count only under the model) read around the
    sentence's main verb, standing checked, named as the pattern names its parties. A role that
    fails its check is left empty rather than filled with the wrong kind of party, and the
    failure is reported (``unfit_actor``). A person named bare ("Lopez Obrador responded that
    the accusations were false") is kept: the sentence may not give the office, and the name
    is the party a reader needs, where an empty actor tells nothing."""
    view = finder.view
    if not syntax.parsed(view.doc):
        return AloneParties(None, None)
    root = _main_root(view, hung_on_dateline=True)
    if root is None:
        return AloneParties(None, None)
    loose = [r for r in pattern.rules if r.spec.needs_model] or list(pattern.rules)
    unfit = _unfit_doer(finder, root, loose[0].spec.actor_must_be)
    # Any rule's anchor marks the misread verb: a strict rule's ("Kremlin rejects report on
    # Putin's health", "rejects" a noun compound) as well as a loose one's
    headline = _headline_parties(finder, root, [rule.anchor for rule in pattern.rules])
    # a headline's noun "given 48 hours to leave" (a reduced passive) receives, never issues
    passive = view.words_of("headline_passives")
    received = any(c.dep_ == "acl" and c.tag_ == "VBN" and c.lower_ in passive for c in root.children)
    first: AloneParties | None = None
    for rule in loose:
        spec = rule.spec
        actor_kind, target_kind = spec.actor_must_be, spec.target_must_be

        def actor_fits(role: Role, kind: str = actor_kind) -> bool:
            return finder.actor_ok(kind, role)

        def target_fits(role: Role, kind: str = target_kind) -> bool:
            return finder.target_ok(kind, role)

        # A medium said to spread a falsehood is denied, never denying ("Reuters spread false
        # information"); other sources' targets may act (a quoted demand's speaker)
        spreader = finder.token_from(["spreader"], root) if "spreader" in spec.target else None
        avoid = frozenset() if spreader is None else frozenset(syntax.subtree(spreader))
        actor = finder.find(list(spec.actor), root, accept=actor_fits, avoid=avoid, agentive=True)
        if actor is None and headline is not None:  # "Peruvian Foreign Ministry orders Venezuelan diplomats to leave"
            return _named(pattern, finder, headline, unfit, actor_fits, target_fits)
        if actor is None and root.pos_ in ("NOUN", "PROPN") and not received:
            # a headline: "Serbia's minister, X, calling ..."; not one "given 48 hours to leave"
            actor = finder.party(root)
            if actor is not None and any(c.dep_ == "dobj" for c in root.children) and actor.start < root.i:
                # "Maldives President issues March 15 deadline ...": a noun with an object is a
                # verb the tagger misread; who is named before it acts
                actor = Role(view.text_of(actor.start, root.i), view, actor.start, root.i)
        if actor is not None and not actor.resolved:
            actor = None  # '"...," he said' with no name "he" fits: nobody known, not the wrong kind
        elif actor is not None and not finder.actor_ok(spec.actor_must_be, actor) and not bare_name(actor):
            unfit, actor = True, None
        elif _accused_spreader(finder, spec, actor):
            unfit, actor = True, None  # "the newspaper said the minister spread false information"
        target = finder.find(list(spec.target), root, exclude=actor, accept=target_fits)
        if target is None and not pattern.spec.reports_agency:
            # "ordered U.N. staff to leave the country": the party the anchor's clause names (a
            # denial's report is found by its outlet instead)
            for token in view.doc:
                if token.i not in view.dateline and rule.anchor.match_at(view.words, token.i):
                    target = finder.find(list(spec.target), token, exclude=actor, accept=target_fits)
                    if target is not None:
                        break
        unfit_target = target is not None and not finder.target_ok(spec.target_must_be, target)
        own_target = target is not None and unfit_target and _own_or_no_party(finder, target)
        if unfit_target:
            target = None
        if actor is not None or target is not None or unfit_target:
            named_actor, named_target = party_namings.get(pattern.spec.parties)(finder, actor, target)
            found = AloneParties(named_actor, named_target, unfit, unfit_target, own_target=own_target)
            if target is not None or unfit_target:
                return found
            # "Bush has warned the Taliban that time is running out": a later loose rule may
            # read the target the first one could not (a threat's object); the first rule's
            # parties stand when none does
            first = first or found
    return first or AloneParties(None, None, unfit)


def _own_or_no_party(finder: RoleFinder, target: Role) -> bool:
    """A target that is one's own people ("its diplomats") or named by a blocked target word
    ("citizens", "tourists", "settlers", "undocumented Afghans"); only asked of a target that
    failed its check, so "staff of the United Nations" never comes here."""
    return finder.standing.own_people(target) or target.view.has_shared("blocked_targets", target.indices)


def _headline_parties(
    finder: RoleFinder, root: Token, anchors: list[Lexicon], with_object: bool = False
) -> tuple[Role, Role | None] | None:
    """A headline whose verb the tagger took for a noun: "Peruvian Foreign Ministry orders
    Venezuelan diplomats to leave ..." (root "orders"), "Chavez orders U.S. ambassador to
    leave ..." ("orders" inside the root's phrase). The verb is the first word of the root's
    phrase that a loose rule's anchor lists; whoever is named before it acts, and the phrase
    after it (the root's object, else the rest of the root's phrase) is the target. With
    ``with_object`` a root noun with an object is such a verb even when no anchor lists it
    ("Guyana President issues April 30 deadline ...")."""
    view = finder.view
    words = view.words
    # a root with compounds before it is a noun whatever its tag ("Kremlin rejects report ...":
    # "report" tagged a verb, "Kremlin rejects" its compounds)
    if root.pos_ not in ("NOUN", "PROPN") and not any(c.dep_ == "compound" for c in root.lefts):
        return None
    phrase = [t for t in root.subtree if t.i <= root.i and t.i not in view.dateline]
    pivot = next(
        (t for t in phrase if t.i > phrase[0].i and any(anchor.match_at(words, t.i) for anchor in anchors)), None
    )
    if pivot is None and with_object and any(_an_object(c) for c in root.rights):
        pivot = root
    if pivot is None:
        return None
    start = phrase[0].i
    if not any(
        t.ent_type_ or t.pos_ == "PROPN" or view.text_of(t.i, t.i + 1)[:1].isupper() for t in view.doc[start : pivot.i]
    ):
        return None
    actor = Role(view.text_of(start, pivot.i), view, start, pivot.i)
    if pivot.i < root.i:  # "... Orders Expulsion of Malaysian Ambassador": whom the act is of
        of = [g for c in root.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children if g.dep_ == "pobj"]
        if of:
            return actor, finder.party(of[0])
        return actor, Role(view.text_of(pivot.i + 1, root.i + 1), view, pivot.i + 1, root.i + 1)
    following = next((c for c in root.rights if c.dep_ in ("appos", "dobj", "npadvmod", "attr")), None)
    return actor, finder.party(following) if following is not None else None


def _an_object(token: Token) -> bool:
    """A root noun's right child that reads as its object ("Guyana President issues April 30
    deadline"), not a name set off by a comma ("Serbia's Foreign Minister, Ivica Dacic, ...")."""
    if token.dep_ == "dobj":
        return True
    return token.dep_ == "appos" and token.left_edge.i > 0 and token.doc[token.left_edge.i - 1].text != ","


def _headline(finder: RoleFinder, pattern: CompiledPattern) -> tuple[Role, Role | None] | None:
    """The parties of a headline whose verb the tagger took for a noun (``_headline_parties``),
    the verb being any word a rule of the pattern is anchored on."""
    root = _main_root(finder.view)
    if root is None:
        return None
    return _headline_parties(finder, root, [rule.anchor for rule in pattern.rules], with_object=True)


def _named(
    pattern: CompiledPattern,
    finder: RoleFinder,
    parties: tuple[Role, Role | None],
    unfit: bool,
    actor_fits: Callable[[Role], bool],
    target_fits: Callable[[Role], bool],
) -> AloneParties:
    """Headline parties checked for standing and named as the pattern names its parties."""
    actor, target = parties
    if not actor_fits(actor) and not bare_name(actor):
        return AloneParties(None, None, True)
    kept_target = target if target is not None and target_fits(target) else None
    named_actor, named_target = party_namings.get(pattern.spec.parties)(finder, actor, kept_target)
    return AloneParties(named_actor, named_target, unfit)


def _unfit_doer(finder: RoleFinder, root: Token, kind: str) -> bool:
    """Whether whoever the main clause is about is plainly the wrong kind of party for ``kind``:
    an outlet, a company, a party, or an organisation with no office ("Reuters spreads fake
    news", "Huawei denied a newspaper report"). Read off the clause's subject as written, which
    the role sources pass over when it is a medium. A quoted clause ("“CNN spread lies,” the
    minister said") and a report said to be false are no such subject."""
    # Every subject the parser hung on the main verb: "Hyderabad: BJP spokesperson K. Rao said"
    # gives the town one too.
    subjects: list[Token | None] = [child for child in root.children if child.dep_ in syntax.SUBJECT_DEPS]
    return any(_unfit_subject(finder, subject, kind) for subject in subjects or [syntax.clause_subject(root)])


def _unfit_subject(finder: RoleFinder, subject: Token | None, kind: str) -> bool:
    view = finder.view
    if subject is None or subject.i in view.dateline or subject.pos_ == "PRON" or _quoted(view, subject.i):
        return False
    if view.has_shared("report_nouns", {subject.i}):
        return False
    role = finder.party(subject)
    if role is None or not role.resolved or finder.actor_ok(kind, role):
        return False
    if finder.standing.disqualifying(role) or finder.named_earlier_as_blocked(role):
        return True  # "Mr Theede dismissed reports ...", introduced as "Yukos chief executive Steven Theede"
    token = view.doc[subject.i]
    if token.ent_type_ == "ORG":
        return True
    # "Vodafone denied a newspaper report": a one-word name the recogniser leaves untagged, the
    # gazetteer does not know and the article gave no office before is a brand's more often
    # than an office's ("army spokesman Tamer a-Rifai denied ..." then "a-Rifai claimed ...")
    return (
        role.end - role.start == 1
        and token.pos_ == "PROPN"
        and not token.ent_type_
        and not finder.gazetteer.mentions(token.text)
        and not finder.earlier_titles(token.text)[1]
    )


def _quoted(view: SentenceView, index: int) -> bool:
    """Whether token ``index`` lies between an opening quotation mark and its close."""
    open_marks = sum(1 for t in view.doc[:index] if t.text in OPENING_QUOTES)
    close_marks = sum(1 for t in view.doc[:index] if t.text in CLOSING_QUOTES)
    straight = sum(1 for t in view.doc[:index] if t.text in STRAIGHT_QUOTES)
    return open_marks > close_marks or straight % 2 == 1
