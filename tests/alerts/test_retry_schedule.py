from __future__ import annotations

import random

from alerts.retry import RetrySchedule, parse_retry_after


class TestRetrySchedule:
    def test_jitter_stays_within_bounds_and_varies(self):
        schedule = RetrySchedule((300.0,), jitter=0.1, rng=random.Random(7))
        delays = {schedule.delay_after(1) for _ in range(50)}
        assert all(270.0 <= d <= 330.0 for d in delays)
        assert len(delays) > 1

    def test_spent_after_the_last_step(self):
        schedule = RetrySchedule((1.0, 2.0))
        assert schedule.delay_after(2) is not None
        assert schedule.delay_after(3) is None

    def test_retry_after_stretches_but_never_shortens(self):
        schedule = RetrySchedule((5.0,), jitter=0.0)
        assert schedule.delay_after(1, retry_after=60.0) == 60.0
        assert schedule.delay_after(1, retry_after=1.0) == 5.0


class TestParseRetryAfter:
    def test_seconds_and_http_dates(self):
        assert parse_retry_after("120", now=0) == 120.0
        assert parse_retry_after("Thu, 01 Jan 1970 00:01:40 GMT", now=40.0) == 60.0

    def test_garbage_is_ignored(self):
        assert parse_retry_after("soon", now=0) is None
        assert parse_retry_after(None, now=0) is None
