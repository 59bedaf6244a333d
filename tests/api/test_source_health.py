"""The sources page never shows "ok" beside a stale error, and offline reads as unreachable."""

from __future__ import annotations

from datetime import UTC, datetime

from services.api.routes.sources import status_out
from services.ingest.status import SourceStatus

NOW = datetime(2026, 12, 6, 3, 0, tzinfo=UTC)


def test_a_recovered_source_is_ok_with_no_current_error() -> None:
    recovered = SourceStatus(
        "bbc", "rss", last_success_at=NOW, last_error_at=NOW, last_error="HTTP 500", consecutive_failures=0
    )
    out = status_out(recovered)
    assert (out.health, out.error, out.last_error) == ("ok", None, "HTTP 500")


def test_an_unreachable_host_is_told_apart_from_a_failing_source() -> None:
    offline = SourceStatus(
        "bbc", "rss", last_error="FetchError: refused target: cannot resolve 'feeds.bbci.co.uk'", consecutive_failures=3
    )
    broken = SourceStatus("bbc", "rss", last_error="FetchError: HTTP 404", consecutive_failures=3)
    assert (status_out(offline).health, status_out(broken).health) == ("unreachable", "failing")
    assert status_out(broken).error == "FetchError: HTTP 404"


def test_never_polled_is_unknown() -> None:
    assert status_out(None).health == "unknown" and status_out(None).error is None
