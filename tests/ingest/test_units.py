"""Pure pieces of ingest, without I/O: scheduling, watchdog, canonical URLs, text, XML safety."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import pytest

from models import DOCUMENTS
from services.ingest.canonical import canonical_url
from services.ingest.schedule import FAILURE_BACKOFF_CAP, Outcome, next_delay
from services.ingest.status import SourceStatus
from services.ingest.text import html_to_text, normalise_language
from services.ingest.watchdog import Alarm, assess
from services.ingest.xmlsafety import UnsafeXml, assert_safe_xml

T0 = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)


class TestSchedule:
    def test_success_is_jittered_around_the_interval(self) -> None:
        rng = random.Random(1)
        delays = [next_delay(60, Outcome.SUCCESS, rng=rng) for _ in range(200)]
        assert 54 <= min(delays) < max(delays) <= 66
        assert len({round(d, 3) for d in delays}) > 100

    def test_failures_back_off_exponentially_up_to_the_cap(self) -> None:
        rng = random.Random(2)
        delays = [next_delay(60, Outcome.SOURCE_FAILED, failures=n, rng=rng) for n in range(1, 12)]
        assert 54 <= delays[0] <= 66 and 108 <= delays[1] <= 132 and 216 <= delays[2] <= 264
        assert max(delays) <= FAILURE_BACKOFF_CAP * 1.1 and delays[-1] >= FAILURE_BACKOFF_CAP * 0.9

    def test_retry_after_wins_when_longer(self) -> None:
        assert next_delay(60, Outcome.SOURCE_FAILED, 1, retry_after=900, rng=random.Random(3)) == 900
        assert next_delay(60, Outcome.SOURCE_FAILED, 1, retry_after=5, rng=random.Random(3)) >= 54

    def test_broker_failures_retry_soon(self) -> None:
        rng = random.Random(4)
        assert next_delay(600, Outcome.BROKER_FAILED, 1, rng=rng) <= 1.1
        assert next_delay(600, Outcome.BROKER_FAILED, 4, rng=rng) <= 8.8
        assert next_delay(30, Outcome.BROKER_FAILED, 20, rng=rng) <= 33


class TestWatchdog:
    def test_failing_fires_once_per_episode_and_recovers(self) -> None:
        status = SourceStatus("s", "rss", consecutive_failures=5)
        verdict = assess(status, T0, None, T0, failure_threshold=5)
        assert verdict.alarm is Alarm.FAILING and verdict.state == "failing"
        again = assess(SourceStatus("s", "rss", consecutive_failures=6, watchdog="failing"), T0, None, T0, 5)
        assert again.alarm is None and again.state == "failing"
        healed = assess(SourceStatus("s", "rss", consecutive_failures=0, watchdog="failing"), T0, None, T0, 5)
        assert healed.alarm is Alarm.RECOVERED and healed.state is None

    def test_silence_longer_than_expected_update(self) -> None:
        quiet = SourceStatus("s", "rss", last_new_item_at=T0)
        assert assess(quiet, T0 + timedelta(minutes=59), 3600, T0).alarm is None
        assert assess(quiet, T0 + timedelta(hours=1), 3600, T0).alarm is Alarm.SILENT
        never = SourceStatus("s", "rss")
        assert assess(never, T0 + timedelta(hours=2), 3600, T0).alarm is Alarm.SILENT
        assert assess(never, T0 + timedelta(hours=2), None, T0).alarm is None


class TestCanonicalUrl:
    @pytest.mark.parametrize(
        ("raw", "canonical"),
        [
            ("https://Example.COM:443/a?utm_source=x&b=2&a=1#frag", "https://example.com/a?a=1&b=2"),
            ("http://example.com:80", "http://example.com/"),
            ("http://example.com:8080/p?fbclid=1&gclid=2", "http://example.com:8080/p"),
            ("https://example.com/p?UTM_Campaign=x&id=7", "https://example.com/p?id=7"),
        ],
    )
    def test_tracking_noise_is_removed(self, raw: str, canonical: str) -> None:
        assert canonical_url(raw) == canonical


class TestMakeDocument:
    def test_a_broken_link_costs_the_url_not_the_item(self) -> None:
        from services.ingest.kinds.documents import make_document

        document = make_document(
            source_id="s", fetched_at=T0, url="http://example.com:notaport/x", fallback_key="guid-1", title="T"
        )
        assert document is not None and document.url is None and document.text == "T"

    def test_giant_bodies_are_cut_to_fit_a_kafka_message(self) -> None:
        from services.ingest.kinds.documents import MAX_TEXT_CHARS, make_document

        document = make_document(source_id="s", fetched_at=T0, url="https://e.example/a", text="é" * 400_000)
        assert document is not None and len(document.text) == MAX_TEXT_CHARS
        assert len(DOCUMENTS.encode(document)) < 1_000_000

    def test_nothing_to_key_by(self) -> None:
        from services.ingest.kinds.documents import make_document

        assert make_document(source_id="s", fetched_at=T0, url="javascript:alert(1)", title="T") is None


class TestText:
    def test_html_becomes_paragraphs(self) -> None:
        markup = "<p>One\n  line</p><script>evil()</script><p>Two &amp; <b>three</b></p><br/>Four"
        assert html_to_text(markup) == "One line\n\nTwo & three\n\nFour"

    def test_pre_keeps_line_breaks(self) -> None:
        assert html_to_text("<pre>a\nb</pre>") == "a\nb"

    @pytest.mark.parametrize("markup", ["<![0", "<p>kept</p><![0 rest", "<p>kept</p><![if x]>"])
    def test_a_malformed_declaration_is_skipped_not_raised(self, markup: str) -> None:
        # The standard library's HTMLParser raises AssertionError on "<![0" (found by the fuzzer).
        from services.ingest.kinds.telegram import parse_channel_page

        assert parse_channel_page(markup) == []
        text = html_to_text(markup)
        assert "kept" in text or markup == "<![0"

    def test_language_codes(self) -> None:
        assert normalise_language("en-US") == "en"
        assert normalise_language("pt_BR") == "pt"
        assert normalise_language("English") is None
        assert normalise_language(None) is None


class TestXmlSafety:
    def test_plain_feeds_pass(self) -> None:
        assert_safe_xml(b'<?xml version="1.0"?><!DOCTYPE rss SYSTEM "x.dtd"><rss/>')

    @pytest.mark.parametrize(
        "body",
        [
            b'<!DOCTYPE r [<!ENTITY a "aaaa">]><r>&a;</r>',
            b"<!doctype r [ <!-- internal subset --> ]><r/>",
            '<!DOCTYPE r [<!ENTITY a "b">]><r/>'.encode("utf-16"),
        ],
    )
    def test_entity_declarations_are_refused(self, body: bytes) -> None:
        with pytest.raises(UnsafeXml):
            assert_safe_xml(body)
