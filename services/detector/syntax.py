"""Where to look around an anchor in a parsed sentence: the positions a constraint names.

Each function returns token indices of one ``Doc`` (one sentence). Without a dependency parse
(rules-only mode) every position degrades to a window of nearby words, so constraints still
work, only less precisely.
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

OBJECT_DEPS = frozenset({"dobj", "obj", "nsubjpass", "attr", "oprd", "dative", "iobj"})
OBJECT_PREPS = frozenset({"of", "to", "for", "about", "on", "against", "over"})
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj", "expl"})
# Conjunctions of a clause set beside another ("..., as officials accused Baku of massing
# troops"), which that other clause's modal or hedge does not reach.
ASIDE_MARKS = frozenset({"as", "while", "whereas", "because", "since", "although", "though"})
CLAUSE_CLIMB = frozenset({"xcomp", "conj", "aux", "auxpass", "acomp", "attr", "oprd"})
NEGATION_CLIMB = frozenset(
    {
        "xcomp",
        "acomp",
        "attr",
        "oprd",
        "dobj",
        "pobj",
        "prep",
        "advcl",
        "ccomp",
        "pcomp",
        "amod",
        "compound",
        "nsubj",
        "nsubjpass",
        "acl",
        "appos",
    }
)
MODIFIER_DEPS = frozenset({"neg", "aux", "auxpass", "advmod", "det", "mark", "preconj", "amod"})
RELATIVE_PRONOUNS = frozenset({"which", "that", "who", "whom", "whose"})
WINDOW = 8


def read_headline_passive(doc: Doc, verbs: frozenset[str]) -> None:
    """Marks the subject of a headline's elided passive as one: "Iran warned over nuclear
    deadline", "Syria told to pull out" mean Iran was warned and Syria was told, though a
    tagger reads an active verb. Only a sentence with no closing mark (a headline), whose root
    is one of ``verbs`` as a past form with no object, no clause said and no auxiliary (an
    active "Iran has warned" keeps its subject)."""
    if not len(doc) or doc[-1].text in (".", "!", "?", '"', "\u201d", "'", ":"):
        return
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None or root.lower_ not in verbs or root.tag_ not in ("VBD", "VBN"):
        return
    children = list(root.children)
    if any(c.dep_ in ("dobj", "dative", "iobj", "ccomp", "nsubjpass", "aux", "auxpass") for c in children):
        return
    subject = next((c for c in children if c.dep_ == "nsubj"), None)
    if subject is not None:
        subject.dep_ = "nsubjpass"
        root.tag_ = "VBN"


def read_reduced_passive(doc: Doc, verbs: frozenset[str]) -> None:
    """Marks a participle set off by commas with its doer after "by" as the passive it is:
    "Five Dutch diplomats, declared persona non grata by Tehran, must leave Iran" is parsed
    with the diplomats declaring. Only one of ``verbs`` with no auxiliary, right after a
    comma, with a subject before it and a "by" phrase after it."""
    for token in doc:
        if token.lower_ not in verbs or token.tag_ not in ("VBD", "VBN") or token.i == 0:
            continue
        if doc[token.i - 1].text != ",":
            continue
        children = list(token.children)
        if any(c.dep_ in ("aux", "auxpass", "nsubjpass") for c in children):
            continue
        subject = next((c for c in children if c.dep_ == "nsubj" and c.i < token.i), None)
        by = next((c for c in children if c.dep_ == "prep" and c.lower_ == "by" and c.i > token.i), None)
        if subject is not None and by is not None:
            subject.dep_ = "nsubjpass"
            by.dep_ = "agent"
            token.tag_ = "VBN"


def parsed(doc: Doc) -> bool:
    return doc.has_annotation("DEP")


def subtree(token: Token) -> set[int]:
    return {t.i for t in token.subtree}


def window(doc: Doc, start: int, end: int, before: int = WINDOW, after: int = WINDOW) -> set[int]:
    return set(range(max(0, start - before), min(len(doc), end + after)))


def without_relative_clauses(doc: Doc, indices: set[int]) -> set[int]:
    """``indices`` less the relative clauses among them: "the sister of a man who died in the
    ministry's custody" says nothing of the sister's standing through its clause."""
    return indices - {i for t in indices if doc[t].dep_ == "relcl" for i in subtree(doc[t])}


# Verbs of a falsity phrase whose subject is the thing called false ("the report does not
# reflect reality", "the story does not correspond to the facts").
JUDGED_BY_SUBJECT = frozenset(
    {"reflect", "reflects", "reflected", "correspond", "corresponds", "corresponded"}
)  # the parse carries no lemmas


def described_things(anchor: Token) -> list[Token]:
    """The anchor's objects: what is denied, deployed, ordered, or called false."""
    found: list[Token] = []
    for child in anchor.children:
        if child.dep_ in OBJECT_DEPS and child.lower_ not in RELATIVE_PRONOUNS:
            found.append(child)
        elif child.dep_ == "prep" and child.lower_ in OBJECT_PREPS:
            found.extend(c for c in child.children if c.dep_ == "pobj")
        elif child.dep_ == "prep" and child.lower_ == "as":
            for called in (c for c in child.children if c.dep_ == "pobj"):
                if shifted_object(called):
                    found.append(called)
                # "dismissed as 'fake news' the Vice President's allegation", parsed as apposition
                found.extend(a for a in called.children if a.dep_ == "appos" and a.pos_ == "NOUN")
        elif child.dep_ == "compound" and anchor.pos_ in ("NOUN", "PROPN"):
            found.append(child)
    first = anchor
    while first.dep_ == "conj" and first.pos_ in ("NOUN", "ADJ", "PROPN") and first.head.i != first.i:
        first = first.head  # "false and misleading": the first conjunct carries the relation
    # "an unwarranted and unsubstantiated report": the noun both words describe
    described = first if first.dep_ == "amod" else anchor
    if described.dep_ in ("relcl", "acl", "amod") and described.head.pos_ in ("NOUN", "PROPN", "PRON"):
        found.append(described.head)
    if anchor.pos_ == "VERB" and anchor.lower_ in JUDGED_BY_SUBJECT:  # "the article did not reflect the truth"
        found.extend(c for c in anchor.children if c.dep_ in ("nsubj", "nsubjpass"))
    if anchor.dep_ == "advmod" and anchor.head.pos_ in ("VERB", "AUX"):  # "journalists wrote falsely"
        found.extend(c for c in anchor.head.children if c.dep_ in ("nsubj", "dobj"))
    if first.dep_ in ("acomp", "attr", "oprd"):
        for child in first.head.children:
            if child.dep_ in ("nsubj", "nsubjpass", "csubj", "dobj") and child.i != first.i:
                found.append(child)
    return found


