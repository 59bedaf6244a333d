"""Who did it to whom: role extraction, pronoun resolution and the checks on roles.

Roles are read off the dependency parse around a rule's anchor. Each role source a pattern
file may name ("speaker", "complier", ...) is a method registered in ``registry.role_sources``
under that name; the finder calls the registered function, never a method looked up by name. A pronoun is resolved to the
nearest compatible entity earlier in the sentence or in the context window; when none is
found the role keeps the pronoun and is marked unresolved rather than guessed, and a detection
leaves that party empty.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Callable

from spacy.tokens import Token

from services.detector import syntax
from services.detector.gazetteer import Gazetteer
from services.detector.lexicon import Lexicon
from services.detector.registry import party_namings, role_sources
from services.detector.standing import AGENT_LABELS, Standing, bare_name
from services.detector.view import SentenceView

DESTINATION_PREPS = (
    "toward towards to into near along off around at across onto against opposite outside inside "
    "within on by in".split()
)
PLACE_LABELS = frozenset({"GPE", "LOC", "NORP", "FAC"})
TIME_LABELS = frozenset({"DATE", "TIME"})
AMOUNT_LABELS = TIME_LABELS | {"QUANTITY", "CARDINAL", "ORDINAL", "PERCENT", "MONEY"}
MAX_PHRASE = 10
OUTLET_LABELS = frozenset({"ORG", "PERSON", "WORK_OF_ART", "PRODUCT"})
HAVING = frozenset({"has", "have", "had", "having"})
TITLE_REACH = 6  # words a title may run before a name ("Liberal Democrat leader Charles Kennedy")


# Lexicons naming an office beside a person's name ("President ...", "army spokesman ...").
OFFICE_TITLES = ("officials", "person_titles", "leader_nouns", "spokespeople")


@dataclass(frozen=True)
class Role:
    """A role filler: its text, and where it was found (to check its words and entities)."""

    text: str
    view: SentenceView
    start: int
    end: int
    resolved: bool = True

    @property
    def indices(self) -> set[int]:
        return set(range(self.start, self.end))

    def display(self) -> str | None:
        """The party as a detection names it: a pronoun no name fits is left empty, never
        reported as a party ("he") nor guessed."""
        return self.text if self.resolved else None


# Nouns of one state's objection to another's deed: "lodged a protest with Myanmar over ...".
PROTEST_NOUNS = frozenset({"protest", "protests", "complaint", "complaints"})


class RoleFinder:
    """Reads roles for one sentence, with its context sentences for resolution."""

    def __init__(
        self,
        view: SentenceView,
        context: Callable[[bool], list[SentenceView]],
        gazetteer: Gazetteer,
        earlier: Callable[[], tuple[SentenceView, int]] | None = None,
    ) -> None:
        self.view = view
        self._context = context
        self._earlier = earlier
        self.gazetteer = gazetteer
        self.standing = Standing(gazetteer)
        self._read: dict[tuple[str, int, int], Token | None] = {}  # role sources are pure: read once

    def in_context(self, lexicon: Lexicon) -> bool:
        """Whether a word of ``lexicon`` occurs in the sentences before this one."""
        return any(view.spans(lexicon) for view in self._context(False))

    def actor_ok(self, kind: str, actor: Role | None) -> bool:
        if not self.standing.actor_ok(kind, actor):
            return False
        return (
            kind == "any"
            or actor is None
            or not (self.named_earlier_as_blocked(actor) or self.speaks_for_private(actor))
        )

    def speaks_for_private(self, actor: Role) -> bool:
        """A spokesperson whose principal is a pronoun ("her spokesman", "his spokeswoman")
        standing for a person the document gives no office: "Ballerina Darcey Bussell ..." then
        "Her spokeswoman denied a newspaper report" speaks for the dancer, not for an office.
        The principal must be an official (a title of office beside the name or before in the
        document, a state, a leader the gazetteer knows); an unresolved pronoun leaves the
        spokesperson an office's."""
        view = actor.view
        if not actor.resolved or view is not self.view:
            return False
        person_pronouns = view.words_of("person_pronouns")
        for i in sorted(actor.indices):
            token = view.doc[i]
            if token.dep_ != "poss" or token.pos_ != "PRON" or token.lower_ not in person_pronouns:
                continue
            if not view.has_shared("spokespeople", {token.head.i}):
                continue
            principal = self._resolve(token, None, person=True)
            if not principal.resolved:
                return False
            where = principal.view
            around = principal.indices | _title_words(where, principal.end - 1)
            person = {j for j in principal.indices if where.doc[j].ent_type_ == "PERSON"}
            if not person:
                return not self.standing.official(where, around)  # "the singer's", "the minister's"
            # A person's standing is in an office beside the name (not in a tagger's entity label:
            # "Ballerina" read as a place), in the gazetteer's leaders, or earlier in the document.
            titles = around - person
            if any(where.has_shared(name, titles) for name in OFFICE_TITLES) or self.gazetteer.mentions(principal.text):
                return False
            return not self.earlier_titles(where.doc[principal.end - 1].text)[1]
        return False

    def named_earlier_as_blocked(self, actor: Role) -> bool:
        """A person named bare ("Mr Howard told MPs ...") whom the document introduced earlier
        only with a title that takes away a state's standing ("Conservative leader Michael
        Howard", "Michael Howard, the opposition leader,"): the party's man, not an official,
        however the later sentence reads. One earlier mention with an office and no such title
        ("Prime Minister Tony Blair") gives him his standing back."""
        if self._earlier is None or not actor.resolved:
            return False
        title = self._bare_title(actor)
        if title is not None:
            blocked, official = self.earlier_titles(title, lowered=True)
            return blocked and not official
        if not (bare_name(actor) or _courtesy_name(actor)):
            return False
        surname = actor.view.doc[actor.end - 1].text
        if not surname[:1].isupper():
            return False
        blocked, official = self.earlier_titles(surname)
        return blocked and not official

    def _bare_title(self, actor: Role) -> str | None:
        """The one word of an actor named by a spokesperson's title alone ("the spokesman"),
        lower-cased; ``None`` for anything more."""
        view = actor.view
        words = [t for t in view.doc[actor.start : actor.end] if t.pos_ != "DET"]
        if len(words) != 1 or words[0].pos_ != "NOUN" or not view.has_shared("spokespeople", {words[0].i}):
            return None
        return words[0].lower_

    def earlier_titles(self, name: str, lowered: bool = False) -> tuple[bool, bool]:
        """Whether the document, before this sentence, gives ``name`` (a word as written, or
        lower-cased) a title taking away a state's standing, and whether it gives it an office
        without one. A title said alone ("the spokesman said") is the one the document
        introduced: "A spokesman for the Liberal Democrats" speaks for a party."""
        blocked = official = False
        if self._earlier is None:
            return blocked, official
        view, end = self._earlier()
        for token in view.doc:
            if token.idx >= end:
                break
            if (token.lower_ if lowered else token.text) != name:
                continue
            title = _title_words(view, token.i) | (_whose(view, token.i) if lowered else set())
            if view.has_shared("blocked_actors", title):
                blocked = True
            elif view.has_shared("officials", title) or view.has_shared("spokespeople", title):
                official = True
        return blocked, official

    def target_ok(self, kind: str, target: Role | None) -> bool:
        if not self.standing.target_ok(kind, target):
            return False
        if kind == "beyond_origin" and target is not None:
            return not self.moved_within(target)
        return not (kind == "not_government_claim" and target is not None and self._a_claim_before(target))

    def moved_within(self, target: Role) -> bool:
        """Whether forces move inside the one country the target is in, from a place the
        sentence names there ("redeploy from southern Iraq to an area outside of Baghdad",
        "rolled north from Basra to near Baghdad"): a move within a theatre where they already
        are, not toward a country. Forces crossing from one country into another keep it."""
        if target.view is not self.view:
            return False
        codes = self.gazetteer.countries(target.text)
        return len(codes) == 1 and codes in self.view.remembered("origins", self._origins)

    def _origins(self) -> list[list[str]]:
        """The countries of each place the sentence moves something from (read once a sentence:
        every target considered asks)."""
        doc = self.view.doc
        reach = self.view.words_of("reach_words")
        found: list[list[str]] = []
        forces = self.view.lexicons.get("forces")
        for token in doc:
            if token.lower_ != "from" or token.dep_ != "prep":
                continue
            head = token.head
            if head.pos_ == "NOUN" and not (forces is not None and self.view.hits(forces, {head.i})):
                continue  # "threats from Iran": whose threats, not whence forces come
            if head.pos_ == "VERB" and self.view.shared("speech_verbs").match_at(self.view.words, head.i):
                continue  # "what it called threats from Iran": what is called, not whence forces come
            near = [token.head, token.head.head, *token.head.children, *token.children]
            near += [doc[token.i - 1]] if token.i else []
            if any(t.lower_ in ("away", "across", "opposite") or t.lower_ in reach for t in near):
                # "15 miles away from", "less than 50 miles from", "across the strait from
                # Taiwan": a distance or a side faced, not an origin
                continue
            for place in (c for c in token.children if c.dep_ == "pobj"):
                # the place's own words, not what hangs after it ("from a base in Missouri to ...")
                found.append(self.gazetteer.countries(doc[place.left_edge.i : place.i + 1].text))
        return found

    def _a_claim_before(self, target: Role) -> bool:
        """A denied report named by nothing but a word for it ("the report", "a fake story",
        "lies") in a sentence naming no outlet, answering the sentence before, where a state or
        an official body made the claim and no outlet is named: "The army accused Rwanda of
        sending troops." then "Rwanda's spokesman said it was a fake story"; "rejected the U.S.
        intelligence report" then "described the report as false"."""
        view = self.view
        if target.view is not view or self.outlet() is not None or view.referenced_media:
            return False
        words = view.shared("report_nouns"), view.shared("claim_nouns"), view.lexicons.get("falsity")
        bare = set().union(*(view.covered(lexicon) for lexicon in words if lexicon is not None))
        if not all(i in bare or view.doc[i].is_punct or view.doc[i].pos_ == "DET" for i in target.indices):
            return False
        for before in self._context(True)[-1:]:
            if before.referenced_media or self._outlets(before):
                return False
            if self.standing.party_claim(before, nouns=("report_nouns", "claim_nouns")):
                return True
            if self._officially_sourced(before):
                return True  # "..., according to the Ivorian government." then "Paris denied the report"
            for start, _end in before.spans(before.shared("accusation_verbs")):
                verb = before.doc[start]
                accuser = next((c for c in verb.children if c.dep_ == "nsubj"), None)
                if accuser is not None and self.standing.official(before, syntax.subtree(accuser)):
                    return True
        return False

    def _officially_sourced(self, view: SentenceView) -> bool:
        """Whether a sentence gives an official body as the source of what it says: "according
        to the Ivorian government", or "the Ivorian government said soldiers fired" (the report
        answered is that government's claim, not an outlet's). A sentence about a report ("slammed
        the report as a black op") is no such source: the report is still the outlet's."""
        if view.spans(view.shared("report_nouns")):
            return False
        speech = view.shared("speech_verbs")
        for token in view.doc:
            if token.lower_ == "according" and token.i + 1 < len(view.doc) and view.doc[token.i + 1].lower_ == "to":
                source = [c for c in view.doc[token.i + 1].children if c.dep_ == "pobj"]
            elif (
                token.pos_ == "VERB"
                and speech.match_at(view.words, token.i)
                and any(c.dep_ == "ccomp" for c in token.children)
            ):
                source = [c for c in token.children if c.dep_ == "nsubj"]
            else:
                continue
            for head in source:
                phrase = syntax.subtree(head)
                if self.standing.official(view, phrase) and not view.hits(view.shared("media_nouns"), phrase):
                    return True
        return False

    # ---- sources -------------------------------------------------------------------------

    def token_from(self, sources: list[str], anchor: Token) -> Token | None:
        """The raw token the first productive source points at (before pronoun resolution)."""
        for source in sources:
            token = self._source(source, anchor)
            if token is not None:
                return token
        return None

    def _source(self, name: str, anchor: Token) -> Token | None:
        """What the role source ``name`` points at from ``anchor``, remembered: a rule reads
        the target's sources once to keep the actor off them and again to fill the target."""
        key = (name, id(anchor.doc), anchor.i)
        if key not in self._read:
            self._read[key] = role_sources.get(name)(self, anchor)
        return self._read[key]

    def find(
        self,
        sources: list[str],
        anchor: Token,
        exclude: Role | None = None,
        accept: Callable[[Role], bool] | None = None,
        avoid: frozenset[int] = frozenset(),
        agentive: bool = False,
    ) -> Role | None:
        """The first role from ``sources`` (in order) that ``accept`` takes, else the first found.

        A rejected role that is clearly a wrong kind of agent (a company, protesters, a coach),
        or a headline's credit of the wrong kind, ends the search: a later source must not
        replace the real, disqualifying filler. Tokens in ``avoid`` (the evidence: the troops
        deployed, the one told to leave) are never the role, but for a headline's credit, which
        speaks for the whole headline, its own words included; with ``agentive`` a filler must
        be able to act ("satellite imagery" cannot).
        """
        first: Role | None = None
        for source in sources:
            credited = source == "headline_credit"
            avoided = frozenset() if credited else avoid
            token = self._beyond_dateline(self._source(source, anchor))
            if token is None or (token.doc is self.view.doc and token.i in avoided) or self._a_time(token):
                continue  # "denied on Monday", "given a week": a date or a span of time is never a party
            role = self._role_for(token, exclude)
            if role is not None and role.view is self.view and role.indices & avoided:
                continue
            if role is not None and agentive and not self.standing.agentive(role):
                continue
            if role is None or (exclude is not None and _same(role, exclude)):
                continue
            if accept is None or accept(role):
                return role
            if credited or self.standing.disqualifying(role):
                return role  # "... false statistics: China Daily editorial": the paper's, whoever the words name
            first = first or role
        return first

    def _a_time(self, token: Token) -> bool:
        return token.ent_type_ in TIME_LABELS or token.lower_ in self.view.words_of("time_spans")

    def _beyond_dateline(self, token: Token | None) -> Token | None:
        """``token``, or when it lies in the dateline ("NAIROBI, Kenya — The government denied"
        parses both as subjects) its sibling of the same function outside it."""
        dateline = self.view.dateline
        if token is None or token.doc is not self.view.doc or token.i not in dateline:
            return token
        sibling = next((c for c in token.head.children if c.dep_ == token.dep_ and c.i not in dateline), None)
        if sibling is not None:
            return sibling
        # "QUITO, Ecuador (AP) — Ecuador told": the real subject parsed as the dateline's apposition,
        # or hung deeper on it ("DUBAI (Reuters) - Saudi Arabia and its allies agreed", with Saudi
        # Arabia a conjunct of "Reuters")
        return next(
            (
                t
                for t in token.doc[: max(dateline) + 8]  # "TOKYO (Jiji) - Secretary Suga", his name hung on "Jiji"
                if t.i not in dateline
                and t.head.i in dateline
                and t.dep_ in ("appos", "conj")
                and t.pos_ in ("NOUN", "PROPN")
            ),
            None,
        )

    @role_sources.register("agent")
    def _agent(self, anchor: Token) -> Token | None:
        """The "by" agent of a passive. A verb with a subject of its own is active, so its "by"
        phrase belongs to the object ("has contradicted claims by Foreign Minister Downer")."""
        if any(c.dep_ == "nsubj" for c in anchor.children):
            return None
        return syntax.named_by(next((c for c in anchor.children if c.dep_ == "agent"), None))

    @role_sources.register("passive_agent")
    def _passive_agent(self, anchor: Token) -> Token | None:
        """The "by" agent of the passive the anchor hangs from: "the general was given ten days
        by the council to hand over ..." (the anchor's own, else its governing verbs' within a clause)."""
        for token in [anchor, *list(anchor.ancestors)[:3]]:
            found = self._agent(token) or self._agent_on_object(token)
            if found is None and token.pos_ in ("NOUN", "PROPN"):
                # "the deadline set by the junta for French forces to leave": the agent of the
                # participle that describes the demand
                described = (c for c in token.children if c.dep_ == "acl" and c.tag_ == "VBN")
                found = next((a for c in described if (a := self._agent(c)) is not None), None)
            if found is not None:
                return found
        return None

    @role_sources.register("noun_agent")
    def _noun_agent(self, anchor: Token) -> Token | None:
        """Who does the deed a noun names, after "by": "a large military deployment by Serbia"."""
        if anchor.pos_ not in ("NOUN", "PROPN"):
            return None
        by = next((c for c in anchor.children if c.dep_ == "prep" and c.lower_ == "by"), None)
        return syntax.named_by(next((c for c in by.children if c.dep_ == "pobj"), None)) if by is not None else None

    @staticmethod
    def _agent_on_object(token: Token) -> Token | None:
        """A passive's "by" phrase the parser hung on its object: "was given a deadline by the EU"
        (the giver, not a deadline set by someone else for the object), or on the time it gives
        ("was given until the end of the week by Israel")."""
        verb = token.head
        if token.dep_ == "pobj" and verb.dep_ == "prep" and verb.lower_ in ("until", "till"):
            verb = verb.head
        elif token.dep_ != "dobj":
            return None
        if not any(c.dep_ == "auxpass" for c in verb.children):
            return None
        by = next((c for c in token.children if c.dep_ == "prep" and c.lower_ == "by"), None)
        return syntax.named_by(next((c for c in by.children if c.dep_ == "pobj"), None)) if by is not None else None

    def _accusation(self, anchor: Token) -> Token | None:
        """The verb of "A accused B of massing troops" (or "of a troop buildup") when the anchor
        is what B is accused of."""
        for token in [anchor, *list(anchor.ancestors)[:3]]:
            if token.dep_ in ("pcomp", "pobj") and token.head.lower_ == "of":
                # the verb, past the nouns the parse may hang "of" on: "accuses Chad of
                # concentrating troops", "accused Azerbaijan on Friday of massing troops"
                verb = token.head.head
                for _ in range(3):
                    if verb.pos_ in ("VERB", "AUX") or verb.head.i == verb.i:
                        break
                    verb = verb.head
                return verb if verb.lower_ in self.view.words_of("accusation_verbs") else None
        return None

    @role_sources.register("accused")
    def _accused(self, anchor: Token) -> Token | None:
        """Who is accused of the deed: B in "A accused B of massing troops on the border", or
        "A lodged a protest with B over a build-up of troops"."""
        verb = self._accusation(anchor)
        if verb is None:
            protest = self._protest(anchor)
            return self._protested_with(protest) if protest is not None else None
        return next((c for c in verb.children if c.dep_ in ("dobj", "obj")), None)

    def _protest(self, anchor: Token) -> Token | None:
        """The noun of a protest or complaint made over the deed the anchor names ("lodged a
        protest with Myanmar over what it called a build-up"): a state's objection to another's."""
        for token in [anchor, *list(anchor.ancestors)[:3]]:
            if token.dep_ in ("pobj", "pcomp") and token.head.lower_ in ("over", "against", "about"):
                noun = token.head.head
                return noun if noun.lower_ in PROTEST_NOUNS else None
        return None

    @staticmethod
    def _protested_with(protest: Token) -> Token | None:
        """Whom a protest is lodged with: "a protest with Myanmar", "protested to Beijing"."""
        for holder in (protest, protest.head):
            for prep in holder.children:
                if prep.dep_ == "prep" and prep.lower_ in ("with", "to"):
                    return next((c for c in prep.children if c.dep_ == "pobj"), None)
        return None

    def _sighting(self, anchor: Token) -> Token | None:
        """The verb whose subject saw or reported the deed the anchor names as its object:
        "Taipei reported another surge of warplanes", "has detected a build-up of forces"."""
        if anchor.pos_ not in ("NOUN", "PROPN") or anchor.dep_ not in ("dobj", "obj"):
            return None
        return anchor.head if self.view.has_shared("sighting_verbs", {anchor.head.i}) else None

    @role_sources.register("accuser")
    def _accuser(self, anchor: Token) -> Token | None:
        """Who accuses, when the deed names no state it approaches: A in "A accused B of massing
        troops on their border" (the border the two share); likewise who saw or reported a deed
        named as a noun ("Taipei reported a surge of warplanes near the island")."""
        protest = self._protest(anchor)
        verb = self._accusation(anchor) or self._sighting(anchor) or (protest.head if protest is not None else None)
        if verb is None:
            return None
        approached = self._approached(anchor)
        if approached is not None and self._states_of(approached):
            # a place in the accused's own land ("massing troops along their shared border and
            # near Nagorno-Karabakh", as Armenia says of Azerbaijan) is approached by no one
            accused = self._accused(anchor)
            if accused is None or not self._states_of(approached) <= self._states_of(accused):
                return None
        return next((c for c in verb.children if c.dep_ == "nsubj"), None)

    @role_sources.register("who_accuses")
    def _who_accuses(self, anchor: Token) -> Token | None:
        """Who accuses someone of the anchor's deed, whatever it approaches: the ministry in "the
        ministry accused Reuters of spreading lies", and the spokeswoman in "X denied ..., and
        accused Western media of spreading fake news" (the subject the coordinated verbs share)."""
        verb = self._accusation(anchor)
        if verb is None:
            return None
        own = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if own is not None or verb.dep_ != "conj" or verb.i < 2:
            return syntax.verb_subject(verb)
        first = verb.head
        if first.dep_ == "ccomp" and verb.nbor(-1).lower_ == "and" and verb.nbor(-2).text == ",":
            # "X denied authorities closed a school, and accused Western media ...": after a comma
            # the coordination is of the saying verb's, which the parser hung on its complement
            first = first.head
        return syntax.verb_subject(first)

    @role_sources.register("context_subject")
    def _context_subject(self, anchor: Token) -> Token | None:
        """When the sentence names nobody acting ("The envoy was given 72 hours to leave"), who
        acted in the sentence before: its main clause's subject ("The U.S. ordered the expulsion
        of ..."), or the agent of a passive main clause; never a pronoun or a report."""
        for view in reversed(self._context(True)):
            for root in (t for t in view.doc if t.dep_ == "ROOT"):
                subject = next((c for c in root.children if c.dep_ == "nsubj" and c.i not in view.dateline), None)
                if subject is None:
                    subject = self._agent(root)
                if subject is None or subject.pos_ == "PRON" or subject.lower_ in view.words_of("empty_references"):
                    continue
                if not view.hits(view.shared("report_nouns"), {subject.i}):
                    return subject
            return None
        return None

    @role_sources.register("expeller")
    def _expeller(self, anchor: Token) -> Token | None:
        """The state whose country an envoy is told to leave, where nobody else is named acting:
        "14 other diplomats of Iran are ordered to leave Kuwait in 45 days" is Kuwait's
        expulsion. Only for a state's envoys, advisers or staff as the clause's subject (an
        envoy someone "orders to leave" has a named expeller), never a leader told to leave his
        own country ("Maduro has 48 hours to leave Venezuela")."""
        complier = self._source("complier", anchor)
        if complier is None or complier.lower_ not in self.view.words_of("own_people"):
            return None
        if complier.dep_ not in ("nsubj", "nsubjpass"):
            return None  # "X orders the envoy to leave Peru": X acts, whoever the parse missed
        departing = self.view.shared("departure_verbs")
        for token in self.view.doc:
            if token.dep_ != "dobj" or not departing.match_at(self.view.words, token.head.i):
                continue
            if len(self.gazetteer.countries(token.text)) == 1 and token.i not in syntax.subtree(complier):
                return token
        return None

    @role_sources.register("subject")
    def _subject(self, anchor: Token) -> Token | None:
        if anchor.dep_ == "pcomp" and anchor.head.lower_ == "as":  # "quoted an official as denying"
            quoted = next((c for c in anchor.head.head.children if c.dep_ == "dobj"), None)
            if quoted is not None:
                return quoted
        # "KHARTOUM (AFP) - Ethiopia is building up forces": the dateline parsed as a second
        # subject (its agency would make it look like a report) is passed over for the real one
        subject = self._beyond_dateline(syntax.clause_subject(anchor))
        if subject is None or self._receiving_verb(anchor) is not None:
            return None  # "Maduro received an ultimatum": who receives it is its target
        if self._sighting(anchor) is not None:
            return None  # "Taipei reported a surge of warplanes": who saw it did not do it
        # "Serbia's Foreign Minister, Ivica Dacic, called a news report a big lie", parsed as a
        # minister described by a clause: the clause is what the subject does, not what it is
        if self._is_report_like(subject, besides=self._clause_below(subject, anchor)):
            return None
        if subject.dep_ == "nsubjpass" and subject.head.lower_ not in self.view.words_of("raising_verbs"):
            return None
        # "A statement from the Foreign Ministry denied ...": who issued it acts
        return self._issuer(subject) or subject

    @role_sources.register("owner")
    def _owner(self, anchor: Token) -> Token | None:
        """Whose forces: "Chinese warships were deployed" -> Chinese, "the deployment of Russian
        troops" -> Russian; not where they go ("sent troops to the Ukrainian border")."""
        subject = syntax.clause_subject(anchor)
        things = [
            t
            for t in syntax.described_things(anchor)
            if not _preposition(t) and (t.dep_ != "pobj" or t.head.lower_ == "of")
        ]
        # "a sizeable Ruritanian naval deployment": the words before a named buildup, not its clauses
        named = [t for left in anchor.lefts for t in left.subtree] if anchor.pos_ in ("NOUN", "PROPN") else []
        roots = things + ([subject] if subject is not None else [])
        dateline = self.view.dateline
        for token in named + [t for root in roots for t in _without_places(root)]:
            known = token.ent_type_ in ("GPE", "NORP") or (
                token.ent_type_ != "PERSON" and self.gazetteer.code_of(token.text) is not None
            )
            if known and token.dep_ != "pobj" and token.i not in dateline:
                return token
            # "soldiers of the People's Liberation Army": the force they belong to, named for one state
            belongs = token.dep_ == "pobj" and token.head.lower_ == "of" and token.ent_type_ == "ORG"
            if belongs and token.i not in dateline and len(self._states_of(token)) == 1:
                return token
        return None

    @role_sources.register("origin")
    def _origin(self, anchor: Token) -> Token | None:
        for token in anchor.subtree:
            if token.dep_ == "prep" and token.lower_ in ("from", "in"):
                for inner in token.subtree:
                    if inner.ent_type_ in PLACE_LABELS or self.gazetteer.mentions(inner.text):
                        return inner
        return None

    @role_sources.register("headline_credit")
    def _headline_credit(self, anchor: Token) -> Token | None:
        """Who speaks in a headline credited to them: an office ("... – Communications
        Ministry") or an opinion piece (": China Daily editorial"); the head of the closing
        phrase. An outlet credited alone ("Pakistan denies report of CIA bases: Dawn") only
        carries the news, so nobody is read from it."""
        credit = self.view.headline_credit
        if credit is None:
            return None
        start, end = credit
        words = set(range(start, end))
        if not (self.standing.official(self.view, words) or self.view.has_shared("opinion_pieces", words)):
            return None
        return self.view.doc[start:end].root

    @role_sources.register("speaker")
    def _speaker(self, anchor: Token) -> Token | None:
        speech = self.view.shared("speech_verbs")
        below = syntax.subtree(anchor)
        # "By Friday, the ministry said, the authorities must free him": a saying verb set in
        # the demand by commas hangs on it (parataxis) and attributes it, not one inside it
        aside = [c for c in anchor.children if c.dep_ == "parataxis"]
        candidates = [
            *anchor.ancestors,
            *aside,
            *(t for t in self.view.doc if t.pos_ == "VERB" and t.i not in below),
        ]
        for token in candidates:
            if not speech.match_at(self.view.words, token.i):
                continue
            children = list(token.children)
            if not any(c.dep_ in ("nsubj", "nsubjpass") for c in children):
                shared = syntax.verb_subject(token)  # "Aliyev spoke to Al Arabiya and said that ..."
                children += [shared] if shared is not None else []
            if any(c.dep_ == "nsubj" and c.lower_ in ("i", "we") for c in children):
                continue  # '"I say to Hamas: ...," Netanyahu warned': the quote's speaker is outside it
            for child in children:
                # A speaking outlet stays (an editorial's demand is not a state's); a report does not.
                if child.dep_ in ("nsubj", "nsubjpass") and not self._is_report_noun(child):
                    if child.dep_ == "nsubjpass":
                        # "X was quoted as saying by RIA": the agent is the outlet, X the speaker
                        agent = self._agent(token)
                        if agent is not None and not self._is_report_like(agent):
                            return agent
                        if token.lower_ in ("quoted", "cited") or agent is not None:
                            return child
                        continue
                    speaker = self._issuer(child) or child
                    return self._named_doer(anchor, token, demanding=self._named(speaker)) or speaker
        return None

    def _named(self, token: Token) -> bool:
        """Whether a party's phrase names someone: a person, state, people or organisation, or
        a proper noun the recogniser left untyped ("ECOWAS said")."""
        if token.pos_ == "PROPN" and token.text[:1].isupper():
            return True
        return any(t.ent_type_ in AGENT_LABELS or self.gazetteer.mentions(t.text) for t in token.subtree)

    def _named_doer(self, anchor: Token, speech: Token, demanding: bool = False) -> Token | None:
        """Who the reported clause names as acting: "The Maldives has asked India to withdraw
        ..., a senior official said" is the Maldives' demand, the official its voice. The named
        subject of the anchor's clause or of a clause between it and the speech verb ("Burkina
        Faso has confirmed it is asking France ..."), never the one who is to comply ("Maduro
        has 48 hours to leave, Trump said"). With ``demanding`` (the speaker is named) only the
        subject of a demand below what is said ("Russia said it would pull back after
        Washington demanded they leave" is Washington's), not of any clause ("Putin made it
        clear that Russia will continue unless Ukraine complies" stays Putin's) nor of the
        demand said itself ("Chile has asked Peru to withdraw, its foreign minister said")."""
        complier = self._source("complier", anchor)
        for token in [anchor, *anchor.ancestors]:
            if token.i == speech.i:
                break
            subject = self._beyond_dateline(next((c for c in token.children if c.dep_ == "nsubj"), None))
            if subject is None or subject.pos_ == "PRON" or subject.i in self.view.dateline:
                continue
            if subject.i == anchor.i:  # "told him that Egypt's transition must begin now"
                continue
            if complier is not None and subject.i == complier.i:
                continue
            if demanding and (token.head.i == speech.i or not self._demands_verb(token)):
                if not (token.head.i == speech.i and self._another_state(subject, speech)):
                    continue  # "Chile has asked Peru to ..., its minister said": the named voice of the demand
                # "Sweden's foreign ministry said Iraq had ordered the Swedish ambassador to
                # leave": another state's demand, which the speaker only reports
            if not self._is_report_like(subject) and self._named(subject):
                return subject
        return None

    def _another_state(self, subject: Token, speech: Token) -> bool:
        """Whether ``subject`` names one state and whoever speaks through ``speech`` names one
        other: then the subject's act is reported, not the speaker's own."""
        speaker = next((c for c in speech.children if c.dep_ == "nsubj"), None)
        if speaker is None or not self._demands_verb(subject.head):
            return False
        theirs = set(self.gazetteer.countries(self.view.text_of(subject.left_edge.i, subject.right_edge.i + 1)))
        ours = set(self.gazetteer.countries(self.view.text_of(speaker.left_edge.i, speaker.right_edge.i + 1)))
        return len(theirs) == 1 and len(ours) == 1 and theirs != ours

    def _demands_verb(self, verb: Token) -> bool:
        """Whether ``verb`` is one by which one party demands something of another."""
        return bool(self.view.shared("demand_verbs").match_at(self.view.words, verb.i))

    def _issuer(self, said_by: Token) -> Token | None:
        """Who issued a statement that speaks: "a statement from the Prime Minister's Office
        read" (a ``from``, ``by`` or ``of`` phrase, or "issued by"), or who issued the statement
        it is the object of ("the ministry released a statement denying ..."), else ``None``."""
        if not self.view.hits(self.view.shared("address_words"), {said_by.i}):
            return None
        for child in said_by.children:
            if child.dep_ == "prep" and child.lower_ in ("from", "by", "of"):
                for inner in child.children:
                    if inner.dep_ == "pobj":
                        return inner
            if child.dep_ == "acl":
                agent = self._agent(child)
                if agent is not None:
                    return agent
        if said_by.dep_ == "dobj":  # "the federation released a statement denying ...": who released it
            return syntax.verb_subject(said_by.head)
        return None

    @role_sources.register("object")
    def _object(self, anchor: Token) -> Token | None:  # noqa: D102
        things = syntax.described_things(anchor)
        return things[0] if things else None

    @role_sources.register("report")
    def _report(self, anchor: Token) -> Token | None:
        view = self.view
        reports = view.shared("report_nouns")
        other = view.covered(view.shared("media_occasions"))

        def a_word_of_something_else(end: int) -> bool:  # "the press conference", "a news briefing"
            last = view.doc[end - 1]
            return last.dep_ == "compound" and last.head.i in other

        for thing in syntax.described_things(anchor):
            tree = syntax.own_subtree(thing)
            for start, end in view.hits(reports, tree):
                if not a_word_of_something_else(end):
                    return view.doc[start]
            for start, end in view.referenced_media:
                if start in tree and not a_word_of_something_else(end):
                    return self._medium_denied(start, end, tree)
        for start, end in view.spans(reports):
            last = view.doc[end - 1]
            called = last.dep_ == "pobj" and last.head.lower_ == "as" and not syntax.shifted_object(last)
            if start not in view.attribution and not a_word_of_something_else(end) and not called:
                return view.doc[start]  # not what a denied claim is called: "dismissed ... as fake news"
        return None

    @role_sources.register("spreader")
    def _spreader(self, anchor: Token) -> Token | None:
        """The medium said to spread a falsehood: "RFA Burmese spread false information on
        social media platforms" -> RFA Burmese, "The TV channel CNN and other U.S. media have
        again spread false information" -> CNN. What is denied is the medium's word, however the
        sentence names where it went. The subject of the verb of spreading at or just above the
        anchor, where that subject names a medium; else nothing."""
        view = self.view
        for token in [anchor, *list(anchor.ancestors)[:3]]:
            if token.pos_ not in ("VERB", "AUX") or not _spreads(view, token):
                continue
            subject = next((c for c in token.children if c.dep_ == "nsubj"), None)
            if subject is None:
                return None
            tree = syntax.subtree(subject)
            for start, end in view.referenced_media:
                if start in tree:
                    medium = view.doc[start:end].root
                    while medium.dep_ == "compound" and medium.head.pos_ == "PROPN" and medium.head.i in tree:
                        medium = medium.head  # "the Daily Courier", marked by its first word
                    return medium
            media = view.hits(view.shared("media_nouns"), tree)
            return subject if media else None
        return None

    def said_to_spread_falsehood(self, role: Role) -> bool:
        """Whether ``role`` is the one a sentence says spread a falsehood ("the newspaper said
        the minister spread false information"): the accused, never who denies."""
        view = role.view
        head = view.doc[role.start : role.end].root
        verb = head.head
        if head.dep_ != "nsubj" or not _spreads(view, verb):
            return False
        return bool(view.hits(view.shared("falsity"), syntax.object_tokens(verb)))

    def _medium_denied(self, start: int, end: int, tree: set[int]) -> Token:
        """The word naming what a medium at ``[start, end)`` stands for in the denied thing
        ``tree``: its work ("the Al Jazeera investigation"), the report it ran ("a report in
        the Sunday Telegraph"), else the medium by its head ("the Sunday Telegraph")."""
        view = self.view
        last = view.doc[end - 1]
        if last.dep_ == "compound" and last.head.pos_ == "NOUN" and last.head.i in tree:
            return last.head
        root = view.doc[start:end].root
        ran = root.head.head if root.dep_ == "pobj" and root.head.lower_ in ("in", "by") else None
        if ran is not None and ran.i in view.covered(view.shared("report_nouns")):
            return ran
        return root

    @role_sources.register("complier")
    def _complier(self, anchor: Token) -> Token | None:
        if anchor.dep_ == "aux" and anchor.head.i != anchor.i:  # "Syria must stop ...": who must
            subject = next((c for c in anchor.head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if subject is not None:
                return subject
        for child in anchor.children:
            if child.dep_ in ("nsubj", "nsubjpass") and not self._addresses_someone(anchor):
                return child
        nominal = anchor.pos_ in ("NOUN", "PROPN")
        # "a deadline for Iran", "an ultimatum to Belgrade"; a verb's "to" says where to, not who
        # ("to return to compliance", "hand power to civilians")
        for child in anchor.children if nominal else ():
            if child.dep_ == "prep" and child.lower_ in ("for", "to", "on", "of"):
                pobj = next((c for c in child.children if c.dep_ == "pobj"), None)
                if pobj is not None and pobj.ent_type_ not in ("DATE", "TIME"):
                    return pobj
        token = anchor
        for _ in range(3):
            # At the root the root is its own head: its other objects are still read ("issued an
            # ultimatum and asked the doctors to return": the doctors).
            head = token.head
            if token.dep_ in ("acl", "relcl", "appos") and self._party_noun(head):
                return head  # "gave Gbagbo until Monday to cede power": the party the clause hangs on
            subject = syntax.verb_subject(head)
            dative = syntax.named_by(next((c for c in head.children if c.dep_ in ("dative", "iobj")), None))
            if token.dep_ in ("dobj", "attr"):
                # "gives Mexico's envoy to the country 72 hours to exit": a party given the time
                # as the verb's other object comes before a "to" phrase a parser took for a dative
                given = (c for c in head.children if c.dep_ == "dobj" and c.i != token.i and not self._a_time(c))
                other = next((c for c in given if self._party_noun(c)), None)
                if other is not None:
                    return other
                if dative is not None:
                    return dative  # "gave the junta a week to reinstate the president"
            if token is anchor and token.dep_ == "dobj" and head.lower_ in HAVING and subject is not None:
                return subject  # "said the president had 48 hours to leave": who has the time must use it
            # "Iraq rejected the ultimatum", "Maduro received an ultimatum": who answers or receives it
            # "was given a deadline", "was handed an ultimatum": the passive's subject receives it
            received = subject is not None and subject.dep_ == "nsubjpass" and token.dep_ == "dobj"
            answered = (
                token is anchor
                and nominal
                and (
                    head.lower_ in self.view.words_of("answer_verbs")
                    or self._receiving_verb(anchor) is not None
                    or received
                )
            )
            if (
                token.dep_ in ("dobj", "attr")
                and subject is not None
                and (answered or not (token is anchor and nominal))
                and not self._defines_the_act(head, subject)
            ):
                # "Maduro has 48 hours to leave", "want Qatar to meet the ultimatum" (not "X issued an ultimatum")
                return subject
            # "ordered the ambassador to leave"; not what a coordinated verb did ("Gaddafi has
            # lost legitimacy and must step down": Gaddafi, not the legitimacy)
            objects = [] if token.dep_ == "conj" else head.children
            if (
                token is anchor
                and nominal
                and token.dep_ == "dep"
                and subject is not None
                and self._party_noun(subject)
            ):
                return subject  # "Trump's 50-day ultimatum: Russia must agree ...": who must, after the colon
            for child in objects:
                if child.i > anchor.i and any(t.text == ":" for t in anchor.doc[anchor.i : child.i]):
                    continue  # "delivers ultimatum to Gaddafi: halt attacks": what he must do, not whom
                # "said that Kyiv had until Friday to withdraw", with "that" parsed as the object
                # of "had": a complementizer is no one ordered
                if (
                    child.dep_ in ("dobj", "dative", "iobj")
                    and child.i != token.i
                    and not self._a_time(child)
                    and child.lower_ not in syntax.RELATIVE_PRONOUNS
                ):
                    # "Trump Gives Maduro Deadline to Leave": a name parsed as a compound on what
                    # is given is whom it is given to
                    given_to = [c for c in child.lefts if c.dep_ == "compound" and c.ent_type_ in AGENT_LABELS]
                    if given_to and child.pos_ == "NOUN" and not self._party_noun(child):
                        return given_to[0]
                    return syntax.named_by(child)
            if token is anchor and nominal:  # "set a deadline for Damascus to accept the plan"
                for child in head.children:
                    if child.dep_ in ("advcl", "xcomp", "acl") and child.i != token.i:
                        clause_subject = next((c for c in child.children if c.dep_ == "nsubj"), None)
                        if clause_subject is not None:
                            return clause_subject
            for child in head.children:
                if child.dep_ == "prep" and child.lower_ in ("to", "for", "on") and child.i != token.i:
                    pobj = next((c for c in child.children if c.dep_ == "pobj"), None)
                    if pobj is not None and pobj.i != anchor.i and pobj.ent_type_ not in ("DATE", "TIME"):
                        return pobj  # "called on Lukashenko to step down"
            if (
                subject is not None
                and token.dep_ in ("xcomp", "conj", "ccomp", "advcl")
                and not self._defines_the_act(head, subject)
            ):
                return subject  # "Maduro needs to be gone"
            if token.dep_ not in ("xcomp", "conj", "dobj", "attr", "appos", "pobj", "prep", "acl", "relcl"):
                return None
            token = head
        for ancestor in anchor.ancestors:  # "Tenants were given until the end of the month to leave"
            subject = next((c for c in ancestor.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            if subject is not None:
                return _addressed(subject) or subject  # "Trump's letter to Khamenei set a deadline"
        return None

    def _addresses_someone(self, verb: Token) -> bool:
        """A demanding or saying verb with someone as its object ("Bush has warned the Taliban
        that time is running out", "ordered the envoy to leave"): its subject is the one who
        demands, and the one addressed is who must comply."""
        view = self.view
        if verb.pos_ != "VERB" or not (
            view.shared("demand_verbs").match_at(view.words, verb.i)
            or view.shared("speech_verbs").match_at(view.words, verb.i)
        ):
            return False
        return any(
            c.dep_ in ("dobj", "dative", "iobj")
            # someone of the wrong kind is still someone addressed ("warned settlers that ...")
            and (self._party_noun(c) or self._people_word(c) or view.has_shared("blocked_targets", {c.i}))
            for c in verb.children
        )

    def _defines_the_act(self, verb: Token, subject: Token) -> bool:
        """A copula whose subject is a common noun naming no party: "the only way to avoid war
        is to accept exile" says what the one told must do, not who must do it."""
        return (
            verb.pos_ == "AUX"  # a copula heading its clause, not a helper of another verb
            and verb.dep_ not in ("aux", "auxpass")
            and subject.pos_ == "NOUN"
            and not subject.ent_type_
            and not self._party_noun(subject)
            and not self._people_word(subject)
        )

    def _party_noun(self, token: Token) -> bool:
        """A noun naming a party (a name, an office, a polity), not a span of time."""
        if token.pos_ not in ("NOUN", "PROPN") or token.ent_type_ in TIME_LABELS:
            return False
        return token.ent_type_ in AGENT_LABELS or self.view.has_shared("political_targets", {token.i})

    @role_sources.register("destination")
    def _destination(self, anchor: Token) -> Token | None:
        found = self._destinations(anchor)
        return found[0] if found else None

    def _destinations(self, anchor: Token) -> list[Token]:
        """Where the anchor's movement goes, best first: named places under a destination
        preposition (nearest, known countries first), places named after the anchor, then any
        object of a destination preposition."""
        places: list[tuple[int, int, int, Token]] = []
        fallback: list[tuple[int, int, Token]] = []
        for root in self._destination_roots(anchor):
            for token, depth in _without_clauses(root):
                if not _preposition(token) or token.lower_ not in DESTINATION_PREPS:
                    continue
                rank = DESTINATION_PREPS.index(token.lower_)
                for inner in token.subtree:
                    known = self.gazetteer.mentions(inner.text) and inner.ent_type_ != "PERSON"
                    if known or inner.ent_type_ in PLACE_LABELS:
                        places.append((depth, 0 if known else 1, rank, inner))
                        break
                else:
                    pobj = next((c for c in token.children if c.dep_ == "pobj"), None)
                    if pobj is not None:
                        fallback.append((depth, rank, pobj))
        found = [p[3] for p in sorted(places, key=lambda found: (*found[:3], found[3].i))]
        after = [e for e in self.view.doc.ents if e.start > anchor.i and e.label_ in PLACE_LABELS]
        found += [e.root for e in after if self.gazetteer.code_of(e.text)]
        found += [e.root for e in after if e.label_ in ("GPE", "LOC")]
        found += [f[2] for f in sorted(fallback, key=lambda found: (*found[:2], found[2].i))]
        return list(dict.fromkeys(found))

    @staticmethod
    def _destination_roots(anchor: Token) -> list[Token]:
        roots = [anchor, *syntax.described_things(anchor)]
        if anchor.dep_ in ("xcomp", "conj") and anchor.head.i != anchor.i:
            roots.append(anchor.head)
        return roots

    @role_sources.register("approached")
    def _approached(self, anchor: Token) -> Token | None:
        """The country forces move on: the state whose border, coast or waters they reach, or
        that they come within reach of ("along its border with Iraq", "near the Ukrainian
        border", "2,000 miles from Iran"), else the country they go to; never their own.

        States so marked under the anchor's destination come first, then countries it goes
        to, then such states elsewhere in the sentence, then the other destinations.
        """
        own = self._own_states(anchor)
        # a clause that only dates the move ("the same day that Qatari peacekeepers left") is
        # no more where forces go than the dateline is
        dateline = self.view.dateline | self.view.dating_clauses()
        near: list[tuple[int, int, Token]] = []
        for root in self._destination_roots(anchor):
            for token, depth in _without_clauses(root):
                if _preposition(token) and token.lower_ in DESTINATION_PREPS:
                    for inner in token.subtree:
                        state = None if inner.i in dateline else self._approached_state(inner, own)
                        if state is not None:
                            near.append((depth, inner.i, state))
                            break
        if near:
            return min(near, key=lambda found: found[:2])[2]
        marked = self.view.covered(self.view.shared("state_edges"))
        reach = self.view.words_of("reach_words")
        edges = (
            self._approached_state(t, own)
            for t in self.view.doc
            if (t.i in marked or t.lower_ in reach) and t.i not in dateline
        )
        edge = next((state for state in edges if state is not None), None)
        # "sent tanks to its border with Iraq in a buildup ...", and "deployed to Belarus, 15 miles
        # from the Ukrainian border": how near forces come to a state names it over where they went.
        if edge is not None and (anchor.pos_ == "NOUN" or any(t.lower_ in reach for t in self.view.doc)):
            return edge
        destinations = [
            t
            for t in self._destinations(anchor)
            if t.i not in dateline and (not self._states_of(t) or self._states_of(t) - own)
        ]
        states = [t for t in destinations if self._states_of(t)]
        if states:
            return states[0]
        if edge is not None:
            return edge
        return destinations[0] if destinations else None

    def _approached_state(self, token: Token, own: frozenset[str]) -> Token | None:
        """The state ``token`` marks as approached: "the Iraqi border", "its border with Iraq",
        "which borders Ukraine", "miles from Iran"; ``None`` when it marks none but ``own``."""
        view = self.view
        edge = view.has_shared("state_edges", {token.i})
        reach = token.lower_ in view.words_of("reach_words")
        if not (edge or reach):
            return None
        if edge and token.pos_ in ("VERB", "AUX"):
            named = [c for c in token.children if c.dep_ in ("dobj", "obj")]
        else:
            named = [
                inner
                for child in token.children
                if child.dep_ == "prep" and child.lower_ in ("with", "between", "of", "from", "to")
                for inner in child.subtree
            ]
        if reach:  # "an outpost 2,000 miles from Iran", with "from" hung on the outpost
            named += _trailing(token, ("from", "of"))
        if edge:
            named += _trailing(token, ("with", "between"))
            named += [t for t in token.lefts for t in t.subtree]
        for candidate in named:
            if candidate.ent_type_ != "PERSON" and self._states_of(candidate) - own:
                return candidate
        return None

    def _states_of(self, token: Token) -> frozenset[str]:
        """The countries a token's name (its whole entity, when it is in one) stands for."""
        text = token.text
        if token.ent_iob_ in ("B", "I"):
            ent = next((e for e in self.view.doc.ents if e.start <= token.i < e.end), None)
            text = ent.text if ent is not None else text
        return frozenset(self.gazetteer.countries(text))

    def _own_states(self, anchor: Token) -> frozenset[str]:
        """The countries of whoever moves: the agent's, else the clause subject's, else the
        forces' owner's."""
        for source in (self._agent, self._subject, self._owner):
            token = self._beyond_dateline(source(anchor))
            role = self._role_for(token, None) if token is not None else None
            own = frozenset(self.gazetteer.countries(role.text)) if role is not None else frozenset()
            if own:
                return own
        return frozenset()

    @role_sources.register("condition_subject")
    def _condition_subject(self, anchor: Token) -> Token | None:
        """Who must meet the condition: "... unless Ukraine complies", "if he plays tough"."""
        for token in [anchor, *anchor.ancestors]:
            for child in token.children:
                if child.dep_ != "advcl" or child.i == anchor.i:
                    continue
                if any(m.dep_ == "mark" and m.lower_ in ("if", "unless") for m in child.children):
                    subject = next((c for c in child.children if c.dep_ in ("nsubj", "nsubjpass")), None)
                    if subject is not None:
                        return subject
        return None

    @role_sources.register("possessor")
    def _possessor(self, anchor: Token) -> Token | None:
        return next((c for c in anchor.children if c.dep_ == "poss"), None)

    @role_sources.register("ultimatum_owner")
    def _ultimatum_owner(self, anchor: Token) -> Token | None:
        """Whose an ultimatum named as a noun is: "Niger's ultimatum to the French ambassador",
        "Serbia rejects Pristina ultimatum" (a name compounded on it). Only for the word
        ultimatum: a deadline's owner may as well be the one given it ("Maduro's deadline")."""
        if anchor.lower_ not in ("ultimatum", "ultimatums"):
            return None
        owner = self._possessor(anchor)
        if owner is not None:
            return owner
        return next((c for c in anchor.children if c.dep_ == "compound" and c.pos_ == "PROPN" and c.i < anchor.i), None)

    @role_sources.register("act_doer")
    def _act_doer(self, anchor: Token) -> Token | None:
        """Who is to carry out an act named as a noun: "Russia's withdrawal", "the withdrawal
        of Syrian troops", "full Armenian withdrawal" (a demonym before the act is its doer).
        The "of" phrase names the doer of an act of leaving only: in "the release of the
        hostages" it is what the act is done to."""
        owner = self._possessor(anchor)
        if owner is not None:
            return owner
        leaving = self.view.has_shared("leaving_acts", {anchor.i})
        for child in anchor.children if leaving else ():
            if child.dep_ == "prep" and child.lower_ == "of":
                done_by = next((c for c in child.children if c.dep_ == "pobj"), None)
                if done_by is not None:
                    return done_by
        return next(
            (
                c
                for c in anchor.children
                if c.dep_ in ("amod", "compound") and c.i < anchor.i and self.gazetteer.derived(c.text)
            ),
            None,
        )

    @role_sources.register("sender")
    def _sender(self, anchor: Token) -> Token | None:
        """Who sent a deed its target received: Trump in "Maduro received an ultimatum from
        Trump", NATO in "Serbia faces a NATO ultimatum"; ``None`` unless the anchor is what a
        receiving verb's subject gets."""
        verb = self._receiving_verb(anchor)
        if verb is None:
            return None
        for holder in (anchor, verb):
            for child in holder.children:
                if child.dep_ == "prep" and child.lower_ in ("from", "by"):
                    sent_by = next((c for c in child.children if c.dep_ == "pobj"), None)
                    if sent_by is not None:
                        return sent_by
        for child in anchor.children:
            if child.dep_ in ("poss", "compound") and child.pos_ == "PROPN" and child.i < anchor.i:
                named = child.ent_type_ in AGENT_LABELS or self.gazetteer.mentions(child.text)
                if named and not self.gazetteer.derived(child.text):
                    return child
        return None

    def _receiving_verb(self, anchor: Token) -> Token | None:
        """The verb whose subject receives the anchor's deed ("Bolivia gets ultimatum",
        "Serbia faces a deadline"), or ``None``."""
        if anchor.pos_ not in ("NOUN", "PROPN") or anchor.dep_ not in ("dobj", "obj"):
            return None
        return anchor.head if anchor.head.lower_ in self.view.words_of("receiving_verbs") else None

    @role_sources.register("dative")
    def _dative(self, anchor: Token) -> Token | None:
        """Whom the deed is given or sent to: "gave the envoy 48 hours", "sent an ultimatum to
        Damascus" (a parser marks the preposition itself as the dative: its object is the party)."""
        return syntax.named_by(next((c for c in anchor.children if c.dep_ in ("dative", "iobj")), None))

    @role_sources.register("enclosing_subject")
    def _enclosing_subject(self, anchor: Token) -> Token | None:
        """The enclosing clause's subject, passing over a witness who tells of the deed
        ("Columns of armoured vehicles were seen rolling toward the frontier, residents told
        reporters"): a source of the wrong kind to act is no doer, and no reason to drop it."""
        speech = self.view.shared("speech_verbs")
        clauses = []
        for token in anchor.ancestors:
            subject = next((c for c in token.children if c.dep_ == "nsubj"), None)
            if subject is not None and speech.match_at(self.view.words, token.i):
                role = self._role_for(subject, None)
                if role is not None and self.standing.disqualifying(role):
                    continue
            clauses.append(token)
        return self._first_subject(clauses)

    @role_sources.register("subject_above_answer")
    def _subject_above_answer(self, anchor: Token) -> Token | None:
        """The enclosing clause's subject, passing over a clause in which a party answers a
        demand inside another clause: who "meets", "rejects" or "defies" it was given it ("want
        Qatar to meet the ultimatum in return for an end to the boycott" is the demand of those who
        want it). A main clause's answer stays ("X accepted a request to extend the deadline")."""
        answers = self.view.words_of("answer_verbs")
        received = self._receiving_verb(anchor)
        return self._first_subject(
            token
            for token in anchor.ancestors
            if not (token.lower_ in answers and token.pos_ in ("VERB", "AUX") and token.dep_ in ("ccomp", "xcomp"))
            and (received is None or token.i != received.i)
        )

    @role_sources.register("subject_outside_report")
    def _subject_outside_report(self, anchor: Token) -> Token | None:
        """The enclosing clause's subject, looked for above any report the anchor sits in: who
        calls a report false is never a party of what it says ("slammed the reports of a deal
        allowing China to use a base as fake news", where the parse hangs "as fake news" on the
        report's "use")."""
        ancestors = list(anchor.ancestors)
        reports = [k for k, token in enumerate(ancestors) if self._is_report_noun(token)]
        return self._first_subject(ancestors[reports[-1] + 1 :] if reports else ancestors)

    def _first_subject(self, clauses: Iterable[Token]) -> Token | None:
        """The first of ``clauses`` (heads, innermost first) with a subject that is no report."""
        for token in clauses:
            own = next((c for c in token.children if c.dep_ == "nsubj"), None)
            subject = self._beyond_dateline(own if own is not None else syntax.side_by_side_subject(token))
            if subject is not None and not self._is_report_like(subject):
                return subject
        return None

    # ---- text and resolution -------------------------------------------------------------

    def _is_report_noun(self, token: Token) -> bool:
        return token.lower_ in self.view.words_of("empty_references") or bool(
            self.view.hits(self.view.shared("report_nouns"), {token.i})
        )

    @staticmethod
    def _clause_below(head: Token, anchor: Token) -> frozenset[int]:
        """The words of the clause under ``head`` that holds ``anchor`` (empty when ``anchor``
        is not below ``head``)."""
        for child in head.children:
            if anchor.i in syntax.subtree(child) and child.dep_ in ("acl", "relcl"):
                return frozenset(syntax.subtree(child))
        return frozenset()

    def _is_report_like(self, token: Token, besides: frozenset[int] = frozenset()) -> bool:
        """A report, an empty reference, or a phrase naming a medium ("the newspaper said", "RFA,
        an unofficial media source"); a relative clause does not count ("Kiptoo, who was named
        in a Daily Nation report"), nor the words ``besides``."""
        tree = syntax.without_relative_clauses(token.doc, syntax.subtree(token)) - besides
        if token.doc is self.view.doc:  # "ISLAMABAD (Reuters) - Opposition leader X": parsed as one phrase
            tree -= self.view.dateline
        return (
            bool(self.view.hits(self.view.shared("report_nouns"), {token.i}))
            or (token.lower_ in self.view.words_of("empty_references"))
            or (bool([m for m in self.view.media if m[0] in tree]) and not self.standing.official(self.view, tree))
        )

    def reported_content(self, token: Token) -> frozenset[int]:
        """The words of a report the role ``token`` names, when it names one ("the recent reports
        of a secret deal allowing China to use a base"): what the report says, where nobody
        denying it stands; a relative clause is about the report, not in it ("the reports, which
        the White House denied"). Empty for a party that is no report."""
        if token.doc is not self.view.doc or not self._is_report_noun(token):
            return frozenset()
        return frozenset(syntax.without_relative_clauses(token.doc, syntax.subtree(token))) - {token.i}

    def _view_of(self, token: Token) -> SentenceView | None:
        """The sentence ``token`` is in: this one, or one of the context."""
        if token.doc is self.view.doc:
            return self.view
        return next((view for view in self._context(True) if view.doc is token.doc), None)

    def _role_for(self, token: Token, exclude: Role | None) -> Role | None:
        token = _writer(token) or token  # "Trump's letter to Khamenei set a deadline": Trump's demand
        view = self._view_of(token)
        if view is None:
            return None
        pronouns = view.words_of("person_pronouns") | view.words_of("group_pronouns")
        if token.lower_ in pronouns and token.pos_ == "PRON":
            if view is not self.view:
                return None
            shared = _object_before(token, self._people_word)  # "summoned the envoy and told him to leave"
            named = self._role_for(shared, exclude) if shared is not None else None
            if named is not None and (exclude is None or not _same(named, exclude)):
                return named
            return self._resolve(token, exclude)
        credit = view.headline_credit
        if credit is not None and credit[0] <= token.i < credit[1]:  # "... – Communications Ministry"
            return Role(view.text_of(*credit), view, *credit)
        if view is self.view and self._polity_description(
            token
        ):  # "gave the Gulf nation 10 days": the state named before
            resolved = self._resolve(token, exclude)
            if resolved.resolved and self.gazetteer.mentions(resolved.text):
                return resolved
        if view is self.view and self._leader_description(token):  # "the Iraqi leader": the name before
            named = self._resolve(token, exclude, person=True)
            if named.resolved and self._same_country(named.text, token):
                return named
        if view is self.view:
            counted = self._counted(token)
            if counted is not None:  # "The two were ordered to leave": the two employees named before
                named = self._role_for(counted, exclude)
                if named is not None and (exclude is None or not _same(named, exclude)):
                    return named
        start, end = syntax.noun_phrase(token)
        if token.i not in view.dateline:  # the dateline hung on the subject is no part of its name
            start = max([start] + [i + 1 for i in view.dateline if i < token.i])
        if end - start > MAX_PHRASE:
            start, end = max(start, token.i - MAX_PHRASE + 1), token.i + 1
        # "Iran's foreign ministry spokesman Nasser Kanaani", "the grouping, ECOWAS": title and name
        for child in token.children:
            if credit is not None and child.i >= credit[0]:
                continue  # a headline's credit is not a name of the phrase it closes
            if (
                child.dep_ == "appos"
                and (child.ent_type_ or child.pos_ == "PROPN")
                and child.ent_type_ not in TIME_LABELS
            ):
                name_start, name_end = syntax.noun_phrase(child)
                if name_start > 0 and token.doc[name_start - 1].text == "(" and name_end < len(token.doc):
                    name_end += token.doc[name_end].text == ")"  # "the Economic Community ... (ECOWAS)"
                if name_end - start <= MAX_PHRASE + 4:
                    end = max(end, name_end)
                else:
                    start, end = name_start, name_end
                break
        else:
            name_end_at = _name_set_off_after(token, end)
            if name_end_at is not None:  # "has given the President of The Gambia, Mr. Yahya Jammeh, till ..."
                end = name_end_at
        start = _without_lead(view, start, end)
        return Role(view.text_of(start, end), view, start, end)

    def _counted(self, token: Token) -> Token | None:
        """What a bare definite number stands for ("The two were ordered to leave"): the nearest
        earlier noun counted by the same number, in this sentence or the ones before ("two
        employees of the French Embassy"); ``None`` for any other word."""
        if token.pos_ != "NUM" or not any(c.dep_ == "det" for c in token.children):
            return None
        for view in [self.view, *reversed(self._context(True))]:
            counted = [
                t.head
                for t in view.doc
                if t.dep_ == "nummod"
                and t.lower_ == token.lower_
                and t.head.pos_ in ("NOUN", "PROPN")
                and (view is not self.view or t.i < token.i)
            ]
            if counted:
                return counted[-1]
        return None

    def _people_word(self, token: Token) -> bool:
        """A common noun for people who can be told to act: envoys, officials, a leader."""
        names = ("own_people", "officials", "mission_staff", "leader_nouns", "person_titles")
        return any(self.view.has_shared(name, {token.i}) for name in names)

    def _polity_description(self, token: Token) -> bool:
        """A definite description of a state that names none: "the country", "the Gulf nation"."""
        if token.pos_ != "NOUN" or token.ent_type_ or token.lower_ not in self.view.words_of("polity_nouns"):
            return False
        definite = any(c.dep_ == "det" and c.lower_ in ("the", "this") for c in token.children)
        return definite and not any(self.gazetteer.mentions(t.text) for t in token.subtree)

    def _addressee(self, pronoun: Token) -> Token | None:
        """Whom a quoted "you" addresses: the object of the speech verb outside the quote ("told
        the junta"), else what a word of address is directed to ("a message to the Taliban")."""
        view = self.view
        speech = view.shared("speech_verbs")
        for token in view.doc:
            if token.pos_ == "VERB" and speech.match_at(view.words, token.i):
                for child in token.children:
                    named = child.dep_ in ("dobj", "dative", "iobj") and child.pos_ in ("PROPN", "NOUN")
                    if named and pronoun.i not in syntax.subtree(child):
                        return child
        for token in view.doc:
            if token.dep_ == "pobj" and token.head.lower_ in ("to", "at") and pronoun.i not in syntax.subtree(token):
                if token.head.head.lower_ in view.words_of("address_words"):
                    return token
        return None

    def _leader_description(self, token: Token) -> bool:
        """A definite description of a ruler by country that names nobody: "the Iraqi leader",
        "the Yugoslav president" (not "the Iraqi leader Saddam Hussein")."""
        if token.pos_ != "NOUN" or token.ent_type_ or token.lower_ not in self.view.words_of("leader_nouns"):
            return False
        children = list(token.children)
        definite = any(c.dep_ == "det" and c.lower_ in ("the", "this") for c in children)
        demonym = any(c.dep_ in ("amod", "compound") and self.gazetteer.mentions(c.text) for c in children)
        named = any(t.ent_type_ == "PERSON" and not self.gazetteer.mentions(t.text) for t in token.subtree)
        return definite and demonym and not named

    def _same_country(self, name: str, description: Token) -> bool:
        """Whether a name may be the ruler a description names: no country the gazetteer gives
        the name differs from the description's."""
        own = set(self.gazetteer.countries(name))
        described = {code for c in description.children for code in self.gazetteer.countries(c.text)}
        return not own or bool(own & described)

    def _resolve(self, pronoun: Token, exclude: Role | None, person: bool | None = None) -> Role:
        """The nearest fitting name: earlier in the sentence, then the context, subjects first.

        The subject of "..., he said" never refers into the quote it introduces.
        """
        if pronoun.lower_ in ("you", "your"):  # '"You have 48 hours," the minister told the junta'
            addressee = self._addressee(pronoun)
            if addressee is not None:
                role = self._role_for(addressee, exclude)
                if role is not None and role.resolved:
                    return role
        if person is None:
            person = pronoun.lower_ in self.view.words_of("person_pronouns")
        sayer = self._sayer(pronoun) if person else None
        if sayer is not None:  # "The PM's spokesman said he did not recognise this account"
            role = self._role_for(sayer, exclude)
            if role is not None and (exclude is None or not _same(role, exclude)):
                return role
        told = self._told(pronoun)
        if told is not None:  # "warned settlers that they would be removed": the settlers
            role = self._role_for(told, exclude)
            if role is not None and (exclude is None or not _same(role, exclude)):
                return role
        quote: set[int] = set()
        if pronoun.dep_ == "nsubj" and self.view.shared("speech_verbs").match_at(self.view.words, pronoun.head.i):
            quote = syntax.subtree(pronoun.head)

        own = syntax.subtree(pronoun)  # "the Moldovan leader" is not its own antecedent

        def before(found: list[tuple[int, int]]) -> list[tuple[int, int]]:
            return [c for c in found if c[0] < pronoun.i and c[0] not in quote and c[0] not in own]

        earlier = list(reversed(self._context(True)))
        is_pronoun = pronoun.pos_ == "PRON"
        plural = pronoun.lower_ in self.view.words_of("plural_pronouns")
        pools = [(self.view, before(self._antecedents(self.view, person, is_pronoun, plural)))] + [
            (view, self._antecedents(view, person, is_pronoun, plural)) for view in earlier
        ]
        if person:  # names first; an office-holder ("the ambassador") only when no name fits
            pools += [(self.view, before(self._titled(self.view)))] + [(view, self._titled(view)) for view in earlier]
        for view, found in pools:
            for start, end in _by_salience(view, found):
                role = Role(view.text_of(start, end), view, start, end)
                if exclude is not None and (_same(role, exclude) or role.text in exclude.text):
                    continue
                return role
        if person:  # '"He has to go," Biden said of Putin': a name later in the same sentence
            # never one inside what the pronoun's own clause says or does ("She rejected a report
            # that Mr Sedov had been beaten": she is not Mr Sedov)
            clause: set[int] = set()
            if pronoun.dep_ in ("nsubj", "nsubjpass"):
                clause = {
                    i
                    for t in pronoun.head.subtree
                    if t.dep_ in ("ccomp", "acl") and t.i != pronoun.head.i
                    for i in syntax.subtree(t)
                }
            for start, end in self._antecedents(self.view, person):
                if start > pronoun.i and start not in clause:
                    role = Role(self.view.text_of(start, end), self.view, start, end)
                    if exclude is None or not (_same(role, exclude) or role.text in exclude.text):
                        return role
        return Role(pronoun.text, self.view, pronoun.i, pronoun.i + 1, resolved=False)

    @staticmethod
    def _told(pronoun: Token) -> Token | None:
        """Whom a "they" stands for in what they were told: the plural object of the verb whose
        reported clause (or a condition inside it) the pronoun is the subject of ("warned
        settlers that they would be removed by force if they did not leave")."""
        if pronoun.lower_ != "they" or pronoun.dep_ not in ("nsubj", "nsubjpass"):
            return None
        clause = pronoun.head
        if clause.dep_ == "advcl" and clause.head.i != clause.i:
            clause = clause.head  # "... if they did not leave": the condition of the reported clause
        if clause.dep_ != "ccomp" or clause.head.i == clause.i:
            return None
        told = (c for c in clause.head.children if c.dep_ in ("dobj", "dative") and c.i < pronoun.i)
        return next((c for c in told if c.tag_ in ("NNS", "NNPS")), None)

    def _sayer(self, pronoun: Token) -> Token | None:
        """Who says what a "he" or "she" does, when that one is a person named or titled: "the
        PM's official spokesman said he did not recognise ..." (the subject of the speech verb
        whose reported clause the pronoun is the subject of). Which person a reported "he" is
        goes first to the one reporting, not to the last name before him."""
        if pronoun.dep_ not in ("nsubj", "nsubjpass") or pronoun.lower_ not in ("he", "she"):
            return None
        clause = pronoun.head
        if clause.dep_ != "ccomp" or clause.head.i == clause.i or clause.i < clause.head.i:
            return None  # '"He must step down," the minister said': a quote put first is another's
        speech = clause.head
        if not self.view.shared("speech_verbs").match_at(self.view.words, speech.i):
            return None
        subject = next((c for c in speech.children if c.dep_ == "nsubj"), None)
        if subject is None or subject.pos_ == "PRON":
            return None
        if subject.ent_type_ == "PERSON" or self._people_word(subject):
            return subject
        return None

    def _antecedents(
        self, view: SentenceView, person: bool, pronoun: bool = True, plural: bool = False
    ) -> list[tuple[int, int]]:
        """Candidate antecedents in ``view``, in text order, as readable phrases. A demonym
        describing someone ("the Canadian ambassador") names a state "the country" may refer
        to, but nothing a pronoun ("it") does, except the official body it describes ("the
        Chinese defence ministry ... It rejected the report") and, for a ``plural`` pronoun,
        the officials it describes ("Chinese officials ... They described the article as ...")."""
        wanted = {"PERSON"} if person else {"ORG", "GPE", "NORP"}
        found: list[tuple[int, int]] = []
        covered: set[int] = set()
        parsed = syntax.parsed(view.doc)
        for ent in view.doc.ents:
            if ent.label_ not in wanted or ent.start in view.dateline:  # "BANGKOK (Reuters) - ... it"
                continue
            if pronoun and ent.label_ == "NORP" and ent.root.pos_ == "ADJ":
                body = ent.root.head
                officials = body.lower_ in view.words_of("official_bodies") or (
                    plural and body.tag_ == "NNS" and view.has_shared("officials", {body.i})
                )
                if parsed and ent.root.dep_ == "amod" and officials:
                    found.append(syntax.noun_phrase(body))  # "the Chinese defence ministry": what "it" may be
                    covered.update(range(ent.start, ent.end))
                continue
            if parsed:
                start, end = syntax.noun_phrase(ent.root)
            else:
                start, end = syntax.titled_name(ent.start, ent.end, view.doc)
            start, end = min(start, ent.start), max(end, syntax.without_possessive_mark(view.doc, ent.start, ent.end))
            if end - start > MAX_PHRASE:
                start, end = ent.start, ent.end
            found.append((start, end))
            covered.update(range(ent.start, ent.end))
        for token in view.doc:
            if not person and parsed and token.i not in covered and self._polity_description(token):
                found.append(syntax.noun_phrase(token))  # "the kingdom gave ... what it called"
                continue
            if not person and pronoun and parsed and token.i not in covered and self._official_subject(view, token):
                found.append(syntax.noun_phrase(token))  # "The defence ministry said ... It rejected"
                continue
            if token.i in covered or token.pos_ != "PROPN" or not self.gazetteer.mentions(token.text):
                continue
            if not person:
                found.append((token.i, token.i + 1))
            elif self._a_leader(token):  # "Maduro" tagged as an organisation is still a person
                found.append((token.i, token.i + 1))
        return sorted(found)

    @staticmethod
    def _official_subject(view: SentenceView, token: Token) -> bool:
        """An official body named by its common noun as a clause's subject ("the defence
        ministry said", "the army announced"): what a later "it" may stand for."""
        return (
            token.dep_ in ("nsubj", "nsubjpass")
            and token.pos_ in ("NOUN", "PROPN")  # "the defence ministry": tagged a name at times
            and not token.ent_type_
            and token.lower_ in view.words_of("official_bodies")
            and any(c.dep_ == "det" and c.lower_ == "the" for c in token.children)
        )

    def _a_leader(self, token: Token) -> bool:
        """A name the gazetteer knows as a country's leader or official, not its name, demonym
        or a place (capitals are tagged as places)."""
        code = self.gazetteer.code_of(token.text)
        if code is None or token.ent_type_ in PLACE_LABELS:
            return False
        return token.text != self.gazetteer.name_of(code) and not self.gazetteer.derived(token.text)

    def _titled(self, view: SentenceView) -> list[tuple[int, int]]:
        """Office-holders named by title, not name: "the Montenegrin ambassador ... gave him
        72 hours to leave". Antecedents of "he"/"him" when no name fits."""
        found: list[tuple[int, int]] = []
        for start, end in view.spans(view.shared("person_titles")):
            head = view.doc[end - 1]
            if head.pos_ == "NOUN" and not head.ent_type_ and head.i not in view.dateline:
                found.append(syntax.noun_phrase(head) if syntax.parsed(view.doc) else (start, end))
        return sorted(found)

    # ---- naming ----------------------------------------------------------------------------

    def as_state(self, role: Role | None, besides: str | None = None) -> Role | None:
        """The country a party stands for: "Chinese military aircraft" -> China, "the U.S.
        Navy" -> United States, "the Ukrainian border" -> Ukraine, "Turks" -> Turkey.

        A name the sentence gives the country or place keeps its words ("Gaza", "Moscow"); a
        demonym or the country's initials become its own name. A person (a leader sending
        troops) and a named place that is no country ("Diego Garcia") stay as written, as does
        a party whose only country is ``besides`` (the actor's, never the target's).
        """
        if role is None or not role.resolved:
            return role
        view = role.view
        head = view.doc[role.start : role.end].root
        for token in view.doc[role.start : role.end]:  # "the USS Abraham Lincoln": a navy's ship
            code = self.gazetteer.code_of(token.text) if view.has_shared("vessel_prefixes", {token.i}) else None
            if code is not None:
                return self._named_state(role, None, code)
        if head.ent_type_ == "PERSON":
            return role
        own = self.gazetteer.code_of(role.text)
        if own is not None:  # "U.S.", "the Kuwaiti border": the country's own name; "Gaza" stays
            as_written = _a_name(head) and not self.gazetteer.derived(role.text) and not _abbreviation(role.text)
            return role if own == besides or as_written else self._named_state(role, None, own)
        place = head.ent_type_ in PLACE_LABELS and not view.has_shared("state_edges", {head.i})
        if place and not self.gazetteer.mentions(head.text):
            return role
        for token in view.doc[role.start : role.end]:
            if token.i == head.i and not self.gazetteer.mentions(head.text):
                continue
            # "a column of Azerbaijani tanks": the demonym of what the head counts is the head's
            counted = token.head.dep_ == "pobj" and token.head.head.lower_ == "of" and token.head.head.head.i == head.i
            for name, code in self.gazetteer.named(token.text):
                if code != besides and (token.i <= head.i or token.dep_ in ("pobj", "poss") or counted):
                    written = name if _a_name(token) and not _abbreviation(name) else None
                    return self._named_state(role, written, code)
        return role

    def forces_by_demonym(self, besides: str | None) -> Role | None:
        """The state a demonym in the sentence gives something to ("Turkish troops", "Iraqi
        tanks", "the Turks"), other than ``besides``: who a buildup is by where the parse found
        nobody acting (headlines, passives). The first such demonym, outside the dateline."""
        view = self.view
        for token in view.doc:
            if token.i in view.dateline or token.dep_ not in ("amod", "compound", "nsubj"):
                continue
            if token.dep_ != "nsubj" and view.has_shared("state_edges", {token.head.i}):
                continue  # "the Ukrainian border" is the side approached, not whose forces
            code = self.gazetteer.code_of(token.text)
            if code is None or code == besides or not self._demonym(token, code):
                continue
            return self._named_state(Role(token.text, view, token.i, token.i + 1), None, code)
        return None

    def border_owner(self, target: Role | None) -> Role | None:
        """Whose border the forces went to, where the sentence names it against the target's:
        "sent to Chad's border with Sudan" -> Chad. Who sends forces to a border shared with the
        target is, short of any other word, the state on the near side of it."""
        code = self.state_code(target)
        if code is None or target is None or target.view is not self.view:
            return None
        view = self.view
        for token in view.doc:
            if token.i in view.dateline or token.pos_ != "NOUN" or not view.has_shared("state_edges", {token.i}):
                continue
            beyond = [
                t
                for child in token.children
                if child.dep_ == "prep" and child.lower_ in ("with", "between")
                for t in child.subtree
            ] + _trailing(token, ("with", "between"))
            if not any(code in self._states_of(t) for t in beyond):
                continue
            for owner in (c for c in token.children if c.dep_ == "poss"):
                states = self._states_of(owner)
                if len(states) == 1 and code not in states:
                    (own,) = states
                    return self._named_state(Role(owner.text, view, owner.i, owner.i + 1), None, own)
        return None

    def _demonym(self, token: Token, code: str) -> bool:
        """A word for a country's people or things ("Turkish", "Turks", "Iraqi"), not its name,
        capital or leader, however a tagger labels it in a headline."""
        own = self.gazetteer.name_of(code) or ""
        if token.text == own:
            return False
        return token.ent_type_ == "NORP" or self.gazetteer.derived(token.text) or token.text[:3] == own[:3]

    def a_state_approached(self, target: Role | None, own: str | None) -> Role | None:
        """A buildup's target that names no state ("the area", "the island", "the ADIZ") or the
        actor's own: the one other state the sentence names (outside a clause that only dates
        it and the words that only credit an outlet: "Turkish newspapers reported"), if there is
        exactly one; else a named place as written; else nothing (a common noun is no party)."""
        code = self.state_code(target)
        if target is not None and (not target.resolved or (code is not None and code != own)):
            return target
        view = self.view
        others: dict[str, tuple[int, int]] = {}
        dating = self.view.dating_clauses()
        credit = view.attribution
        for ent in view.doc.ents:
            if ent.start in view.dateline or ent.label_ == "PERSON" or ent.start in dating or ent.start in credit:
                continue
            for other in self.gazetteer.countries(ent.text):
                if other != own:
                    others.setdefault(other, (ent.start, ent.end))
        if len(others) == 1:
            ((other, (start, end)),) = others.items()
            return self._named_state(Role(view.text_of(start, end), view, start, end), None, other)
        if target is None or target.view is not view or code is not None:
            return None if code is not None else target  # the actor's own country is no target
        head = view.doc[target.start : target.end].root
        if head.ent_type_ in AMOUNT_LABELS:
            return None  # "moved to within 200 yards of the shrine": a distance is no place
        return target if head.ent_type_ or head.pos_ == "PROPN" else None

    def leaver(self, role: Role | None) -> Role | None:
        """``role``, or who is to leave where it names an act of leaving with its doer in it
        ("Indian troop withdrawal" -> India, "the withdrawal of French troops" -> French troops)."""
        if role is None or not role.resolved or role.view is not self.view:
            return role
        head = self.view.doc[role.start : role.end].root
        if not self.view.has_shared("leaving_acts", {head.i}):
            return role
        doer = self._act_doer(head)
        found = self._role_for(doer, None) if doer is not None else None
        return found if found is not None and found.resolved else role

    def demonym_as_state(self, role: Role | None) -> Role | None:
        """``role``, or its country's name where it is one demonym and nothing else."""
        if role is None or not role.resolved or role.end - role.start != 1 or not self.gazetteer.derived(role.text):
            return role
        code = self.gazetteer.code_of(role.text)
        return role if code is None else self._named_state(role, None, code)

    def place_as_state(self, role: Role | None, besides: str | None) -> Role | None:
        """A place named for itself that lies in one other country ("Crimea", "Pyongyang",
        "Essequibo" as a buildup's target) named as that country: whom forces massed there
        threaten. Only a place where they go ("near Pyongyang"): a capital that acts or speaks
        stands for its government as written. A place in the actor's own country (``besides``)
        and a territory the shared lexicon ``territories`` lists ("Gaza") stay as written."""
        if role is None or not role.resolved:
            return role
        code = self.gazetteer.code_of(role.text)
        if code is None or code == besides:
            return role
        view = role.view
        head = view.doc[role.start : role.end].root
        if head.ent_type_ in ("PERSON", "ORG", "NORP"):
            return role  # a leader or a movement the gazetteer lists ("Hamas") is no place
        if head.dep_ in ("nsubj", "nsubjpass", "poss", "appos"):
            return role  # a capital that speaks or acts ("Manila reported ...") is its government
        if view.has_shared("territories", role.indices):
            return role
        name = self.gazetteer.name_of(code)
        bare = role.text.removeprefix("the ").removeprefix("The ")
        return role if name is None or bare == name else self._named_state(role, None, code)

    def _named_state(self, role: Role, written: str | None, code: str) -> Role:
        name = written or self.gazetteer.name_of(code) or role.text
        return Role(name, role.view, role.start, role.end, role.resolved)

    def across_line(self, target: Role | None, own: str | None) -> Role | None:
        """The state across a named line between two states ("troops along the Line of Control"
        from Pakistan's side face India), where the target read is no state of that line (a
        place on it, "Kotli", or another state the sentence names, "the LAC with China")."""
        if own is None:
            return None
        view = self.view
        found = self.gazetteer.across(view.text, own)
        if found is None or self.state_code(target) in (own, found[0]):
            return None
        other, (first, last) = found
        line = view.doc.char_span(first, last, alignment_mode="expand")
        if line is None:
            return None
        return Role(self.gazetteer.name_of(other) or other, view, line.start, line.end)

    def state_code(self, role: Role | None) -> str | None:
        """The country a (state-named) party is, if it names exactly one."""
        if role is None or not role.resolved:
            return None
        codes = self.gazetteer.countries(role.text)
        return codes[0] if len(codes) == 1 else None

    def with_outlet(self, target: Role | None, actor: Role | None = None) -> Role | None:
        """A denied report named with the outlet that ran it: "reports published by Indian media",
        "the report (The Washington Free Beacon)". The outlet is the one the report's phrase hangs
        on ("a report in the Daily Post"), else one named elsewhere in the sentence (never its
        own attribution: "..., Reuters reported" tells who reports the denial), else the latest
        one in the sentences before (there, attribution is the report's own source), never one
        in the ``actor``'s own words ("Director General of International Media"). A report
        that names its outlet, or with no outlet in sight, keeps its words."""
        if target is None or not target.resolved or target.view is not self.view:
            return target
        view = self.view
        head = view.doc[target.start : target.end].root
        if not view.has_shared("report_nouns", {head.i}) or self._outlet_in(view, target.indices):
            return target
        attached = self._attached_outlet(head)
        if attached is not None and attached.i >= target.end:
            end = max(syntax.noun_phrase(attached)[1], attached.i + 1)
            if end - target.start < 2 * MAX_PHRASE:
                return Role(view.text_of(target.start, end), view, target.start, target.end)
        avoid = view.attribution | target.indices
        if actor is not None and actor.view is view:
            avoid = avoid | set(range(actor.start, actor.end))
        named = next((self._outlet_phrase(view, s, e) for s, e in self._outlets(view) if s not in avoid), None)
        before = self.outlet_before() if named is None else None
        outlet = named or (before.text if before is not None else None)
        if outlet is None:
            return target
        return Role(f"{target.text} ({outlet})", view, target.start, target.end)

    def _attached_outlet(self, head: Token) -> Token | None:
        """The outlet a report's phrase hangs on: "a report by some media", "reports published
        in the Daily Post" (the object of its preposition)."""
        view = self.view
        hanging = [head, *(c for c in head.children if c.dep_ in ("acl", "relcl") and c.pos_ == "VERB")]
        for word in hanging:
            for child in word.children:
                if child.dep_ not in ("prep", "agent") or child.lower_ not in view.words_of("outlet_prepositions"):
                    continue
                outlet = next((c for c in child.children if c.dep_ == "pobj"), None)
                if outlet is None:
                    continue
                tree = syntax.subtree(outlet)
                if self._outlet_in(view, tree) or any(view.doc[i].ent_type_ in OUTLET_LABELS for i in tree):
                    return outlet
        return None

    def _outlet_in(self, view: SentenceView, indices: set[int]) -> bool:
        return any(s in indices for s, _e in view.media) or self.standing.media_entity(view, indices)

    def _outlets(self, view: SentenceView) -> list[tuple[int, int]]:
        """Outlets named in ``view``: media ("Reuters", "Western media"), organisations whose
        name reads as an outlet, and organisations that report or publish ("X reported that")."""
        found = [(s, e) for s, e in view.media if self._an_outlet_mention(view, s, e)]
        publishing = view.words_of("publishing_verbs")
        for ent in view.doc.ents:
            if ent.label_ != "ORG" or ent.start in view.dateline:  # "DUBLIN (The Irish Times) -" filed it
                continue
            root = ent.root
            publishes = root.dep_ == "nsubj" and root.head.lower_ in publishing
            if publishes or self.standing.media_entity(view, {ent.start}):
                found.append((ent.start, ent.end))
        return sorted(set(found))

    def party(self, token: Token) -> Role | None:
        """The party ``token`` names, as a role source's filler would be named."""
        return self._role_for(token, None)

    def outlet(self) -> Role | None:
        """The outlet this sentence names as a party (not its own attribution, not one an
        official spoke to): the party of a denial that names no report ("accused CNN of
        spreading false information")."""
        view = self.view
        for start, end in self._outlets(view):
            if start not in view.attribution:
                phrase = self._outlet_phrase(view, start, end)
                return Role(phrase, view, start, end)
        return None

    def outlet_before(self) -> Role | None:
        """The outlet the latest sentence before that names one names first: whose report a
        denial answers when its own sentence names no outlet ("The Times reported that ... ."
        then "The president said the accusations were false"). There, an outlet that reports is
        the report's own source."""
        for context in reversed(self._context(True)):
            found = self._outlets(context)
            if found:
                start, end = found[0]
                return Role(self._outlet_phrase(context, start, end), context, start, end)
        return None

    @staticmethod
    def _an_outlet_mention(view: SentenceView, start: int, end: int) -> bool:
        """Media named as a party, not a "press conference", the dateline's "(AP)", or the outlet
        an official spoke to ("told Al Jazeera")."""
        root = view.doc[start:end].root
        if start in view.dateline:
            return False
        modifier = root.dep_ in ("compound", "amod") and not start <= root.head.i < end
        if modifier and not view.has_shared("report_nouns", {root.head.i}):  # "a BBC report", not "press conference"
            return False
        spoken_to = root.dep_ in ("dative", "iobj", "dobj") or (root.dep_ == "pobj" and root.head.lower_ == "to")
        return not (spoken_to and view.words_of("speech_verbs") & {root.head.lower_, root.head.head.lower_})

    @staticmethod
    def _outlet_phrase(view: SentenceView, start: int, end: int) -> str:
        """An outlet's readable name: its noun phrase ("Western media", "several news outlets")."""
        head = view.doc[start:end].root
        if syntax.parsed(view.doc) and head.pos_ in ("NOUN", "PROPN"):
            phrase_start, phrase_end = syntax.noun_phrase(head)
            if phrase_end - phrase_start <= MAX_PHRASE:
                start, end = min(start, phrase_start), max(end, phrase_end)
        return view.text_of(start, end)

    # ---- checks ----------------------------------------------------------------------------

    def agency(self, target: Role | None) -> str | None:
        """The news or wire agency whose report is at issue: in the report, the sentence, or before."""
        view = self.view
        if target is not None and target.view is view:
            tree = syntax.subtree(view.doc[target.start : target.end].root) | target.indices
            named = view.referenced_media + [
                (ent.start, ent.end)
                for ent in view.doc.ents
                if ent.label_ == "ORG" and self.standing.media_entity(view, {ent.start})
            ]
            for start, end in sorted(named):
                if start in tree and view.doc[start:end].text[:1].isupper():
                    return view.text_of(*_whole_name(view, start, end))
        outlets = view.shared("media_outlets")
        for start, end in view.spans(outlets):
            if start not in view.attribution:
                return view.text_of(start, end)
        for context in reversed(self._context(False)):
            found = context.spans(outlets)
            if found:
                start, end = found[-1]
                return context.text_of(start, end)
        for start, end in view.spans(outlets):
            return view.text_of(start, end)
        return None


def _spreads(view: SentenceView, verb: Token) -> bool:
    """Whether ``verb`` puts words about (spreads or publishes): its subject is whose words they are."""
    return verb.lower_ in view.words_of("spreading_verbs") or verb.lower_ in view.words_of("publishing_verbs")


def _name_set_off_after(token: Token, end: int) -> int | None:
    """Where a person's name set off by commas right after ``token``'s phrase ends, when the
    parser hung it beside the phrase as a second object ("has given the President of The
    Gambia, Mr. Yahya Jammeh, till midnight"): the name is the phrase's, not another party."""
    doc = token.doc
    if token.dep_ not in ("dobj", "dative", "nsubj", "nsubjpass") or end + 2 >= len(doc) or doc[end].text != ",":
        return None
    name = doc[end + 1 :]
    stop = next((t.i for t in name if t.is_punct and t.text not in (".", "-")), None)
    if stop is None or doc[stop].text != "," or stop - end > 5:
        return None
    inner = doc[end + 1 : stop]
    root = inner.root
    if root.head.i != token.head.i or root.dep_ != token.dep_ or not any(t.ent_type_ == "PERSON" for t in inner):
        return None
    return stop


def _two_outlets(view: SentenceView, start: int, end: int) -> bool:
    """Whether a recognised name is two outlets run together across a "the" ("AFP the
    Guardian's"): each side of it holds an outlet the shared lexicon names."""
    doc = view.doc
    outlets = view.spans(view.shared("media_outlets"))
    for i in range(start + 1, end - 1):
        if doc[i].lower_ == "the":
            if any(start <= s < i for s, _e in outlets) and any(i < s < end for s, _e in outlets):
                return True
    return False


def _whole_name(view: SentenceView, start: int, end: int) -> tuple[int, int]:
    """An outlet's whole name around the word that marked it: "Daily" is the start of "the
    Daily Mail", "Times" the end of "the Nyasa Times" (the longest medium or organisation
    over the word, without its article)."""
    for s, e in view.media:
        if s <= start < e and e - s > end - start:
            start, end = s, e
    for ent in view.doc.ents:
        if ent.label_ == "ORG" and ent.start <= start < ent.end:
            if _two_outlets(view, ent.start, ent.end):
                continue  # "told AFP the Guardian's story ...": two outlets read as one name
            start, end = min(start, ent.start), max(end, syntax.entity_end(view.doc, ent.start, ent.end))
    # "the Sydney Morning Herald", "Sahara Reporters" (recognised as no organisation, or not at
    # all): the capitalised names compounded on the word that marked the outlet
    doc = view.doc
    while start > 0 and doc[start - 1].dep_ == "compound" and doc[start - 1].pos_ == "PROPN":
        if not start <= doc[start - 1].head.i < end:
            break
        start -= 1
    if doc[start].lower_ == "the" and end - start > 1:
        start += 1
    return start, end


@party_namings.register("as_written")
def _parties_as_written(finder: RoleFinder, actor: Role | None, target: Role | None) -> tuple[Role | None, Role | None]:
    """The parties in the sentence's own words; a party that is a demonym alone ("Armenian" of
    "full Armenian withdrawal") is named as its country, which is what the word stands for,
    and a target read as an act of leaving ("a deadline for Indian troop withdrawal") as who
    is to leave."""
    return finder.demonym_as_state(actor), finder.demonym_as_state(finder.leaver(target))


@party_namings.register("states")
def _parties_as_states(finder: RoleFinder, actor: Role | None, target: Role | None) -> tuple[Role | None, Role | None]:
    """The parties as the countries they stand for (forces, borders, demonyms); the target is
    never the actor's own country ("Turkish troops massed on the Turkish side of the border")."""
    actor = finder.as_state(actor)
    own = finder.state_code(actor)
    target = finder.a_state_approached(finder.as_state(target, besides=own), own)
    target = finder.across_line(target, own) or target
    target = finder.place_as_state(target, own)
    if actor is None or finder.state_code(actor) is None:
        # Nobody acting, or someone naming no state ("the president", "officials", an unknown
        # minister): the near side of the border the forces went to ("Chad's border with
        # Sudan"), else whose forces by demonym ("More Turkish Troops Move to the Iraq Border").
        fallback = finder.border_owner(target) or finder.forces_by_demonym(besides=finder.state_code(target))
        actor = fallback or actor
    if actor is None and target is not None:
        # "According to Turkish officials, the convoy ... headed towards the border to enter
        # Syria", read with Turkey approached and nobody acting: the state the sentence's
        # demonyms name (its forces' or officials') acts, and the other state named is
        # approached (where there is none, the reading stands: a target is required)
        own_forces = finder.forces_by_demonym(besides=None)
        code = finder.state_code(own_forces)
        if code is not None and code == finder.state_code(target):
            approached = finder.a_state_approached(None, code)
            if approached is not None:
                return own_forces, approached
    return actor, target


@party_namings.register("reports_with_outlet")
def _reports_with_outlet(
    finder: RoleFinder, actor: Role | None, target: Role | None
) -> tuple[Role | None, Role | None]:
    """The actor as written; a denied report named with the outlet that ran it."""
    return actor, finder.with_outlet(target, actor)


LEAD_POS = frozenset({"ADV", "ADP", "CCONJ", "SCONJ", "PUNCT", "PART", "INTJ"})


def _abbreviation(name: str) -> bool:
    """A country's initials ("U.S.", "UK", "DRC"), which a party is better named without."""
    bare = name.removeprefix("the ").removeprefix("The ").replace(".", "")
    return bare.isupper() and len(bare) <= 4


def _a_name(token: Token) -> bool:
    """A place's or country's name as written ("U.S.", "Iraq", "Gaza"), not a demonym ("Iraqi");
    in an organisation's name ("the U.S. Navy") only an abbreviation tells."""
    if token.ent_type_ == "ORG":
        return token.text.replace(".", "").isupper()
    return token.ent_type_ in ("GPE", "LOC", "FAC") or (not token.ent_type_ and token.pos_ == "PROPN")


def _without_lead(view: SentenceView, start: int, end: int) -> int:
    """The start of a role without a leading adverb or connective ("Earlier Homeland Security
    Secretary Kristi Noem" is Kristi Noem's role, not "Earlier ..."), nor an adjective the
    parser hung on a noun phrase from before its article ("false a report")."""
    doc = view.doc
    lead = view.shared("role_lead_words")
    while start < end - 1 and (
        doc[start].pos_ in LEAD_POS
        or doc[start].i in view.dateline
        or lead.match_at(view.words, start)
        or (doc[start].pos_ == "ADJ" and doc[start + 1].pos_ == "DET")  # "dismissed as false a report"
    ):
        start += 1
    return start


def _by_salience(view: SentenceView, found: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Latest first, with grammatical subjects ahead of other mentions when parsed."""
    latest_first = list(reversed(found))
    if not syntax.parsed(view.doc):
        return latest_first

    def is_subject(span: tuple[int, int]) -> bool:
        root = view.doc[span[0] : span[1]].root
        if root.dep_ == "pobj" and root.head.lower_ in ("from", "of"):
            root = root.head.head  # "Leaders from ECOWAS have ordered ...": the body the subject is of
        # "Thailand's army said it ...": the state whose body is the subject counts as one
        return root.dep_ in ("nsubj", "nsubjpass") or (root.dep_ in ("appos", "poss") and root.head.dep_ == "nsubj")

    return [s for s in latest_first if is_subject(s)] + [s for s in latest_first if not is_subject(s)]


def _trailing(token: Token, prepositions: tuple[str, ...]) -> list[Token]:
    """The phrase of one of ``prepositions`` right after ``token``'s phrase that the parser hung
    on a word above it: "sent to Iran's border with Afghanistan" (with -> sent)."""
    doc = token.doc
    end = token.right_edge.i + 1
    if end < len(doc) and doc[end].dep_ == "prep" and doc[end].lower_ in prepositions:
        if any(doc[end].head.i == above.i for above in token.ancestors):
            return list(doc[end].subtree)
    return []


def _without_clauses(root: Token) -> list[tuple[Token, int]]:
    """``root``'s subtree minus relative and adverbial clauses, with each token's depth."""
    kept: list[tuple[Token, int]] = []
    stack = [(root, 0)]
    while stack:
        token, depth = stack.pop()
        kept.append((token, depth))
        stack.extend((c, depth + 1) for c in token.children if c.dep_ not in ("relcl", "advcl", "ccomp", "parataxis"))
    return kept


def _preposition(token: Token) -> bool:
    """A preposition heading a phrase ("to" in "sends troops to X" is often parsed "dative")."""
    return token.dep_ == "prep" or (token.dep_ == "dative" and token.lower_ in DESTINATION_PREPS)


def _without_places(root: Token) -> list[Token]:
    """``root``'s subtree in text order, without its prepositional phrases other than "of"
    (whose forces: "troops of Russia", not where they are: "troops to the Iraqi border")."""
    kept: list[Token] = []
    stack = [root]
    while stack:
        token = stack.pop()
        kept.append(token)
        stack.extend(c for c in token.children if not _preposition(c) or c.lower_ == "of")
    return sorted(kept, key=lambda token: token.i)


def _object_before(pronoun: Token, people: Callable[[Token], bool]) -> Token | None:
    """Whom a pronoun object stands for when its verb is coordinated with an earlier one that
    names him: "declared the official persona non grata and asked him to leave", "spoke to
    Mubarak and told him", "accused the diplomats of ... and gave them 72 hours". The earlier
    verb's object (or the object of its "to"): a name, or a word ``people`` takes for people
    (not "declared X persona non grata"), agreeing in number."""
    if pronoun.dep_ not in ("dobj", "dative", "iobj") or pronoun.head.dep_ != "conj":
        return None
    first = pronoun.head.head
    objects = [c for c in first.children if c.dep_ in ("dobj", "dative")]
    # "declared the advisers persona non grata and gave them a week": the subject of the small
    # clause the first verb takes
    objects += [g for c in first.children if c.dep_ in ("ccomp", "oprd") for g in c.children if g.dep_ == "nsubj"]
    objects += [
        g for c in first.children if c.dep_ == "prep" and c.lower_ == "to" for g in c.children if g.dep_ == "pobj"
    ]
    plural = pronoun.lower_ == "them"  # (the parse used here carries no morphology)
    for thing in objects:
        if thing.pos_ not in ("NOUN", "PROPN") or not (thing.ent_type_ or people(thing)):
            continue
        # "them" for "the diplomats" or for "the ambassador and the consul"
        if plural == (thing.tag_ in ("NNS", "NNPS") or any(c.dep_ == "conj" for c in thing.children)):
            return thing
    return None


# Messages one party sends another: "Trump's letter to Khamenei set a two-month deadline" is
# Trump's demand of Khamenei. Narrower than the shared address_words: "the military's statement"
# stays the statement's party as read before.
MESSAGE_NOUNS = frozenset({"letter", "message", "note", "missive"})


def _writer(subject: Token) -> Token | None:
    """Who sent the message that is a clause's subject ("Trump's letter to Khamenei")."""
    if subject.lower_ not in MESSAGE_NOUNS:
        return None
    return next((c for c in subject.children if c.dep_ == "poss" and c.pos_ in ("PROPN", "NOUN")), None)


def _addressed(subject: Token) -> Token | None:
    """Whom a message that is a clause's subject went to ("Trump's letter to Khamenei")."""
    if subject.lower_ not in MESSAGE_NOUNS:
        return None
    to = next((c for c in subject.children if c.dep_ == "prep" and c.lower_ == "to"), None)
    return next((c for c in to.children if c.dep_ == "pobj"), None) if to is not None else None


def _same(one: Role, other: Role) -> bool:
    return one.view is other.view and one.start == other.start and one.end == other.end


def _courtesy_name(role: Role) -> bool:
    """A name after a courtesy word that the recogniser left untyped ("Mr Theede")."""
    tokens = role.view.doc[role.start : role.end]
    courtesy = role.view.words_of("honorifics")
    return (
        len(tokens) >= 2
        and tokens[0].lower_ in courtesy
        and all(t.pos_ == "PROPN" and t.ent_type_ in ("", "PERSON") for t in tokens[1:])
    )


def _whose(view: SentenceView, index: int) -> set[int]:
    """The words saying whose a title is, after it: "spokesman for the Liberal Democrats"."""
    doc = view.doc
    if index + 1 >= len(doc) or doc[index + 1].lower_ not in ("for", "of"):
        return set()
    found: set[int] = set()
    for token in doc[index + 2 : index + 2 + TITLE_REACH]:
        if token.is_punct or token.pos_ in ("VERB", "AUX"):
            break
        found.add(token.i)
    return found


def _title_words(view: SentenceView, index: int) -> set[int]:
    """Token indices of the title beside the name ending at ``index``, read without a parse: the
    words just before it back to a punctuation mark (a name's own hyphen is none: "army
    spokesman Tamer a-Rifai"), and a phrase set off by a comma after it
    ("Michael Howard, the Conservative leader,")."""
    doc = view.doc
    found: set[int] = set()
    i = index - 1
    while i >= 0 and index - i <= TITLE_REACH and (not doc[i].is_punct or doc[i].text == "-"):
        found.add(i)
        i -= 1
    if index + 1 < len(doc) and doc[index + 1].text == ",":
        j = index + 2
        while j < len(doc) and j - index <= TITLE_REACH + 1 and not doc[j].is_punct:
            found.add(j)
            j += 1
    return found
