"""``tocsin analyze URL`` on a feed's address analyses the feed's items, not its XML."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from services.cli.analyze_command import looks_like_feed
from services.cli.main import main
from tests.conftest import OWN_FIXTURES
from tests.ingest.feedserver import FeedServer, Reply

FEED = (OWN_FIXTURES / "ingest" / "rss" / "desk_feed.xml").read_bytes()


@pytest.mark.parametrize(
    ("body", "content_type", "feed"),
    [
        (FEED, "application/rss+xml", True),
        (FEED, "text/xml", True),
        (FEED, "", True),
        (b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"></feed>', "application/xml", True),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": []}', "application/json", True),
        (b"<!doctype html><html><p>The minister gave an ultimatum.</p></html>", "text/html", False),
        (b"plain words", "text/plain", False),
    ],
)
def test_what_counts_as_a_feed(body: bytes, content_type: str, feed: bool) -> None:
    assert looks_like_feed(body, content_type) is feed


def test_a_feed_url_is_analysed_item_by_item(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "tocsin.yaml"
    config.write_text(yaml.safe_dump({"security": {"allow_private_targets": True}}))
    with FeedServer({"/feed.xml": Reply(FEED, content_type="application/rss+xml")}) as server:
        code = main(["analyze", server.url("/feed.xml"), "--json", "--config", str(config)])
    records = json.loads(capsys.readouterr().out)
    assert code == 0
    assert len(records) >= 3
    assert records[0]["title"] == "Ministry issues 48-hour ultimatum over border crossings"
    assert records[0]["url"].startswith("https://news.example.org/world/ultimatum")
    sentences = [d["sentence"] for record in records for d in record["detections"]]
    assert sentences, "the desk feed's ultimatum item is detected"
    assert not any("<" in sentence or "CDATA" in sentence for sentence in sentences), sentences
    assert "ultimatum" in {d["pattern"] for d in records[0]["detections"]}
