"""match → group → throttle/dedup → silence → record, against a real database, clock injected."""

from __future__ import annotations

import json

import jsonschema

from alerts import add_silence
from alerts.intake import flush_due_stories, next_flush_at, record_signal
from alerts.outbox import deliveries
from tests.alerts.factories import detection, signal, subscription
from tests.alerts.test_payload import SCHEMA

T0 = 1_700_000_000.0
HOOK = "http://127.0.0.1:9/hook"


def payload(row) -> dict:
    return json.loads(row.payload)


class TestFirstAndRepeat:
    async def test_first_detection_is_recorded_at_once(self, db):
        sub = subscription("desk", HOOK, patterns=["ultimatum"])
        assert await record_signal(db, [sub], signal(detection()), T0) == 1
        (row,) = await deliveries(db)
        assert (row.status, row.event_type, row.channel, row.next_attempt_at) == (
            "pending",
            "alert.created",
            "webhook",
            T0,
        )
        assert payload(row)["id"] == row.id

    async def test_replayed_signal_is_a_duplicate(self, db):
        sub = subscription("desk", HOOK)
        sig = signal(detection())
        await record_signal(db, [sub], sig, T0)
        assert await record_signal(db, [sub], sig, T0 + 5) == 0
        assert len(await deliveries(db)) == 1

    async def test_unchanged_story_repeats_after_repeat_interval(self, db):
        sub = subscription("desk", HOOK, repeat_interval="1h")
        sig = signal(detection())
        await record_signal(db, [sub], sig, T0)
        assert await record_signal(db, [sub], sig, T0 + 3600) == 1
        rows = await deliveries(db)
        assert [payload(r)["data"]["reason"] for r in rows] == ["new", "repeat"]
        assert rows[0].id != rows[1].id

    async def test_non_matching_subscription_records_nothing(self, db):
        await record_signal(db, [subscription("fr", HOOK, countries=["FR"])], signal(detection()), T0)
        assert await deliveries(db) == []


class TestGrouping:
    async def test_corroboration_becomes_an_update_after_group_interval(self, db):
        sub = subscription("desk", HOOK, group_interval="5m")
        await record_signal(db, [sub], signal(detection(), source_id="a"), T0)
        assert await record_signal(db, [sub], signal(detection(), source_id="b"), T0 + 10) == 0
        assert await next_flush_at(db) == T0 + 300
        assert await flush_due_stories(db, [sub], T0 + 299) == 0
        assert await flush_due_stories(db, [sub], T0 + 300) == 1
        first, update = await deliveries(db)
        assert update.event_type == "alert.updated"
        data = payload(update)["data"]
        assert (data["sequence"], data["reason"], len(data["documents"])) == (2, "update", 2)
        assert await next_flush_at(db) is None

    async def test_positive_group_wait_batches_the_first_notification(self, db):
        sub = subscription("desk", HOOK, group_wait="30s")
        await record_signal(db, [sub], signal(detection(), source_id="a"), T0)
        await record_signal(db, [sub], signal(detection(), source_id="b"), T0 + 20)
        assert await deliveries(db) == []
        assert await flush_due_stories(db, [sub], T0 + 30) == 1
        (row,) = await deliveries(db)
        assert row.event_type == "alert.created"
        assert len(payload(row)["data"]["documents"]) == 2

    async def test_different_actors_are_different_stories(self, db):
        sub = subscription("desk", HOOK)
        await record_signal(
            db, [sub], signal(detection(actor="Maduro"), detection(actor="Putin", countries=("RU",))), T0
        )
        rows = await deliveries(db)
        assert len(rows) == 2 and rows[0].story_id != rows[1].story_id

    async def test_every_channel_gets_its_own_row(self, db):
        sub = subscription("desk", HOOK, channels=["json://127.0.0.1:9/x", "smtp://127.0.0.1:25?to=a@b.c"])
        await record_signal(db, [sub], signal(detection()), T0)
        rows = await deliveries(db)
        assert sorted(r.channel.split(":")[0] for r in rows) == ["apprise", "smtp", "webhook"]
        assert len({r.id for r in rows}) == 3


class TestSeverityFilter:
    async def test_waits_until_the_story_is_severe_enough(self, db):
        """The grade is the stories service's (carried on the signal); the alerter only waits for it."""
        sub = subscription("desk", HOOK, min_severity="urgent")
        for n, source in enumerate(["a", "b"]):
            await record_signal(db, [sub], signal(detection(), source_id=source), T0 + n)
        assert await deliveries(db) == []
        await record_signal(db, [sub], signal(detection(), source_id="c", severity="urgent"), T0 + 2)
        (row,) = await deliveries(db)
        assert (row.severity, row.event_type) == ("urgent", "alert.created")


class TestSilences:
    async def test_silenced_alert_is_recorded_not_queued(self, db):
        sub = subscription("desk", HOOK)
        await add_silence(db, starts_at=T0 - 1, ends_at=T0 + 60, pattern="ultimatum", country="ve", comment="drill")
        await record_signal(db, [sub], signal(detection()), T0)
        (row,) = await deliveries(db)
        assert row.status == "silenced" and row.next_attempt_at is None
        assert "silenced by sil_" in row.last_error

    async def test_silence_on_another_actor_or_expired_does_not_apply(self, db):
        sub = subscription("desk", HOOK)
        await add_silence(db, starts_at=T0 - 1, ends_at=T0 + 60, actor="Vladimir Putin")
        await add_silence(db, starts_at=T0 - 100, ends_at=T0 - 1, subscription_id="desk")
        await record_signal(db, [sub], signal(detection()), T0)
        (row,) = await deliveries(db)
        assert row.status == "pending"


class TestUpstreamStoriesAndRules:
    async def test_the_stories_service_story_id_decides_the_group(self, db):
        sub = subscription("desk", HOOK, group_interval=0)
        opened = signal(detection(actor="Nicolás Maduro"), source_id="a").model_copy(
            update={"story_id": "story_up_1", "type": "story.opened"}
        )
        updated = signal(detection(actor="Maduro"), source_id="b").model_copy(
            update={"story_id": "story_up_1", "type": "story.updated"}
        )
        await record_signal(db, [sub], opened, T0)
        await record_signal(db, [sub], updated, T0 + 1)
        rows = await deliveries(db)
        assert [r.event_type for r in rows] == ["alert.created", "alert.updated"]
        assert {r.story_id for r in rows} == {"story_up_1"}

    async def test_rule_firing_is_carried_in_the_payload(self, db):
        from models.signal import RuleFiring

        firing = RuleFiring(id="surge-ve", kind="surge", description="VE ultimatums surge", count=7, previous=1)
        sig = signal(detection()).model_copy(update={"type": "rule.fired", "rule": firing})
        await record_signal(db, [subscription("desk", HOOK)], sig, T0)
        (row,) = await deliveries(db)
        jsonschema.validate(payload(row), SCHEMA)
        rule = payload(row)["data"]["rule"]
        assert (rule["id"], rule["count"], rule["previous"]) == ("surge-ve", 7, 1)
