"""Who may count as what: official bodies, agents, political targets, media reports.

These judgements are separate from finding the roles (``roles.py``): a rule names the standing
it needs (``actor_must_be``, ``target_must_be``) and the finder asks here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from services.detector import syntax
from services.detector.gazetteer import Gazetteer
from services.detector.view import SentenceView

if TYPE_CHECKING:
    from spacy.tokens import Token

    from services.detector.roles import Role

AGENT_LABELS = frozenset({"ORG", "GPE", "NORP", "PERSON"})


class Standing:
    """Judges role fillers with the shared lexicons, the entities and the gazetteer."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer

    def agentive(self, role: Role) -> bool:
        """Can this filler act? A name (an acronym included), an official body, a state
        described ("the kingdom"), a group or company, a pronoun."""
        if not role.resolved:
            return True
        view, indices = role.view, role.indices
        if any(view.doc[i].ent_type_ in AGENT_LABELS for i in indices):
            return True
        if self.gazetteer.mentions(role.text):
            return True
        head = view.doc[role.start : role.end].root
        if head.pos_ == "PROPN" and head.text.isupper() and len(head.text) > 1:
            return True  # an acronym the recogniser left untyped: "ECOMOG said"
        return any(
            view.has_shared(name, indices)
            for name in ("officials", "blocked_actors", "companies", "media_nouns", "agent_nouns", "polity_nouns")
        )

    def disqualifying(self, role: Role) -> bool:
        """A filler that is plainly the wrong kind (a company, protesters, an outlet, a coach, a
        militia)."""
        return any(
            role.view.has_shared(name, role.indices)
            for name in (
                "blocked_actors",
                "companies",
                "blocked_targets",
                "media_outlets",
                "media_nouns",
                "armed_groups",
            )
        )

    def official(self, view: SentenceView, indices: set[int]) -> bool:
        """A government, ministry, military, embassy or office-holder; not a company, an outlet
        or a sports body ("the Spanish Football Federation"). A relative clause in the phrase
        says nothing of its standing ("the sister of a man who died in the ministry's custody")."""
        if any(view.has_shared(name, indices) for name in ("companies", "blocked_actors", "sports", "armed_groups")):
            return False
        indices = syntax.without_relative_clauses(view.doc, indices)
        if any(s in indices for s, _e in view.spans(view.shared("media_outlets"))):
            return False
        # "press secretary", "the military's media wing": a medium's word inside an office's name,
        # or in its portfolio ("Director General of International Media")
        offices = view.remembered("offices", lambda: _offices(view))
        if any(s in indices and s not in offices for s, _e in view.spans(view.shared("media_nouns"))):
            return False
        for ent in view.doc.ents:
            if ent.start in indices and ent.label_ == "ORG":
                inner = set(range(ent.start, ent.end))
                if inner <= offices:
                    continue
                # "the Spokesperson" a tagger takes for an organisation is still a spokesperson
                if any(view.has_shared(name, inner) for name in ("officials", "spokespeople")):
                    continue
                # "Government spokesman Phay Siphan": a name after the title is the office-holder's,
                # however the tagger labels it ("Nokia spokesman" stays a company's)
                if ent.start - 1 in indices and any(
                    view.has_shared(name, {ent.start - 1}) for name in ("officials", "spokespeople")
                ):
                    continue
                if _initials_in_brackets(view, ent.start, ent.end):
                    continue  # "Egypt's State Information Service (SIS)": the body's own initials
                after = view.doc[ent.end] if ent.end < len(view.doc) else None
                if after is not None and not after.is_punct and offices & {ent.end, ent.end + 1}:
                    continue  # "Anti-Blockade Policies Deputy Minister": the office's portfolio before it
                if not self.gazetteer.mentions(ent.text):
                    return False
        if view.has_shared("officials", indices):
            return True
        if view.has_shared("spokespeople", indices) and not self._a_person_s(view, indices):
            return True
        # "the kingdom gave the ambassador 24 hours": a state described, not named
        if view.has_shared("polity_nouns", indices):
            return True
        if any(view.doc[i].ent_type_ in ("GPE", "NORP") for i in indices):
            return True
        return self.gazetteer.mentions(" ".join(view.doc[i].text for i in sorted(indices)))

    @staticmethod
    def _a_person_s(view: SentenceView, indices: set[int]) -> bool:
        """A spokesperson named as a person's ("Irrfan Khan's spokesperson", "a spokeswoman for
        the singer"): a private principal, where a bare "the spokesperson", "spokesperson Geng
        Shuang" or "the ministry's spokesman" speaks for an office."""
        public = ("officials", "polity_nouns", "agent_nouns", "leader_nouns", "person_titles")
        for i in indices:
            token = view.doc[i]
            # "Irrfan Khan's spokesperson", or "a spokeswoman for the singer"
            principal = token.dep_ == "poss" or (
                token.dep_ == "pobj" and token.head.lower_ == "for" and token.head.head.i in indices
            )
            if not principal:
                continue
            if token.ent_type_ == "PERSON":
                return True
            if token.pos_ == "NOUN" and not any(view.has_shared(name, {i}) for name in public):
                return True
        return False

    def actor_ok(self, kind: str, actor: Role | None) -> bool:
        """Whether ``actor`` meets a rule's ``actor_must_be``."""
        if kind == "any":
            return True
        if actor is None:
            return kind == "not_blocked"
        if not actor.resolved:
            return kind == "not_blocked"
        titles = self._titles(actor)
        if actor.view.has_shared("blocked_actors", actor.indices | titles):
            return False  # "Francisco de Mata Vela, head of the Constitutional Court": a court's
        if kind == "not_blocked":
            # "Tamil Tiger rebels warned the government they will resume fighting unless ...":
            # an armed group's threat is no state's, as a company's is none
            # ("the Contact Group": a company's word inside an official body's name is neither)
            beside = actor.indices - actor.view.covered(actor.view.shared("officials"))
            return not any(actor.view.has_shared(name, beside) for name in ("companies", "armed_groups"))
        if kind == "official_or_named" and not titles and _a_name_only(actor):
            return True  # "..., Demirel said": a person the sentence gives no office, nor a wrong one
        return self.official(actor.view, actor.indices | titles)

    @staticmethod
    def _titles(role: Role) -> set[int]:
        return titles_of(role)

    def target_ok(self, kind: str, target: Role | None) -> bool:
        """Whether ``target`` meets a rule's ``target_must_be``."""
        if kind == "any" or target is None or not target.resolved:
            return True
        view, indices = target.view, target.indices
        if kind == "beyond_origin":
            return True  # read in the sentence, by RoleFinder.target_ok
        if kind == "not_blocked":
            # "gave oil firms until Friday to leave": a company, club or party is no one a
            # state's threat is aimed at; whoever else (hostages held, a town) may be
            head = view.doc[target.start : target.end].root
            blocked = any(
                view.has_shared(name, {head.i}) for name in ("companies", "blocked_actors", "blocked_targets")
            )
            return not blocked or view.has_shared("officials", indices)
        if kind == "political":
            # "staff" of a company is no party; "staff of the United Nations", "embassy staff" are
            # (an office named beside the blocked words, not inside them: "coalition partners")
            beside = set(indices) - view.covered(view.shared("blocked_targets"))
            named_beside = {i for i in beside if view.doc[i].pos_ != "PRON"}  # "diplomatic staff"
            if view.has_shared("blocked_targets", indices) and not (
                view.has_shared("officials", beside)
                or view.has_shared("political_targets", named_beside)
                or self._of_a_state(target)
            ):
                return False
            if self.own_people(target):
                return False
            head = view.doc[target.start : target.end].root
            if view.has_shared("blocked_actors", {head.i}) and not view.has_shared("officials", indices):
                return False  # "gave the UK Independence Party an ultimatum": a party, a club, a court
            if self.political_by_name(target):
                return True
            return any(view.doc[i].ent_type_ in AGENT_LABELS for i in indices)
        if self.government_claim(target):
            return False
        return not (self._only_a_label(target) and self._answers_a_party_claim(target))

    def political_by_name(self, target: Role) -> bool:
        """A target whose words make it a state's party: a leader, government, army or rebels,
        an official body, or a name the gazetteer knows. A name the recogniser merely tags
        (an organisation, a person) may be a company's or anybody's: its standing is unproven,
        and only a sure judge may make a demand on it an ultimatum ("gave Microsoft until the
        end of the month to comply")."""
        view = target.view
        # whose it is does not make a thing a party: "his country's patience" is no country
        head = view.doc[target.start : target.end].root
        owners = {i for c in head.children if c.dep_ == "poss" for i in syntax.subtree(c)}
        indices = target.indices - owners if head.pos_ == "NOUN" and not head.ent_type_ else target.indices
        return (
            view.has_shared("political_targets", indices)
            or view.has_shared("officials", indices)
            or self.gazetteer.mentions(target.text)
            or any(view.doc[i].ent_type_ in ("GPE", "NORP", "PERSON") for i in indices)
        )

    def own_side(self, actor: Role | None, target: Role | None) -> bool:
        """A demand on the actor's own people ("France's President Emmanuel Macron" and "French
        troops" to withdraw): both name the same one country and the target is its troops,
        diplomats or citizens. A state instructing its own (or announcing its own troops'
        withdrawal) is no ultimatum."""
        if actor is None or target is None or not actor.resolved or not target.resolved:
            return False
        ours = self.gazetteer.countries(actor.text)
        if len(ours) != 1 or self.gazetteer.countries(target.text) != ours:
            return False
        for role in (target, actor):  # either way round: a headline's parse may swap them
            view = role.view
            head = view.doc[role.start : role.end].root
            if view.hits(view.shared("own_people"), {head.i}):
                return True
        return False

    def _of_a_state(self, target: Role) -> bool:
        """Staff named as a state's or an international body's ("U.S. and British staff of the
        United Nations", "French embassy employees"), whom a government may order out; not a
        company's ("Google employees"), and not citizens or tourists (no government's agents)."""
        view = target.view
        if not view.has_shared("mission_staff", target.indices) or view.has_shared("companies", target.indices):
            return False
        return bool(self.gazetteer.countries(target.text)) or any(
            view.doc[i].ent_type_ in ("GPE", "NORP") for i in target.indices
        )

    def own_people(self, target: Role) -> bool:
        """ "ordered its diplomats to leave": a state instructing its own people, not an ultimatum."""
        view = target.view
        head = view.doc[target.start : target.end].root
        owned = any(c.dep_ == "poss" and c.lower_ in view.words_of("own_possessives") for c in head.children)
        return owned and bool(view.hits(view.shared("own_people"), {head.i}))

    def government_claim(self, target: Role) -> bool:
        """A denied "report" that is not a media report: "a U.S. report", "the IAEA report",
        "rebel claims", "the reports in a new book".

        The report (or the word calling it false) is attributed to a state, an official body or
        a non-media organisation, and nothing in it names a news outlet.
        """
        view = target.view
        doc = view.doc
        head = doc[target.start : target.end].root
        tree = syntax.subtree(head)
        if any(s in tree for s, _e in view.referenced_media) or self.media_entity(view, tree):
            return False
        falsity = view.lexicons.get("falsity")
        heads = [head] + ([doc[s] for s, _e in view.spans(falsity)] if falsity else [])
        # "a Folha de S.Paulo article": what only the media make names its unknown maker an outlet
        made_by_media = view.has_shared("media_products", {head.i})
        for token in heads:
            labels: tuple[str, ...] = ("GPE", "NORP") if made_by_media and token.i == head.i else ("GPE", "NORP", "ORG")
            if view.has_shared("claim_nouns", {token.i}):
                labels += ("PERSON",)  # "Vice President Sara Duterte's allegation": a person's claim
            # "a UN panel's report": the possessor's own compound names whose it is
            named = [
                t
                for c in token.children
                if c.dep_ in ("compound", "amod", "poss", "nmod")
                for t in (c, *(g for g in c.children if g.dep_ == "compound" and _possessive(c)))
            ]
            for child in named:
                if (
                    child.ent_type_ in labels
                    or self.gazetteer.mentions(child.text)
                    # "rebel claims", "the army's account": a party's word, no outlet's
                    or any(view.has_shared(name, {child.i}) for name in ("agent_nouns", "blocked_actors"))
                ):
                    return True
            # "the reports in a new book": an author's, no outlet's
            for child in token.children:
                if child.dep_ == "prep" and child.lower_ == "in":
                    if any(view.has_shared("books", {inner.i}) for inner in child.children if inner.dep_ == "pobj"):
                        return True
            # "a report by the ministry", "a report released by the Health Ministry", "claims by
            # the opposition"
            publishers = [token, *(c for c in token.children if c.dep_ == "acl")]
            # "a claim by Mr Banda's campaign": a person's claim is no outlet's report either
            authors = (
                ("GPE", "NORP", "ORG", "PERSON")
                if view.has_shared("claim_nouns", {token.i})
                else ("GPE", "NORP", "ORG")
            )
            for child in (c for word in publishers for c in word.children):
                if child.dep_ in ("agent", "prep") and child.lower_ in ("by", "from"):
                    for inner in child.subtree:
                        if inner.ent_type_ in authors or any(
                            view.has_shared(name, {inner.i}) for name in ("officials", "agent_nouns", "blocked_actors")
                        ):
                            return True
        return False

    @staticmethod
    def _only_a_label(target: Role) -> bool:
        """A target that is nothing but a word calling something false ("fake news", "lies")."""
        view = target.view
        falsity = view.lexicons.get("falsity")
        if falsity is None:
            return False
        labelled = view.covered(falsity)
        return all(i in labelled or view.doc[i].is_punct or view.doc[i].pos_ == "DET" for i in target.indices)

    def _answers_a_party_claim(self, target: Role) -> bool:
        """Whether the sentence's claim is a state's or an official body's ("a Russian claim",
        "allegations by Cambodian officials"): then "fake news" labels that claim, no report."""
        return self.party_claim(target.view, besides=target.indices)

    def party_claim(
        self,
        view: SentenceView,
        besides: set[int] | frozenset[int] = frozenset(),
        nouns: tuple[str, ...] = ("claim_nouns",),
    ) -> bool:
        """Whether the sentence names a claim (a word of the shared lexicons ``nouns``, outside
        ``besides``) that a state, an official body or another party made ("the opposition's
        claims", "rebel claims", with report nouns too "the U.S. intelligence report")."""
        from services.detector.roles import Role

        for start, end in (span for name in nouns for span in view.spans(view.shared(name))):
            if start in besides:
                continue
            head = view.doc[end - 1]
            phrase = Role(head.text, view, head.i, head.i + 1)
            if self.government_claim(phrase):
                return True
        return False

    def media_entity(self, view: SentenceView, indices: set[int]) -> bool:
        """An organisation name that reads as a news outlet ("Middle East Eye", "Daily Sabah"),
        not an official body named for the media it oversees ("the National Media Commission",
        "the Ministry of Information and Media")."""
        words = view.shared("outlet_words")
        for ent in view.doc.ents:
            if ent.label_ == "ORG" and ent.start in indices:
                name = set(range(ent.start, ent.end))
                if view.hits(words, name) and not view.has_shared("media_overseers", name):
                    return True
        return False


