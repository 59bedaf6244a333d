"""Reading labelled sentences and choosing negatives for the judge.

Three kinds of input file, told apart by their fields rather than their names so that
``tocsin train --data`` accepts any mix:

* labelled files (``label`` among the five classes, ``source`` = the article): the positives
  and the hard negatives that share their vocabulary;
* event-coded negatives (``gold_code``): real political events of other kinds;
* general news (``category``): AG-News-style title + description snippets, a pool of ordinary
  negatives, of which a handful are real events and are left out by id (``KNOWN_EVENTS``).
  Each snippet gives one example per sentence as the detector splits it (id ``<row id>/<n>``,
  grouped by the row id so a snippet's sentences share a fold).
* sentences written here (labelled rows with ``"written_here": true``, e.g.
  ``services/detector/training/written_here.jsonl``): constructions the shared data lacks,
  written by this project. They are trained on in every fold and never scored, so
  cross-validated figures stay figures on real news.

OTHER_POSITIVE counts as negative for all three seed labels: the judge answers "is this
sentence one of the watched patterns", not "is this geopolitics".
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

LABELS: tuple[str, ...] = ("ultimatum", "military_buildup", "wire_denial")
_CLASS_TO_LABEL = {"ULTIMATUM": "ultimatum", "MILITARY_BUILDUP": "military_buildup", "WIRE_DENIAL": "wire_denial"}
_NEGATIVE_CLASSES = {"NEGATIVE", "OTHER_POSITIVE"}

# General-news snippets that are real seed events (read by hand, see the model card): they
# are not negatives, and training on them as such would teach the judge to miss them.
KNOWN_EVENTS = frozenset(
    {
        "agnews-test-03743",  # a prime minister's ultimatum to a rebel-held city
        "agnews-test-07252",  # a government denies a newspaper's report
        "agnews-test-07570",  # a regional union's 24-hour deadline to a government
        "agnews-test-04261",  # troops moved into a country at an ally's request (borderline)
    }
)

# Words that make a general-news snippet a hard negative: it shares the seed patterns'
# vocabulary without being one of them. Half of the sampled general news is drawn from these.
_HARD = re.compile(
    r"\b(den(y|ies|ied|ial)|reject|dismiss|report(s|ed)?|ultimatum|deadline|demand|warn|threat"
    r"|troops?|forces|military|army|navy|deploy|border|mass(ed|ing)?|buildup|build-up|mobili[sz]"
    r"|sanction|expel|resign|step down|leave)\b",
    re.IGNORECASE,
)


class DataError(ValueError):
    """An input file is not one of the kinds the trainer reads."""


@dataclass(frozen=True)
class Example:
    """One training or evaluation sentence with its multi-hot target over ``LABELS``."""

    id: str
    text: str
    label: str  # the file's class (ULTIMATUM, ..., NEGATIVE, GENERAL, EVENT_CODED)
    group: str  # what cross-validation folds by: the source article, else the id
    kind: str  # "labelled" | "written" | "event_coded" | "general"
    target: tuple[float, ...] = field(default=(0.0, 0.0, 0.0))


def clean_snippet(text: str) -> list[str]:
    """A general-news snippet as the detector would see it: title and description apart,
    without the corpus's ``\\`` line breaks and ``#36;`` entity remnants."""
    text = re.sub(r"#(\d+);", lambda m: chr(int(m.group(1))), text).replace("\\", " ")
    return [" ".join(part.split()) for part in text.split("\n") if part.strip()]


def sentence_id(snippet_id: str, number: int) -> str:
    """The example id of a snippet's ``number``-th sentence (``<snippet id>/<n>``)."""
    return f"{snippet_id}/{number}"


def snippet_of(example_id: str) -> str:
    """The snippet a sentence's example id belongs to (the id itself for any other example)."""
    return example_id.partition("/")[0]


def snippet_sentences(text: str) -> list[str]:
    """A general-news snippet's sentences exactly as the detector judges them: the title and
    each sentence of the description apart, cleaned and split as the engine does. Trained on
    whole snippets, the judge never saw a headline alone, yet that is what it is asked about
    ("Regulator Says Broadband Deployment Is Speeding Up" read as a buildup)."""
    from services.detector.hygiene import clean
    from services.detector.sentences import split_sentences

    cleaned = clean("\n".join(clean_snippet(text)))
    return [cleaned.text[s.start : s.end] for s in split_sentences(cleaned.text)]


def target_for(label: str) -> tuple[float, ...]:
    """Multi-hot target: the seed label's position set, everything else zero."""
    name = _CLASS_TO_LABEL.get(label)
    return tuple(1.0 if name == lab else 0.0 for lab in LABELS)


def read_file(path: Path) -> list[Example]:
    """Examples of one JSONL file; raises ``DataError`` naming the file and line otherwise."""
    examples: list[Example] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        if "category" in row:
            if row["id"] in KNOWN_EVENTS:
                continue
            for number, sentence in enumerate(snippet_sentences(row["text"])):
                examples.append(Example(sentence_id(row["id"], number), sentence, "GENERAL", row["id"], "general"))
        elif "gold_code" in row:
            examples.append(Example(row["id"], row["text"], "EVENT_CODED", row["id"], "event_coded"))
        elif row.get("label") in _CLASS_TO_LABEL or row.get("label") in _NEGATIVE_CLASSES:
            group = row.get("source") or row["id"]
            kind = "written" if row.get("written_here") is True else "labelled"
            examples.append(Example(row["id"], row["text"], row["label"], group, kind, target_for(row["label"])))
        else:
            raise DataError(f"{path}:{number}: neither a labelled sentence, an event-coded one, nor general news")
    return examples


def read_files(paths: Iterable[Path]) -> list[Example]:
    """All examples of all files, ids unique across them (a duplicate would leak across folds)."""
    examples: list[Example] = []
    seen: set[str] = set()
    for path in paths:
        for example in read_file(path):
            if example.id in seen:
                raise DataError(f"{path}: id {example.id} appears twice")
            seen.add(example.id)
            examples.append(example)
    return examples


def sample_general(examples: Sequence[Example], limit: int, seed: int) -> list[Example]:
    """At most ``limit`` general-news negatives, half of them hard (shared vocabulary).

    All of general news would swamp the roughly 150 positives per label; a random sample
    alone would be too easy to teach the boundary."""
    general = [e for e in examples if e.kind == "general"]
    if len(general) <= limit:
        return list(general)
    rng = random.Random(seed)
    hard = [e for e in general if _HARD.search(e.text)]
    easy = [e for e in general if not _HARD.search(e.text)]
    take_hard = min(len(hard), limit // 2)
    chosen = rng.sample(hard, take_hard) + rng.sample(easy, min(len(easy), limit - take_hard))
    chosen.sort(key=lambda e: e.id)
    return chosen


def training_set(examples: Sequence[Example], general_limit: int, seed: int) -> list[Example]:
    """Labelled and event-coded examples in full, general news sampled."""
    kept = [e for e in examples if e.kind != "general"]
    return kept + sample_general(examples, general_limit, seed)