def shifted_object(phrase: Token) -> bool:
    """An object put after what it is called, parsed as the "as" phrase: "dismissed as
    'malicious' a story in the paper" (the words calling it come first, then its article)."""
    if phrase.head.lower_ == "as" and any(c.dep_ == "pobj" and c.i < phrase.i for c in phrase.head.children):
        return True  # "dismissed as 'total nonsense' an Interfax report": two objects of "as"
    article = next((c for c in phrase.children if c.dep_ == "det" and c.lower_ in ("a", "an", "the")), None)
    return article is not None and any(c.dep_ == "amod" and c.i < article.i for c in phrase.children)


def object_tokens(anchor: Token) -> set[int]:
    indices: set[int] = set()
    for thing in described_things(anchor):
        if thing.i == anchor.head.i and anchor.dep_ in ("relcl", "acl", "amod"):
            indices.add(thing.i)
            indices.update(t.i for t in thing.lefts for t in t.subtree)
            indices.update(s.i for c in thing.rights if c.i != anchor.i and c.dep_ != "relcl" for s in c.subtree)
        else:
            indices.update(own_subtree(thing))
    return indices


def own_subtree(thing: Token) -> set[int]:
    """A phrase without the "who" clauses about someone inside it: "allegations by officials
    who say U.S.-funded broadcasters ..." are the officials' allegations, whatever the clause
    about them says. A clause about the phrase's head stays ("the claims, which Reuters first
    reported"), as does one about a thing ("a list of units that a blog claimed ...")."""
    inner = {
        i
        for t in thing.subtree
        if t.dep_ == "relcl" and t.head.i != thing.i and any(c.lower_ in ("who", "whom") for c in t.children)
        for i in subtree(t)
    }
    return subtree(thing) - inner


