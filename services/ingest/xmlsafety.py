"""Refuse XML that declares entities before any parser sees it.

feedparser reads with the standard library's SAX parser and falls back to a lenient one;
neither is hardened against entity-expansion ("billion laughs") or external-entity tricks.
No real feed needs an internal DTD with entity declarations, so such documents are rejected.
"""

from __future__ import annotations

import re

_ENTITY_DECLARATION = re.compile(rb"<!\s*ENTITY", re.IGNORECASE)
_DOCTYPE = re.compile(rb"<!\s*DOCTYPE[^>\[]*\[", re.IGNORECASE)


class UnsafeXml(ValueError):
    """The document declares entities or an internal DTD subset."""


def assert_safe_xml(body: bytes) -> None:
    """Raises :class:`UnsafeXml` when ``body`` carries an internal DTD or entity declarations."""
    probe = body
    if b"\x00" in body[:4096]:
        probe = body.replace(b"\x00", b"")  # UTF-16/32: look at the ASCII skeleton
    if _ENTITY_DECLARATION.search(probe):
        raise UnsafeXml("document declares XML entities (possible entity-expansion attack)")
    if _DOCTYPE.search(probe):
        raise UnsafeXml("document carries an internal DTD subset")