def _possessive(token: Token) -> bool:
    """A possessor marked as one ("panel's"), not a headline's verb parsed as one."""
    return token.dep_ == "poss" and any(c.dep_ == "case" and c.lower_ in ("'s", "’s") for c in token.children)


def _offices(view: SentenceView) -> set[int]:
    """The words of offices the sentence names, with their portfolios."""
    offices = {i for s, e in view.spans(view.shared("officials")) for i in range(s, e)}
    return offices | _portfolios(view, offices)


def _portfolios(view: SentenceView, offices: set[int]) -> set[int]:
    """What an office is "of": "Minister of Information and Media", "Director General of
    International Media" (the office's field, which names no outlet)."""
    if not syntax.parsed(view.doc):
        return set()
    found: set[int] = set()
    for i in offices:
        for child in view.doc[i].children:
            if child.dep_ == "prep" and child.lower_ == "of" and child.i not in offices:
                found |= syntax.subtree(child)
    return found


def titles_of(role: Role) -> set[int]:
    """The office a named person is given beside the name, which the role itself leaves out:
    "Garba Shehu, the president's spokesman" (an apposition of the name), or "Party Secretary
    for Information, Simon Moyo said" (a title set off by a comma just before the name, which a
    parser hangs on the verb)."""
    view = role.view
    doc = view.doc
    head = doc[role.start : role.end].root
    if head.ent_type_ != "PERSON":
        return set()
    found = {i for child in head.children if child.dep_ == "appos" for i in syntax.subtree(child)}
    comma = role.start - 1
    if comma > 0 and doc[comma].text == "," and head.dep_ in ("nsubj", "nsubjpass"):
        for sibling in head.head.children:
            if sibling.i >= comma:
                continue
            tree = syntax.subtree(sibling)
            clause = any(doc[i].dep_ in ("nsubj", "nsubjpass") for i in tree)
            titled = any(view.has_shared(name, tree) for name in ("officials", "spokespeople", "person_titles"))
            if max(tree) == comma - 1 and titled and not clause:
                found |= tree
    return found