def clause_subject(anchor: Token) -> Token | None:
    """The grammatical subject of the anchor's clause, climbing through control and coordination."""
    token = anchor
    for _ in range(6):
        for child in token.children:
            if child.dep_ in SUBJECT_DEPS and child.lower_ not in RELATIVE_PRONOUNS and child.i != anchor.i:
                return child
        if token.pos_ == "VERB":
            # "Pentagon Rejects Report ...": a headline's name taken for a compound on its verb
            named = [c for c in token.lefts if c.dep_ == "compound" and c.pos_ == "PROPN"]
            if named:
                return named[-1]
            shared = side_by_side_subject(token)
            if shared is not None:
                return shared
        if token.dep_ in CLAUSE_CLIMB and token.head.i != token.i:
            token = token.head
            continue
        if token.dep_ in ("relcl", "acl") and token.head.i != token.i:
            return token.head
        return None
    return None


def side_by_side_subject(verb: Token) -> Token | None:
    """The subject a headline's verbs set side by side share, for a verb with none of its own:
    "Maduro breaks ties with Washington, gives U.S. diplomats 72 hours" (the first verb parsed as
    a clause of the second)."""
    if verb.pos_ != "VERB" or any(c.dep_ in SUBJECT_DEPS for c in verb.children):
        return None
    for first in verb.lefts:
        if first.dep_ == "ccomp" and any(t.text == "," for t in verb.doc[first.right_edge.i + 1 : verb.i]):
            return next((c for c in first.children if c.dep_ == "nsubj"), None)
    return None


