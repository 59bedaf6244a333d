"""Full article text for items whose feed carries only a summary (off by default per source).

trafilatura removes navigation and boilerplate; it runs in a thread because it is CPU-bound.
Each fetch has its own size and time limits, and any failure keeps the summary: a missing
article body never costs the item.
"""

from __future__ import annotations

import asyncio

import structlog

from models import Document
from services.ingest.fetcher import Fetcher, FetchError
from services.ingest.kinds.base import SourceSpec
from services.ingest.kinds.documents import MAX_TEXT_CHARS
from services.ingest.text import clean_text

log = structlog.get_logger(__name__)

ARTICLE_ACCEPT = "text/html, application/xhtml+xml;q=0.9"
ARTICLE_CONCURRENCY = 4


def extract_article_text(html: bytes, url: str) -> str:
    """Main text of an article page, or ``""`` when none can be found."""
    import trafilatura

    extracted = trafilatura.extract(
        html, url=url, include_comments=False, include_tables=False, favor_precision=True, deduplicate=True
    )
    return clean_text(extracted or "")


async def with_full_text(documents: list[Document], source: SourceSpec, fetcher: Fetcher) -> list[Document]:
    """``documents`` with ``text`` replaced by the article body where one was found."""
    gate = asyncio.Semaphore(ARTICLE_CONCURRENCY)

    async def complete(document: Document) -> Document:
        if not document.url:
            return document
        async with gate:
            try:
                fetched = await fetcher.get(
                    document.url,
                    accept=ARTICLE_ACCEPT,
                    max_bytes=source.options.full_text_max_bytes,
                    total_timeout=source.options.full_text_timeout,
                )
                text = await asyncio.to_thread(extract_article_text, fetched.body, fetched.url)
            except FetchError as exc:
                log.info("ingest.full_text_skipped", source_id=source.id, url=document.url, error=str(exc))
                return document
            except Exception as exc:  # extraction of hostile HTML must never cost the item
                log.info("ingest.full_text_failed", source_id=source.id, url=document.url, error=repr(exc))
                return document
        if len(text) <= len(document.text):
            return document
        return document.model_copy(update={"text": text[:MAX_TEXT_CHARS]})

    return list(await asyncio.gather(*(complete(document) for document in documents)))
