"""Subscription filters: which detections of a signal a subscription wants to hear about.

Pure functions over models, so every filter is tested without I/O. An empty filter means
"any". Names are compared case- and accent-insensitively, keywords as whole words.
"""

from __future__ import annotations

import re
from functools import lru_cache

from models import Detection, Signal, Subscription
from models.names import fold
from models.severity import rank


@lru_cache(maxsize=4096)
def _word_pattern(term: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(fold(term))}(?!\w)")


def contains_term(text: str, term: str) -> bool:
    """Whether ``term`` occurs in ``text`` as whole words."""
    return bool(term.strip()) and _word_pattern(term).search(fold(text)) is not None


def actor_names(subscription: Subscription) -> list[str]:
    """Every name the subscription's actors go by, aliases included."""
    names = list(subscription.actors)
    for canonical, aliases in subscription.aliases.items():
        if canonical in subscription.actors or not subscription.actors:
            names.extend([canonical, *aliases])
    return names


def detection_matches(subscription: Subscription, detection: Detection) -> bool:
    """Filters that look at one detection: pattern, country, actor, keyword, confidence."""
    if subscription.patterns and detection.pattern not in subscription.patterns:
        return False
    if subscription.countries and not set(subscription.countries) & set(detection.countries):
        return False
    if detection.confidence < subscription.min_confidence:
        return False
    if subscription.actors:
        people = [name for name in (detection.actor, detection.target) if name]
        wanted = actor_names(subscription)
        if not any(contains_term(person, name) or fold(person) == fold(name) for person in people for name in wanted):
            return False
    if subscription.keywords:
        if not any(contains_term(detection.sentence, keyword) for keyword in subscription.keywords):
            return False
    return True


def signal_matches(subscription: Subscription, signal: Signal) -> bool:
    """Filters that look at the signal as a whole: source, language, severity.

    A document of unknown language does not pass a language filter: a desk that asks for
    Spanish should not get items nobody identified.
    """
    if subscription.sources and signal.document.source_id not in subscription.sources:
        return False
    if subscription.languages:
        language = (signal.document.language or "").lower().split("-")[0]
        if language not in {code.lower() for code in subscription.languages}:
            return False
    return True


def severity_passes(subscription: Subscription, severity: str) -> bool:
    return rank(severity) >= rank(subscription.min_severity)


def matching_detections(subscription: Subscription, signal: Signal) -> list[Detection]:
    """The detections of ``signal`` that ``subscription`` wants, or none."""
    if not signal_matches(subscription, signal):
        return []
    return [detection for detection in signal.detections if detection_matches(subscription, detection)]
