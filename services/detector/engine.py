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
from services.detector.catalog import (
    BUILTIN_PATTERNS_DIR,
    Catalog,
    CompiledPattern,
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
from services.detector.lexicon import TextProbe
from services.detector.matcher import Candidate, Match, complete
from services.detector.matcher import candidates as match_candidates
from services.detector.roles import RoleFinder
from services.detector.schema import PatternFileError
from services.detector.sentences import SentenceSpan, split_sentences
from services.detector.tags import universal_pos
from services.detector.view import SentenceView

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
_Found = tuple[int, SentenceView, Verdict, list[Candidate]]
JUDGE_BATCH = 64  # sentences per call of the judge
DEFAULT_JUDGE = object()  # sentinel: load the committed model (None means rule-only)


@dataclass
class _Sentence:
    """A sentence going on to the parse, with what each pattern may do in it."""

    index: int
    probe: TextProbe
    verdicts: list[Verdict]


@dataclass
class _Pending:
    """One document of a batch between the stages of ``detect_many``."""

    text: str
    context: str | None
    cleaned: CleanText
    sentences: list[SentenceSpan]
    screened: _Candidates = field(default_factory=list)
    candidates: list[_Sentence] = field(default_factory=list)
    found: list[_Found] = field(default_factory=list)
    before: list[str] | None = None  # the context's last sentences, split when first needed


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
        with self._nlp_lock:
            docs = [_one_sentence(self._nlp.make_doc(text)) for text in texts]
            for name, component in self._nlp.pipeline:
                if (name == ENTITY_PIPE and not entities) or (name != ENTITY_PIPE and not syntax):
                    continue
                docs = list(cast(_BatchingComponent, component).pipe(docs))
            if syntax and self.trained and "tagger" in self._nlp.pipe_names:
                for doc in docs:
                    universal_pos(doc)
            for doc in docs:
                doc.user_data[ENTITIES_DONE] = entities
            return docs

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
        self._judge_all(documents, catalog)
        texts = [_body(d.cleaned, d.sentences[s.index]) for d in documents for s in d.candidates]
        docs = iter(self.parse(texts, entities=not self.two_tier) if texts else [])
        for document in documents:
            views = [SentenceView(next(docs), catalog.lexicons) for _ in document.candidates]
            document.found = self._second_tier(document, views)
        self.recognise([view.doc for d in documents for _, view, _, _ in d.found])
        return self._conclude_all(documents, catalog)

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

    def _judge_all(self, documents: list[_Pending], catalog: Catalog) -> None:
        """The gate, the model on the sentences it passes, and each pattern's verdict.

        A sentence reaches the model when a labelled pattern's gate words occur in it (or a
        rule's words all do); the model runs once, in batches, over the whole batch of
        documents. Only sentences where some pattern may still fire go on to the parse.
        """
        labelled = [(pattern, label_of(pattern, self.judge)) for pattern in catalog.patterns]
        asked: list[tuple[_Pending, int, dict[str, TextProbe | None], set[str]]] = []
        for document in documents:
            screened = {index: (patterns, probe) for index, patterns, probe in document.screened}
            for index, sentence in enumerate(document.sentences):
                probe = screened[index][1] if index in screened else None
                lowered = _body(document.cleaned, sentence).lower()
                passed = {
                    pattern.id
                    for pattern, label in labelled
                    if label is not None and pattern.gate_passes(lowered, probe)
                }
                if passed or index in screened:
                    asked.append((document, index, {"probe": probe}, passed))
        to_judge = [(d, i) for d, i, _, passed in asked if passed]
        probabilities = self._probabilities([_body(d.cleaned, d.sentences[i]) for d, i in to_judge])
        by_sentence = {(id(d), i): p for (d, i), p in zip(to_judge, probabilities, strict=False)}
        for document, index, holder, passed in asked:
            probe = holder["probe"]
            screened_patterns = next((ps for i, ps, _ in document.screened if i == index), [])
            if probe is None:
                probe = catalog.probe(_body(document.cleaned, document.sentences[index]))
            p = by_sentence.get((id(document), index), {})
            verdicts: list[Verdict] = []
            for pattern, label in labelled:
                if label is None:
                    if pattern in screened_patterns:
                        verdicts.append(verdict(pattern, None, None))
                elif pattern.id in passed:
                    verdicts.append(verdict(pattern, label, p.get(label, 0.0)))
            verdicts = [v for v in verdicts if v.model_led or self._could_match(v, probe)]
            if verdicts:
                document.candidates.append(_Sentence(index, probe, verdicts))

    def _could_match(self, decided: Verdict, probe: TextProbe) -> bool:
        return any(not self.two_tier or rule.could_match(probe) for rule in decided.rules)

    def _probabilities(self, texts: list[str]) -> list[dict[str, float]]:
        if not texts or self.judge is None:
            return [{} for _ in texts]
        found: list[dict[str, float]] = []
        for start in range(0, len(texts), JUDGE_BATCH):
            found.extend(self.judge.probabilities(texts[start : start + JUDGE_BATCH]))
        return found

    def _second_tier(self, document: _Pending, views: list[SentenceView]) -> list[_Found]:
        """Every pattern whose counting rules hold on the parse of a candidate sentence, with
        its anchors, and every pattern the model leads in even where no rule holds."""
        found: list[_Found] = []
        for sentence, shared_view in zip(document.candidates, views, strict=False):
            for decided in sentence.verdicts:
                own = decided.pattern.lexicons  # the pattern's own lexicons override shared ones
                view = shared_view if own is None else SentenceView(shared_view.doc, own)
                matched = [
                    candidate
                    for rule in decided.rules
                    if not self.two_tier or rule.could_match(sentence.probe)
                    for candidate in match_candidates(view, rule)
                ]
                if matched or decided.model_led:
                    found.append((sentence.index, view, decided, matched))
        return found

    def _conclude_all(self, documents: list[_Pending], catalog: Catalog) -> list[list[Detection]]:
        """Roles and checks for every match, parsing the context sentences needed in one batch.

        A first pass completes every match whose roles need no parsed context; a match that
        asks for one stops (``_ContextNeeded``) and is done again once all the context
        sentences asked for in the batch are parsed together. Completion has no side effects
        besides caches, so doing it again gives what one uninterrupted pass would.
        """
        cache: dict[tuple[str, bool], SentenceView] = {}
        outcomes: list[list[Detection | None]] = [[None] * len(d.found) for d in documents]
        waiting: list[tuple[int, int]] = []
        wanted: dict[str, None] = {}
        for i, document in enumerate(documents):
            for j, found in enumerate(document.found):
                try:
                    outcomes[i][j] = self._conclude(document, found, cache, catalog, defer=True)
                except _ContextNeeded as need:
                    waiting.append((i, j))
                    wanted.update(dict.fromkeys(need.texts))
        if wanted:
            bodies = list(wanted)
            for body, doc in zip(bodies, self.parse(bodies), strict=False):
                cache[(body, True)] = SentenceView(doc, catalog.lexicons)
        for i, j in waiting:
            outcomes[i][j] = self._conclude(documents[i], documents[i].found[j], cache, catalog, defer=False)
        return [[d for d in row if d is not None] for row in outcomes]

    def _conclude(
        self,
        document: _Pending,
        found: _Found,
        cache: dict[tuple[str, bool], SentenceView],
        catalog: Catalog,
        defer: bool,
    ) -> Detection | None:
        """The best completed match of one pattern in one sentence, as a ``Detection``.

        A loose rule's match counts only with every role the classifier block requires; where
        the model leads, requires no role and no rule completes, the detection is the model's.
        """
        index, view, decided, matched = found
        pattern = decided.pattern
        if document.before is None:
            document.before = _context_sentences(document.context)
        window = _window(document.cleaned, document.sentences, index, document.before)
        provider = self._context_provider(window, cache, catalog, defer)
        finder = RoleFinder(view, provider, self._gazetteer)
        best: Match | None = None
        for candidate in matched:
            match = complete(view, pattern, candidate, finder)
            if match is None or (match.rule.spec.needs_model and not _has_required(decided, match)):
                continue
            if best is None or match.confidence > best.confidence:
                best = match
        sentence = document.sentences[index]
        if best is None:
            if decided.model_led and _alone(decided):
                return self._model_detection(decided, document, sentence, finder)
            return None
        return self._detection(best, document.text, document.cleaned, sentence, finder, window, decided.probability)

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

    def tokenize(self, texts: list[str]) -> list[Doc]:
        with self._nlp_lock:
            return [self._nlp.make_doc(text) for text in texts]

    def _model_detection(
        self,
        decided: Verdict,
        document: _Pending,
        sentence: SentenceSpan,
        finder: RoleFinder,
    ) -> Detection:
        """A detection the model made where no rule completed: the sentence, no parties."""
        start, end = document.cleaned.original_span(sentence.start, sentence.end)
        spec = decided.pattern.spec
        agency = finder.agency(None) if spec.reports_agency else None
        body = _body(document.cleaned, sentence)
        probability = float(decided.probability or 0.0)
        return Detection(
            pattern=spec.id,
            sentence=document.text[start:end],
            start=start,
            end=end,
            triggers=[],
            agency=agency,
            countries=self._gazetteer.countries(body, agency),
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
        countries = self._countries(body, match, agency, window)
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

    def _countries(self, body: str, match: Match, agency: str | None, window: list[str]) -> list[str]:
        """The countries of the detection's own parties, then of its sentence, then of the
        earlier report a denial refers to; other earlier sentences only when this one names no
        country at all (a neighbour's places are usually another event's)."""
        parties = [role.text for role in (match.actor, match.target) if role is not None and role.resolved]
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


def _required(decided: Verdict) -> list[str]:
    classifier = decided.pattern.spec.classifier
    return list(classifier.require) if classifier is not None else []


def _alone(decided: Verdict) -> bool:
    """Whether the model's probability alone makes a detection where no rule completed."""
    classifier = decided.pattern.spec.classifier
    return classifier is not None and decided.probability is not None and decided.probability >= classifier.alone_at()


def _has_required(decided: Verdict, match: Match) -> bool:
    """Whether a match found every role its pattern's classifier block requires, by name."""
    roles = {"actor": match.actor, "target": match.target}
    return all((role := roles[name]) is not None and role.resolved for name in _required(decided))


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
