"""Each source kind against fixtures written for Tocsin, through a loopback server and the real poller."""

from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import parse_qs, urlsplit

import pytest

from models import document_id_for
from services.ingest.cycle import complete, poll_source
from services.ingest.fetcher import FetchError
from services.ingest.kinds import InvalidSource, PayloadInvalid
from services.ingest.kinds.bluesky import bluesky_target
from services.ingest.kinds.mastodon import mastodon_target
from services.ingest.kinds.reddit import reddit_target
from services.ingest.kinds.telegram import telegram_target
from tests.ingest.conftest import INGEST_FIXTURES, spec_for
from tests.ingest.feedserver import FeedServer, Reply

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)


def fixture(path: str) -> bytes:
    return (INGEST_FIXTURES / path).read_bytes()


def _query(server: FeedServer, path: str) -> dict[str, list[str]]:
    requested = [p for p, _headers in server.requests if p.split("?", 1)[0] == path]
    return parse_qs(urlsplit(requested[-1]).query)


class TestAtom:
    async def test_entries_normalised(self, fetcher) -> None:
        with FeedServer(
            {"/desk.atom": Reply(fixture("atom/desk.atom"), content_type="application/atom+xml")}
        ) as server:
            harvest = await poll_source(spec_for("atom", url=server.url("/desk.atom")), fetcher, {}, NOW)
        first, second = harvest.documents
        assert first.title == "Caracas rechaza el ultimátum"
        assert first.text == "El gobierno rechazó el plazo de 48 horas.\n\nLa cancillería convocó al embajador."
        assert first.id == document_id_for("url", "https://noticias.example.net/caracas-ultimatum")
        assert first.published_at == datetime(2026, 11, 24, 14, 30, tzinfo=timezone.utc)
        assert first.language == "es" and first.author == "Redacción"
        assert second.url is None and second.text == "Una entrada identificada sólo por su id."


class TestJsonFeed:
    async def test_items_normalised(self, fetcher) -> None:
        with FeedServer(
            {"/feed.json": Reply(fixture("jsonfeed/desk.json"), content_type="application/feed+json")}
        ) as server:
            harvest = await poll_source(spec_for("jsonfeed", url=server.url("/feed.json")), fetcher, {}, NOW)
        first, second = harvest.documents
        assert first.text == "Des images satellites montrent des colonnes de blindés."
        assert first.id == document_id_for("url", "https://journal.example.com/frontiere")
        assert first.published_at == datetime(2026, 11, 24, 8, 0, tzinfo=timezone.utc)
        assert first.language == "fr" and first.author == "Bureau Tocsin"
        assert second.author == "Claire Dubois" and second.text == "Une note publiée sans adresse."

    async def test_other_json_is_refused(self, fetcher) -> None:
        with FeedServer({"/feed.json": Reply(b'{"version": "2", "items": []}')}) as server:
            with pytest.raises(PayloadInvalid, match="not a JSON Feed"):
                await poll_source(spec_for("jsonfeed", url=server.url("/feed.json")), fetcher, {}, NOW)


class TestMastodon:
    async def test_tag_timeline_with_reblog_and_since_id(self, fetcher) -> None:
        path = "/api/v1/timelines/tag/venezuela"
        with FeedServer(
            {path: Reply(fixture("mastodon/tag_timeline.json"), content_type="application/json")}
        ) as server:
            spec = spec_for("mastodon", url=f"{server.base}#venezuela")
            harvest = await poll_source(spec, fetcher, {}, NOW)
            assert "since_id" not in _query(server, path)
            await poll_source(spec, fetcher, harvest.cursor, NOW)
            assert _query(server, path)["since_id"] == ["113500000000000003"]
        boosted, spoiler, _older = harvest.documents
        assert boosted.id == document_id_for(
            "mastodon", "https://other.example/users/prensa/statuses/113499999999999999"
        )
        assert boosted.text == "Ultimátum de 48 horas a #venezuela"
        assert boosted.author == "prensa@other.example" and boosted.language == "es"
        assert spoiler.text == "military\n\nConvoys seen near the border.\n\nMore to follow."
        assert harvest.cursor["since_id"] == "113500000000000003"

    async def test_account_is_looked_up_once(self, fetcher) -> None:
        routes = {
            "/api/v1/accounts/lookup": Reply(fixture("mastodon/account_lookup.json"), content_type="application/json"),
            "/api/v1/accounts/7/statuses": Reply(
                fixture("mastodon/account_statuses.json"), content_type="application/json"
            ),
        }
        with FeedServer(routes) as server:
            spec = spec_for("mastodon", url=server.base, account="@watcher", exclude_replies=True)
            harvest = await poll_source(spec, fetcher, {}, NOW)
            again = await poll_source(spec, fetcher, harvest.cursor, NOW)
            assert server.hits("/api/v1/accounts/lookup") == 1
            assert _query(server, "/api/v1/accounts/lookup")["acct"] == ["watcher"]
        assert [doc.text for doc in harvest.documents] == ["Field hospitals set up behind the lines."]
        assert again.cursor["account_id"] == "7"

    def test_targets(self) -> None:
        assert mastodon_target("@gargron@mastodon.social") == {"url": "https://mastodon.social", "account": "gargron"}
        spec = spec_for("mastodon", **mastodon_target("https://mastodon.social/@Gargron"))
        assert (spec.url, spec.options.account) == ("https://mastodon.social", "Gargron")
        with pytest.raises(InvalidSource, match="exactly one of tag or account"):
            spec_for("mastodon", url="https://mastodon.social")


