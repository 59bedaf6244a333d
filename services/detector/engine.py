"""The detection engine: watched patterns over a document, in two tiers.

Tier one runs on every sentence and costs dictionary look-ups of its words, then a few
regular-expression searches for the rules whose words may all be there: each rule's words,
compiled from its lexicons, must all occur in the sentence. Only sentences that pass go
through the trained spaCy pipeline, where the rule's constraints are checked on the parse and
the roles are read. The parse is the expensive part, so it is done for few sentences, and
``detect_many`` does it for a whole batch of documents in one pipeline call per stage.

``detect`` and ``detect_many`` may be called from several threads at once: the catalog is
swapped atomically on reload, and the spaCy pipeline (not documented as thread-safe) is used
under a lock.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, cast

import numpy
import spacy
import structlog
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc
from thinc.api import NumpyOps

from models.detection import Detection
from services.detector import syntax
from services.detector.catalog import (
    BUILTIN_PATTERNS_DIR,
    Catalog,
    CompiledPattern,
    CompiledRule,
    load_catalog,
    stamps_of,
)
from services.detector.decision import (
    CLASSIFIER_RULE,
    Judge,
    Verdict,
    label_of,
    load_default_judge,
    verdict,
)
from services.detector.gazetteer import Gazetteer, default_gazetteer
from services.detector.hygiene import CleanText, clean
from services.detector.lexicon import Lexicon, TextProbe
from services.detector.matcher import Candidate, Match, alone_parties, complete
from services.detector.matcher import candidates as match_candidates
from services.detector.roles import Role, RoleFinder
from services.detector.schema import PatternFileError
from services.detector.sentences import SentenceSpan, split_sentences
from services.detector.syntax import read_headline_passive, read_reduced_passive
from services.detector.tags import universal_pos
from services.detector.truecase import Truecaser
from services.detector.view import ORIGINAL_TEXT, SentenceView

if TYPE_CHECKING:
    from services.platform.config import Settings

CONTEXT_SENTENCES = 2
ENTITY_PIPE = "ner"
ENTITIES_DONE = "tocsin_entities"
UNUSED_PIPES = ("lemmatizer", "attribute_ruler")  # lemmas unused; POS set by tags.py
NOT_SENT_START = numpy.uint64(2**64 - 1)  # -1 in spaCy's SENT_START array: "not a sentence start"

log = structlog.get_logger(__name__)


def load_pipeline(model: str) -> tuple[Language, bool]:
    """The trained pipeline named ``model``, or a bare tokenizer (rules-only) when it is missing."""
    try:
        nlp = spacy.load(model, exclude=list(UNUSED_PIPES))
    except (OSError, ImportError, ValueError) as exc:
        log.warning(
            "detector_rules_only",
            model=model,
            error=str(exc).splitlines()[0][:200],
            consequence="NO PARSE, NO ENTITIES: detections are word-based, roles are empty, precision drops",
            fix=f"pip install the spaCy package providing {model!r} or set TOCSIN_SPACY_MODEL",
        )
        return spacy.blank("en"), False
    _numpy_matrix_products(nlp)
    return nlp, True


def _numpy_matrix_products(nlp: Language) -> None:
    """Has the pipeline's layers multiply matrices with numpy's BLAS instead of BLIS.

    Matrix products are most of the pipeline's cost, and numpy's OpenBLAS uses the wide
    vector units BLIS (thinc's default on CPU) leaves idle on many current processors: on
    the development machine about three times the throughput. Same weights and same
    operations, so the same annotations up to rounding; the benchmark and the tests check
    that detections do not change. The parser's inner loop keeps BLIS (set in compiled code).
    """
    ops = NumpyOps(use_blis=False)
    for _name, component in nlp.pipeline:
        model = getattr(component, "model", None)
        if model is not None:
            for node in model.walk():
                node.ops = ops


class _BatchingComponent(Protocol):
    """A pipeline component that annotates docs in batches (spaCy types them as plain callables)."""

    def pipe(self, stream: Iterable[Doc]) -> Iterator[Doc]: ...


_Candidates = list[tuple[int, list[CompiledPattern], TextProbe]]
JUDGE_BATCH = 1024  # sentences per call of the judge: it sorts them by length, so a batch pads little
DEFAULT_JUDGE = object()  # sentinel: load the committed model (None means rule-only)


@dataclass
class _Check:
    """One pattern in one sentence: the rules to try on the parse, whether its model may detect
    alone there (its gate words occur), and the candidates each rule found (by rule ``id``)."""

    pattern: CompiledPattern
    label: str | None
    rules: tuple[CompiledRule, ...]
    alone: bool
    candidates: dict[int, list[Candidate]] = field(default_factory=dict)
    view: SentenceView | None = None  # with the pattern's own lexicons, when it has some
    matches: dict[int, list[Match]] = field(default_factory=dict)  # completed candidates, by rule id
    partial: list[Match] = field(default_factory=list)  # loose matches short of a required role
    finder: RoleFinder | None = None  # what completed them
    window: list[str] | None = None  # the sentences before, for countries


@dataclass
class _Sentence:
    """A sentence some pattern may still fire in, with what each pattern may do in it."""

    index: int
    probe: TextProbe | None
    checks: list[_Check]
    view: SentenceView | None = None
    probabilities: dict[str, float] | None = None  # the model's, where it was asked


@dataclass
class _Pending:
    """One document of a batch between the stages of ``detect_many``."""

    text: str
    context: str | None
    cleaned: CleanText
    sentences: list[SentenceSpan]
    screened: _Candidates = field(default_factory=list)
    planned: list[_Sentence] = field(default_factory=list)
    before: list[str] | None = None  # the context's last sentences, split when first needed
    # the whole document (context first), only tokenized, and where each sentence begins in it
    tokenized: tuple[SentenceView, list[int]] | None = None


class _ContextNeeded(Exception):
    """A match's roles need these context sentences parsed; raised to batch that parse."""

    def __init__(self, texts: list[str]) -> None:
        super().__init__(f"{len(texts)} context sentences to parse")
        self.texts = texts


class DetectionEngine:
    """Finds watched patterns in text; see the module docstring for the two tiers."""

    def __init__(
        self,
        nlp: Language,
        trained: bool,
        pattern_dirs: list[Path] | None = None,
        gazetteer: Gazetteer | None = None,
        two_tier: bool = True,
        judge: Judge | None = None,
    ) -> None:
        """``two_tier=False`` parses every sentence (the benchmark's full-pipeline baseline).

        ``judge`` is the trained sentence classifier; without it every pattern is rule-only.
        """
        self._nlp = nlp
        self.judge = judge
        self.two_tier = two_tier
        self.trained = trained
        self._dirs = pattern_dirs if pattern_dirs is not None else [BUILTIN_PATTERNS_DIR]
        self._gazetteer = gazetteer or default_gazetteer()
        self._catalog: Catalog = load_catalog(self._dirs)
        self._truecase_for: Catalog | None = None
        self._truecase = Truecaser((), (), self._gazetteer.spans)
        self._nlp_lock = threading.Lock()
        self._reload_lock = threading.Lock()
        log.info("detector_ready", patterns=self._catalog.ids, trained=trained, judge=judge is not None)

    @classmethod
    def from_settings(cls, settings: Settings) -> "DetectionEngine":
        """The engine as configured: ``settings.spacy.model`` and ``settings.detector.patterns_dir``,
        with the committed judge (rule-only, loudly, when it cannot be loaded)."""
        nlp, trained = load_pipeline(settings.spacy.model)
        dirs = [BUILTIN_PATTERNS_DIR]
        if settings.detector.patterns_dir is not None:
            dirs.append(Path(settings.detector.patterns_dir))
        return cls(nlp, trained, dirs, judge=load_default_judge())

    @classmethod
    def from_model(
        cls,
        model: str,
        extra_dir: Path | None = None,
        judge: Judge | None | object = DEFAULT_JUDGE,
    ) -> "DetectionEngine":
        """The engine with spaCy pipeline ``model``; ``judge=None`` makes every pattern rule-only."""
        nlp, trained = load_pipeline(model)
        dirs = [BUILTIN_PATTERNS_DIR] + ([extra_dir] if extra_dir else [])
        chosen = load_default_judge() if judge is DEFAULT_JUDGE else judge
        return cls(nlp, trained, dirs, judge=chosen)  # type: ignore[arg-type]

    @property
    def pattern_ids(self) -> list[str]:
        return self._catalog.ids

    @property
    def nlp(self) -> Language:
        return self._nlp

    def reload_if_changed(self) -> bool:
        """Reloads pattern files whose modification times changed; keeps the old set on error."""
        current = self._catalog
        if stamps_of(self._dirs) == current.stamps:
            return False
        with self._reload_lock:
            if self._catalog is not current:
                return True
            try:
                fresh = load_catalog(self._dirs)
            except PatternFileError as exc:
                log.error("patterns_reload_failed", problems=exc.problems, file=str(exc.path))
                self._catalog = Catalog(current.patterns, current.lexicons, stamps_of(self._dirs), current.index)
                return False
            self._catalog = fresh
        log.info("patterns_reloaded", patterns=fresh.ids)
        return True

    def parse(self, texts: list[str], entities: bool = True, syntax: bool = True) -> list[Doc]:
        """Runs the pipeline on whole sentences: each text is kept as one sentence for the parser.

        With ``entities=False`` the entity recogniser (in the small English pipeline, as costly
        as everything else together) is left for :meth:`recognise`, so it runs only where a rule
        has already matched the parse. With ``syntax=False`` only entities are found (context
        sentences need names for pronouns, not a parse).
        """
        truecase = self._truecaser()
        with self._nlp_lock:
            cased = [truecase(text) for text in texts]
            docs = [_one_sentence(self._nlp.make_doc(text)) for text in cased]
            for doc, text, read in zip(docs, texts, cased, strict=True):
                if read != text:  # (the string compared, not doc.text: that joins every token)
                    doc.user_data[ORIGINAL_TEXT] = text  # roles are named in the original's case
            for name, component in self._nlp.pipeline:
                if (name == ENTITY_PIPE and not entities) or (name != ENTITY_PIPE and not syntax):
                    continue
                docs = list(cast(_BatchingComponent, component).pipe(docs))
            if syntax and self.trained and "tagger" in self._nlp.pipe_names:
                passives = self._catalog.lexicons["headline_passives"].plain_words
                for doc in docs:
                    universal_pos(doc)
                    read_headline_passive(doc, passives)
                    read_reduced_passive(doc, passives)
            for doc in docs:
                doc.user_data[ENTITIES_DONE] = entities
            return docs

    def _truecaser(self) -> Truecaser:
        """The title-case reader for the current catalog's lexicons (rebuilt on reload)."""
        catalog = self._catalog
        if self._truecase_for is not catalog:
            lexicons = list(catalog.lexicons.values())
            for pattern in catalog.patterns:
                lexicons += [*(pattern.lexicons or {}).values(), *([pattern.gate] if pattern.gate else [])]
                lexicons += [lex for rule in pattern.rules for lex in (rule.anchor, *(c[0] for c in rule.constraints))]
            self._truecase = Truecaser.from_lexicons(lexicons, self._gazetteer.spans)
            self._truecase_for = catalog
        return self._truecase

    def recognise(self, docs: list[Doc]) -> None:
        """Adds named entities to parsed docs that do not have them yet."""
        pending = [doc for doc in docs if not doc.user_data.get(ENTITIES_DONE)]
        if not pending or ENTITY_PIPE not in self._nlp.pipe_names:
            return
        with self._nlp_lock:
            list(cast(_BatchingComponent, self._nlp.get_pipe(ENTITY_PIPE)).pipe(pending))
        for doc in pending:
            doc.user_data[ENTITIES_DONE] = True

    def detect(self, text: str, context: str | None = None) -> list[Detection]:
        """Detections in ``text``; ``context`` is preceding text, used only to resolve roles."""
        return self.detect_many([(text, context)])[0]

    def detect_many(self, items: Sequence[tuple[str, str | None]]) -> list[list[Detection]]:
        """``detect`` for many documents at once, with the same results, one list per item.

        The trained pipeline costs much less per sentence in large batches than in the few
        candidate sentences of one article, so each stage runs once for the whole batch: the
        parse of every candidate sentence, entity recognition of every sentence a rule matched,
        and the parse of the context sentences pronoun resolution asked for.
        """
        catalog = self._catalog
        documents = [self._first_tier(catalog, text, context) for text, context in items]
        for document in documents:
            self._plan(document, catalog)
        self._match_all(documents, catalog)
        self._judge_all(documents)
        self._complete_all(documents, catalog)
        return self._decide_all(documents, catalog)

    def _first_tier(self, catalog: Catalog, text: str, context: str | None) -> _Pending:
        """Cleans and splits ``text`` and keeps the sentences some rule could match."""
        cleaned = clean(text)
        sentences = split_sentences(cleaned.text)
        document = _Pending(text, context, cleaned, sentences)
        if self.two_tier:
            spans = [(s.start, s.end) for s in sentences]
            document.screened = catalog.screen(cleaned.text, spans)
        else:
            document.screened = [
                (index, list(catalog.patterns), catalog.probe(_body(cleaned, sentence)))
                for index, sentence in enumerate(sentences)
            ]
        return document

    def _plan(self, document: _Pending, catalog: Catalog) -> None:
        """What each pattern may still do in each sentence, from its words alone.

        A strict rule is tried on the parse when its words all occur; a loose rule (one that
        counts only where the model leads) only when its pattern's gate words occur as well,
        since a sentence the gate keeps from the model has probability 0. A pattern whose
        model may detect alone is kept for the model when its alone-gate words occur (the gate's
        words unless the pattern names others).
        """
        screened = {index: (patterns, probe) for index, patterns, probe in document.screened}
        labelled = [(pattern, label_of(pattern, self.judge)) for pattern in catalog.patterns]
        for index, sentence in enumerate(document.sentences):
            entry = screened.get(index)
            lowered: str | None = None
            checks: list[_Check] = []
            for pattern, label in labelled:
                gated = alone = False
                if label is not None:
                    if lowered is None:
                        lowered = _body(document.cleaned, sentence).lower()
                    gated = pattern.gate_words_pass(lowered)
                    alone = pattern.alone_gate_passes(lowered)
                rules: tuple[CompiledRule, ...] = ()
                if entry is not None and pattern in entry[0]:
                    rules = tuple(
                        rule
                        for rule in pattern.rules
                        if (gated or not rule.spec.needs_model) and (not self.two_tier or rule.could_match(entry[1]))
                    )
                if rules or alone:
                    checks.append(_Check(pattern, label, rules, alone))
            if checks:
                probe = entry[1] if entry is not None else None
                document.planned.append(_Sentence(index, probe, checks))

    def _match_all(self, documents: list[_Pending], catalog: Catalog) -> None:
        """Parses, in one batch, every sentence where some rule may match, and finds each rule's
        candidates there (before the model: the parse costs a fraction of the model's call)."""
        wanted = [(d, s) for d in documents for s in d.planned if any(c.rules for c in s.checks)]
        self._attach_views(wanted, catalog)
        for _document, sentence in wanted:
            for check in sentence.checks:
                if not check.rules:
                    continue
                view = check.view or sentence.view
                assert view is not None
                for rule in check.rules:
                    found = match_candidates(view, rule)
                    if found:
                        check.candidates[id(rule)] = found

    def _attach_views(self, wanted: list[tuple[_Pending, _Sentence]], catalog: Catalog) -> None:
        todo = [(d, s) for d, s in wanted if s.view is None]
        if not todo:
            return
        docs = self.parse([_body(d.cleaned, d.sentences[s.index]) for d, s in todo], entities=not self.two_tier)
        for (_document, sentence), doc in zip(todo, docs, strict=False):
            sentence.view = SentenceView(doc, catalog.lexicons)
            for check in sentence.checks:
                own = check.pattern.lexicons  # the pattern's own lexicons override shared ones
                if own is not None:
                    check.view = SentenceView(doc, own, sentence.view)

    def _judge_all(self, documents: list[_Pending]) -> None:
        """The model, in one batched run, on every sentence where its probability may matter:
        a labelled pattern's rule found a candidate on the parse, or its model may detect alone
        there. Asked before any role is read, so that the roles of candidates whose rules cannot
        count at the probability found are never read."""
        asked = [
            sentence
            for document in documents
            for sentence in document.planned
            if sentence.probabilities is None
            and any(c.label is not None and (c.alone or c.candidates) for c in sentence.checks)
        ]
        by_document = {id(s): d for d in documents for s in d.planned}
        texts = [_body(by_document[id(s)].cleaned, by_document[id(s)].sentences[s.index]) for s in asked]
        for sentence, probabilities in zip(asked, self._probabilities(texts), strict=False):
            sentence.probabilities = probabilities

    def _complete_all(self, documents: list[_Pending], catalog: Catalog) -> None:
        """Reads the roles of every candidate some rule of which may count at the model's
        probability (asked just before, for every sentence with a candidate), parsing the context
        sentences needed in one batch; a loose rule's match is kept only with every role its
        pattern's classifier block requires.

        A first pass completes every candidate whose roles need no parsed context; one that
        asks for it stops (``_ContextNeeded``) and is done again once all the context sentences
        asked for in the batch are parsed together (a context sentence already parsed as a
        candidate is not parsed again, only given its names). Completion has no side effects besides
        caches, and it does not depend on the model's probability (the verdict only chooses
        among the completed matches): asking the model first spares reading roles, and
        recognising entities, wherever its probability lets no rule count, which on ordinary
        news costs less than the judge's calls on candidates that would not have completed
        (``bench/eval_detector.py``: detector time 2.2 s -> 1.9 s on 109 articles).
        """
        jobs = [(d, s, c) for d in documents for s in d.planned for c in s.checks if _may_count(s, c)]
        self.recognise(list({id(doc): doc for doc in (self._view(s, c).doc for _, s, c in jobs)}.values()))
        cache: dict[tuple[str, bool], SentenceView] = {}
        waiting: list[tuple[_Pending, _Sentence, _Check]] = []
        wanted: dict[str, None] = {}
        for job in jobs:
            try:
                self._complete(*job, cache, catalog, defer=True)
            except _ContextNeeded as need:
                waiting.append(job)
                wanted.update(dict.fromkeys(need.texts))
        if wanted:
            parsed = {
                _body(d.cleaned, d.sentences[s.index]): s.view.doc
                for d in documents
                for s in d.planned
                if s.view is not None
            }
            reused = {body: parsed[body] for body in wanted if body in parsed}
            self.recognise(list(reused.values()))
            bodies = [body for body in wanted if body not in reused]
            for body, doc in [*reused.items(), *zip(bodies, self.parse(bodies), strict=False)]:
                cache[(body, True)] = SentenceView(doc, catalog.lexicons)
        for job in waiting:
            self._complete(*job, cache, catalog, defer=False)

    def _complete(
        self,
        document: _Pending,
        sentence: _Sentence,
        check: _Check,
        cache: dict[tuple[str, bool], SentenceView],
        catalog: Catalog,
        defer: bool,
    ) -> None:
        view = self._view(sentence, check)
        if document.before is None:
            document.before = _context_sentences(document.context)
        window = _window(document.cleaned, document.sentences, sentence.index, document.before)
        finder = RoleFinder(
            view,
            self._context_provider(window, cache, catalog, defer),
            self._gazetteer,
            self._earlier_provider(document, sentence.index, catalog),
        )
        matches: dict[int, list[Match]] = {}
        partial: list[Match] = []
        for rule_id, candidates in check.candidates.items():
            for candidate in candidates:
                match = complete(view, check.pattern, candidate, finder)
                if match is None:
                    continue
                if match.rule.spec.needs_model and not _has_required(check.pattern, match):
                    partial.append(match)  # no detection of its own; the parties if the model detects alone
                    continue
                matches.setdefault(rule_id, []).append(match)
        check.matches, check.partial, check.finder, check.window = matches, partial, finder, window

    @staticmethod
    def _view(sentence: _Sentence, check: _Check) -> SentenceView:
        view = check.view or sentence.view
        if view is None:
            raise RuntimeError("a sentence was used before it was parsed")
        return view

    def _decide_all(self, documents: list[_Pending], catalog: Catalog) -> list[list[Detection]]:
        """Each pattern's verdict in each sentence and, under it, the best completed match of a
        rule that counts; where none does and the model alone detects, the model's detection."""
        decided: list[tuple[_Pending, _Sentence, _Check, Verdict, Match | None]] = []
        for document in documents:
            for sentence in document.planned:
                for check in sentence.checks:
                    if check.label is None:
                        chosen = verdict(check.pattern, None, None)
                    elif sentence.probabilities is None:
                        continue  # no match completed and the model may not detect alone here
                    else:
                        chosen = verdict(check.pattern, check.label, sentence.probabilities.get(check.label, 0.0))
                    best: Match | None = None
                    for rule in chosen.rules:
                        for match in check.matches.get(id(rule), []):
                            if match.target_unproven and chosen.probability is not None and not chosen.model_led:
                                continue  # a party of unknown standing: the judge must lead
                            if best is None or match.confidence > best.confidence:
                                best = match
                    # Alone only where the pattern's alone gate let the model in: a sentence judged
                    # for another pattern is no licence for this one.
                    if best is not None or (chosen.model_led and check.alone and _alone(chosen)):
                        decided.append((document, sentence, check, chosen, best))
        self._attach_views([(d, s) for d, s, _, _, _ in decided], catalog)
        self.recognise(list({id(doc): doc for doc in (self._view(s, c).doc for _, s, c, _, _ in decided)}.values()))
        found: dict[int, list[Detection]] = {id(d): [] for d in documents}
        cache: dict[tuple[str, bool], SentenceView] = {}
        for document, sentence, check, chosen, best in decided:
            span = document.sentences[sentence.index]
            if sentence.index == 0 and self._lead_vetoes(document, check.pattern, catalog):
                continue
            if best is not None and check.finder is not None and check.window is not None:
                found[id(document)].append(
                    self._detection(
                        best, document.text, document.cleaned, span, check.finder, check.window, chosen.probability
                    )
                )
                continue
            if document.before is None:
                document.before = _context_sentences(document.context)
            window = _window(document.cleaned, document.sentences, sentence.index, document.before)
            finder = RoleFinder(
                self._view(sentence, check),
                self._context_provider(window, cache, catalog),
                self._gazetteer,
                self._earlier_provider(document, sentence.index, catalog),
            )
            partial = max(check.partial, key=lambda m: m.confidence, default=None)
            detection = self._model_detection(chosen, document, span, finder, partial)
            if detection is not None:
                found[id(document)].append(detection)
        return [found[id(d)] for d in documents]

    def _lead_vetoes(self, document: _Pending, pattern: CompiledPattern, catalog: Catalog) -> bool:
        """Whether a headline's story is one its pattern vetoes, as its lead tells: "US sends
        marines to Philippines" then "... up to 600 marines and relief supplies to flood-ravaged
        areas". A headline is the document's first line, set apart by a line break and ending
        without a full stop; the pattern's sentence-wide vetoes (a parade, disaster relief,
        sport) found in the next sentence hold for it too, since a headline is too short to say
        them itself."""
        vetoes = pattern.sentence_vetoes
        if not vetoes or len(document.sentences) < 2:
            return False
        text = document.cleaned.text
        first, lead = document.sentences[0], document.sentences[1]
        headline = text[first.start : first.end].rstrip()
        if not headline or headline[-1] in ".!?\"'”’" or "\n" not in text[first.end : lead.start + 1]:
            return False
        view = SentenceView(self.tokenize([_body(document.cleaned, lead)])[0], pattern.lexicons or catalog.lexicons)
        return _says_any(view, vetoes)

    def _probabilities(self, texts: list[str]) -> list[dict[str, float]]:
        if not texts or self.judge is None:
            return [{} for _ in texts]
        found: list[dict[str, float]] = []
        for start in range(0, len(texts), JUDGE_BATCH):
            found.extend(self.judge.probabilities(texts[start : start + JUDGE_BATCH]))
        return found

    def _context_provider(
        self,
        window: list[str],
        cache: dict[tuple[str, bool], SentenceView],
        catalog: Catalog,
        defer: bool = False,
    ) -> Callable[[bool], list[SentenceView]]:
        """The sentences before a match, prepared on demand: parsed with names for pronouns
        (``True``), or only tokenized for looking up an agency's name (``False``). With
        ``defer``, a parse not in ``cache`` is not done here but asked for (``_ContextNeeded``)."""

        def provide(parsed: bool) -> list[SentenceView]:
            missing = [t for t in window if (t, parsed) not in cache]
            if missing:
                if parsed and defer:
                    raise _ContextNeeded(missing)
                docs = self.parse(missing) if parsed else self.tokenize(missing)
                for body, doc in zip(missing, docs, strict=False):
                    cache[(body, parsed)] = SentenceView(doc, catalog.lexicons)
            return [cache[(t, parsed)] for t in window]

        return provide

    def _earlier_provider(
        self, document: _Pending, index: int, catalog: Catalog
    ) -> Callable[[], tuple[SentenceView, int]]:
        """The whole document (its context first), only tokenized once and on demand, with the
        character offset where sentence ``index`` begins: where a person was first named, and
        with what title."""

        def provide() -> tuple[SentenceView, int]:
            if document.tokenized is None:
                before = document.before if document.before is not None else _context_sentences(document.context)
                bodies = [*before, *(_body(document.cleaned, s) for s in document.sentences)]
                starts, offset = [], 0
                for body in bodies:
                    starts.append(offset)
                    offset += len(body) + 1
                view = SentenceView(self.tokenize(["\n".join(bodies)])[0], catalog.lexicons)
                document.tokenized = view, starts[len(before) :]
            view, starts = document.tokenized
            return view, starts[index]

        return provide

    def tokenize(self, texts: list[str]) -> list[Doc]:
        with self._nlp_lock:
            return [self._nlp.make_doc(text) for text in texts]

    def _model_detection(
        self,
        decided: Verdict,
        document: _Pending,
        sentence: SentenceSpan,
        finder: RoleFinder,
        partial: Match | None = None,
    ) -> Detection | None:
        """A detection the model made where no rule completed. Its parties are those of the
        pattern's best loose match that fell short of a required role, else those the pattern's
        loose rules read around the sentence's main verb (``alone_parties``); a denial with no
        report in sight is of the outlet the sentence names, else of the one named just before.
        ``None`` where the pattern asks for standing (``alone_standing``) and the actor read has
        none, or the party it answers is no report (a government's claim) and the sentence
        names no outlet."""
        start, end = document.cleaned.original_span(sentence.start, sentence.end)
        spec = decided.pattern.spec
        if partial is None and _says_any(finder.view, decided.pattern.sentence_vetoes):
            return None  # "Real Madrid denied a report in Marca that the coach ...": the model alone may not either
        roots = [t for t in finder.view.doc if t.dep_ == "ROOT"]
        if syntax.parsed(finder.view.doc) and any(syntax.told_as_history(root) for root in roots):
            return None  # "In 1982, Britain sent a task force to the Falklands": background, however sure the model
        actor, target = (partial.actor, partial.target) if partial is not None else (None, None)
        if actor is None or target is None:
            read = alone_parties(decided.pattern, finder)
            if read.blocked:
                return None  # "the opposition leader demanded ...": no state's act, whatever the model reads
            if read.own_target:
                return None  # "Turkey ordered its diplomats to leave ...": a state instructing its own
            classifier = spec.classifier
            standing = classifier is not None and classifier.alone_standing
            if standing and (partial is None or partial.actor is None) and read.unfit_actor:
                return None  # "Huawei denied the newspaper report": the model's reading, not an official's denial
            if (
                standing
                and (partial is None or partial.target is None)
                and (read.unfit_target or (read.target is None and finder.standing.party_claim(finder.view)))
                and finder.outlet() is None
            ):
                # "Ukraine dismissed a Russian claim", "rejected the opposition's claims": a
                # government's or a party's claim denied, no outlet in sight
                return None
            actor = actor or read.actor
            if target is None and read.target != actor:
                target = read.target
        if spec.reports_agency and target is None:
            target = finder.outlet() or finder.outlet_before()
        agency = finder.agency(target) if spec.reports_agency else None
        body = _body(document.cleaned, sentence)
        probability = float(decided.probability or 0.0)
        return Detection(
            pattern=spec.id,
            sentence=document.text[start:end],
            start=start,
            end=end,
            triggers=list(partial.triggers) if partial is not None else [],
            actor=actor.display() if actor else None,
            target=target.display() if target else None,
            agency=agency,
            countries=self._countries(body, actor, target, agency, []),
            confidence=round(probability, 3),
            cameo=spec.cameo,
            rule=CLASSIFIER_RULE,
            probability=round(probability, 4),
        )

    def _detection(
        self,
        match: Match,
        text: str,
        cleaned: CleanText,
        sentence: SentenceSpan,
        finder: RoleFinder,
        window: list[str],
        probability: float | None = None,
    ) -> Detection:
        start, end = cleaned.original_span(sentence.start, sentence.end)
        actor = match.actor.display() if match.actor else None
        target = match.target.display() if match.target else None
        agency = finder.agency(match.target) if match.pattern.spec.reports_agency else None
        body = cleaned.text[sentence.start : sentence.end]
        countries = self._countries(body, match.actor, match.target, agency, window)
        return Detection(
            pattern=match.pattern.id,
            sentence=text[start:end],
            start=start,
            end=end,
            triggers=list(match.triggers),
            actor=actor,
            target=target,
            agency=agency,
            countries=countries,
            confidence=match.confidence,
            cameo=match.rule.spec.cameo or match.pattern.spec.cameo,
            rule=match.rule.spec.id,
            probability=None if probability is None else round(probability, 4),
        )

    def _countries(
        self, body: str, actor: Role | None, target: Role | None, agency: str | None, window: list[str]
    ) -> list[str]:
        """The countries of the detection's own parties, then of its sentence, then of the
        earlier report a denial refers to; other earlier sentences only when this one names no
        country at all (a neighbour's places are usually another event's)."""
        parties = [role.text for role in (actor, target) if role is not None and role.resolved]
        countries = self._gazetteer.countries(*parties)
        for code in self._gazetteer.countries(body, agency):
            if code not in countries:
                countries.append(code)
        if agency and agency not in body:  # "denied the report": the report is the one before
            for earlier in reversed(window):
                if agency in earlier:
                    countries += [c for c in self._gazetteer.countries(earlier) if c not in countries]
                    break
        if not countries:
            for earlier in reversed(window):
                for code in self._gazetteer.countries(earlier):
                    if code not in countries:
                        countries.append(code)
        return countries


def _says_any(view: SentenceView, lexicons: tuple[Lexicon, ...]) -> bool:
    everything = set(range(len(view.doc)))
    return any(view.hits(lexicon, everything) for lexicon in lexicons)


def _alone(decided: Verdict) -> bool:
    """Whether the model's probability alone makes a detection where no rule completed."""
    classifier = decided.pattern.spec.classifier
    return classifier is not None and decided.probability is not None and decided.probability >= classifier.alone_at()


def _may_count(sentence: _Sentence, check: _Check) -> bool:
    """Whether a rule that found candidates may count at the model's probability, where the
    model was already asked (a rule that may not count needs no roles read)."""
    if not check.candidates:
        return False
    if check.label is None or sentence.probabilities is None:
        return True
    counting = verdict(check.pattern, check.label, sentence.probabilities.get(check.label, 0.0)).rules
    return any(id(rule) in check.candidates for rule in counting)


def _has_required(pattern: CompiledPattern, match: Match) -> bool:
    """Whether a match found every role its pattern's classifier block requires, by name."""
    roles = {"actor": match.actor, "target": match.target}
    classifier = pattern.spec.classifier
    required = list(classifier.require) if classifier is not None else []
    return all((role := roles[name]) is not None and role.resolved for name in required)


def _one_sentence(doc: Doc) -> Doc:
    """Marks ``doc`` as one sentence (first token starts it, no other may), so that the
    parser does not split it; one array write instead of a property set per token."""
    if len(doc) > 1:
        starts = numpy.full(len(doc), NOT_SENT_START, dtype=numpy.uint64)
        starts[0] = 1
        doc.from_array([SENT_START], starts)  # type: ignore[arg-type]  # 1-d for one attribute; stub says Ints2d
    return doc


def _body(cleaned: CleanText, sentence: SentenceSpan) -> str:
    return cleaned.text[sentence.start : sentence.end]


def _context_sentences(context: str | None) -> list[str]:
    if not context:
        return []
    cleaned = clean(context)
    return [_body(cleaned, s) for s in split_sentences(cleaned.text)][-CONTEXT_SENTENCES:]


def _window(cleaned: CleanText, sentences: list[SentenceSpan], index: int, before: list[str]) -> list[str]:
    """The sentences just before ``index`` (oldest first), reaching into ``context`` if needed."""
    own = [_body(cleaned, s) for s in sentences[max(0, index - CONTEXT_SENTENCES) : index]]
    return (before + own)[-CONTEXT_SENTENCES:]
