"""Mastodon: a hashtag timeline or one account's statuses, on any instance, paged by ``since_id``."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from pydantic import Field, model_validator

from models import Document
from services.ingest.fetcher import Fetcher
from services.ingest.kinds.base import Cursor, Harvest, PayloadInvalid, SourceKind, SourceOptions, SourceSpec
from services.ingest.kinds.documents import make_document, parse_iso_datetime
from services.ingest.kinds.jsonbody import expect_list, expect_mapping, load_json, object_field, text_field
from services.ingest.text import html_to_text

PAGE_LIMIT = 40
ACCEPT = "application/json"


class MastodonOptions(SourceOptions):
    """``url`` is the instance (``https://mastodon.social``); exactly one of ``tag``/``account``."""

    tag: str | None = Field(default=None, min_length=1)
    account: str | None = Field(default=None, min_length=1)
    exclude_replies: bool = False

    @model_validator(mode="after")
    def _one_target(self) -> "MastodonOptions":
        if self.url and "#" in self.url and not self.tag and not self.account:
            instance, _, fragment = self.url.partition("#")
            self.url = instance
            self.tag = fragment
        if self.url and "/@" in self.url and not self.account:
            instance, _, handle = self.url.partition("/@")
            self.url, self.account = instance, handle.strip("/")
        if not self.url:
            raise ValueError("mastodon needs url: the instance, e.g. https://mastodon.social")
        if bool(self.tag) == bool(self.account):
            raise ValueError("mastodon needs exactly one of tag or account")
        if self.tag:
            self.tag = self.tag.lstrip("#")
        if self.account:
            self.account = self.account.lstrip("@")
        return self


def instance_base(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


async def poll_mastodon(source: SourceSpec, fetcher: Fetcher, cursor: Cursor, now: datetime) -> Harvest:
    options = source.options
    assert isinstance(options, MastodonOptions)
    base = instance_base(options.url or "")
    new_cursor: dict[str, Any] = dict(cursor)
    query: dict[str, str] = {"limit": str(PAGE_LIMIT)}
    if cursor.get("since_id"):
        query["since_id"] = str(cursor["since_id"])
    if options.tag:
        path = f"/api/v1/timelines/tag/{quote(options.tag, safe='')}"
    else:
        account_id = cursor.get("account_id") or await _lookup_account(base, options, fetcher)
        new_cursor["account_id"] = account_id
        path = f"/api/v1/accounts/{quote(str(account_id), safe='')}/statuses"
        if options.exclude_replies:
            query["exclude_replies"] = "true"
    fetched = await fetcher.get(
        f"{base}{path}?{urlencode(query)}", accept=ACCEPT, max_bytes=options.max_bytes, total_timeout=options.timeout
    )
    statuses = expect_list(load_json(fetched.body, "Mastodon timeline"), "Mastodon timeline")
    documents = mastodon_documents(statuses, source, now)
    newest = _newest_id(statuses)
    if newest is not None:
        new_cursor["since_id"] = newest
    return Harvest(documents=documents, cursor=new_cursor)


async def _lookup_account(base: str, options: MastodonOptions, fetcher: Fetcher) -> str:
    fetched = await fetcher.get(
        f"{base}/api/v1/accounts/lookup?{urlencode({'acct': options.account})}",
        accept=ACCEPT,
        total_timeout=options.timeout,
    )
    account = expect_mapping(load_json(fetched.body, "Mastodon account"), "Mastodon account")
    account_id = account.get("id")
    if account_id in (None, ""):
        raise PayloadInvalid(f"Mastodon account {options.account!r} has no id")
    return str(account_id)


def _newest_id(statuses: list[Any]) -> str | None:
    ids = [str(s.get("id")) for s in statuses if isinstance(s, dict) and s.get("id") not in (None, "")]
    if not ids:
        return None
    return max(ids, key=lambda value: (len(value), value) if value.isdigit() else (0, value))


def mastodon_documents(statuses: list[Any], source: SourceSpec, now: datetime) -> list[Document]:
    options = source.options
    documents = []
    for status in statuses:
        if not isinstance(status, dict):
            continue
        reblog = object_field(status, "reblog")
        original = status if reblog is None else reblog
        if getattr(options, "exclude_replies", False) and original.get("in_reply_to_id"):
            continue
        account = object_field(original, "account") or {}
        spoiler = text_field(original, "spoiler_text")
        body = html_to_text(text_field(original, "content"))
        text = f"{spoiler}\n\n{body}" if spoiler else body
        uri = text_field(original, "uri") or text_field(original, "url")
        document = make_document(
            source_id=source.id,
            fetched_at=now,
            platform="mastodon",
            platform_id=uri or None,
            url=text_field(original, "url") or None,
            title="",
            text=text,
            language=text_field(original, "language") or options.language,
            published_at=parse_iso_datetime(original.get("created_at")),
            author=text_field(account, "acct") or None,
        )
        if document is not None:
            documents.append(document)
    return documents


def mastodon_target(target: str) -> dict[str, Any]:
    """``https://instance#tag``, ``https://instance/@user`` or ``@user@instance``."""
    if target.startswith("@") and target.count("@") == 2:
        _, user, host = target.split("@")
        return {"url": f"https://{host}", "account": user}
    return {"url": target}


MASTODON = SourceKind("mastodon", MastodonOptions, poll_mastodon, mastodon_target)