class TestBluesky:
    async def test_search_posts(self, fetcher) -> None:
        path = "/xrpc/app.bsky.feed.searchPosts"
        with FeedServer({path: Reply(fixture("bluesky/search_posts.json"), content_type="application/json")}) as server:
            harvest = await poll_source(spec_for("bluesky", url=server.base, query="maduro"), fetcher, {}, NOW)
            assert _query(server, path)["q"] == ["maduro"]
        first, second = harvest.documents
        assert first.id == document_id_for("bluesky", "at://did:plc:abc123/app.bsky.feed.post/3lxyzaaa")
        assert first.url == "https://bsky.app/profile/reporter.example.com/post/3lxyzaaa"
        assert first.language == "en" and first.author == "reporter.example.com"
        assert second.published_at == datetime(2026, 11, 24, 13, 0, tzinfo=timezone.utc)
        assert second.language is None

    async def test_pages_follow_the_cursor(self, fetcher) -> None:
        path = "/xrpc/app.bsky.feed.searchPosts"
        with FeedServer({path: Reply(fixture("bluesky/search_posts.json"), content_type="application/json")}) as server:
            await poll_source(spec_for("bluesky", url=server.base, query="maduro", pages=2), fetcher, {}, NOW)
            assert server.hits(path) == 2
            assert _query(server, path)["cursor"] == ["25"]

    async def test_refused_search_says_why(self, fetcher) -> None:
        path = "/xrpc/app.bsky.feed.searchPosts"
        with FeedServer({path: Reply(b'{"error":"Forbidden"}', 403, "application/json")}) as server:
            with pytest.raises(FetchError, match="HTTP 403: the AppView refused unauthenticated post search"):
                await poll_source(spec_for("bluesky", url=server.base, query="maduro"), fetcher, {}, NOW)

    def test_targets(self) -> None:
        assert bluesky_target("maduro") == {"query": "maduro"}
        assert bluesky_target("@chriskenny.bsky.social") == {"handle": "@chriskenny.bsky.social"}
        assert bluesky_target("nicolas maduro") == {"query": "nicolas maduro"}


class TestReddit:
    async def test_listing_and_before_cursor(self, fetcher) -> None:
        path = "/r/worldnews/new.json"
        with FeedServer({path: Reply(fixture("reddit/worldnews_new.json"), content_type="application/json")}) as server:
            spec = spec_for("reddit", url=server.base, subreddit="r/worldnews")
            harvest = await poll_source(spec, fetcher, {}, NOW)
            assert _query(server, path)["raw_json"] == ["1"]
            await poll_source(spec, fetcher, harvest.cursor, NOW)
            assert _query(server, path)["before"] == ["t3_aaa002"]
        link, own = harvest.documents
        assert link.id == document_id_for("reddit", "t3_aaa002")
        assert (
            link.text
            == "Troops massing at the border, satellite images show\n\nhttps://news.example.org/world/buildup?utm_source=reddit"
        )
        assert link.url == "https://www.reddit.com/r/worldnews/comments/aaa002/troops_massing/"
        assert own.text == "The deadline is 48 hours & it expires on Thursday.\n\nThoughts?"
        assert own.published_at == datetime.fromtimestamp(1795994400, tz=timezone.utc)

    async def test_empty_answer_to_before_drops_the_cursor(self, fetcher) -> None:
        empty = b'{"kind": "Listing", "data": {"children": [], "after": null, "before": null}}'
        with FeedServer({"/r/worldnews/new.json": Reply(empty, content_type="application/json")}) as server:
            spec = spec_for("reddit", url=server.base, subreddit="worldnews")
            harvest = await poll_source(spec, fetcher, {"before": "t3_deleted"}, NOW)
        assert harvest.cursor == {} and harvest.documents == []

    def test_targets(self) -> None:
        assert reddit_target("https://www.reddit.com/r/worldnews/") == {"subreddit": "worldnews"}
        assert reddit_target("worldnews") == {"subreddit": "worldnews"}


