"""HTML to plain text, with the standard library only: feeds and posts carry HTML bodies,
the detector wants sentences."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

_BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "tr",
        "table",
        "section",
        "article",
        "header",
        "footer",
        "pre",
        "hr",
        "figure",
        "figcaption",
        "dd",
        "dt",
    }
)
_SKIPPED_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "head", "iframe"})
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u200b]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
_HTML_WHITESPACE = re.compile(r"[ \t\n\r\f]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class ForgivingHTMLParser(HTMLParser):
    """``HTMLParser`` that skips a malformed declaration instead of crashing on it.

    The standard library's parser raises ``AssertionError`` on some broken markup ("<![0", a
    marked section with no name): a hostile or truncated page would end the poll with an
    unexpected error. Here the bad declaration's "<!" is dropped and parsing goes on; anything
    else the parser cannot read ends the page where it stands, keeping what was read.
    """

    def parse_html_declaration(self, i: int) -> int:
        try:
            return super().parse_html_declaration(i)
        except AssertionError:
            return i + 2

    def feed(self, data: str) -> None:
        try:
            super().feed(data)
        except AssertionError:
            self.rawdata = ""  # the rest is unreadable: keep what was parsed before it


class _TextCollector(ForgivingHTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0
        self._preformatted = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_TAGS:
            self._skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")
        if tag == "pre":
            self._preformatted += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")
        if tag == "pre":
            self._preformatted = max(0, self._preformatted - 1)

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data if self._preformatted else collapse_whitespace(data))


def collapse_whitespace(data: str) -> str:
    """HTML's rule: any run of whitespace in text, line breaks included, renders as one space."""
    return _HTML_WHITESPACE.sub(" ", data)


def html_to_text(markup: str | None) -> str:
    """Readable text from an HTML fragment: paragraphs kept as blank-line breaks."""
    if not markup:
        return ""
    if "<" not in markup:
        return clean_text(html.unescape(markup))
    collector = _TextCollector()
    collector.feed(markup)
    collector.close()
    return clean_text("".join(collector.parts))


def clean_text(text: str | None) -> str:
    """Whitespace normalised, control characters removed, paragraphs separated by one blank line."""
    if not text:
        return ""
    text = _CONTROL.sub("", text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    joined = "\n".join(lines)
    return _BLANK_LINES.sub("\n\n", joined).strip()


def normalise_language(code: str | None) -> str | None:
    """A BCP 47 tag reduced to its primary language (``en-US`` becomes ``en``)."""
    if not code or not isinstance(code, str):
        return None
    primary = code.strip().replace("_", "-").split("-", 1)[0].lower()
    if 2 <= len(primary) <= 3 and primary.isalpha():
        return primary
    return None
