"""The hostile corpus (``tests/fixtures/hostile/``) through the real ingest service.

Each file is served from a loopback server as its own source; after one poll each source
carries a clear status (a named refusal, or success with what it produced), the good parts
are on the documents topic, and no hostile source harmed another. Complements
``tests/ingest/test_hostile.py`` (50 MB bodies, hangs, redirect loops, 429, malformed feeds).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from services.ingest import run_ingest
from tests.conftest import OWN_FIXTURES
from tests.ingest.conftest import DocumentReader, make_settings, sqlite_url
from tests.ingest.feedserver import FeedServer, Reply
from tests.ingest.test_hostile import _statuses_after_first_poll

HOSTILE = OWN_FIXTURES / "hostile"
TELEGRAM_MESSAGES = 10_000


def telegram_page() -> bytes:
    message = (HOSTILE / "telegram_message.html").read_text(encoding="utf-8")
    body = "".join(message.replace("{N}", str(n)) for n in range(TELEGRAM_MESSAGES))
    return (
        '<!DOCTYPE html><html><head><script>var x = "<div class=tgme_widget_message>";</script></head><body>'
        '<div class="tgme_channel_info">Hostile channel</div>' + body + "</body></html>"
    ).encode()


async def test_hostile_corpus_gets_a_clear_status_per_source(broker, kafka_settings, tmp_path: Path) -> None:
    with FeedServer() as server:
        server.routes.update(
            {
                "/laughs.xml": Reply((HOSTILE / "billion_laughs_utf16.xml").read_bytes()),
                "/param.xml": Reply((HOSTILE / "parameter_entity.xml").read_bytes()),
                "/evil.dtd": Reply(b'<!ENTITY leak "leaked">', content_type="application/xml-dtd"),
                "/dtd.xml": Reply(
                    (HOSTILE / "external_dtd.xml").read_text().replace("{DTD_URL}", server.url("/evil.dtd")).encode()
                ),
                "/scripts.xml": Reply((HOSTILE / "scripts.rss").read_bytes()),
                "/names.json": Reply((HOSTILE / "names_bidi.json").read_bytes(), content_type="application/feed+json"),
                "/nested.json": Reply(
                    (HOSTILE / "deeply_nested.json").read_bytes(), content_type="application/feed+json"
                ),
                "/badutf8.json": Reply(
                    (HOSTILE / "invalid_utf8.json").read_bytes(), content_type="application/feed+json"
                ),
                "/api/v1/timelines/tag/news": Reply(
                    (HOSTILE / "lone_surrogate_statuses.json").read_bytes(), content_type="application/json"
                ),
                "/s/hostile_chan": Reply(telegram_page(), content_type="text/html"),
            }
        )
        sources = [
            {"id": "laughs", "kind": "rss", "url": server.url("/laughs.xml")},
            {"id": "param", "kind": "rss", "url": server.url("/param.xml")},
            {"id": "dtd", "kind": "rss", "url": server.url("/dtd.xml")},
            {"id": "scripts", "kind": "rss", "url": server.url("/scripts.xml")},
            {"id": "names", "kind": "jsonfeed", "url": server.url("/names.json")},
            {"id": "nested", "kind": "jsonfeed", "url": server.url("/nested.json")},
            {"id": "badutf8", "kind": "jsonfeed", "url": server.url("/badutf8.json")},
            {"id": "surrogates", "kind": "mastodon", "url": server.base, "tag": "news"},
            {"id": "telegram", "kind": "telegram", "url": server.base, "channel": "hostile_chan"},
        ]
        for source in sources:
            # One poll each within the test: a loaded machine can take longer than a short
            # interval to poll the slowest source once, and a refused source is then refused twice.
            source.update(interval="10m", timeout="10s")
        database_url = sqlite_url(tmp_path)
        stop = asyncio.Event()
        service = asyncio.create_task(run_ingest(make_settings(kafka_settings, database_url, sources), stop))
        try:
            statuses = await _statuses_after_first_poll(database_url, {s["id"] for s in sources}, timeout=60)
            async with DocumentReader(kafka_settings) as reader:
                documents = await reader.read_until(TELEGRAM_MESSAGES + 7, timeout=60)
        finally:
            stop.set()
            await asyncio.wait_for(service, 30)
        dtd_fetches = server.hits("/evil.dtd")

    refused = {
        "laughs": "entity-expansion",
        "param": "declares XML entities",
        "nested": "RecursionError",
        "badutf8": "UnicodeDecodeError",
    }
    for name, fragment in refused.items():
        status = statuses[name]
        assert status.consecutive_failures == 1 and fragment in (status.last_error or ""), (name, status.last_error)
    for name in ("dtd", "scripts", "names", "surrogates", "telegram"):
        assert statuses[name].last_error is None and statuses[name].last_success_at is not None, (name, statuses[name])
    assert dtd_fetches == 0, "the external DTD was fetched"

    by_source: dict[str, list] = {}
    for document in documents:
        by_source.setdefault(document.source_id, []).append(document)
    assert set(by_source) == {"dtd", "scripts", "names", "surrogates", "telegram"}, sorted(by_source)
    assert [d.title for d in by_source["dtd"]] == ["Border crossings closed after ultimatum"]

    scripted = " ".join(f"{d.title} {d.text}" for d in by_source["scripts"])
    assert "ministry denied the wire report" in scripted and "Armoured columns" in scripted
    for leak in ("alert(", "<script", "display:none", "onerror", "<iframe", "enable js"):
        assert leak not in scripted, leak
    assert all(d.url is None or d.url.startswith("https://") for d in by_source["scripts"])

    names = {d.url: d for d in by_source["names"]}
    assert names["https://desk.example/names/2"].author == "محمد بن سلمان"
    assert names["https://desk.example/names/2"].language == "ar"
    assert "👨\u200d👩\u200d👧" in names["https://desk.example/names/3"].text  # joiners inside emoji survive

    (surrogate,) = by_source["surrogates"]
    assert "\ufffd" in surrogate.text and surrogate.author == "a\ufffd"

    telegram = by_source["telegram"]
    assert len(telegram) == TELEGRAM_MESSAGES == len({d.id for d in telegram})
    assert statuses["telegram"].items_total == TELEGRAM_MESSAGES
    assert not any("alert(" in d.text for d in telegram)
