"""Telegram public channels through their web preview ``https://t.me/s/<channel>``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import Field, model_validator

from models import Document
from services.ingest.fetcher import Fetcher
from services.ingest.kinds.base import Cursor, Harvest, PayloadInvalid, SourceKind, SourceOptions, SourceSpec
from services.ingest.kinds.documents import make_document, parse_iso_datetime
from services.ingest.text import ForgivingHTMLParser, clean_text, collapse_whitespace

TELEGRAM = "https://t.me"
_CHANNEL = re.compile(r"^[A-Za-z0-9_]{4,64}$")
_BLOCK_BREAKS = frozenset({"br", "p", "div"})
_NOT_TEXT = frozenset({"script", "style", "template", "noscript"})


class TelegramOptions(SourceOptions):
    """``channel`` (the public username); ``url`` overrides the preview site."""

    channel: str = Field(min_length=4)

    @model_validator(mode="after")
    def _valid(self) -> "TelegramOptions":
        self.channel = self.channel.lstrip("@")
        if not _CHANNEL.match(self.channel):
            raise ValueError(f"{self.channel!r} is not a public Telegram channel name")
        self.url = (self.url or TELEGRAM).rstrip("/")
        return self


@dataclass
class ChannelMessage:
    post: str
    text_parts: list[str] = field(default_factory=list)
    published: str | None = None
    author: str | None = None

    @property
    def text(self) -> str:
        return clean_text("".join(self.text_parts))


class _PreviewParser(ForgivingHTMLParser):
    """Collects each ``data-post`` message: its first message-text block, time and author.

    Depth is tracked per element so nested ``js-message_text`` blocks and reply quotes do
    not leak text from one message into another.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.messages: list[ChannelMessage] = []
        self._current: ChannelMessage | None = None
        self._message_depth = 0
        self._text_depth = 0
        self._author_depth = 0
        self._quote_depth = 0
        self._text_done = False
        self._depth = 0
        self._not_text = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _NOT_TEXT:
            self._not_text += 1  # a script inside a message is markup, never the message's text
            return
        if tag in ("br", "img", "hr", "meta", "link", "input"):
            if tag == "br" and self._text_depth:
                self._current.text_parts.append("\n")  # type: ignore[union-attr]
            return
        self._depth += 1
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if attributes.get("data-post") and "tgme_widget_message" in classes:
            self._current = ChannelMessage(post=attributes["data-post"] or "")
            self.messages.append(self._current)
            self._message_depth = self._depth
            self._text_done = False
            return
        if self._current is None:
            return
        if "tgme_widget_message_reply" in classes and not self._quote_depth:
            self._quote_depth = self._depth  # the quoted message a reply points to
        elif self._quote_depth:
            return
        elif "tgme_widget_message_text" in classes and not self._text_depth and not self._text_done:
            self._text_depth = self._depth
        elif "tgme_widget_message_owner_name" in classes and not self._current.author:
            self._author_depth = self._depth
        elif tag == "time" and attributes.get("datetime") and "time" in classes and not self._current.published:
            self._current.published = attributes["datetime"]
        elif tag in _BLOCK_BREAKS and self._text_depth:
            self._current.text_parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _NOT_TEXT:
            self._not_text = max(0, self._not_text - 1)
            return
        if tag in ("br", "img", "hr", "meta", "link", "input"):
            return
        if self._text_depth and self._depth == self._text_depth:
            self._text_depth = 0
            self._text_done = True
        if self._author_depth and self._depth == self._author_depth:
            self._author_depth = 0
        if self._quote_depth and self._depth == self._quote_depth:
            self._quote_depth = 0
        if self._current is not None and self._depth == self._message_depth:
            self._current = None
        self._depth = max(0, self._depth - 1)

    def handle_data(self, data: str) -> None:
        if self._current is None or self._quote_depth or self._not_text:
            return
        if self._text_depth:
            self._current.text_parts.append(collapse_whitespace(data))
        elif self._author_depth:
            self._current.author = ((self._current.author or "") + data).strip() or None


def parse_channel_page(html: str) -> list[ChannelMessage]:
    parser = _PreviewParser()
    parser.feed(html)
    parser.close()
    return parser.messages


async def poll_telegram(source: SourceSpec, fetcher: Fetcher, cursor: Cursor, now: datetime) -> Harvest:
    options = source.options
    assert isinstance(options, TelegramOptions)
    fetched = await fetcher.get(
        f"{options.url}/s/{options.channel}",
        accept="text/html",
        max_bytes=options.max_bytes,
        total_timeout=options.timeout,
    )
    page = fetched.body.decode("utf-8", "replace")
    messages = parse_channel_page(page)
    if not messages and "tgme_channel_info" not in page and "tgme_widget_message" not in page:
        raise PayloadInvalid("not a Telegram channel preview page (private channel, or preview disabled)")
    return Harvest(documents=telegram_documents(messages, source, now))


def telegram_documents(messages: list[ChannelMessage], source: SourceSpec, now: datetime) -> list[Document]:
    documents = []
    for message in messages:
        document = make_document(
            source_id=source.id,
            fetched_at=now,
            platform="telegram",
            platform_id=message.post,
            url=f"{TELEGRAM}/{message.post}",
            text=message.text,
            language=source.options.language,
            published_at=parse_iso_datetime(message.published),
            author=message.author,
        )
        if document is not None and document.text:
            documents.append(document)
    return documents


def telegram_target(target: str) -> dict[str, Any]:
    """``@channel``, ``channel`` or ``https://t.me/s/channel``."""
    match = re.search(r"t\.me/(?:s/)?([A-Za-z0-9_]+)", target)
    return {"channel": match.group(1) if match else target.strip()}


TELEGRAM_KIND = SourceKind("telegram", TelegramOptions, poll_telegram, telegram_target)
