"""``tocsin fetch`` and ``tocsin sources`` as a user runs them."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
import yaml

from services.cli.main import main
from services.ingest.status import SourceStatus, StatusBoard
from services.platform.storage import open_database
from tests.ingest.conftest import INGEST_FIXTURES
from tests.ingest.feedserver import FeedServer, Reply


@pytest.fixture
def feed_url():
    body = (INGEST_FIXTURES / "rss" / "desk_feed.xml").read_bytes()
    with FeedServer({"/feed.xml": Reply(body)}) as server:
        yield server.url("/feed.xml")


def _config(tmp_path: Path, allow_private: bool, sources: list[dict] | None = None) -> str:
    path = tmp_path / "tocsin.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "security": {"allow_private_targets": allow_private},
                "database": {"url": f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"},
                "sources": sources or [],
            }
        )
    )
    return str(path)


class TestFetch:
    def test_json_lines_carry_document_fields(self, tmp_path: Path, feed_url: str, capsys) -> None:
        assert main(["fetch", "rss", feed_url, "--json", "--config", _config(tmp_path, True)]) == 0
        lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
        assert len(lines) == 3
        assert set(lines[0]) == {
            "id",
            "source_id",
            "url",
            "title",
            "text",
            "language",
            "published_at",
            "fetched_at",
            "author",
        }
        assert lines[0]["url"] == "https://news.example.org/world/ultimatum"

    def test_human_output(self, tmp_path: Path, feed_url: str, capsys) -> None:
        assert main(["fetch", "rss", feed_url, "--limit", "1", "--config", _config(tmp_path, True)]) == 0
        captured = capsys.readouterr()
        assert "Ministry issues 48-hour ultimatum" in captured.out
        assert "1 document(s)" in captured.err

    def test_private_targets_are_refused_by_default(self, tmp_path: Path, feed_url: str, capsys) -> None:
        assert main(["fetch", "rss", feed_url, "--config", _config(tmp_path, False)]) == 1
        assert "allow_private_targets" in capsys.readouterr().err

    def test_a_target_the_kind_cannot_use(self, tmp_path: Path, capsys) -> None:
        assert main(["fetch", "mastodon", "https://mastodon.example", "--config", _config(tmp_path, True)]) == 2
        assert "exactly one of tag or account" in capsys.readouterr().err


class TestSources:
    def test_table_shows_each_configured_source(self, tmp_path: Path, capsys) -> None:
        config = _config(
            tmp_path,
            True,
            [
                {"id": "desk", "kind": "rss", "url": "https://news.example.org/feed.xml"},
                {"id": "broken", "kind": "rss", "url": "https://broken.example/feed.xml"},
                {"id": "new", "kind": "reddit", "subreddit": "worldnews"},
            ],
        )
        now = datetime.now(timezone.utc)

        async def record() -> None:
            database = open_database(f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}")
            await database.create_schema()
            board = StatusBoard(database)
            await board.save(SourceStatus("desk", "rss").succeeded(now, 3, {}))
            await board.save(SourceStatus("broken", "rss").failed(now, "FetchError: HTTP 500"))
            await database.close()

        asyncio.run(record())
        capsys.readouterr()  # the set-up's own log lines (structlog unconfigured in this process) are not the table
        assert main(["sources", "--config", config]) == 0
        table = capsys.readouterr().out.splitlines()
        assert table[0].split()[:3] == ["ID", "KIND", "STATE"]
        rows = {line.split()[0]: line for line in table[1:]}
        assert "ok" in rows["desk"]
        assert "failing ×1" in rows["broken"] and "HTTP 500" in rows["broken"]
        assert "never polled" in rows["new"]
        assert main(["sources", "--json", "--config", config]) == 0
        as_json = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
        assert [row["id"] for row in as_json] == ["desk", "broken", "new"]
        assert as_json[1]["last_error"] == "FetchError: HTTP 500"