def verb_subject(verb: Token) -> Token | None:
    """A verb's subject, or for a verb coordinated with an earlier one the subject they share
    ("the consul was declared persona non grata and given 72 hours to leave": the consul is
    given the time), which a parser attaches to the first verb only."""
    token = verb
    for _ in range(4):
        subject = next((c for c in token.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if (
            subject is not None
            or token.dep_ != "conj"
            or token.head.i == token.i
            or token.head.pos_ not in ("VERB", "AUX")
        ):
            return subject
        token = token.head
    return None


def governors(anchor: Token, hops: int = 3) -> set[int]:
    """Ancestors up to ``hops`` away with their particles and auxiliaries, and the anchor's own.

    The climb stops at a clause set beside another by its conjunction ("as", "while",
    "because"): the clause it hangs on does not govern it ("South Sudan warned that conflict
    could flare, as an official accused Khartoum of massing troops" is no hypothetical
    massing). The verb a conjunct is coordinated with does not govern it either ("denied
    sending soldiers but acknowledged it had massed troops"), though that verb's auxiliaries
    do ("could mass troops and deploy ships")."""
    indices: set[int] = set()
    chain = [anchor]
    for _ in range(hops):
        token = chain[-1]
        if token.head.i == token.i or _set_aside(token):
            break
        chain.append(token.head)
    for position, token in enumerate(chain):
        if position and chain[position - 1].dep_ != "conj":
            indices.add(token.i)
        for child in token.children:
            if child.dep_ in ("prt", "aux", "auxpass", "mark") or (
                position and child.dep_ in ("acomp", "advmod") and child.i < anchor.i
            ):
                indices.add(child.i)
    return indices


def dating_clauses(doc: Doc, time_words: frozenset[str]) -> set[int]:
    """Relative clauses of a date or a time ("the same day that ...", "the week when ..."):
    another event named only to date the sentence's own, and spans of time measuring how far
    apart two events are ("two days after"). The head is known by its word, as candidates are
    matched before entities are recognised."""
    found: set[int] = set()
    for token in doc:
        head = token.head
        if token.dep_ == "relcl" and (head.lower_ in time_words or head.ent_type_ in ("DATE", "TIME")):
            found |= subtree(token)
        elif token.lower_ in time_words and _measures_a_relation(token):
            found |= subtree(token)  # "two days after the agency demanded ...": no time allowed
    return found


RELATION_WORDS = frozenset({"after", "before", "ago", "later", "earlier", "since"})


def told_as_history(anchor: Token) -> bool:
    """Whether the anchor's clause is dated to a year ("In 1962, the Soviet Union stationed
    missiles in Cuba", "massed troops on the border in 2008") or years back ("Twenty years ago
    this week, ..."): news tells what happens now, so a deed so dated is history told for
    background."""
    clause = [anchor]
    token = anchor
    # up through objects and the infinitive hung on a time given ("48 hours to leave")
    while (
        token.dep_ in CLAUSE_CLIMB | {"dobj", "pobj", "prep", "compound", "amod", "relcl", "acl"}
        and token.head.i != token.i
    ):
        token = token.head
        clause.append(token)
    for head in clause:
        for child in head.children:
            if child.dep_ == "prep" and child.lower_ == "in":
                if any(_a_year(g) for g in child.children if g.dep_ == "pobj"):
                    return True
            elif child.dep_ == "npadvmod" and _a_year(child):
                return True
            elif child.lower_ == "ago" and any(g.lower_ in YEARS_AGO for g in child.children):
                return True  # "Twenty years ago this week, President Bush gave Saddam 48 hours"
    return False


YEARS_AGO = frozenset({"year", "years", "decade", "decades", "century", "centuries"})


def _a_year(token: Token) -> bool:
    return token.like_num and len(token.text) == 4 and token.text[:2] in ("19", "20") and token.text.isdigit()


def in_dated_event(token: Token, time_words: frozenset[str]) -> bool:
    """Whether ``token`` lies in a clause naming another event by how long before or after it
    came ("five weeks after Kenya entered Somalia"): the sentence's news is elsewhere."""
    for clause in [token, *token.ancestors]:
        if clause.dep_ != "advcl":
            continue
        marked = any(c.dep_ == "mark" and c.lower_ in RELATION_WORDS for c in clause.children)
        if marked and any(c.dep_ == "npadvmod" and c.lower_ in time_words for c in clause.children):
            return True
    return False


def _measures_a_relation(span: Token) -> bool:
    """A span of time measuring how far apart two events are ("two days after", "a week
    earlier", "three months ago"), not a time allowed."""
    if span.dep_ == "pobj" and span.head.lower_ in ("within", "in", "for", "by", "until"):
        return False  # "pull back within a day after X demanded it": the time allowed
    following = span.right_edge.i + 1
    return (
        span.head.lower_ in RELATION_WORDS
        or any(c.lower_ in RELATION_WORDS for c in span.children)
        or (following < len(span.doc) and span.doc[following].lower_ in RELATION_WORDS)
    )


def _set_aside(clause: Token) -> bool:
    """An adverbial clause set beside another by its conjunction ("as", "while", "because"),
    or one telling what already happened before it ("the situation could worsen after Sudan's
    army moved brigades to the border": the worsening may be, the moving was)."""
    if clause.dep_ != "advcl":
        return False
    marks = {c.lower_ for c in clause.children if c.dep_ == "mark"}
    return bool(marks & ASIDE_MARKS) or ("after" in marks and clause.tag_ == "VBD")


def negation_chain(anchor: Token) -> list[Token]:
    """The anchor and the heads a negation on them reaches it through; not past a clause set
    beside another ("the view hasn't changed, as they called on the leadership to step aside")."""
    chain = [anchor]
    token = anchor
    for _ in range(3):
        if token.dep_ not in NEGATION_CLIMB or token.head.i == token.i or _set_aside(token):
            break
        token = token.head
        chain.append(token)
    return chain


def modifiers(anchor: Token) -> set[int]:
    """Negators, modals, determiners and markers on the anchor and the heads of its clause, and
    the "neither ... nor" a coordinated verb is denied by ("would neither confirm nor deny")."""
    found = {child.i for token in negation_chain(anchor) for child in token.children if child.dep_ in MODIFIER_DEPS}
    if anchor.dep_ == "conj":
        found |= {c.i for c in anchor.head.children if c.dep_ in ("cc", "preconj") and c.lower_ in ("nor", "neither")}
    return found


def enclosing_marks(anchor: Token) -> set[int]:
    """Subordinators ("if", "whether") and prepositions ("despite") of clauses holding the anchor."""
    indices: set[int] = set()
    for token in [anchor, *anchor.ancestors]:
        for child in token.children:
            if child.dep_ == "mark":
                indices.add(child.i)
        if token.dep_ == "prep":
            indices.add(token.i)
        if token.dep_ in ("pcomp", "pobj") and token.head.dep_ == "prep":
            indices.add(token.head.i)
    return indices


def named_by(dependent: Token | None) -> Token | None:
    """The word a dependent names: itself ("gave the envoy a week", "Reuters reported"), or the
    object of the preposition a parser hangs on the verb as the dependent ("by the council",
    "gave a week to the envoy"); never the preposition. An adjective the parser took for the
    object, with the name it qualifies parsed as a second object right after it ("told the
    paramilitary Rapid Support Forces to disarm"), names what that second object names."""
    if dependent is None:
        return None
    if dependent.pos_ == "ADJ":
        qualified = (
            c
            for c in dependent.head.children
            if c.dep_ == dependent.dep_ and c.pos_ in ("PROPN", "NOUN") and c.left_edge.i == dependent.i + 1
        )
        return next(qualified, dependent)
    if dependent.pos_ != "ADP":
        return dependent
    return next((c for c in dependent.children if c.dep_ == "pobj"), None)


ARTICLES = frozenset({"the", "a", "an"})
# Words no name ends on: a recogniser's entity running on into the clause after it ("a report by
# the Daily Telegraph that Mnangagwa was ill" tagged "the Daily Telegraph that").
_NEVER_LAST = frozenset({"SCONJ", "CCONJ", "DET", "PRON", "AUX", "PART"})


def entity_end(doc: Doc, start: int, end: int) -> int:
    """The end of the entity span ``[start, end)`` without words no name ends on."""
    while end - start > 1 and doc[end - 1].pos_ in _NEVER_LAST:
        end -= 1
    return end


def noun_phrase(token: Token) -> tuple[int, int]:
    """A readable ``[start, end)`` around a role's head: its modifiers, not its clauses."""
    doc = token.doc
    if token.ent_type_ and token.ent_iob_ in ("B", "I"):
        start, end = token.i, token.i + 1
        while start > 0 and doc[start].ent_iob_ == "I":
            start -= 1
        while end < len(doc) and doc[end].ent_iob_ == "I":
            end += 1
        end = max(entity_end(doc, start, end), token.i + 1)
    else:
        start, end = token.i, token.i + 1
    for child in token.lefts:
        if child.dep_ in ("compound", "amod", "poss", "nmod", "nummod", "quantmod", "det") and child.lower_ not in (
            "the",
            "a",
            "an",
            "this",
            "these",
            "those",
            "that",
        ):
            start = min(start, child.left_edge.i)
        elif child.dep_ == "det" and child.lower_ in ("this", "these"):
            continue
    # 'dismissed as "groundless" a Financial Times report': a quoted word the parser hung on the
    # head is said of it, not part of its name
    quoted = next((i + 1 for i in range(token.i - 1, start - 1, -1) if doc[i].is_quote), None)
    if quoted is not None:
        start = quoted
        while start < token.i and doc[start].dep_ == "det" and doc[start].lower_ in ARTICLES:
            start += 1
    own_end = end
    for child in token.rights:
        if child.dep_ in ("compound", "flat") or (  # "the embassy in Moscow", not "Condé in Conakry"
            child.dep_ == "prep"
            # "troops from neighbouring Laos": whose they are, for a common noun naming nobody
            and (child.lower_ in ("of", "in", "for") or (child.lower_ == "from" and _from_a_party(token, child)))
            and end - 1 <= child.i <= end  # (an entity may end on its "of": "The Royal Embassy of")
            and token.ent_type_ != "PERSON"
            # "the Minister for Foreign Affairs", not "the junta in Niger for French forces"
            and (child.lower_ != "for" or end == own_end)
            # "the diplomats of spying" is what they are accused of, not who they are
            and not any(g.dep_ == "pcomp" or g.tag_ == "VBG" for g in child.children)
        ):
            # "troops from Laos that crossed the border": the phrase, not the clause on its noun
            end = max(end, max(without_relative_clauses(doc, subtree(child))) + 1)
    # 'termed the Reuters account of the village raid "false and malicious"': quoted words of
    # judgement the parser hung inside the phrase after its head are said of the phrase, no part
    # of it ('reports of a "secret deal"' keeps its quoted noun)
    opening = next((i for i in range(token.i + 1, end) if doc[i].is_quote), None)
    if opening is not None and all(t.pos_ in ("ADJ", "ADV", "CCONJ", "PUNCT") for t in doc[opening:end]):
        end = opening
    while start < end and doc[start].is_punct:
        start += 1
    end = without_possessive_mark(doc, start, end)
    # "foreign ministry later" recognised as one name: an adverb of the verb after it is no part
    while end - 1 > token.i and doc[end - 1].pos_ == "ADV" and not start <= doc[end - 1].head.i < end:
        end -= 1
    words = [t.text for t in doc[start:end]]
    if end < len(doc) and doc[end].text == ")" and words.count("(") > words.count(")"):
        end += 1  # "the British Broadcasting Corporation (BBC)": the bracket the name opened
    return start, end


def without_possessive_mark(doc: Doc, start: int, end: int) -> int:
    """The end of ``[start, end)`` without closing punctuation or a possessive mark, which a
    recognised name may take in ("South Korea's" of "South Korea's military said")."""
    while end > start and (doc[end - 1].is_punct or (doc[end - 1].tag_ == "POS" and end > start + 1)):
        end -= 1
    return end


def _from_a_party(head: Token, preposition: Token) -> bool:
    """ "troops from neighbouring Laos": a common noun's "from" naming whose it is (a state,
    people or organisation), not when ("the report from the day before")."""
    return not head.ent_type_ and any(
        t.ent_type_ in ("GPE", "NORP", "ORG") for c in preposition.children if c.dep_ == "pobj" for t in c.subtree
    )


def titled_name(start: int, end: int, doc: Doc, reach: int = 5) -> tuple[int, int]:
    """A name with the capitalised title words before it, for text that was not parsed.

    "Iranian Foreign Minister Abbas Araghchi": the title says who is speaking for whom.
    """
    first = start
    while first > 0 and start - first < reach:
        previous = doc[first - 1]
        if previous.text[:1].isupper() and previous.is_alpha and not previous.is_sent_start:
            first -= 1
        elif previous.text[:1].isupper() and previous.is_alpha and first - 1 == 0:
            first -= 1
        else:
            break
    return first, end


def clause_objects(anchor: Token, hops: int = 6) -> set[int]:
    """The words from the anchor up to its clause's verb, and their objects.

    "described [the report] as false": the report is what "false" is said of.
    """
    indices = object_tokens(anchor)
    for token in list(anchor.ancestors)[:hops]:
        indices.add(token.i)
        indices |= object_tokens(token)
        if token.pos_ in ("VERB", "AUX"):
            break
    return indices
