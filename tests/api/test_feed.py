"""The live feed without HTTP: tenant filtering, created vs updated, coalescing, forgetting."""

from __future__ import annotations

import time

from alerts.intake import record_signal
from models import Subscription
from services.api.alert_view import decode_cursor, split_alert_id
from services.api.feed import AlertFeed
from services.platform.storage import open_database
from tests.api.live import make_signal


def _subscription(ident: str, tenant: str) -> Subscription:
    return Subscription.model_validate({"id": ident, "tenant": tenant, "group_interval": 0})


class TestAlertFeed:
    async def test_each_tenant_hears_only_its_own(self, tmp_path):
        db = open_database(f"sqlite+aiosqlite:///{tmp_path / 'feed.db'}")
        await db.create_schema()
        subs = {"a-sub": _subscription("a-sub", "a"), "b-sub": _subscription("b-sub", "b")}
        feed = AlertFeed(db, lambda ident: subs[ident].tenant if ident in subs else None, time.time)
        try:
            a, b = feed.listen("a"), feed.listen("b")
            await record_signal(db, [subs["a-sub"]], make_signal(1), time.time())
            assert await feed.poll_once() == 1
            assert a.queue.get_nowait()["type"] == "alert.created" and b.queue.empty()

            await record_signal(db, [subs["a-sub"]], make_signal(2, source_id="other-feed"), time.time())
            await record_signal(db, [subs["b-sub"]], make_signal(3), time.time())
            assert await feed.poll_once() == 2
            update = a.queue.get_nowait()
            assert update["type"] == "alert.updated" and update["alert"]["corroboration"] == 2
            assert b.queue.get_nowait()["alert"]["subscription_id"] == "b-sub"
            assert await feed.poll_once() == 0  # nothing new: nothing repeated

            feed.forget(a)
            await record_signal(db, [subs["a-sub"]], make_signal(4, source_id="third-feed"), time.time())
            await feed.poll_once()
            assert a.queue.empty() and feed.listeners == {b}
        finally:
            await db.close()

    async def test_unknown_subscriptions_are_not_broadcast(self, tmp_path):
        db = open_database(f"sqlite+aiosqlite:///{tmp_path / 'feed.db'}")
        await db.create_schema()
        feed = AlertFeed(db, lambda ident: None, time.time)
        try:
            listener = feed.listen("a")
            await record_signal(db, [_subscription("gone", "a")], make_signal(1), time.time())
            await feed.poll_once()
            assert listener.queue.empty()
        finally:
            await db.close()


class TestIds:
    def test_alert_ids_and_cursors_reject_garbage(self):
        assert split_alert_id("grp_abc.sub_1.with.dots") == ("grp_abc", "sub_1.with.dots")
        for bad in ("", "grp_abc", "nogroup.sub", "grp_abc."):
            assert split_alert_id(bad) is None
        for bad in ("", "!!!", "bnVsbA", "WzEsMl0"):  # "", junk, "null", "[1,2]"
            assert decode_cursor(bad) is None
