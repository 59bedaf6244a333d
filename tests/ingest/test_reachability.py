"""Offline or with dead sources: one summary line, each source's own state, an honest check."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
import yaml
from structlog.testing import capture_logs

from services.cli.main import main
from services.ingest.reachability import (
    ReachabilityDigest,
    looks_unreachable,
    summary_line,
)
from tests.ingest.conftest import INGEST_FIXTURES
from tests.ingest.feedserver import FeedServer, Reply


@pytest.mark.parametrize(
    ("error", "unreachable"),
    [
        ("refused target: cannot resolve 't.me': [Errno -2] Name or service not known", True),
        ("ConnectError: [Errno 111] Connection refused", True),
        ("timed out: ConnectTimeout", True),
        ("no complete answer within 30s", True),
        ("HTTP 404", False),
        ("GDELT answer has no 'articles'", False),
    ],
)
def test_what_counts_as_unreachable(error: str, unreachable: bool) -> None:
    assert looks_unreachable(error) is unreachable


def test_the_summary_line() -> None:
    assert summary_line(38, 45) == "38/45 sources unreachable — no network?"
    assert summary_line(3, 45) == "3/45 sources unreachable"
    assert summary_line(0, 45) is None


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def monotonic(self) -> float:
        return self.now


def test_the_digest_logs_one_line_for_many_failures_and_one_when_back() -> None:
    clock = _Clock()
    digest = ReachabilityDigest(expected=45, clock=clock)
    with capture_logs() as logs:
        for _round in range(3):  # three rounds of polls, every source failing
            for index in range(45):
                digest.record(f"s{index}", unreachable=index < 38)
            clock.now += 60
        for index in range(45):
            digest.record(f"s{index}", unreachable=False)
    events = [(entry["event"], entry.get("summary")) for entry in logs]
    assert events == [
        ("ingest.sources_unreachable", "38/45 sources unreachable — no network?"),
        ("ingest.sources_reachable_again", None),
    ]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed once the block ends: connection refused


def test_sources_check_reports_each_source_live(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    body = (INGEST_FIXTURES / "rss" / "desk_feed.xml").read_bytes()
    with FeedServer({"/feed.xml": Reply(body), "/gone.xml": Reply(b"gone", status=404)}) as server:
        config = tmp_path / "tocsin.yaml"
        config.write_text(
            yaml.safe_dump(
                {
                    "security": {"allow_private_targets": True},
                    "sources": [
                        {"id": "good", "kind": "rss", "url": server.url("/feed.xml")},
                        {"id": "moved", "kind": "rss", "url": server.url("/gone.xml")},
                        {"id": "down", "kind": "rss", "url": f"http://127.0.0.1:{_closed_port()}/feed.xml"},
                        {"id": "off", "kind": "rss", "url": server.url("/feed.xml"), "enabled": False},
                    ],
                }
            )
        )
        code = main(["sources", "check", "--config", str(config)])
    lines = capsys.readouterr().out.splitlines()
    rows = {line.split()[0]: line.split()[2:4] for line in lines[1:-1]}
    assert code == 1
    assert rows == {"good": ["ok", "3"], "moved": ["failing", "0"], "down": ["unreachable", "0"]}
    assert lines[-1] == "1/3 sources answered; 1 failing; 1/3 sources unreachable"