class TestTelegram:
    async def test_channel_preview(self, fetcher) -> None:
        with FeedServer(
            {"/s/tocsin_test": Reply(fixture("telegram/channel.html"), content_type="text/html")}
        ) as server:
            harvest = await poll_source(spec_for("telegram", url=server.base, channel="@tocsin_test"), fetcher, {}, NOW)
        first, second = harvest.documents  # the photo-only message has no text and is skipped
        assert first.id == document_id_for("telegram", "tocsin_test/501")
        assert first.text == "Breaking: the ministry issued an ultimatum.\n\nTroops have 48 hours to withdraw."
        assert first.author == "Tocsin Test Channel"
        assert second.text == 'The wire agency denied "any involvement" in the report.'
        assert second.published_at == datetime(2026, 11, 24, 9, 30, tzinfo=timezone.utc)

    async def test_a_page_that_is_not_a_channel(self, fetcher) -> None:
        with FeedServer(
            {"/s/tocsin_test": Reply(b"<html><body>Sign in</body></html>", content_type="text/html")}
        ) as server:
            with pytest.raises(PayloadInvalid, match="not a Telegram channel"):
                await poll_source(spec_for("telegram", url=server.base, channel="tocsin_test"), fetcher, {}, NOW)

    def test_targets(self) -> None:
        assert telegram_target("https://t.me/s/topwar_official") == {"channel": "topwar_official"}
        assert telegram_target("@tocsin_test") == {"channel": "@tocsin_test"}


class TestGdelt:
    async def test_artlist(self, fetcher) -> None:
        path = "/api/v2/doc/doc"
        with FeedServer({path: Reply(fixture("gdelt/artlist.json"), content_type="application/json")}) as server:
            spec = spec_for("gdelt", url=server.url(path), query='venezuela "ultimatum"')
            harvest = await poll_source(spec, fetcher, {}, NOW)
            sent = _query(server, path)
        assert sent["mode"] == ["ArtList"] and sent["format"] == ["json"] and sent["query"] == ['venezuela "ultimatum"']
        spanish, english, unknown = harvest.documents
        assert spanish.id == document_id_for("url", "https://www.example-diario.mx/internacional/ultimatum-venezuela")
        assert spanish.language == "es" and english.language == "en" and unknown.language is None
        assert spanish.published_at == datetime(2026, 11, 24, 10, 15, tzinfo=timezone.utc)
        assert unknown.published_at is None

    async def test_rate_limit_text_is_a_clear_error(self, fetcher) -> None:
        path = "/api/v2/doc/doc"
        with FeedServer({path: Reply(fixture("gdelt/ratelimit.txt"), content_type="text/plain")}) as server:
            with pytest.raises(PayloadInvalid, match="not JSON.*Please limit requests"):
                await poll_source(spec_for("gdelt", url=server.url(path), query="x"), fetcher, {}, NOW)

    async def test_full_text_replaces_the_title_only_body(self, fetcher) -> None:
        with FeedServer() as server:
            article_url = server.url("/internacional/ultimatum")
            body = (
                '{"articles": [{"url": "%s", "title": "Venezuela recibe ultim\\u00e1tum de 48 horas",'
                ' "seendate": "20261124T101500Z", "language": "Spanish", "domain": "x"}]}' % article_url
            ).encode()
            server.routes["/api"] = Reply(body, content_type="application/json")
            server.routes["/internacional/ultimatum"] = Reply(fixture("gdelt/article.html"), content_type="text/html")
            spec = spec_for("gdelt", url=server.url("/api"), query="x", full_text=True)
            harvest = await poll_source(spec, fetcher, {}, NOW)
            (document,) = await complete(harvest.documents, spec, fetcher)
        assert "exige la retirada de las tropas" in document.text
        assert "Portada" not in document.text and "Política de cookies" not in document.text
