"""``tocsin analyze``: run the detector on a text, a file, a URL, or a JSON-lines batch.

``tocsin analyze [--json] [FILE | URL | -]`` prints the detections of one document; given a
feed's address (RSS, Atom, RDF, JSON Feed) it analyses each of the feed's items, as the
ingest service would hand them to the detector, rather than the feed's XML.
``tocsin analyze --jsonl IN.jsonl`` reads ``{"id", "text"[, "context"]}`` lines and writes one
``{"id", "detections": [...]}`` line per input: the batch interface used for evaluation.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from services.cli.common import settings_or_exit
from services.cli.main import add_config_argument
from services.platform.config import Settings

if TYPE_CHECKING:
    from services.detector.engine import DetectionEngine

EXIT_INPUT_ERROR = 1
URL_SCHEMES = ("http://", "https://")
MAX_FETCH_BYTES = 5_000_000
FETCH_TIMEOUT = 20.0
HTML_TYPES = ("text/html", "application/xhtml")
BATCH = 32  # documents per detect_many call in --jsonl mode, as the stream batches them


class InputError(Exception):
    """The document could not be read; the message says why."""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "analyze", help="print the detections for a text, a file, a URL, or a JSON-lines batch"
    )
    add_config_argument(parser)
    parser.add_argument(
        "source", nargs="?", default="-", metavar="FILE|URL|-", help="document to analyse (default: standard input)"
    )
    parser.add_argument("--json", action="store_true", help="print detections as a JSON array")
    parser.add_argument(
        "--jsonl",
        metavar="IN.jsonl",
        type=Path,
        default=None,
        help='batch: lines {"id", "text"[, "context"]} in, {"id", "detections"} out',
    )
    parser.set_defaults(handler=_analyze)


def _analyze(args: argparse.Namespace) -> int:
    settings = settings_or_exit(args)
    try:
        if args.jsonl is not None:
            lines = _open_lines(args.jsonl)
            engine = _engine(settings)
            return _batch(engine, lines, sys.stdout)
        items = _read_source(args.source, settings.security.allow_private_targets)
    except InputError as exc:
        print(f"tocsin analyze: {exc}", file=sys.stderr)
        return EXIT_INPUT_ERROR
    engine = _engine(settings)
    if len(items) == 1 and not items[0].title:  # one document: the output it always had
        detections = engine.detect(items[0].text)
        if args.json:
            json.dump([d.model_dump(mode="json") for d in detections], sys.stdout, ensure_ascii=False, indent=2)
            sys.stdout.write("\n")
        else:
            _print_human(detections, sys.stdout)
        return 0
    found = engine.detect_many([(item.text, None) for item in items]) if items else []
    if args.json:
        records = [
            {"title": item.title, "url": item.url, "detections": [d.model_dump(mode="json") for d in detections]}
            for item, detections in zip(items, found, strict=False)
        ]
        json.dump(records, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    for item, detections in zip(items, found, strict=False):
        if detections:
            sys.stdout.write(f"== {item.title or '(untitled)'}  {item.url or ''}\n".replace("  \n", "\n"))
            _print_human(detections, sys.stdout)
    hits = sum(1 for detections in found if detections)
    sys.stdout.write(f"{len(items)} feed item(s) analysed, {hits} with detections\n")
    return 0


def _engine(settings: Settings) -> DetectionEngine:
    from services.detector.engine import DetectionEngine  # spaCy loads slowly: only when needed

    return DetectionEngine.from_settings(settings)


def _open_lines(path: Path) -> list[str]:
    if str(path) == "-":
        return sys.stdin.read().splitlines()
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None


def _batch(engine, lines: list[str], out: TextIO) -> int:  # type: ignore[no-untyped-def]
    """One output line per input line, in order; a malformed line is reported and skipped.

    Documents go to the engine ``BATCH`` at a time (``detect_many``): its pipeline costs much
    less per sentence in large batches, and the results are those of one-by-one detection.
    """
    failures = 0
    pending: list[tuple[object, str, str | None]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            text = item["text"]
            if not isinstance(text, str):
                raise TypeError("text is not a string")
        except (ValueError, KeyError, TypeError) as exc:
            print(f'tocsin analyze: line {number}: expected {{"id", "text"}}: {exc}', file=sys.stderr)
            failures += 1
            continue
        pending.append((item.get("id"), text, item.get("context")))
        if len(pending) >= BATCH:
            _write_batch(engine, pending, out)
            pending = []
    _write_batch(engine, pending, out)
    out.flush()
    return EXIT_INPUT_ERROR if failures else 0


def _write_batch(engine, pending: list[tuple[object, str, str | None]], out: TextIO) -> None:  # type: ignore[no-untyped-def]
    if not pending:
        return
    found = engine.detect_many([(text, context) for _, text, context in pending])
    for (ident, _, _), detections in zip(pending, found, strict=False):
        record = {"id": ident, "detections": [d.model_dump(mode="json") for d in detections]}
        out.write(json.dumps(record, ensure_ascii=False) + "\n")


def _read_source(source: str, allow_private: bool) -> list[Item]:
    if source == "-":
        return [Item(sys.stdin.read())]
    if source.startswith(URL_SCHEMES):
        return asyncio.run(fetch_items(source, allow_private))
    try:
        return [Item(Path(source).read_text(encoding="utf-8"))]
    except OSError as exc:
        raise InputError(f"cannot read {source}: {exc.strerror or exc}") from None


@dataclass(frozen=True)
class Item:
    """One thing to analyse: a whole document, or one item of a feed (with its title and link)."""

    text: str
    title: str = ""
    url: str | None = None


async def fetch_items(url: str, allow_private: bool) -> list[Item]:
    """What ``url`` holds, through the SSRF guard: a feed's items one by one (the text the
    ingest service would give the detector), an HTML page reduced to its article, or the text."""
    import httpx

    from services.platform.httpbody import BodyRefused, BodyTooLarge, read_bounded
    from services.platform.netguard import ForbiddenTarget, guarded_client

    try:
        async with guarded_client(allow_private, timeout=FETCH_TIMEOUT, follow_redirects=True) as client:
            headers = {
                "Accept": "text/html, application/rss+xml, application/atom+xml, application/feed+json, "
                "text/plain;q=0.9, */*;q=0.5"
            }
            async with client.stream("GET", url, headers=headers) as response:
                response.raise_for_status()
                try:
                    body = await read_bounded(response, MAX_FETCH_BYTES)
                except BodyTooLarge:
                    raise InputError(f"{url} is larger than {MAX_FETCH_BYTES} bytes") from None
                except BodyRefused as exc:
                    raise InputError(f"cannot read {url}: {exc}") from None
                content_type = response.headers.get("content-type", "")
                final_url = str(response.url)
                encoding = response.encoding or "utf-8"
    except ForbiddenTarget as exc:
        raise InputError(f"refusing to fetch {url}: {exc}") from None
    except httpx.HTTPStatusError as exc:
        raise InputError(f"{url} answered HTTP {exc.response.status_code}") from None
    except httpx.HTTPError as exc:
        raise InputError(f"cannot fetch {url}: {type(exc).__name__}: {exc}") from None
    if looks_like_feed(bytes(body), content_type):
        return feed_items(bytes(body), content_type, final_url)
    if content_type.startswith(HTML_TYPES):
        from services.ingest.article import extract_article_text

        extracted = await asyncio.to_thread(extract_article_text, bytes(body), final_url)
        if extracted:
            return [Item(extracted, url=final_url)]
    return [Item(bytes(body).decode(encoding, errors="replace"), url=final_url)]


FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+json")


def looks_like_feed(body: bytes, content_type: str) -> bool:
    """RSS, Atom or RDF by content type or by root element; JSON Feed by its version key."""
    if content_type.startswith(FEED_TYPES):
        return True
    head = body[:2048].lstrip().lower()
    if content_type.startswith(("application/xml", "text/xml")) or head.startswith(b"<?xml"):
        return any(root in head for root in (b"<rss", b"<feed", b"<rdf:rdf"))
    return head.startswith(b"{") and b"jsonfeed.org/version" in head


def feed_items(body: bytes, content_type: str, url: str) -> list[Item]:
    """A feed's items as the ingest service reads them (same parser, same document text)."""
    from datetime import datetime, timezone

    from services.ingest.kinds import PayloadInvalid, SourceSpec
    from services.ingest.kinds.feed import FeedOptions, feed_documents, parse_feed_bytes
    from services.ingest.kinds.jsonfeed import JsonFeedOptions, jsonfeed_documents

    now = datetime.now(timezone.utc)
    try:
        if body.lstrip().startswith(b"{"):
            spec = SourceSpec("analyze", "jsonfeed", 60.0, JsonFeedOptions(url=url))
            documents = jsonfeed_documents(json.loads(body), spec, now)
        else:
            spec = SourceSpec("analyze", "rss", 60.0, FeedOptions(url=url))
            documents = feed_documents(parse_feed_bytes(body, content_type, url), spec, now)
    except (PayloadInvalid, ValueError) as exc:
        raise InputError(f"{url} looks like a feed but cannot be read: {exc}") from None
    return [Item(document.text, title=document.title, url=document.url) for document in documents]


def _print_human(detections, out: TextIO) -> None:  # type: ignore[no-untyped-def]
    if not detections:
        out.write("no detections\n")
        return
    for d in detections:
        who = f"{d.actor or '?'} -> {d.target or '?'}"
        extra = f"  agency={d.agency}" if d.agency else ""
        countries = ",".join(d.countries) or "-"
        out.write(
            f"{d.pattern:<22} {who}{extra}  [{countries}]  confidence={d.confidence:.2f}  "
            f"cameo={d.cameo or '-'}  rule={d.rule}\n"
            f"    chars {d.start}-{d.end}: {d.sentence}\n"
            f"    triggers: {', '.join(d.triggers)}\n"
        )
