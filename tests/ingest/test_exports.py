"""The ingest package's public face stays small and deliberate."""

import services.ingest
from services.ingest.kinds import KINDS


def test_exported_members() -> None:
    assert services.ingest.__all__ == ["IngestService", "run_ingest"]


def test_every_kind_named_in_the_issue_is_registered() -> None:
    assert set(KINDS) == {"rss", "atom", "jsonfeed", "mastodon", "bluesky", "reddit", "telegram", "gdelt"}
