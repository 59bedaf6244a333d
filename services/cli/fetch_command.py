"""``tocsin fetch KIND TARGET``: poll one source once and show what ingest would produce.

It runs the service's own poll code (same fetcher, same SSRF guard, same normaliser), so a
user can check a source before adding it to the config. Nothing is produced or marked seen.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import datetime, timezone

from services.cli.common import settings_or_exit
from services.cli.main import add_config_argument

EXIT_SOURCE_FAILED = 1
EXIT_BAD_TARGET = 2


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from services.ingest.kinds import KINDS

    parser = subparsers.add_parser(
        "fetch",
        help="poll one source once and print the normalised documents",
        description=(
            "Polls one source once with the ingest service's code and prints its documents. "
            "TARGET is a URL, or the kind's handle/query: "
            "'tocsin fetch rss https://example.org/feed.xml', "
            "'tocsin fetch mastodon https://mastodon.social#venezuela', "
            "'tocsin fetch bluesky \"maduro\"', 'tocsin fetch reddit r/worldnews', "
            "'tocsin fetch telegram @channel', 'tocsin fetch gdelt \"venezuela ultimatum\"'."
        ),
    )
    add_config_argument(parser)
    parser.add_argument("kind", choices=sorted(KINDS), help="source kind")
    parser.add_argument("target", help="URL, handle or query, depending on the kind")
    parser.add_argument("--json", action="store_true", help="one JSON document per line (models.Document fields)")
    parser.add_argument("--full-text", action="store_true", help="also fetch each article's full text")
    parser.add_argument("--limit", type=int, default=0, help="print at most N documents (0: all)")
    parser.set_defaults(handler=_fetch)


def _fetch(args: argparse.Namespace) -> int:
    settings = settings_or_exit(args)
    return asyncio.run(fetch_once(args.kind, args.target, settings.security.allow_private_targets, args))


async def fetch_once(kind_name: str, target: str, allow_private: bool, args: argparse.Namespace) -> int:
    from services.ingest.cycle import complete, poll_source
    from services.ingest.fetcher import Fetcher, FetchError, FetchLimits, make_http_client
    from services.ingest.kinds import InvalidSource, PayloadInvalid, build_spec, kind_named
    from services.platform.config import SourceSettings

    kind = kind_named(kind_name)
    options = kind.target(target)
    if args.full_text:
        options["full_text"] = True
    try:
        spec = build_spec(SourceSettings(id=f"fetch-{kind_name}", kind=kind_name, **options))
    except (InvalidSource, ValueError) as exc:
        print(f"tocsin fetch: {exc}", file=sys.stderr)
        return EXIT_BAD_TARGET
    limits = FetchLimits()
    async with make_http_client(allow_private, limits) as client:
        fetcher = Fetcher(client, limits)
        try:
            harvest = await poll_source(spec, fetcher, {}, datetime.now(timezone.utc))
            documents = await complete(harvest.documents, spec, fetcher)
        except (FetchError, PayloadInvalid) as exc:
            print(f"tocsin fetch: {kind_name} {target}: {exc}", file=sys.stderr)
            return EXIT_SOURCE_FAILED
    if args.limit > 0:
        documents = documents[: args.limit]
    for document in documents:
        if args.json:
            print(json.dumps(document.model_dump(mode="json"), ensure_ascii=False))
        else:
            published = document.published_at.strftime("%Y-%m-%d %H:%M") if document.published_at else "—"
            print(f"{published}  {document.title or document.text[:80]}")
            print(f"    {document.url or '(no url)'}  [{document.language or '?'}] {document.author or ''}".rstrip())
            snippet = " ".join(document.text.split())[:200]
            if snippet and snippet != document.title:
                print(f"    {snippet}")
    if not args.json:
        print(f"{len(documents)} document(s) from {kind_name} {target}", file=sys.stderr)
    return 0
