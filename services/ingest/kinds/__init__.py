"""Source kinds, chosen by ``kind:`` in the config: each is one small module."""

from __future__ import annotations

from pydantic import ValidationError

from services.ingest.kinds.base import Cursor, Harvest, PayloadInvalid, SourceKind, SourceOptions, SourceSpec
from services.ingest.kinds.bluesky import BLUESKY
from services.ingest.kinds.feed import ATOM, RSS
from services.ingest.kinds.gdelt import GDELT
from services.ingest.kinds.jsonfeed import JSONFEED
from services.ingest.kinds.mastodon import MASTODON
from services.ingest.kinds.reddit import REDDIT_KIND
from services.ingest.kinds.telegram import TELEGRAM_KIND
from services.platform.config import SourceSettings

KINDS: dict[str, SourceKind] = {
    kind.name: kind for kind in (RSS, ATOM, JSONFEED, MASTODON, BLUESKY, REDDIT_KIND, TELEGRAM_KIND, GDELT)
}


class UnknownKind(ValueError):
    pass


class InvalidSource(ValueError):
    """A source's kind-specific options do not validate; the message names source and field."""


def kind_named(name: str) -> SourceKind:
    try:
        return KINDS[name]
    except KeyError:
        raise UnknownKind(f"unknown source kind {name!r}; known kinds: {', '.join(sorted(KINDS))}") from None


def build_spec(source: SourceSettings) -> SourceSpec:
    """A :class:`SourceSpec` with the kind's options validated, or :class:`InvalidSource`."""
    try:
        kind = kind_named(source.kind)
    except UnknownKind as exc:
        raise InvalidSource(f"source {source.id!r}: {exc}") from None
    try:
        options = kind.options.model_validate({**(source.model_extra or {}), "url": source.url})
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc']) or kind.name}: {error['msg']}" for error in exc.errors()
        )
        raise InvalidSource(f"source {source.id!r} ({source.kind}): {problems}") from None
    return SourceSpec(id=source.id, kind=source.kind, interval=source.interval, options=options)


__all__ = [
    "Cursor",
    "Harvest",
    "InvalidSource",
    "KINDS",
    "PayloadInvalid",
    "SourceKind",
    "SourceOptions",
    "SourceSpec",
    "UnknownKind",
    "build_spec",
    "kind_named",
]
