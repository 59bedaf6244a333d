"""Refuse XML that declares entities before any parser sees it, whatever its encoding.

feedparser reads with the standard library's SAX parser and falls back to a lenient one;
neither is hardened against entity-expansion ("billion laughs") or external-entity tricks.
No real feed needs an internal DTD with entity declarations, so such documents are rejected.

A check on the raw bytes is blind to a document declared ``encoding="cp037"`` (EBCDIC) or
served as ``charset=utf-7``: the parser decodes ``<!ENTITY`` out of bytes that never
contain it. So :func:`safe_xml` decodes the document first, checks the text, and returns
that same text as UTF-8 (declaration rewritten): the parser reads exactly what was checked.
"""

from __future__ import annotations

import codecs
import re

_ENTITY_DECLARATION = re.compile(r"<!\s*ENTITY", re.IGNORECASE)
_DOCTYPE = re.compile(r"<!\s*DOCTYPE[^>\[]*\[", re.IGNORECASE)
_DECLARATION = re.compile(r"^(\s*<\?xml[^>]*?encoding\s*=\s*)([\"'])([^\"']*)\2", re.IGNORECASE)
_ASCII_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._:-]{1,40})[\"']")
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]{1,40})", re.IGNORECASE)
_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
_PROBES = ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be", "cp037"]
"""Encodings in which ``<?xml`` starts a document without a BOM (XML 1.0 appendix F)."""


class UnsafeXml(ValueError):
    """The document declares entities or an internal DTD subset, or cannot be decoded."""


def _declared(body: bytes) -> str | None:
    """The encoding named by the XML declaration, read in whichever encoding makes it legible."""
    head = body[:1024]
    match = _ASCII_DECLARATION.match(head)
    if match:
        return match.group(1).decode("ascii")
    for probe in _PROBES:
        try:
            text = head[: len(head) - len(head) % 4].decode(probe, errors="ignore")
        except LookupError:
            continue
        if text.lstrip().startswith("<?xml"):
            found = _DECLARATION.match(text)
            return found.group(3) if found else probe
    return None


def _candidates(body: bytes, content_type: str) -> list[str]:
    for bom, name in _BOMS:
        if body.startswith(bom):
            return [name]
    charset = _CHARSET.search(content_type or "")
    named = (_declared(body), charset.group(1) if charset else None)
    # Then what feedparser falls back to for mislabelled feeds; ISO-8859-1 decodes anything.
    return [name for name in (*named, "utf-8", "windows-1252", "iso-8859-1") if name]


def _decode(body: bytes, content_type: str) -> tuple[str, str | None]:
    """The text and, when the first named encoding did not fit, a note saying which did."""
    names = _candidates(body, content_type)
    for name in names:
        try:
            if not codecs.lookup(name)._is_text_encoding:  # rot13, base64, zlib... are not encodings
                continue
            text = body.decode(name)
        except (LookupError, UnicodeError, ValueError):
            continue
        return text, None if name == names[0] else f"document is not {names[0]}; read as {name}"
    return body.decode("iso-8859-1"), f"document is not {names[0]}; read as iso-8859-1"


def assert_safe_text(text: str) -> None:
    """Raises :class:`UnsafeXml` when decoded ``text`` carries entity declarations or an internal DTD."""
    if _ENTITY_DECLARATION.search(text):
        raise UnsafeXml("document declares XML entities (possible entity-expansion attack)")
    if _DOCTYPE.search(text):
        raise UnsafeXml("document carries an internal DTD subset")


def checked_xml(body: bytes, content_type: str = "") -> tuple[bytes, str | None]:
    """``body`` decoded (BOM, then XML declaration, then HTTP charset, then UTF-8, Windows-1252
    and ISO-8859-1: the first that decodes), checked, and
    re-encoded as UTF-8 with its declaration saying so, plus a note when the document was
    mislabelled; raises :class:`UnsafeXml`."""
    text, note = _decode(body, content_type)
    text = text.lstrip("\ufeff")
    assert_safe_text(text)
    text = _DECLARATION.sub(lambda m: f"{m.group(1)}{m.group(2)}utf-8{m.group(2)}", text, count=1)
    return text.encode("utf-8", errors="replace"), note


def safe_xml(body: bytes, content_type: str = "") -> bytes:
    """:func:`checked_xml` without the note."""
    return checked_xml(body, content_type)[0]


def assert_safe_xml(body: bytes, content_type: str = "") -> None:
    """Raises :class:`UnsafeXml` when ``body``, decoded, carries an internal DTD or entity declarations."""
    safe_xml(body, content_type)