def bare_name(role: Role) -> bool:
    """A person's name and nothing else ("Demirel", "Dmitry Peskov", "Mr Yilmaz"): no title,
    no body, none given beside it either; a courtesy word before the name gives it no office."""
    tokens = role.view.doc[role.start : role.end]
    courtesy = role.view.words_of("honorifics")
    return (
        role.resolved
        and any(t.ent_type_ == "PERSON" for t in tokens)
        and all(t.ent_type_ == "PERSON" or t.is_punct or t.lower_ in courtesy for t in tokens)
        and not titles_of(role)
    )


def _initials_in_brackets(view: SentenceView, start: int, end: int) -> bool:
    """A name in brackets that is only capitals ("(SIS)", "(ISPR)"): the initials of the
    phrase before it, which says nothing the phrase itself does not."""
    doc = view.doc
    return (
        0 < start
        and end < len(doc)
        and doc[start - 1].text == "("
        and doc[end].text == ")"
        and all(t.text.isupper() for t in doc[start:end])
    )


def _a_name_only(role: Role) -> bool:
    """A bare name: a person's ("Dmitry Peskov"), or one word the tagger typed otherwise
    ("..., Demirel said" read as an organisation); no title, no common noun."""
    if bare_name(role):
        return True
    tokens = [t for t in role.view.doc[role.start : role.end] if not t.is_punct]
    return len(tokens) == 1 and tokens[0].pos_ == "PROPN" and tokens[0].ent_type_ in ("PERSON", "ORG", "")
